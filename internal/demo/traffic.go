// Package demo holds weir's built-in pipeline: the traffic repartitioning
// job of seed 000 (Flemish traffic sensor events landed by Firehose in
// arrival-time folders, repartitioned by event time with Athena's INSERT
// INTO and window averages). It generates realistic events, gives the SQL
// of the pipeline, and computes the pipeline's expected output
// independently of any SQL engine, for tests.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/weirdata/weir/internal/lake"
)

// Event is one traffic sensor reading, as the Flemish traffic centre
// publishes them (speeds in km/h, occupancy in percent).
type Event struct {
	UniqueID               string `json:"uniqueId"`
	Location               string `json:"location"`
	RecordTimestamp        string `json:"recordTimestamp"`   // when Firehose received it (RFC 3339)
	OriginalTimestamp      string `json:"originalTimestamp"` // when it was measured
	CurrentSpeed           int    `json:"currentSpeed"`
	PreviousSpeed          int    `json:"previousSpeed"`
	Bezettingsgraad        int    `json:"bezettingsgraad"`
	TrafficIntensityClass2 int    `json:"trafficIntensityClass2"`
	TrafficIntensityClass3 int    `json:"trafficIntensityClass3"`
	TrafficIntensityClass4 int    `json:"trafficIntensityClass4"`
	TrafficIntensityClass5 int    `json:"trafficIntensityClass5"`

	measured time.Time
	arrived  time.Time
}

// Options shape the generated traffic.
type Options struct {
	Events  int       // total events
	Sensors int       // one reading per sensor per minute
	Start   time.Time // first measurement minute (UTC)
	Seed    uint64
}

// DefaultOptions generate 200,000 events from 400 sensors over 500
// minutes starting 2020-05-12 06:00 UTC, through the morning rush hour.
func DefaultOptions() Options {
	return Options{Events: 200_000, Sensors: 400, Start: time.Date(2020, 5, 12, 6, 0, 0, 0, time.UTC), Seed: 42}
}

var roads = []string{"Antwerpen E19", "Brussel R0", "Gent E40", "Leuven E314", "Brugge A11", "Hasselt E313", "Mechelen R6", "Kortrijk E17"}

// Generate returns the events in measurement order. The same options give
// the same events.
func Generate(opts Options) []Event {
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	events := make([]Event, 0, opts.Events)
	prev := make([]int, opts.Sensors)
	base := make([]int, opts.Sensors)
	for s := range base {
		base[s] = 70 + r.IntN(50)
		prev[s] = base[s]
	}
	for i := 0; i < opts.Events; i++ {
		s := i % opts.Sensors
		minute := i / opts.Sensors
		measured := opts.Start.Add(time.Duration(minute) * time.Minute)
		arrived := measured.Add(time.Duration(20+r.IntN(100)) * time.Second)
		// Rush hours slow some roads down to a jam.
		h := float64(measured.Hour()) + float64(measured.Minute())/60
		rush := math.Exp(-(h-8)*(h-8)/1.5) + math.Exp(-(h-17.5)*(h-17.5)/2)
		speed := float64(base[s]) * (1 - 0.8*rush*float64(s%3)/2)
		speed += float64(r.IntN(21) - 10)
		cur := max(0, int(speed))
		e := Event{
			UniqueID:               fmt.Sprintf("%d", 3000+s),
			Location:               fmt.Sprintf("%s lane %d", roads[s%len(roads)], s%4+1),
			RecordTimestamp:        arrived.Format(time.RFC3339),
			OriginalTimestamp:      measured.Format("2006-01-02 15:04:05"),
			CurrentSpeed:           cur,
			PreviousSpeed:          prev[s],
			Bezettingsgraad:        min(100, int(rush*60)+r.IntN(15)),
			TrafficIntensityClass2: r.IntN(30),
			TrafficIntensityClass3: r.IntN(10),
			TrafficIntensityClass4: r.IntN(5),
			TrafficIntensityClass5: r.IntN(3),
			measured:               measured,
			arrived:                arrived,
		}
		prev[s] = cur
		events = append(events, e)
	}
	return events
}

// Folder is one arrival-hour folder the events were written to.
type Folder struct {
	Values []string // year, month, day, hour: the unnamed partitions partition_0..3
	URI    string   // s3://bucket/2020/05/12/09/
	Events int
	Bytes  int64
}

// Write stores events as JSON lines the way Firehose delivers them: one
// object per line in folders named by arrival hour, "YYYY/MM/DD/HH/",
// under prefix in bucket b. It returns the folders in order.
func Write(ctx context.Context, b lake.Bucket, prefix string, events []Event) ([]Folder, error) {
	byHour := map[time.Time]*bytes.Buffer{}
	counts := map[time.Time]int{}
	for _, e := range events {
		h := e.arrived.Truncate(time.Hour)
		buf := byHour[h]
		if buf == nil {
			buf = &bytes.Buffer{}
			byHour[h] = buf
		}
		line, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		counts[h]++
	}
	hours := make([]time.Time, 0, len(byHour))
	for h := range byHour {
		hours = append(hours, h)
	}
	sort.Slice(hours, func(i, j int) bool { return hours[i].Before(hours[j]) })
	var folders []Folder
	for _, h := range hours {
		dir := prefix + h.Format("2006/01/02/15/")
		// Firehose names objects by stream and time and gives them no extension.
		key := dir + "traffic-firehose-1-" + h.Format("2006-01-02-15-04-05") + "-0001"
		buf := byHour[h]
		size := int64(buf.Len())
		if _, err := b.Put(ctx, key, buf); err != nil {
			return nil, err
		}
		folders = append(folders, Folder{
			Values: []string{h.Format("2006"), h.Format("01"), h.Format("02"), h.Format("15")},
			URI:    lake.URI{Bucket: b.Name(), Key: dir}.String(),
			Events: counts[h],
			Bytes:  size,
		})
	}
	return folders, nil
}
