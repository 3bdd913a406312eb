package fsbucket_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/weirdata/weir/internal/lake/fsbucket"
)

func Example() {
	dir, err := os.MkdirTemp("", "lake")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	s, err := fsbucket.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	b, err := s.CreateBucket(ctx, "traffic-raw")
	if err != nil {
		log.Fatal(err)
	}
	for _, key := range []string{"2020/05/12/09/a.json", "2020/05/12/10/b.json", "2020/05/13/00/c.json"} {
		if _, err := b.Put(ctx, key, strings.NewReader(`{"speed": 42}`)); err != nil {
			log.Fatal(err)
		}
	}
	for info, err := range b.List(ctx, "2020/05/", false) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(info.Key)
	}
	// Output:
	// 2020/05/12/
	// 2020/05/13/
}
