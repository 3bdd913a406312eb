package crawler

import (
	"context"

	"github.com/weirdata/weir/internal/catalog"
)

// Store keeps crawlers durably and applies a crawl's outcome. Methods
// return copies. internal/metastore implements it.
type Store interface {
	// CreateCrawler adds a crawler or fails with ErrCrawlerExists.
	CreateCrawler(ctx context.Context, c *Crawler) error
	// GetCrawler returns a crawler or ErrCrawlerNotFound.
	GetCrawler(ctx context.Context, name string) (*Crawler, error)
	// ListCrawlers returns all crawlers sorted by name.
	ListCrawlers(ctx context.Context) ([]*Crawler, error)
	// UpdateCrawler reads a crawler, lets fn change it and writes it back
	// in one transaction; an error from fn changes nothing.
	UpdateCrawler(ctx context.Context, name string, fn func(c *Crawler) error) error
	// DeleteCrawler removes a crawler; fn, if not nil, may refuse first
	// (inside the same transaction).
	DeleteCrawler(ctx context.Context, name string, fn func(c *Crawler) error) error
	// CommitCrawl applies a crawl's catalog changes and then fn's change to
	// the crawler in one transaction: all of it or, on error, none of it.
	CommitCrawl(ctx context.Context, name string, ch *Changes, fn func(c *Crawler) error) error
}

// Changes are the catalog changes of one crawl, applied in this order:
// create the database if missing, create tables, update tables (dropping
// all their partitions first when DropAllPartitions), drop partitions,
// add partitions, update partitions, drop tables.
type Changes struct {
	Database         *catalog.Database // created if it does not exist
	CreateTables     []*catalog.Table
	UpdateTables     []*TableUpdate
	DropPartitions   []*PartitionDrop
	AddPartitions    []*PartitionAdd
	UpdatePartitions []*PartitionAdd
	DropTables       []*catalog.Table
}

// TableUpdate replaces a table's definition.
type TableUpdate struct {
	Table *catalog.Table
	// DropAllPartitions removes the table's partitions first (its
	// partition keys changed).
	DropAllPartitions bool
}

// PartitionAdd adds (or updates) partitions of one table.
type PartitionAdd struct {
	Database, Table string
	Partitions      []*catalog.Partition
}

// PartitionDrop removes partitions of one table by their values.
type PartitionDrop struct {
	Database, Table string
	Values          [][]string
}

// Empty reports whether the changes change nothing.
func (ch *Changes) Empty() bool {
	return len(ch.CreateTables) == 0 && len(ch.UpdateTables) == 0 && len(ch.DropPartitions) == 0 &&
		len(ch.AddPartitions) == 0 && len(ch.UpdatePartitions) == 0 && len(ch.DropTables) == 0
}
