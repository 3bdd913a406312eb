package crawler_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/lake/fsbucket"
	"github.com/weirdata/weir/internal/metastore"
)

type env struct {
	t    *testing.T
	svc  *crawler.Service
	db   *metastore.DB
	lake *fsbucket.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := metastore.Open(ctx, filepath.Join(dir, "weir.db"), metastore.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ls, err := fsbucket.Open(filepath.Join(dir, "lake"))
	if err != nil {
		t.Fatal(err)
	}
	opts := crawler.DefaultOptions()
	opts.Store, opts.Catalog, opts.Lake = db, db, ls
	opts.StopPoll = 5 * time.Millisecond
	svc, err := crawler.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, svc: svc, db: db, lake: ls}
}

// put writes objects: "s3://bucket/key" → content (".gz" keys are
// compressed).
func (e *env) put(files map[string]string) {
	e.t.Helper()
	ctx := context.Background()
	for uri, content := range files {
		u, err := lake.ParseURI(uri)
		if err != nil {
			e.t.Fatal(err)
		}
		b, err := e.lake.Bucket(ctx, u.Bucket)
		if errors.Is(err, lake.ErrBucketNotExist) {
			b, err = e.lake.CreateBucket(ctx, u.Bucket)
		}
		if err != nil {
			e.t.Fatal(err)
		}
		data := []byte(content)
		if strings.HasSuffix(u.Key, ".gz") {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(data)
			zw.Close()
			data = buf.Bytes()
		}
		if _, err := b.Put(ctx, u.Key, bytes.NewReader(data)); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) remove(uris ...string) {
	e.t.Helper()
	for _, uri := range uris {
		u, _ := lake.ParseURI(uri)
		b, err := e.lake.Bucket(context.Background(), u.Bucket)
		if err != nil {
			e.t.Fatal(err)
		}
		if err := b.Delete(context.Background(), u.Key); err != nil {
			e.t.Fatal(err)
		}
	}
}

// crawl creates the crawler if needed and runs it, failing the test unless
// the crawl succeeds.
func (e *env) crawl(c *crawler.Crawler) *crawler.LastCrawl {
	e.t.Helper()
	lc := e.run(c)
	if lc.Status != crawler.StatusSucceeded {
		e.t.Fatalf("crawl %s: %s %s", c.Name, lc.Status, lc.ErrorMessage)
	}
	return lc
}

func (e *env) run(c *crawler.Crawler) *crawler.LastCrawl {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.svc.Get(ctx, c.Name); err != nil {
		if err := e.svc.Create(ctx, c); err != nil {
			e.t.Fatal(err)
		}
	}
	got, err := e.svc.Run(ctx, c.Name)
	if err != nil {
		e.t.Fatal(err)
	}
	if got.State != crawler.StateReady || got.LastCrawl == nil {
		e.t.Fatalf("after the crawl: state %s, last crawl %v", got.State, got.LastCrawl)
	}
	return got.LastCrawl
}

func (e *env) table(db, name string) *catalog.Table {
	e.t.Helper()
	t, err := e.db.GetTable(context.Background(), db, name)
	if err != nil {
		e.t.Fatalf("%v (tables: %s)", err, e.tables(db))
	}
	return t
}

func (e *env) tables(db string) string {
	list, _ := e.db.ListTables(context.Background(), db)
	var names []string
	for _, t := range list {
		names = append(names, t.Name)
	}
	return strings.Join(names, ",")
}

func (e *env) partitions(db, table string) []string {
	e.t.Helper()
	parts, err := e.db.ListPartitions(context.Background(), db, table)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, p := range parts {
		s := strings.Join(p.Values, "/")
		if p.Parameters[crawler.ParamDeprecatedByCrawler] != "" {
			s += " (deprecated)"
		}
		out = append(out, s)
	}
	return out
}

// schema renders columns as "name type, ..." and partition keys after "|".
func schema(t *catalog.Table) string {
	var cols []string
	for _, c := range t.Columns {
		cols = append(cols, c.Name+" "+c.Type.String())
	}
	s := strings.Join(cols, ", ")
	if len(t.PartitionKeys) > 0 {
		var keys []string
		for _, k := range t.PartitionKeys {
			keys = append(keys, k.Name)
		}
		s += " | " + strings.Join(keys, ", ")
	}
	return s
}

func jsonLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestFirehoseArrivalFolders(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://traffic-raw/2020/05/12/09/traffic-1-2020-05-12-09-00-00-0001": jsonLines(
			`{"uniqueId":"3001","currentSpeed":87,"recordTimestamp":"2020-05-12T09:00:31Z","location":{"lat":51.2,"road":"E19"},"lanes":[1,2]}`,
			`{"uniqueId":"3002","currentSpeed":64,"recordTimestamp":"2020-05-12T09:00:33Z","location":{"lat":51.3,"road":"E40"},"lanes":[]}`),
		"s3://traffic-raw/2020/05/12/10/traffic-1-2020-05-12-10-00-00-0001": jsonLines(
			`{"uniqueId":"3001","currentSpeed":91,"recordTimestamp":"2020-05-12T10:00:31Z","location":{"lat":51,"road":"E19"},"lanes":[3]}`),
		"s3://traffic-raw/2020/05/12/10/_SUCCESS":  "",
		"s3://traffic-raw/_weir_staging/x/part-0":  "not data",
		"s3://traffic-raw/.hidden/notes.txt":       "notes",
		"s3://traffic-raw/2020/05/13/00/.partial":  "{",
		"s3://traffic-raw/2020/05/13/00/traffic-1": jsonLines(`{"uniqueId":"3003","currentSpeed":5000000000,"recordTimestamp":"x","location":null,"lanes":[1]}`),
	})
	lc := e.crawl(crawler.NewCrawler("traffic", "traffic", "s3://traffic-raw/"))
	if lc.TablesCreated != 1 || lc.PartitionsAdded != 3 {
		t.Errorf("summary = %+v, want 1 table and 3 partitions", lc.Summary)
	}
	tb := e.table("traffic", "traffic_raw")
	want := "uniqueid string, currentspeed bigint, recordtimestamp string, location struct<lat:double,road:string>, lanes array<int> | partition_0, partition_1, partition_2, partition_3"
	if got := schema(tb); got != want {
		t.Errorf("schema:\n got %s\nwant %s", got, want)
	}
	if tb.Storage.SerDe != catalog.SerDeOpenXJSON || tb.Storage.SerDeParameters["paths"] != "currentSpeed,lanes,location,recordTimestamp,uniqueId" {
		t.Errorf("storage = %+v", tb.Storage)
	}
	for k, v := range map[string]string{"classification": "json", "compressionType": "none", "typeOfData": "file", "objectCount": "3",
		"recordCount": "4", crawler.ParamUpdatedByCrawler: "traffic", "CrawlerSchemaSerializerVersion": "1.0"} {
		if tb.Parameters[k] != v {
			t.Errorf("parameter %s = %q, want %q", k, tb.Parameters[k], v)
		}
	}
	if got := strings.Join(e.partitions("traffic", "traffic_raw"), " "); got != "2020/05/12/09 2020/05/12/10 2020/05/13/00" {
		t.Errorf("partitions = %s", got)
	}
	parts, _ := e.db.ListPartitions(context.Background(), "traffic", "traffic_raw")
	if parts[0].Location != "s3://traffic-raw/2020/05/12/09/" {
		t.Errorf("partition location = %s", parts[0].Location)
	}
}

func TestHiveStyleFolders(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://lake/sales/year=2020/month=05/a.json": jsonLines(`{"id":1,"amount":2.5}`),
		"s3://lake/sales/year=2020/month=06/a.json": jsonLines(`{"id":2,"amount":3}`),
		"s3://lake/sales/year=2021/month=01/a.json": jsonLines(`{"id":3,"amount":1}`),
	})
	c := crawler.NewCrawler("sales", "shop", "s3://lake/sales/")
	c.TablePrefix = "raw_"
	e.crawl(c)
	tb := e.table("shop", "raw_sales")
	if got, want := schema(tb), "id int, amount double | year, month"; got != want {
		t.Errorf("schema = %s, want %s", got, want)
	}
	if got := strings.Join(e.partitions("shop", "raw_sales"), " "); got != "2020/05 2020/06 2021/01" {
		t.Errorf("partitions = %s", got)
	}
}

func TestMixedSchemas(t *testing.T) {
	files := map[string]string{
		"s3://lake/data/year=2017/a.json": jsonLines(`{"A":1,"B":2}`),
		"s3://lake/data/year=2018/a.json": jsonLines(`{"C":3,"D":4}`),
	}
	t.Run("separate tables", func(t *testing.T) {
		e := newEnv(t)
		e.put(files)
		e.crawl(crawler.NewCrawler("c", "db", "s3://lake/data/"))
		if got := e.tables("db"); got != "year_2017,year_2018" {
			t.Fatalf("tables = %s", got)
		}
		if got := schema(e.table("db", "year_2018")); got != "c int, d int" {
			t.Errorf("year_2018 = %s", got)
		}
	})
	t.Run("combine compatible", func(t *testing.T) {
		e := newEnv(t)
		e.put(files)
		c := crawler.NewCrawler("c", "db", "s3://lake/data/")
		c.Grouping.TableGroupingPolicy = crawler.CombineCompatibleSchemas
		e.crawl(c)
		if got := schema(e.table("db", "data")); got != "a int, b int, c int, d int | year" {
			t.Errorf("data = %s", got)
		}
	})
	t.Run("different formats", func(t *testing.T) {
		e := newEnv(t)
		e.put(map[string]string{
			"s3://lake/data/events/a.json":  jsonLines(`{"A":1,"B":2}`),
			"s3://lake/data/people/a.csv":   "name,age\nann,31\nbob,42\n",
			"s3://lake/data/people/b.csv":   "name,age\ncid,29\n",
			"s3://lake/data/people/c.csv.x": "",
		})
		c := crawler.NewCrawler("c", "db", "s3://lake/data/")
		c.Grouping.TableGroupingPolicy = crawler.CombineCompatibleSchemas
		lc := e.crawl(c)
		if got := e.tables("db"); got != "events,people" {
			t.Fatalf("tables = %s", got)
		}
		if got := schema(e.table("db", "people")); got != "name string, age bigint" {
			t.Errorf("people = %s", got)
		}
		if !hasWarning(lc, "c.csv.x is empty") {
			t.Errorf("no warning about the empty file: %q", lc.Warnings)
		}
	})
}

func hasWarning(lc *crawler.LastCrawl, s string) bool {
	for _, w := range lc.Warnings {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

func TestTableLevel(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://lake/mydataset/2020/05/12/09/a.json": jsonLines(`{"a":1}`),
		"s3://lake/mydataset/2020/05/13/10/a.json": jsonLines(`{"b":"x"}`),
		"s3://lake/mydataset/2020/06/01/00/a.json": jsonLines(`{"a":2}`),
	})
	c := crawler.NewCrawler("c", "db", "s3://lake/mydataset/")
	c.Grouping.TableLevelConfiguration = 3
	e.crawl(c)
	if got := e.tables("db"); got != "05,06" {
		t.Fatalf("tables = %s", got)
	}
	if got := schema(e.table("db", "05")); got != "a int, b string | partition_0, partition_1" {
		t.Errorf("05 = %s", got)
	}
}

func TestCSVVariants(t *testing.T) {
	tests := []struct {
		name, key, content string
		schema             string
		serde              string
		delim, header      string
	}{
		{"comma with header", "a.csv", "id,name,price,when\n1,apple,1.5,2020-05-12\n2,pear,2,2020-05-13\n",
			"id bigint, name string, price double, when string", catalog.SerDeLazySimple, ",", "1"},
		{"no header", "a.csv", "1,apple,1.5\n2,pear,2\n",
			"col0 bigint, col1 string, col2 double", catalog.SerDeLazySimple, ",", ""},
		{"all strings: no header detected", "a.csv", "name,city\nann,paris\n",
			"col0 string, col1 string", catalog.SerDeLazySimple, ",", ""},
		{"tab", "a.tsv", "Row ID\tStock.Fin.Total\n1\t2.5\n2\t3\n",
			"row id bigint, stock.fin.total double", catalog.SerDeLazySimple, "\t", "1"},
		{"pipe", "a.txt", "a|b|c\n1|x|true\n2|y|false\n",
			"a bigint, b string, c boolean", catalog.SerDeLazySimple, "|", "1"},
		{"semicolon", "a.csv", "a;b\n1,5;7\n2,5;8\n",
			"a string, b bigint", catalog.SerDeLazySimple, ";", "1"},
		{"quoted", "a.csv", "id,comment\n1,\"hello, world\"\n2,\"say \"\"hi\"\"\"\n",
			"id bigint, comment string", catalog.SerDeOpenCSV, ",", "1"},
		{"gzip", "a.csv.gz", "id,v\n1,2\n3,4\n",
			"id bigint, v bigint", catalog.SerDeLazySimple, ",", "1"},
		{"crlf and trailing delimiter", "a.csv", "id,v,\r\n1,2,\r\n3,4,\r\n",
			"id bigint, v bigint, col2 string", catalog.SerDeLazySimple, ",", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.put(map[string]string{"s3://lake/t/" + tt.key: tt.content})
			e.crawl(crawler.NewCrawler("c", "db", "s3://lake/t/"))
			tb := e.table("db", "t")
			if got := schema(tb); got != tt.schema {
				t.Errorf("schema = %s, want %s", got, tt.schema)
			}
			if tb.Storage.SerDe != tt.serde {
				t.Errorf("serde = %s, want %s", tb.Storage.SerDe, tt.serde)
			}
			if tb.Parameters["delimiter"] != tt.delim || tb.Parameters["skip.header.line.count"] != tt.header {
				t.Errorf("parameters = %v", tb.Parameters)
			}
			if strings.HasSuffix(tt.key, ".gz") && tb.Parameters["compressionType"] != "gzip" {
				t.Errorf("compressionType = %q", tb.Parameters["compressionType"])
			}
		})
	}
}

func TestGzipJSONAndRichTypes(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://lake/ev/a.json.gz": jsonLines(`{"at":"2020-05-12 09:00:00","day":"2020-05-12","iso":"2020-05-12T09:00:00.123Z","n":1}`),
	})
	c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
	c.InferTypes = crawler.TypesRich
	e.crawl(c)
	tb := e.table("db", "ev")
	if got, want := schema(tb), "at timestamp, day date, iso timestamp, n int"; got != want {
		t.Errorf("schema = %s, want %s", got, want)
	}
	if tb.Parameters["compressionType"] != "gzip" {
		t.Errorf("compressionType = %q", tb.Parameters["compressionType"])
	}
}

func TestEmptyAndCorruptFiles(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://lake/t/good.json":       jsonLines(`{"a":1}`, `{"a":2}`),
		"s3://lake/t/empty.json":      "",
		"s3://lake/t/bad.parquet":     "PAR1 this is no parquet",
		"s3://lake/t/zz.bz2":          "BZh9",
		"s3://lake/t/zzz-binary":      "\x00\x01\x02\x03",
		"s3://lake/other/only-empty":  "",
		"s3://lake/t2/broken.json":    jsonLines(`{"a":1}`, `{"a":`, `{"a":3}`),
		"s3://lake/t3/binary.jsonish": "\x00\x00",
	})
	// zz.json.gz would be compressed by put; store it raw instead.
	b, _ := e.lake.Bucket(context.Background(), "lake")
	b.Put(context.Background(), "t4/zz.json.gz", strings.NewReader("plain text, not gzip"))

	c := crawler.NewCrawler("c", "db", "s3://lake/t/", "s3://lake/other/", "s3://lake/t2/", "s3://lake/t3/", "s3://lake/t4/")
	lc := e.crawl(c)
	if got := e.tables("db"); got != "t,t2" {
		t.Fatalf("tables = %s", got)
	}
	for _, w := range []string{"empty.json is empty", "bad.parquet: corrupt Parquet file", "zz.json.gz has a .gz name but is not gzip data",
		"zz.bz2 is bzip2-compressed", "zzz-binary is not Parquet, JSON lines or delimited text", "broken.json line 2: malformed JSON",
		"s3://lake/t3/: none of its sampled files could be read"} {
		if !hasWarning(lc, w) {
			t.Errorf("no warning %q in:\n%s", w, strings.Join(lc.Warnings, "\n"))
		}
	}
}

func TestSchemaDriftBetweenPartitions(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{
		"s3://lake/m/dt=1/a.json": jsonLines(`{"id":1,"v":1,"s":{"x":1}}`),
		"s3://lake/m/dt=2/a.json": jsonLines(`{"id":2,"v":3000000000,"s":{"x":2,"y":"b"}}`),
		"s3://lake/m/dt=3/a.json": jsonLines(`{"id":3,"v":1.5,"extra":true}`),
		"s3://lake/m/dt=4/a.json": jsonLines(`{"id":"4","v":2}`),
	})
	e.crawl(crawler.NewCrawler("c", "db", "s3://lake/m/"))
	if got, want := schema(e.table("db", "m")), "id string, v double, s struct<x:int,y:string>, extra boolean | dt"; got != want {
		t.Errorf("schema = %s, want %s", got, want)
	}
}

func TestRecrawl(t *testing.T) {
	day := func(d int) string { return fmt.Sprintf("s3://lake/ev/2020/05/%02d/a.json", d) }
	setup := func(t *testing.T) *env {
		e := newEnv(t)
		e.put(map[string]string{day(1): jsonLines(`{"a":1}`), day(2): jsonLines(`{"a":2}`)})
		return e
	}
	t.Run("new partitions and a new column", func(t *testing.T) {
		e := setup(t)
		c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
		e.crawl(c)
		e.put(map[string]string{day(3): jsonLines(`{"a":3,"b":"x"}`)})
		lc := e.crawl(c)
		if lc.TablesCreated != 0 || lc.TablesUpdated != 1 || lc.PartitionsAdded != 1 {
			t.Errorf("summary = %+v", lc.Summary)
		}
		if got := schema(e.table("db", "ev")); got != "a int, b string | partition_0, partition_1, partition_2" {
			t.Errorf("schema = %s", got)
		}
		lc = e.crawl(c)
		if lc.Summary != (crawler.Summary{}) {
			t.Errorf("a crawl with nothing new changed %+v", lc.Summary)
		}
	})
	t.Run("schema change policy LOG", func(t *testing.T) {
		e := setup(t)
		c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
		c.SchemaChangePolicy.UpdateBehavior = crawler.Log
		e.crawl(c)
		e.put(map[string]string{day(3): jsonLines(`{"a":3,"b":"x"}`)})
		lc := e.crawl(c)
		if lc.PartitionsAdded != 1 || lc.TablesUpdated != 0 || !hasWarning(lc, "new column b string") {
			t.Errorf("summary = %+v, warnings %q", lc.Summary, lc.Warnings)
		}
		if got := schema(e.table("db", "ev")); got != "a int | partition_0, partition_1, partition_2" {
			t.Errorf("schema = %s", got)
		}
	})
	for _, tt := range []struct {
		behavior, want string
		removed        int
	}{
		{crawler.DeleteFromDatabase, "2020/05/02", 1},
		{crawler.DeprecateInDatabase, "2020/05/01 (deprecated) 2020/05/02", 0},
		{crawler.Log, "2020/05/01 2020/05/02", 0},
	} {
		t.Run("deleted partition "+tt.behavior, func(t *testing.T) {
			e := setup(t)
			c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
			c.SchemaChangePolicy.DeleteBehavior = tt.behavior
			e.crawl(c)
			e.remove(day(1))
			lc := e.crawl(c)
			if got := strings.Join(e.partitions("db", "ev"), " "); got != tt.want {
				t.Errorf("partitions = %s, want %s", got, tt.want)
			}
			if lc.PartitionsRemoved != tt.removed {
				t.Errorf("summary = %+v", lc.Summary)
			}
			// The folder comes back: the partition is whole again.
			e.put(map[string]string{day(1): jsonLines(`{"a":1}`)})
			e.crawl(c)
			if got := strings.Join(e.partitions("db", "ev"), " "); !strings.Contains(got, "2020/05/01") || strings.Contains(got, "deprecated") {
				t.Errorf("partitions after the folder returned = %s", got)
			}
		})
	}
	t.Run("deleted table", func(t *testing.T) {
		e := setup(t)
		c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
		c.SchemaChangePolicy.DeleteBehavior = crawler.DeleteFromDatabase
		e.crawl(c)
		e.remove(day(1), day(2))
		lc := e.crawl(c)
		if lc.TablesDeleted != 1 || e.tables("db") != "" {
			t.Errorf("summary = %+v, tables %s", lc.Summary, e.tables("db"))
		}
	})
	t.Run("new folders only", func(t *testing.T) {
		e := setup(t)
		c := crawler.NewCrawler("c", "db", "s3://lake/ev/")
		c.RecrawlPolicy.RecrawlBehavior = crawler.CrawlNewFoldersOnly
		e.crawl(c)
		// A changed old folder is not read again; deleted ones are ignored.
		e.put(map[string]string{day(1): jsonLines(`{"z":1}`), day(3): jsonLines(`{"a":3}`), day(4): jsonLines(`{"q":"other","r":1}`)})
		e.remove(day(2))
		lc := e.crawl(c)
		if lc.PartitionsAdded != 1 || lc.TablesUpdated != 0 || lc.PartitionsRemoved != 0 {
			t.Errorf("summary = %+v", lc.Summary)
		}
		if !hasWarning(lc, "schema differs too much") {
			t.Errorf("warnings = %q", lc.Warnings)
		}
		if got := strings.Join(e.partitions("db", "ev"), " "); got != "2020/05/01 2020/05/02 2020/05/03" {
			t.Errorf("partitions = %s", got)
		}
		if got := schema(e.table("db", "ev")); got != "a int | partition_0, partition_1, partition_2" {
			t.Errorf("schema = %s", got)
		}
	})
}

func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.put(map[string]string{"s3://lake/t/a.json": jsonLines(`{"a":1}`)})
	c := crawler.NewCrawler("c", "db", "s3://lake/t/")
	if err := e.svc.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Create(ctx, c); !errors.Is(err, crawler.ErrCrawlerExists) {
		t.Errorf("second create: %v", err)
	}
	if err := e.svc.Stop(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerNotRunning) {
		t.Errorf("stop of a ready crawler: %v", err)
	}
	got, err := e.svc.Start(ctx, "c")
	if err != nil || got.State != crawler.StateRunning {
		t.Fatalf("start: %v, %v", got, err)
	}
	if _, err := e.svc.Start(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerRunning) || !strings.Contains(err.Error(), "CrawlerRunningException") {
		t.Errorf("second start: %v", err)
	}
	if err := e.svc.Update(ctx, "c", func(c *crawler.Crawler) error { return nil }); !errors.Is(err, crawler.ErrCrawlerRunning) {
		t.Errorf("update while running: %v", err)
	}
	if err := e.svc.Delete(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerRunning) {
		t.Errorf("delete while running: %v", err)
	}
	if err := e.svc.Stop(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Stop(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerStopping) {
		t.Errorf("second stop: %v", err)
	}
	got, err = e.svc.Crawl(ctx, "c")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != crawler.StateReady || got.LastCrawl.Status != crawler.StatusCancelled {
		t.Errorf("after a stopped crawl: %s %+v", got.State, got.LastCrawl)
	}
	if e.tables("db") != "" {
		t.Errorf("a cancelled crawl made tables: %s", e.tables("db"))
	}
	// A crawl whose process died is finished by Recover.
	if _, err := e.svc.Start(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = e.svc.Get(ctx, "c")
	if got.State != crawler.StateReady || got.LastCrawl.Status != crawler.StatusFailed {
		t.Errorf("after recovery: %s %+v", got.State, got.LastCrawl)
	}
	if err := e.svc.Delete(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, "c"); !errors.Is(err, crawler.ErrCrawlerNotFound) {
		t.Errorf("get after delete: %v", err)
	}
}

func TestFailedCrawlChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.put(map[string]string{"s3://lake/t/a.json": jsonLines(`{"a":1}`)})
	c := crawler.NewCrawler("c", "db", "s3://lake/t/", "s3://missing-bucket/x/")
	lc := e.run(c)
	if lc.Status != crawler.StatusFailed || !strings.Contains(lc.ErrorMessage, "bucket missing-bucket does not exist") {
		t.Errorf("last crawl = %+v", lc)
	}
	if _, err := e.db.GetDatabase(context.Background(), "db"); !errors.Is(err, catalog.ErrDatabaseNotFound) {
		t.Errorf("a failed crawl created the database: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *crawler.Crawler)
		want string
	}{
		{"no target", func(c *crawler.Crawler) { c.Targets.S3Targets = nil }, "has no target"},
		{"bad target", func(c *crawler.Crawler) { c.Targets.S3Targets[0].Path = "/tmp/x" }, "not local paths"},
		{"overlap", func(c *crawler.Crawler) {
			c.Targets.S3Targets = append(c.Targets.S3Targets, crawler.S3Target{Path: "s3://bkt/p/q/"})
		}, "overlap"},
		{"bad glob", func(c *crawler.Crawler) { c.Targets.S3Targets[0].Exclusions = []string{"{a,b"} }, "no closing"},
		{"bad policy", func(c *crawler.Crawler) { c.SchemaChangePolicy.DeleteBehavior = "DROP" }, "delete behavior"},
		{"no database", func(c *crawler.Crawler) { c.DatabaseName = "" }, "database is missing"},
		{"table level above target", func(c *crawler.Crawler) { c.Grouping.TableLevelConfiguration = 1 }, "above target"},
		{"sample size", func(c *crawler.Crawler) { c.Targets.S3Targets[0].SampleSize = 300 }, "sample size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := crawler.NewCrawler("c", "db", "s3://bkt/p/")
			tt.edit(c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	c := crawler.NewCrawler("c", "DB", "s3://bkt/p")
	c.RecrawlPolicy.RecrawlBehavior = crawler.CrawlNewFoldersOnly
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.DatabaseName != "db" || c.Targets.S3Targets[0].Path != "s3://bkt/p/" || c.SchemaChangePolicy.UpdateBehavior != crawler.Log {
		t.Errorf("normalised = %+v", c)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// TestMissingCrawler: every operation on a crawler that does not exist
// fails with Glue's EntityNotFoundException naming it, without the
// store's operation in between (it said "crawler nope: metastore: get
// crawler nope: EntityNotFoundException: crawler does not exist").
func TestMissingCrawler(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		op string
		fn func() error
	}{
		{"get", func() error { _, err := e.svc.Get(ctx, "nope"); return err }},
		{"update", func() error { return e.svc.Update(ctx, "nope", func(*crawler.Crawler) error { return nil }) }},
		{"delete", func() error { return e.svc.Delete(ctx, "nope") }},
		{"start", func() error { _, err := e.svc.Start(ctx, "nope"); return err }},
		{"stop", func() error { return e.svc.Stop(ctx, "nope") }},
		{"run", func() error { _, err := e.svc.Run(ctx, "nope"); return err }},
	} {
		t.Run(tc.op, func(t *testing.T) {
			err := tc.fn()
			if !errors.Is(err, crawler.ErrCrawlerNotFound) {
				t.Fatalf("%s = %v, want ErrCrawlerNotFound", tc.op, err)
			}
			if want := "EntityNotFoundException: crawler nope does not exist"; err.Error() != want {
				t.Errorf("%s: %q, want %q", tc.op, err, want)
			}
		})
	}
}

// TestLifecycleErrorMessages: a refused lifecycle event names the
// crawler and Glue's exception, without the store's operation (it said
// "crawler c: metastore: update crawler c: CrawlerNotRunningException:
// ...").
func TestLifecycleErrorMessages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.svc.Create(ctx, &crawler.Crawler{Name: "c", DatabaseName: "d", Targets: crawler.Targets{S3Targets: []crawler.S3Target{{Path: "s3://raw/x/"}}}}); err != nil {
		t.Fatal(err)
	}
	err := e.svc.Stop(ctx, "c")
	if want := "crawler c: CrawlerNotRunningException: the crawler is not running"; !errors.Is(err, crawler.ErrCrawlerNotRunning) || err.Error() != want {
		t.Errorf("stop a READY crawler: %v, want %q", err, want)
	}
	err = e.svc.Create(ctx, &crawler.Crawler{Name: "c", DatabaseName: "d", Targets: crawler.Targets{S3Targets: []crawler.S3Target{{Path: "s3://raw/x/"}}}})
	if want := "crawler c: AlreadyExistsException: crawler already exists"; !errors.Is(err, crawler.ErrCrawlerExists) || err.Error() != want {
		t.Errorf("create twice: %v, want %q", err, want)
	}
}
