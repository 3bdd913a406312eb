package crawler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/crawler"
)

// BenchmarkCrawl crawls 100 Firehose folders of 10 files of 400 JSON
// lines each (about 100 KB a file); go run ./bench -crawl measures the
// full 1,000-folder case against DuckDB.
func BenchmarkCrawl(b *testing.B) {
	e := newEnv(&testing.T{})
	e.put(map[string]string{"s3://bench-raw/x": "{}"})
	root := filepath.Join(lakeDir(e), "bench-raw")
	os.Remove(filepath.Join(root, "x"))
	line := `{"uniqueId":"3001","location":"Antwerpen E19 lane 1","recordTimestamp":"2020-05-12T09:00:31Z","originalTimestamp":"2020-05-12 09:00:00","currentSpeed":87,"previousSpeed":80,"bezettingsgraad":12,"trafficIntensityClass2":3,"trafficIntensityClass3":1,"trafficIntensityClass4":0,"trafficIntensityClass5":2}` + "\n"
	data := strings.Repeat(line, 400)
	for p := range 100 {
		dir := filepath.Join(root, fmt.Sprintf("2020/05/%02d/%02d", p/24+1, p%24))
		os.MkdirAll(dir, 0o755)
		for f := range 10 {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("f-%d", f)), []byte(data), 0o644)
		}
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		c := crawler.NewCrawler(fmt.Sprintf("c%d", i), fmt.Sprintf("db%d", i), "s3://bench-raw/")
		if err := e.svc.Create(ctx, c); err != nil {
			b.Fatal(err)
		}
		got, err := e.svc.Run(ctx, c.Name)
		if err != nil || got.LastCrawl.Status != crawler.StatusSucceeded || got.LastCrawl.PartitionsAdded != 100 {
			b.Fatalf("%v %+v", err, got.LastCrawl)
		}
	}
}

func lakeDir(e *env) string { return e.lake.Dir() }
