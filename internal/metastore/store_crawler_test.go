package metastore

import (
	"errors"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/crawler"
)

func crawlTable(name string) *catalog.Table {
	return &catalog.Table{Database: "db", Name: name, TableType: catalog.ExternalTable, Location: "s3://bkt/" + name + "/",
		Columns:       []catalog.Column{{Name: "a", Type: catalog.TypeInt}},
		PartitionKeys: []catalog.Column{{Name: "partition_0", Type: catalog.TypeString}},
		Storage:       catalog.StorageFor(catalog.FormatJSON)}
}

// TestCommitCrawl checks that a crawl's changes and the crawler's new
// state are applied together, or not at all.
func TestCommitCrawl(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	c := crawler.NewCrawler("c", "db", "s3://bkt/")
	if err := db.CreateCrawler(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCrawler(ctx, c); !errors.Is(err, crawler.ErrCrawlerExists) {
		t.Errorf("second create: %v", err)
	}
	finish := func(c *crawler.Crawler) error {
		c.LastCrawl = &crawler.LastCrawl{Status: crawler.StatusSucceeded}
		c.Folders = []string{"s3://bkt/t1/x/"}
		return nil
	}
	// The second table's partitions name a table that does not exist:
	// nothing of the crawl may remain, not even the database.
	bad := &crawler.Changes{
		Database:      &catalog.Database{Name: "db"},
		CreateTables:  []*catalog.Table{crawlTable("t1")},
		AddPartitions: []*crawler.PartitionAdd{{Database: "db", Table: "nope", Partitions: []*catalog.Partition{{Values: []string{"x"}}}}},
	}
	if err := db.CommitCrawl(ctx, "c", bad, finish); err == nil {
		t.Fatal("a crawl adding partitions to a missing table committed")
	}
	if _, err := db.GetDatabase(ctx, "db"); !errors.Is(err, catalog.ErrDatabaseNotFound) {
		t.Errorf("after a failed commit the database exists: %v", err)
	}
	got, err := db.GetCrawler(ctx, "c")
	if err != nil || got.LastCrawl != nil || len(got.Folders) != 0 {
		t.Errorf("after a failed commit the crawler changed: %+v, %v", got, err)
	}

	good := &crawler.Changes{
		Database:      &catalog.Database{Name: "db"},
		CreateTables:  []*catalog.Table{crawlTable("t1"), crawlTable("t2")},
		AddPartitions: []*crawler.PartitionAdd{{Database: "db", Table: "t1", Partitions: []*catalog.Partition{{Values: []string{"x"}, Location: "s3://bkt/t1/x/"}}}},
	}
	if err := db.CommitCrawl(ctx, "c", good, finish); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetCrawler(ctx, "c")
	if got.LastCrawl == nil || len(got.Folders) != 1 {
		t.Errorf("crawler after the commit: %+v", got)
	}
	parts, err := db.ListPartitions(ctx, "db", "t1")
	if err != nil || len(parts) != 1 {
		t.Errorf("partitions of t1: %v, %v", parts, err)
	}
	// Redefining a table with DropAllPartitions, dropping another.
	t1 := crawlTable("t1")
	t1.PartitionKeys = append(t1.PartitionKeys, catalog.Column{Name: "partition_1", Type: catalog.TypeString})
	next := &crawler.Changes{
		UpdateTables: []*crawler.TableUpdate{{Table: t1, DropAllPartitions: true}},
		DropTables:   []*catalog.Table{crawlTable("t2")},
	}
	if err := db.CommitCrawl(ctx, "c", next, func(*crawler.Crawler) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if parts, _ := db.ListPartitions(ctx, "db", "t1"); len(parts) != 0 {
		t.Errorf("partitions left after DropAllPartitions: %v", parts)
	}
	if _, err := db.GetTable(ctx, "db", "t2"); !errors.Is(err, catalog.ErrTableNotFound) {
		t.Errorf("t2 after DropTables: %v", err)
	}
	if err := db.DeleteCrawler(ctx, "c", func(*crawler.Crawler) error { return crawler.ErrCrawlerRunning }); !errors.Is(err, crawler.ErrCrawlerRunning) {
		t.Errorf("refused delete: %v", err)
	}
	if err := db.DeleteCrawler(ctx, "c", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetCrawler(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}
