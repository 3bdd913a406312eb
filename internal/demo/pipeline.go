package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Buckets used by the pipeline.
const (
	RawBucket         = "traffic-raw"
	TransformedBucket = "traffic-transformed"
	Database          = "traffic"
	TransformedTable  = "sls_data_pipelines_batch_transformed"
)

// SetupSQL creates the database and both tables and registers the raw
// arrival-hour folders as partitions (what the Glue crawler does in seed
// 000).
func SetupSQL(folders []Folder) []string {
	stmts := []string{
		"CREATE DATABASE IF NOT EXISTS traffic COMMENT 'Flemish traffic sensors (seed 000)'",
		`CREATE EXTERNAL TABLE IF NOT EXISTS traffic.raw (
  uniqueid string,
  location string,
  recordtimestamp string,
  originaltimestamp timestamp,
  currentspeed int,
  previousspeed int,
  bezettingsgraad int,
  trafficintensityclass2 int,
  trafficintensityclass3 int,
  trafficintensityclass4 int,
  trafficintensityclass5 int)
PARTITIONED BY (partition_0 string, partition_1 string, partition_2 string, partition_3 string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://traffic-raw/'`,
		`CREATE EXTERNAL TABLE IF NOT EXISTS traffic.sls_data_pipelines_batch_transformed (
  uniqueid string,
  recordtimestamp string,
  currentspeed int,
  bezettingsgraad int,
  previousspeed int,
  trafficjamindicator int,
  trafficjamindicatorlong int,
  trafficintensityclass2 int,
  trafficintensityclass3 int,
  trafficintensityclass4 int,
  trafficintensityclass5 int,
  speeddiffindicator int,
  avgspeed3minutes double,
  avgspeed20minutes double)
PARTITIONED BY (year bigint, month bigint, day bigint, hour bigint)
STORED AS PARQUET
LOCATION 's3://traffic-transformed/'
TBLPROPERTIES ('parquet.compression'='SNAPPY')`,
	}
	var b strings.Builder
	b.WriteString("ALTER TABLE traffic.raw ADD IF NOT EXISTS")
	for _, f := range folders {
		fmt.Fprintf(&b, "\n  PARTITION (partition_0 = '%s', partition_1 = '%s', partition_2 = '%s', partition_3 = '%s') LOCATION '%s'",
			f.Values[0], f.Values[1], f.Values[2], f.Values[3], f.URI)
	}
	if len(folders) > 0 {
		stmts = append(stmts, b.String())
	}
	return stmts
}

// InsertSQL is seed 000's INSERT INTO: window averages over the last 3 and
// 20 readings of each sensor, jam and speed-change indicators, partitioned
// by the event time's year, month, day and hour. The innermost query keeps
// valid readings of the given arrival days (partition pruning).
func InsertSQL(year, month string, days []string) string {
	quoted := make([]string, len(days))
	for i, d := range days {
		quoted[i] = "'" + d + "'"
	}
	return `INSERT INTO "traffic"."sls_data_pipelines_batch_transformed"
SELECT uniqueId, recordTimestamp, currentSpeed, bezettingsgraad, previousSpeed,
    CASE
    WHEN (avgSpeed3Minutes BETWEEN 0 AND 40) THEN 1
    WHEN (avgSpeed3Minutes BETWEEN 41 AND 250) THEN 0
    ELSE -1
    END as trafficJamIndicator,
    CASE
    WHEN (avgSpeed20Minutes BETWEEN 0 AND 40) THEN 1
    WHEN (avgSpeed20Minutes BETWEEN 41 AND 250) THEN 0
    ELSE -1
    END as trafficJamIndicatorLong, trafficIntensityClass2, trafficIntensityClass3, trafficIntensityClass4, trafficIntensityClass5, speedDiffindicator, avgSpeed3Minutes, avgSpeed20Minutes, year, month, day, hour
FROM
  (SELECT uniqueId, recordTimestamp, currentSpeed, bezettingsgraad, previousSpeed, trafficIntensityClass2, trafficIntensityClass3, trafficIntensityClass4, trafficIntensityClass5,
    CASE
    WHEN (currentSpeed - previousSpeed >= 20) THEN 1
    WHEN (currentSpeed - previousSpeed <= -20) THEN -1
    ELSE 0
    END AS speedDiffindicator, avg(currentSpeed) OVER (PARTITION BY uniqueId ORDER BY originalTimestamp ROWS BETWEEN 2 PRECEDING AND 0 FOLLOWING)
    AS avgSpeed3Minutes, avg(currentSpeed) OVER (PARTITION BY uniqueId ORDER BY originalTimestamp ROWS BETWEEN 19 PRECEDING AND 0 FOLLOWING)
    AS avgSpeed20Minutes,year(originalTimestamp) as year, month(originalTimestamp) as month, day(originalTimestamp) as day, hour(originalTimestamp) as hour
  FROM
    (SELECT uniqueId, recordTimestamp, originalTimestamp, currentSpeed, previousSpeed, bezettingsgraad,
        trafficIntensityClass2, trafficIntensityClass3, trafficIntensityClass4, trafficIntensityClass5
     FROM traffic.raw
     WHERE partition_0 = '` + year + `' AND partition_1 = '` + month + `' AND partition_2 IN (` + strings.Join(quoted, ", ") + `)
       AND currentSpeed BETWEEN 0 AND 250))`
}

// ReportSQL summarises the transformed table per hour of the day.
const ReportSQL = `SELECT year, month, day, hour,
       count(*) AS readings,
       round(avg(currentspeed), 1) AS avg_speed,
       count_if(trafficjamindicator = 1) AS jam_readings,
       round(100.0 * count_if(trafficjamindicator = 1) / count(*), 1) AS jam_percent
FROM traffic.sls_data_pipelines_batch_transformed
GROUP BY year, month, day, hour
ORDER BY year, month, day, hour`

// Transformed is one row the pipeline's INSERT writes, computed in Go.
type Transformed struct {
	UniqueID                string
	RecordTimestamp         string
	CurrentSpeed            int
	TrafficJamIndicator     int
	TrafficJamIndicatorLong int
	SpeedDiffIndicator      int
	AvgSpeed3Minutes        float64
	AvgSpeed20Minutes       float64
	Year, Month, Day, Hour  int
}

// Expected computes what InsertSQL writes for events, without SQL: the
// rows of the given arrival days, with their window averages.
func Expected(events []Event, days map[string]bool) []Transformed {
	bySensor := map[string][]Event{}
	for _, e := range events {
		if !days[e.arrived.Format("2006-01-02")] || e.CurrentSpeed < 0 || e.CurrentSpeed > 250 {
			continue
		}
		bySensor[e.UniqueID] = append(bySensor[e.UniqueID], e)
	}
	var out []Transformed
	for _, evs := range bySensor {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].measured.Before(evs[j].measured) })
		for i, e := range evs {
			avg := func(n int) float64 {
				lo := max(0, i-n+1)
				sum := 0
				for _, x := range evs[lo : i+1] {
					sum += x.CurrentSpeed
				}
				return float64(sum) / float64(i+1-lo)
			}
			a3, a20 := avg(3), avg(20)
			diff := 0
			switch d := e.CurrentSpeed - e.PreviousSpeed; {
			case d >= 20:
				diff = 1
			case d <= -20:
				diff = -1
			}
			out = append(out, Transformed{
				UniqueID: e.UniqueID, RecordTimestamp: e.RecordTimestamp, CurrentSpeed: e.CurrentSpeed,
				TrafficJamIndicator: jam(a3), TrafficJamIndicatorLong: jam(a20), SpeedDiffIndicator: diff,
				AvgSpeed3Minutes: a3, AvgSpeed20Minutes: a20,
				Year: e.measured.Year(), Month: int(e.measured.Month()), Day: e.measured.Day(), Hour: e.measured.Hour(),
			})
		}
	}
	return out
}

// jam is the CASE of the seed's query: BETWEEN 0 AND 40 is a jam, BETWEEN
// 41 AND 250 is not, anything else (including 40 < avg < 41) is -1.
func jam(avg float64) int {
	switch {
	case avg >= 0 && avg <= 40:
		return 1
	case avg >= 41 && avg <= 250:
		return 0
	}
	return -1
}

// Days returns the arrival days ("2020-05-12") the events span, and the
// year, month and day values of each, in order.
func Days(events []Event) []time.Time {
	seen := map[string]time.Time{}
	for _, e := range events {
		d := e.arrived.Truncate(24 * time.Hour)
		seen[d.Format("2006-01-02")] = d
	}
	var days []time.Time
	for _, d := range seen {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	return days
}
