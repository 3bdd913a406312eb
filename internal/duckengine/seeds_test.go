package duckengine

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/demo"
	"github.com/weirdata/weir/internal/query/querytest"
)

// TestSeed000 runs the traffic pipeline of seed 000 (window averages over
// 3 and 20 readings, CASE indicators, partitioned by year/month/day/hour)
// over generated events and checks every written row against values
// computed in Go without SQL.
func TestSeed000(t *testing.T) {
	env := querytest.NewEnv(t, newTestEngine)
	ctx := context.Background()
	opts := demo.Options{Events: 36_000, Sensors: 120, Start: time.Date(2020, 5, 12, 22, 0, 0, 0, time.UTC), Seed: 7}
	events := demo.Generate(opts)
	raw, err := env.Lake.CreateBucket(ctx, demo.RawBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Lake.CreateBucket(ctx, demo.TransformedBucket); err != nil {
		t.Fatal(err)
	}
	folders, err := demo.Write(ctx, raw, "", events)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range demo.SetupSQL(folders) {
		env.MustExec(t, "default", sql)
	}
	// The events span two arrival days; repartition only the first, as the
	// seed's job does with its day ranges.
	days := demo.Days(events)
	if len(days) < 2 {
		t.Fatalf("events span %d days, want at least 2", len(days))
	}
	x := env.MustExec(t, "default", demo.InsertSQL(days[0].Format("2006"), days[0].Format("01"), []string{days[0].Format("02")}))
	want := demo.Expected(events, map[string]bool{days[0].Format("2006-01-02"): true})
	if x.Statistics.UpdateCount != int64(len(want)) {
		t.Fatalf("INSERT wrote %d rows, want %d", x.Statistics.UpdateCount, len(want))
	}
	// Partition pruning: only the first day's folders were read.
	var firstDay int64
	for _, f := range folders {
		if f.Values[2] == days[0].Format("02") {
			firstDay += f.Bytes
		}
	}
	if x.Statistics.DataScannedInBytes != firstDay {
		t.Errorf("scanned %d bytes, want %d (the first day's folders)", x.Statistics.DataScannedInBytes, firstDay)
	}

	q := env.MustExec(t, demo.Database, `SELECT uniqueid, recordtimestamp, currentspeed, trafficjamindicator, trafficjamindicatorlong,
		speeddiffindicator, avgspeed3minutes, avgspeed20minutes, year, month, day, hour
		FROM sls_data_pipelines_batch_transformed ORDER BY uniqueid, recordtimestamp`)
	_, rows := env.Rows(t, q.ID)
	if len(rows) != len(want) {
		t.Fatalf("read back %d rows, want %d", len(rows), len(want))
	}
	// Rows are compared as sorted multisets: a sensor may have two readings
	// with the same arrival time, and the table keeps no other key.
	format := func(r demo.Transformed) string {
		return fmt.Sprintf("%s|%s|%d|%d|%d|%d|%.9f|%.9f|%d|%d|%d|%d", r.UniqueID, r.RecordTimestamp, r.CurrentSpeed,
			r.TrafficJamIndicator, r.TrafficJamIndicatorLong, r.SpeedDiffIndicator, r.AvgSpeed3Minutes, r.AvgSpeed20Minutes,
			r.Year, r.Month, r.Day, r.Hour)
	}
	wantRows := make([]string, len(want))
	for i, w := range want {
		wantRows[i] = format(w)
	}
	gotRows := make([]string, len(rows))
	for i, r := range rows {
		s := func(j int) string { return *r[j] }
		n := func(j int) int { v, _ := strconv.Atoi(s(j)); return v }
		f := func(j int) float64 { v, _ := strconv.ParseFloat(s(j), 64); return v }
		gotRows[i] = format(demo.Transformed{UniqueID: s(0), RecordTimestamp: s(1), CurrentSpeed: n(2), TrafficJamIndicator: n(3),
			TrafficJamIndicatorLong: n(4), SpeedDiffIndicator: n(5), AvgSpeed3Minutes: f(6), AvgSpeed20Minutes: f(7),
			Year: n(8), Month: n(9), Day: n(10), Hour: n(11)})
	}
	sort.Strings(wantRows)
	sort.Strings(gotRows)
	for i := range gotRows {
		if gotRows[i] != wantRows[i] {
			t.Fatalf("row %d = %s\nwant      %s", i, gotRows[i], wantRows[i])
		}
	}
	// The table is partitioned by event hour, and the layout is Hive's.
	parts, err := env.Meta.ListPartitions(ctx, demo.Database, demo.TransformedTable)
	if err != nil {
		t.Fatal(err)
	}
	hours := map[string]bool{}
	for _, w := range want {
		hours[fmt.Sprintf("%d/%d/%d/%d", w.Year, w.Month, w.Day, w.Hour)] = true
	}
	if len(parts) != len(hours) {
		t.Errorf("%d partitions, want %d (one per event hour)", len(parts), len(hours))
	}
	for _, p := range parts {
		name := catalog.PartitionName([]catalog.Column{{Name: "year"}, {Name: "month"}, {Name: "day"}, {Name: "hour"}}, p.Values)
		if want := "s3://traffic-transformed/" + name + "/"; p.Location != want {
			t.Errorf("partition location %s, want %s", p.Location, want)
		}
	}
}

// TestThousandPartitions checks there is no 100-partition cap: one INSERT
// writes 1,200 partitions, atomically registered.
func TestThousandPartitions(t *testing.T) {
	env := querytest.NewEnv(t, newTestEngine)
	ctx := context.Background()
	src, err := env.Lake.CreateBucket(ctx, "many-src")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Lake.CreateBucket(ctx, "many-dst"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for i := range 6000 {
		fmt.Fprintf(&buf, "{\"v\": %d, \"k\": \"key-%04d\"}\n", i, i%1200)
	}
	if _, err := src.Put(ctx, "data.json", &buf); err != nil {
		t.Fatal(err)
	}
	env.MustExec(t, "default", `CREATE EXTERNAL TABLE src (v bigint, k string) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://many-src/'`)
	env.MustExec(t, "default", `CREATE EXTERNAL TABLE dst (v bigint) PARTITIONED BY (k string) STORED AS PARQUET LOCATION 's3://many-dst/'`)
	x := env.MustExec(t, "default", `INSERT INTO dst SELECT v, k FROM src`)
	if x.Statistics.UpdateCount != 6000 {
		t.Fatalf("wrote %d rows, want 6000", x.Statistics.UpdateCount)
	}
	parts, err := env.Meta.ListPartitions(ctx, "default", "dst")
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1200 {
		t.Fatalf("%d partitions registered, want 1200", len(parts))
	}
	q := env.MustExec(t, "default", `SELECT count(*) AS n, count(DISTINCT k) AS keys, sum(v) AS total FROM dst`)
	_, rows := env.Rows(t, q.ID)
	if got := fmt.Sprint(*rows[0][0], " ", *rows[0][1], " ", *rows[0][2]); got != "6000 1200 17997000" {
		t.Errorf("read back %s, want 6000 rows, 1200 keys, sum 17997000", got)
	}
}
