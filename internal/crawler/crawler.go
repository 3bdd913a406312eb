package crawler

import (
	"fmt"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// Crawler is a Glue crawler: where to look, where to write tables, and
// how to treat what it finds. The JSON field names are Glue's (GetCrawler).
type Crawler struct {
	Name               string             `json:"Name"`
	DatabaseName       string             `json:"DatabaseName"`
	Targets            Targets            `json:"Targets"`
	TablePrefix        string             `json:"TablePrefix,omitempty"`
	SchemaChangePolicy SchemaChangePolicy `json:"SchemaChangePolicy"`
	RecrawlPolicy      RecrawlPolicy      `json:"RecrawlPolicy"`
	Grouping           Grouping           `json:"Grouping"`
	// InferTypes is TypesGlue (timestamps and dates are strings) or
	// TypesRich (ISO timestamps and dates get their own types); a weir
	// extension.
	InferTypes  string    `json:"InferTypes"`
	State       State     `json:"State"`
	CreateTime  time.Time `json:"CreationTime"`
	LastUpdated time.Time `json:"LastUpdated"`
	// RunStart is when the current run started, while State is not READY.
	RunStart  time.Time  `json:"RunStartTime,omitzero"`
	LastCrawl *LastCrawl `json:"LastCrawl,omitempty"`
	// Version counts changes of the definition (create, update).
	Version int64 `json:"Version"`
	// Folders are the data folders ("s3://bucket/prefix/") earlier crawls
	// saw, for CRAWL_NEW_FOLDERS_ONLY. Not part of Glue's output.
	Folders []string `json:"-"`
}

// Targets are the lake locations a crawler reads.
type Targets struct {
	S3Targets []S3Target `json:"S3Targets"`
}

// S3Target is one include path with its exclusion globs.
type S3Target struct {
	Path       string   `json:"Path"`                 // s3://bucket/prefix/
	Exclusions []string `json:"Exclusions,omitempty"` // globs relative to Path
	// SampleSize is how many files of each folder are read (1–249); 0
	// means DefaultSampleSize.
	SampleSize int `json:"SampleSize,omitempty"`
}

// SchemaChangePolicy says what a crawl does to tables it finds changed or
// gone.
type SchemaChangePolicy struct {
	UpdateBehavior string `json:"UpdateBehavior"` // UpdateInDatabase or Log
	DeleteBehavior string `json:"DeleteBehavior"` // DeleteFromDatabase, DeprecateInDatabase or Log
}

// RecrawlPolicy says which folders a crawl reads.
type RecrawlPolicy struct {
	RecrawlBehavior string `json:"RecrawlBehavior"` // CrawlEverything or CrawlNewFoldersOnly
}

// Grouping is Glue's Configuration.Grouping.
type Grouping struct {
	// TableGroupingPolicy is "" or CombineCompatibleSchemas.
	TableGroupingPolicy string `json:"TableGroupingPolicy,omitempty"`
	// TableLevelConfiguration, when > 0, is the absolute folder level at
	// which tables are created (the bucket's top-level folders are level 1).
	TableLevelConfiguration int `json:"TableLevelConfiguration,omitempty"`
}

// Policy values, spelled as in Glue's API.
const (
	UpdateInDatabase         = "UPDATE_IN_DATABASE"
	Log                      = "LOG"
	DeleteFromDatabase       = "DELETE_FROM_DATABASE"
	DeprecateInDatabase      = "DEPRECATE_IN_DATABASE"
	CrawlEverything          = "CRAWL_EVERYTHING"
	CrawlNewFoldersOnly      = "CRAWL_NEW_FOLDERS_ONLY"
	CombineCompatibleSchemas = "CombineCompatibleSchemas"
	TypesGlue                = "glue"
	TypesRich                = "rich"
)

// DefaultSampleSize is how many files of each folder a crawl reads when a
// target does not say.
const DefaultSampleSize = 3

// maxSampleSize is Glue's limit on S3Target.SampleSize.
const maxSampleSize = 249

// NewCrawler returns a crawler with Glue's defaults: update tables in the
// database, deprecate what disappeared, crawl everything.
func NewCrawler(name, database string, paths ...string) *Crawler {
	c := &Crawler{
		Name:               name,
		DatabaseName:       database,
		SchemaChangePolicy: SchemaChangePolicy{UpdateBehavior: UpdateInDatabase, DeleteBehavior: DeprecateInDatabase},
		RecrawlPolicy:      RecrawlPolicy{RecrawlBehavior: CrawlEverything},
		InferTypes:         TypesGlue,
		State:              StateReady,
	}
	for _, p := range paths {
		c.Targets.S3Targets = append(c.Targets.S3Targets, S3Target{Path: p})
	}
	return c
}

// Clone returns a deep copy of c.
func (c *Crawler) Clone() *Crawler {
	d := *c
	d.Targets.S3Targets = make([]S3Target, len(c.Targets.S3Targets))
	for i, t := range c.Targets.S3Targets {
		t.Exclusions = append([]string(nil), t.Exclusions...)
		d.Targets.S3Targets[i] = t
	}
	if c.LastCrawl != nil {
		lc := *c.LastCrawl
		lc.Warnings = append([]string(nil), c.LastCrawl.Warnings...)
		d.LastCrawl = &lc
	}
	d.Folders = append([]string(nil), c.Folders...)
	return &d
}

// Validate checks a crawler's definition, fast and without I/O, and
// normalises it: names lower-cased, paths as folder prefixes, defaults
// filled in. All problems are reported at once.
func (c *Crawler) Validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if err := ValidateName(c.Name); err != nil {
		bad("%v", err)
	}
	c.DatabaseName = catalog.NormalizeName(c.DatabaseName)
	if c.DatabaseName == "" {
		bad("the database is missing; give --database")
	} else if err := catalog.ValidateName("database", c.DatabaseName); err != nil {
		bad("%v", err)
	}
	if len(c.Targets.S3Targets) == 0 {
		bad("the crawler has no target; give --target s3://bucket/prefix/")
	}
	for i, t := range c.Targets.S3Targets {
		u, err := lake.ParseURI(t.Path)
		if err != nil {
			bad("target %s: %v", t.Path, errs.Message(err))
			continue
		}
		c.Targets.S3Targets[i].Path = u.AsPrefix().String()
		for _, g := range t.Exclusions {
			if _, err := compileGlob(g); err != nil {
				bad("target %s: exclusion %q: %v", t.Path, g, err)
			}
		}
		if t.SampleSize < 0 || t.SampleSize > maxSampleSize {
			bad("target %s: sample size %d must be between 1 and %d files per folder", t.Path, t.SampleSize, maxSampleSize)
		}
	}
	for i, a := range c.Targets.S3Targets {
		for _, b := range c.Targets.S3Targets[:i] {
			if strings.HasPrefix(a.Path, b.Path) || strings.HasPrefix(b.Path, a.Path) {
				bad("targets %s and %s overlap; give each folder once", b.Path, a.Path)
			}
		}
	}
	c.TablePrefix = catalog.NormalizeName(c.TablePrefix)
	if c.TablePrefix != "" {
		if err := catalog.ValidateName("table prefix", c.TablePrefix); err != nil {
			bad("%v", err)
		}
	}
	p := &c.SchemaChangePolicy
	p.UpdateBehavior = defaulted(p.UpdateBehavior, UpdateInDatabase)
	p.DeleteBehavior = defaulted(p.DeleteBehavior, DeprecateInDatabase)
	c.RecrawlPolicy.RecrawlBehavior = defaulted(c.RecrawlPolicy.RecrawlBehavior, CrawlEverything)
	c.InferTypes = defaulted(c.InferTypes, TypesGlue)
	check := func(what, v string, allowed ...string) {
		for _, a := range allowed {
			if v == a {
				return
			}
		}
		bad("%s %q must be one of %s", what, v, strings.Join(allowed, ", "))
	}
	check("update behavior", p.UpdateBehavior, UpdateInDatabase, Log)
	check("delete behavior", p.DeleteBehavior, DeleteFromDatabase, DeprecateInDatabase, Log)
	check("recrawl behavior", c.RecrawlPolicy.RecrawlBehavior, CrawlEverything, CrawlNewFoldersOnly)
	check("type inference", c.InferTypes, TypesGlue, TypesRich)
	if g := c.Grouping.TableGroupingPolicy; g != "" {
		check("table grouping policy", g, CombineCompatibleSchemas)
	}
	if c.Grouping.TableLevelConfiguration < 0 {
		bad("table level %d must be 1 or more (the bucket's top-level folders are level 1)", c.Grouping.TableLevelConfiguration)
	}
	for _, t := range c.Targets.S3Targets {
		u, err := lake.ParseURI(t.Path)
		if err != nil || c.Grouping.TableLevelConfiguration == 0 {
			continue
		}
		if lvl := strings.Count(u.Key, "/"); c.Grouping.TableLevelConfiguration <= lvl {
			bad("table level %d is above target %s, which is at level %d; give a level of %d or more",
				c.Grouping.TableLevelConfiguration, t.Path, lvl, lvl+1)
		}
	}
	if c.RecrawlPolicy.RecrawlBehavior == CrawlNewFoldersOnly && (p.UpdateBehavior != Log || p.DeleteBehavior != Log) {
		// Glue forces both policies to LOG for incremental crawls.
		p.UpdateBehavior, p.DeleteBehavior = Log, Log
	}
	if c.State == "" {
		c.State = StateReady
	}
	if len(problems) > 0 {
		return errs.E("crawler.Validate", errs.Invalid, fmt.Errorf("crawler %s: %s", c.Name, strings.Join(problems, "; ")))
	}
	return nil
}

func defaulted(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ValidateName checks a crawler name: 1 to 255 characters, no control
// characters and no "/" (Glue's single-line string pattern).
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("crawler name is empty")
	}
	if len(name) > 255 {
		return fmt.Errorf("crawler name %q is longer than 255 characters", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '/' {
			return fmt.Errorf("crawler name %q contains %q; use letters, digits, '_', '-' and '.'", name, r)
		}
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf("crawler name %q has leading or trailing spaces", name)
	}
	return nil
}
