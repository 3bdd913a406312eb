package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// putFile copies content into the lake at uri (gzip-compressed for .gz).
func putFile(t *testing.T, dir, uri, content string) {
	t.Helper()
	data := []byte(content)
	if strings.HasSuffix(uri, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	local := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(local, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mustWeir(t, dir, "lake", "cp", local, uri)
}

// crawlerState is what the tests read of 'weir crawlers get -o json'.
type crawlerState struct {
	State     string
	LastCrawl *struct {
		Status          string
		ErrorMessage    string
		TablesCreated   int
		PartitionsAdded int
		Warnings        []string
	}
}

func getCrawler(t *testing.T, dir, name string) crawlerState {
	t.Helper()
	var c crawlerState
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "crawlers", "get", name, "-o", "json")), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCrawlers crawls JSON (nested, Firehose folders), quoted CSV, gzip and
// Parquet written by weir's own CTAS, and queries what the crawls made.
func TestCrawlers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "mb", "s3://raw")
	mustWeir(t, dir, "lake", "mb", "s3://out")
	putFile(t, dir, "s3://raw/events/2020/05/12/09/fh-1", `{"id":1,"user":{"name":"Ann","tags":["a","b"]},"amount":2.5,"at":"2020-05-12 09:00:00"}`+"\n"+
		`{"id":2,"user":{"name":"Bob","tags":[]},"amount":3,"at":"2020-05-12 09:01:00"}`+"\n")
	putFile(t, dir, "s3://raw/events/2020/05/12/10/fh-2", `{"id":3,"user":{"name":"Cid","tags":["c"]},"amount":1,"at":"2020-05-12 10:00:00","extra":"x"}`+"\n")
	putFile(t, dir, "s3://raw/events/2020/05/12/10/_SUCCESS", "")
	putFile(t, dir, "s3://raw/people/people.csv.gz", "id,name,city\n1,\"Smith, Ann\",Gent\n2,Bob,\"Leuven\"\n")

	mustWeir(t, dir, "crawlers", "create", "raw", "--database", "lakehouse", "--target", "s3://raw/events/", "--target", "s3://raw/people/")
	out := mustWeir(t, dir, "crawlers", "start", "raw", "--wait")
	if !strings.Contains(out, "SUCCEEDED") || !strings.Contains(out, "2 created") {
		t.Errorf("start --wait printed:\n%s", out)
	}
	got := csvRows(t, dir, "SELECT id, user.name, cardinality(user.tags), amount, extra, partition_3 FROM lakehouse.events ORDER BY id")
	want := [][]string{{"1", "Ann", "2", "2.5", "", "09"}, {"2", "Bob", "0", "3.0", "", "09"}, {"3", "Cid", "1", "1.0", "x", "10"}}
	if !equalRows(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	if n := scalar(t, dir, "SELECT count(*) FROM lakehouse.people WHERE (id = 1 AND name = 'Smith, Ann' AND city = 'Gent') OR (id = 2 AND city = 'Leuven')"); n != "2" {
		t.Errorf("people: %s rows match, want 2", n)
	}

	// Parquet written by CTAS, partitioned, crawled into another database.
	mustWeir(t, dir, "query", `CREATE TABLE lakehouse.summary WITH (format = 'PARQUET', external_location = 's3://out/summary/', partitioned_by = ARRAY['hour'])
AS SELECT id, user.name AS name, CAST(amount AS decimal(10,2)) AS amount, CAST(at AS timestamp) AS at, partition_3 AS hour FROM lakehouse.events`)
	mustWeir(t, dir, "crawlers", "create", "out", "--database", "crawled", "--target", "s3://out/summary/")
	mustWeir(t, dir, "crawlers", "start", "out", "--wait")
	describe := mustWeir(t, dir, "query", "DESCRIBE crawled.summary")
	for _, w := range []string{"id", "int", "name", "amount", "decimal(10,2)", "at", "timestamp", "hour"} {
		if !strings.Contains(describe, w) {
			t.Errorf("DESCRIBE crawled.summary lacks %q:\n%s", w, describe)
		}
	}
	got = csvRows(t, dir, "SELECT a.id, a.name, a.amount, a.at, a.hour FROM crawled.summary a JOIN lakehouse.summary b ON a.id = b.id AND a.at = b.at AND a.amount = b.amount ORDER BY a.id")
	if len(got) != 3 || got[2][1] != "Cid" || got[2][4] != "10" {
		t.Errorf("crawled Parquet = %q", got)
	}

	// A background crawl: start returns at once, get shows it finish.
	putFile(t, dir, "s3://raw/events/2020/05/12/11/fh-3", `{"id":4,"user":{"name":"Dee","tags":[]},"amount":4,"at":"2020-05-12 11:00:00"}`+"\n")
	out = mustWeir(t, dir, "crawlers", "start", "raw")
	if !strings.Contains(out, "RUNNING") {
		t.Errorf("start printed %q", out)
	}
	waitFor(t, 30*time.Second, "the background crawl to finish", func() bool {
		c := getCrawler(t, dir, "raw")
		return c.State == "READY" && c.LastCrawl != nil && c.LastCrawl.PartitionsAdded == 1
	})
	if n := scalar(t, dir, "SELECT count(*) FROM lakehouse.events"); n != "4" {
		t.Errorf("events after the recrawl: %s rows", n)
	}
	list := mustWeir(t, dir, "crawlers", "list")
	if !strings.Contains(list, "raw") || !strings.Contains(list, "out") || !strings.Contains(list, "SUCCEEDED") {
		t.Errorf("list:\n%s", list)
	}

	// Update, then a failing crawl: it changes nothing and says why.
	mustWeir(t, dir, "crawlers", "update", "out", "--target", "s3://nobucket/x/", "--delete-behavior", "delete")
	stdout, stderr, code := weir(t, dir, "", "crawlers", "start", "out", "--wait")
	wantRun(t, "failing crawl", stdout+stderr, "", code, 1)
	if !strings.Contains(stdout, "FAILED") || !strings.Contains(stdout, "bucket nobucket does not exist") {
		t.Errorf("failing crawl printed:\n%s", stdout)
	}
	// The failure is said once, in the answer, not again as a warning log.
	if strings.Contains(stderr, "nobucket") {
		t.Errorf("the failure was said twice; stderr:\n%s", stderr)
	}
	if n := scalar(t, dir, "SELECT count(*) FROM crawled.summary"); n != "3" {
		t.Errorf("after a failed crawl: %s rows", n)
	}
	mustWeir(t, dir, "crawlers", "delete", "out")
	_, stderr, code = weir(t, dir, "", "crawlers", "get", "out")
	wantRun(t, "get a deleted crawler", "", stderr, code, 1, "EntityNotFoundException")
}

func TestCrawlersUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"crawlers", "create", "c", "--target", "s3://raw/x/"}, "the database is missing"},
		{[]string{"crawlers", "create", "c", "--database", "d"}, "has no target"},
		{[]string{"crawlers", "create", "c", "--database", "d", "--target", "s3://raw/x/", "--schema-change", "drop"}, `--schema-change "drop" must be one of log, update`},
		{[]string{"crawlers", "create", "c", "--database", "d", "--target", "/tmp/x"}, "not local paths"},
	} {
		stdout, stderr, code := weir(t, dir, "", tt.args...)
		wantRun(t, strings.Join(tt.args, " "), stdout, stderr, code, 2, tt.want)
	}
	_, stderr, code := weir(t, dir, "", "crawlers", "start", "nope", "--wait")
	wantRun(t, "start a missing crawler", "", stderr, code, 1, "EntityNotFoundException: crawler nope does not exist")
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") {
			return false
		}
	}
	return true
}

// TestCrawlersSeeds runs the seeds' SQL on crawled tables: seed 003's
// Firehose temperatures (SELECT * FROM temperatures) and the SELECT of
// seed 000's repartitioning over Firehose arrival folders, crawled with
// rich types so that originalTimestamp is a timestamp.
func TestCrawlersSeeds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "mb", "s3://sensors-lake")
	putFile(t, dir, "s3://sensors-lake/temperatures/2021/03/01/10/fh-1", `{"timestamp":"2021-03-01 10:00:00","room_id":"R1","temperature":21}`+"\n"+
		`{"timestamp":"2021-03-01 10:01:00","room_id":"R2","temperature":19.5}`+"\n")
	putFile(t, dir, "s3://sensors-lake/temperatures/2021/03/01/11/fh-2", `{"timestamp":"2021-03-01 11:00:00","room_id":"R1","temperature":22}`+"\n")
	mustWeir(t, dir, "crawlers", "create", "temps", "--database", "temperatures_db", "--target", "s3://sensors-lake/temperatures/")
	mustWeir(t, dir, "crawlers", "start", "temps", "--wait")
	got := csvRows(t, dir, "--database", "temperatures_db", "SELECT * FROM temperatures ORDER BY timestamp")
	want := [][]string{
		{"2021-03-01 10:00:00", "R1", "21.0", "2021", "03", "01", "10"},
		{"2021-03-01 10:01:00", "R2", "19.5", "2021", "03", "01", "10"},
		{"2021-03-01 11:00:00", "R1", "22.0", "2021", "03", "01", "11"},
	}
	if !equalRows(got, want) {
		t.Errorf("SELECT * FROM temperatures = %q, want %q", got, want)
	}

	mustWeir(t, dir, "lake", "mb", "s3://traffic-raw")
	putFile(t, dir, "s3://traffic-raw/raw/2020/05/12/09/fh-1",
		`{"uniqueId":"3001","recordTimestamp":"2020-05-12T09:00:31Z","originalTimestamp":"2020-05-12 09:00:00","currentSpeed":80}`+"\n"+
			`{"uniqueId":"3001","recordTimestamp":"2020-05-12T09:01:31Z","originalTimestamp":"2020-05-12 09:01:00","currentSpeed":40}`+"\n"+
			`{"uniqueId":"3001","recordTimestamp":"2020-05-12T09:02:31Z","originalTimestamp":"2020-05-12 09:02:00","currentSpeed":30}`+"\n")
	mustWeir(t, dir, "crawlers", "create", "traffic", "--database", "traffic", "--target", "s3://traffic-raw/raw/", "--infer-types", "rich")
	mustWeir(t, dir, "crawlers", "start", "traffic", "--wait")
	got = csvRows(t, dir, `SELECT uniqueId, currentSpeed,
    avg(currentSpeed) OVER (PARTITION BY uniqueId ORDER BY originalTimestamp ROWS BETWEEN 2 PRECEDING AND 0 FOLLOWING) AS avgSpeed3Minutes,
    year(originalTimestamp) as year, month(originalTimestamp) as month, day(originalTimestamp) as day, hour(originalTimestamp) as hour
  FROM traffic.raw
  WHERE partition_0 = '2020' AND partition_1 = '05' AND partition_2 IN ('12') AND currentSpeed BETWEEN 0 AND 250
  ORDER BY originalTimestamp`)
	want = [][]string{{"3001", "80", "80.0", "2020", "5", "12", "9"}, {"3001", "40", "60.0", "2020", "5", "12", "9"}, {"3001", "30", "50.0", "2020", "5", "12", "9"}}
	if !equalRows(got, want) {
		t.Errorf("seed 000's SELECT = %q, want %q", got, want)
	}
}

// TestCrawlersWhileABackgroundCrawlRuns: while the background process of
// 'crawlers start' holds the data directory, starting, updating or
// deleting the crawler fails with Glue's CrawlerRunningException, as the
// lifecycle says, not with "the data directory is in use" (exit 3).
func TestCrawlersWhileABackgroundCrawlRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := range 3000 { // straight into the lake: a weir lake cp each would take long
		f := filepath.Join(dir, "lake", "raw", "many", fmt.Sprintf("day=%d", i), "part-1")
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(`{"id": 1}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustWeir(t, dir, "crawlers", "create", "many", "--database", "d", "--target", "s3://raw/many/")
	mustWeir(t, dir, "crawlers", "start", "many")
	for _, args := range [][]string{
		{"crawlers", "start", "many"},
		{"crawlers", "update", "many", "--sample-size", "2"},
		{"crawlers", "delete", "many"},
	} {
		stdout, stderr, code := weir(t, dir, "", args...)
		if c := getCrawler(t, dir, "many"); c.State == "READY" {
			t.Logf("the crawl ended before %q: %d %s", args, code, stderr)
			continue
		}
		wantRun(t, strings.Join(args, " "), stdout, stderr, code, 1, "crawler many: CrawlerRunningException")
	}
	// Stop it, unless it has ended meanwhile: then Glue's answer is
	// CrawlerNotRunningException.
	stdout, stderr, code := weir(t, dir, "", "crawlers", "stop", "many")
	if code != 0 {
		if c := getCrawler(t, dir, "many"); c.State != "READY" || !strings.Contains(stderr, "CrawlerNotRunningException") {
			t.Errorf("stop: exit %d, crawler %s\nstdout:\n%s\nstderr:\n%s", code, c.State, stdout, stderr)
		}
	}
}
