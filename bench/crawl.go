package main

// The crawler measurement (go run ./bench -crawl): 10,000 files of JSON
// lines (about 100 KB each, 1 GB in all) in 1,000 Firehose-style
// arrival-hour folders (YYYY/MM/DD/HH/), crawled by `weir crawlers start
// --wait` in its own process, against raw DuckDB reading all the data
// once (SELECT count(*), min(COLUMNS(*)) FROM read_json_auto(…): every
// column of every row), also in its own process, in the same run. Then
// 10 new folders arrive and a new-folders-only crawler recrawls.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/dustin/go-humanize"
)

const (
	crawlPartitions     = 1000
	crawlFilesPerFolder = 10
	crawlLinesPerFile   = 400 // about 100 KB
	crawlNewPartitions  = 10
)

var crawlStart = time.Date(2020, 5, 12, 0, 0, 0, 0, time.UTC)

// writeFolders writes folders [from, to) of arrival hours under root
// (the bucket's directory) and returns the bytes written.
func writeFolders(root string, from, to int) (int64, error) {
	var total int64
	for p := from; p < to; p++ {
		h := crawlStart.Add(time.Duration(p) * time.Hour)
		dir := filepath.Join(root, h.Format("2006/01/02/15"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return 0, err
		}
		for f := range crawlFilesPerFolder {
			path := filepath.Join(dir, fmt.Sprintf("traffic-firehose-1-%s-%04d", h.Format("2006-01-02-15-04-05"), f))
			file, err := os.Create(path)
			if err != nil {
				return 0, err
			}
			w := bufio.NewWriterSize(file, 1<<16)
			for i := range crawlLinesPerFile {
				n := p*crawlFilesPerFolder*crawlLinesPerFile + f*crawlLinesPerFile + i
				fmt.Fprintf(w, `{"uniqueId":"%d","location":"Antwerpen E19 lane %d","recordTimestamp":"%s","originalTimestamp":"%s","currentSpeed":%d,"previousSpeed":%d,"bezettingsgraad":%d,"trafficIntensityClass2":%d,"trafficIntensityClass3":%d,"trafficIntensityClass4":%d,"trafficIntensityClass5":%d}`+"\n",
					3000+n%400, n%4+1, h.Add(time.Duration(i)*time.Second).Format(time.RFC3339), h.Add(time.Duration(i)*time.Second).Format("2006-01-02 15:04:05"),
					60+n%70, 58+n%70, n%100, n%30, n%10, n%5, n%3)
			}
			if err := w.Flush(); err != nil {
				return 0, err
			}
			st, _ := file.Stat()
			total += st.Size()
			file.Close()
		}
	}
	return total, nil
}

// crawlRun runs a crawler to the end in its own process and returns the
// process's measurement and the crawl's own duration.
func crawlRun(bin, dataDir, name string) (measurement, time.Duration, error) {
	cmd := exec.Command(bin, "--data-dir", dataDir, "crawlers", "start", name, "--wait", "-o", "json")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	m := measurement{wall: time.Since(start)}
	if err != nil {
		return m, 0, fmt.Errorf("%w\n%s", err, out.String())
	}
	var c struct {
		LastCrawl struct {
			Status          string
			DurationMillis  int64
			PartitionsAdded int
		}
	}
	if err := json.Unmarshal(out.Bytes(), &c); err != nil || c.LastCrawl.Status != "SUCCEEDED" {
		return m, 0, fmt.Errorf("crawl %s did not succeed: %v\n%s", name, err, out.String())
	}
	return m, time.Duration(c.LastCrawl.DurationMillis) * time.Millisecond, nil
}

func runCrawl(runs int, work string) error {
	work, cleanup, err := workDir(work, "weir-bench-crawl-")
	if err != nil {
		return err
	}
	defer cleanup()
	bin, self, dataDir, err := build(work)
	if err != nil {
		return err
	}
	weirCmd := func(args ...string) error {
		out, err := exec.Command(bin, append([]string{"--data-dir", dataDir}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("weir %v: %w\n%s", args, err, out)
		}
		return nil
	}
	if err := weirCmd("lake", "mb", "s3://traffic-raw"); err != nil {
		return err
	}
	bucketDir := filepath.Join(dataDir, "lake", "traffic-raw")
	fmt.Fprintf(os.Stderr, "writing %d files in %d folders...\n", crawlPartitions*crawlFilesPerFolder, crawlPartitions)
	size, err := writeFolders(bucketDir, 0, crawlPartitions)
	if err != nil {
		return err
	}
	var fullRuns, baseRuns []measurement
	var fullCrawl []time.Duration
	for i := range runs {
		name := fmt.Sprintf("full%d", i)
		if err := weirCmd("crawlers", "create", name, "--database", name, "--target", "s3://traffic-raw/"); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "run %d/%d: full crawl...\n", i+1, runs)
		m, d, err := crawlRun(bin, dataDir, name)
		if err != nil {
			return err
		}
		fullRuns, fullCrawl = append(fullRuns, m), append(fullCrawl, d)
		fmt.Fprintf(os.Stderr, "run %d/%d: raw DuckDB read_json_auto over everything...\n", i+1, runs)
		m, err = measure(exec.Command(self, "-raw-sql", "SELECT count(*), min(COLUMNS(*)) FROM read_json_auto('"+bucketDir+"/**')"))
		if err != nil {
			return err
		}
		baseRuns = append(baseRuns, m)
	}
	// Incremental: a new-folders-only crawler, after a first full crawl.
	if err := weirCmd("crawlers", "create", "incr", "--database", "incr", "--target", "s3://traffic-raw/", "--recrawl", "new-folders-only"); err != nil {
		return err
	}
	if _, _, err := crawlRun(bin, dataDir, "incr"); err != nil {
		return err
	}
	var incRuns []measurement
	var incCrawl []time.Duration
	next := crawlPartitions
	for i := range runs {
		if _, err := writeFolders(bucketDir, next, next+crawlNewPartitions); err != nil {
			return err
		}
		next += crawlNewPartitions
		fmt.Fprintf(os.Stderr, "run %d/%d: incremental crawl...\n", i+1, runs)
		m, d, err := crawlRun(bin, dataDir, "incr")
		if err != nil {
			return err
		}
		incRuns, incCrawl = append(incRuns, m), append(incCrawl, d)
	}
	f, b, inc := median(fullRuns), median(baseRuns), median(incRuns)
	fc, ic := medianDuration(fullCrawl), medianDuration(incCrawl)
	fmt.Printf("Measured %s on %d cores: %s of JSON lines in %d files, %d folders; median of %d runs.\n\n",
		time.Now().UTC().Format("2006-01-02"), numCPU(), humanize.Bytes(uint64(size)), crawlPartitions*crawlFilesPerFolder, crawlPartitions, runs)
	fmt.Println("| measurement | weir | baseline (same run) | ratio | goal |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| crawl 10,000 files in 1,000 partitions, `weir crawlers start --wait` process | %.2f s (crawl itself %.2f s) | %.2f s (raw DuckDB `read_json_auto` over all files) | %.3f× | < 2 s |\n",
		f.wall.Seconds(), fc.Seconds(), b.wall.Seconds(), f.wall.Seconds()/b.wall.Seconds())
	fmt.Printf("| recrawl after %d new partitions (new-folders-only), process | %.0f ms (crawl itself %.0f ms) | — | — | < 200 ms |\n",
		crawlNewPartitions, ms(inc.wall), ms(ic))
	return nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
