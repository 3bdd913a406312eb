package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGoodConfigs(t *testing.T) {
	c, err := Load("testdata/full.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DataDir: "/var/lib/weir",
		Engine:  Engine{MemoryLimit: "4GB", Threads: 2},
		Query:   Query{MaxConcurrent: 8, OutputLocation: "s3://results/athena/"},
		Log:     Log{Level: "info", Format: "json"},
	}
	if c != want {
		t.Errorf("Load = %+v, want %+v", c, want)
	}
	c, err = Load("testdata/empty.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c != Default() {
		t.Errorf("empty file = %+v, want the defaults", c)
	}
}

func TestBadConfigs(t *testing.T) {
	tests := []struct{ file, want string }{
		{"unknown-key.bad.yaml", "field memory_limt not found"},
		{"memory.bad.yaml", `engine.memory_limit "lots" is not a size`},
		{"output.bad.yaml", "query.output_location"},
		{"concurrency.bad.yaml", "query.max_concurrent 0 must be between 1 and 256"},
		{"level.bad.yaml", `log.level "loud"`},
		{"syntax.bad.yaml", "yaml"},
		{"indent.bad.yaml", "line 3: did not find expected key"},
	}
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	if len(files) != len(tests) {
		t.Errorf("%d bad fixtures but %d cases", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) = %v, want an error containing %q", tt.file, err, tt.want)
			}
		})
	}
	if _, err := Load("testdata/missing.yaml"); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestApplyEnv(t *testing.T) {
	c := Default()
	env := map[string]string{"WEIR_DATA_DIR": "/data", "WEIR_MEMORY_LIMIT": "1GB", "WEIR_THREADS": "3"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/data" || c.Engine.MemoryLimit != "1GB" || c.Engine.Threads != 3 {
		t.Errorf("ApplyEnv = %+v", c)
	}
	env["WEIR_THREADS"] = "many"
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("WEIR_THREADS=many accepted")
	}
}
