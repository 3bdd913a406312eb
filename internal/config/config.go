// Package config holds weir's settings: a typed Config with defaults,
// loaded strictly from YAML (unknown keys are errors) and validated.
//
// Precedence, lowest first: Default(), the YAML file (--config or
// WEIR_CONFIG), environment variables (WEIR_DATA_DIR, WEIR_MEMORY_LIMIT,
// WEIR_THREADS), then command-line flags.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/yamlerr"
)

// Config is weir's configuration.
type Config struct {
	// DataDir holds the lake, the metadata and the lock.
	DataDir string `yaml:"data_dir"`
	Engine  Engine `yaml:"engine"`
	Query   Query  `yaml:"query"`
	Log     Log    `yaml:"log"`
}

// Engine configures the embedded SQL engine.
type Engine struct {
	// MemoryLimit caps the engine's memory, e.g. "4GB"; empty means 80% of RAM.
	MemoryLimit string `yaml:"memory_limit"`
	// Threads is the number of worker threads; 0 means one per core.
	Threads int `yaml:"threads"`
}

// Query configures query executions.
type Query struct {
	// MaxConcurrent is how many statements run at once; others queue.
	MaxConcurrent int `yaml:"max_concurrent"`
	// OutputLocation is where results are written, "s3://bucket/prefix/".
	OutputLocation string `yaml:"output_location"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// Default returns the built-in configuration.
func Default() Config {
	return Config{
		DataDir: "weir-data",
		Query:   Query{MaxConcurrent: 4, OutputLocation: "s3://weir-query-results/"},
		Log:     Log{Level: "warn", Format: "text"},
	}
}

// Load reads a YAML file over the defaults and validates the result.
// Unknown keys are errors, so that a misspelt setting is not ignored.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		if line, problem := yamlerr.Locate(b, err); line > 0 {
			return c, fmt.Errorf("config %s: line %d: %s", path, line, problem)
		}
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// ApplyEnv overrides settings from environment variables.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	if v := getenv("WEIR_DATA_DIR"); v != "" {
		c.DataDir = v
	}
	if v := getenv("WEIR_MEMORY_LIMIT"); v != "" {
		c.Engine.MemoryLimit = v
	}
	if v := getenv("WEIR_THREADS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("WEIR_THREADS=%q is not a number", v)
		}
		c.Engine.Threads = n
	}
	return nil
}

var memoryLimit = regexp.MustCompile(`(?i)^\s*[0-9]+(\.[0-9]+)?\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)\s*$`)

// Validate checks the configuration; it is fast and does no I/O.
func (c Config) Validate() error {
	var problems []string
	if strings.TrimSpace(c.DataDir) == "" {
		problems = append(problems, "data_dir is empty")
	}
	if c.Engine.MemoryLimit != "" && !memoryLimit.MatchString(c.Engine.MemoryLimit) {
		problems = append(problems, fmt.Sprintf("engine.memory_limit %q is not a size such as 512MB or 4GB", c.Engine.MemoryLimit))
	}
	if c.Engine.Threads < 0 {
		problems = append(problems, fmt.Sprintf("engine.threads %d is negative; use 0 for one per core", c.Engine.Threads))
	}
	if c.Query.MaxConcurrent < 1 || c.Query.MaxConcurrent > 256 {
		problems = append(problems, fmt.Sprintf("query.max_concurrent %d must be between 1 and 256", c.Query.MaxConcurrent))
	}
	if _, err := lake.ParseURI(c.Query.OutputLocation); err != nil {
		problems = append(problems, fmt.Sprintf("query.output_location: %v", err))
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, fmt.Sprintf("log.level %q must be debug, info, warn or error", c.Log.Level))
	}
	switch strings.ToLower(c.Log.Format) {
	case "text", "json":
	default:
		problems = append(problems, fmt.Sprintf("log.format %q must be text or json", c.Log.Format))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
