package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/catalog"
)

// Table and partition parameters the crawler writes.
const (
	ParamUpdatedByCrawler    = "UPDATED_BY_CRAWLER"
	ParamDeprecatedByCrawler = "DEPRECATED_BY_CRAWLER"
	ParamCrawlRunID          = "CRAWL_RUN_ID"
)

// planner turns a crawl's tables into catalog changes.
type planner struct {
	c        *Crawler
	runID    string
	now      time.Time
	full     bool // crawl everything (not new folders only)
	existing map[string]*catalog.Table
	w        *warnings
	cat      catalog.Store
	ch       *Changes
	sum      Summary
	matched  map[string]bool // names of existing tables a plan matched
}

// plan compares the plans with the catalog and fills p.ch.
func (p *planner) plan(ctx context.Context, plans []*tablePlan) error {
	p.matched = map[string]bool{}
	byLoc := map[string]*catalog.Table{}
	for _, t := range p.existing {
		if t.Parameters[ParamUpdatedByCrawler] == p.c.Name {
			byLoc[t.Location] = t
		}
	}
	taken := map[string]bool{}
	for _, tp := range plans {
		nt := p.tableOf(tp)
		old := byLoc[nt.Location]
		if old == nil {
			if t, ok := p.existing[nt.Name]; ok && t.Location == nt.Location {
				old = t
			}
		}
		if old == nil && (p.existing[nt.Name] != nil || taken[nt.Name]) {
			// Another table has the name: Glue adds a hash of the location.
			sum := sha256.Sum256([]byte(nt.Location))
			nt.Name = nt.Name + "_" + hex.EncodeToString(sum[:])[:8]
		}
		if old != nil {
			nt.Name = old.Name
			p.matched[old.Name] = true
		}
		taken[nt.Name] = true
		if old == nil {
			p.create(tp, nt)
			continue
		}
		if err := p.update(ctx, tp, old, nt); err != nil {
			return err
		}
	}
	if p.full {
		p.gone()
	}
	return nil
}

// tableOf returns the table the crawl would write for tp.
func (p *planner) tableOf(tp *tablePlan) *catalog.Table {
	t := &catalog.Table{
		Database:   p.c.DatabaseName,
		Name:       p.c.TablePrefix + tp.name,
		TableType:  catalog.ExternalTable,
		Location:   tp.location(),
		CreateTime: p.now,
		UpdateTime: p.now,
	}
	keys := map[string]bool{}
	for _, k := range tp.keys {
		t.PartitionKeys = append(t.PartitionKeys, catalog.Column{Name: k, Type: catalog.TypeString})
		keys[k] = true
	}
	var paths []string
	for _, f := range tp.schema.fields {
		if keys[f.key] {
			p.w.add("table %s: column %s of the files has the name of a partition key; the partition key's value is used", t.Name, f.key)
			continue
		}
		if err := catalog.ValidateColumnName(f.key); err != nil {
			p.w.add("table %s: %v; the column is left out", t.Name, err)
			continue
		}
		t.Columns = append(t.Columns, catalog.Column{Name: f.key, Type: f.s.catalogType()})
		paths = append(paths, f.name)
	}
	fs := tp.first
	switch fs.Classification {
	case "parquet":
		t.Storage = catalog.StorageFor(catalog.FormatParquet)
		t.Storage.SerDeParameters = map[string]string{"serialization.format": "1"}
	case "json":
		t.Storage = catalog.Storage{InputFormat: catalog.InputFormatText, OutputFormat: catalog.OutputFormatText, SerDe: catalog.SerDeOpenXJSON}
		sort.Strings(paths)
		t.Storage.SerDeParameters = map[string]string{"paths": strings.Join(paths, ",")}
	case "csv":
		quoted := false
		for _, l := range tp.leaves {
			quoted = quoted || l.schema.Quoted
		}
		if quoted {
			t.Storage = catalog.StorageFor(catalog.FormatOpenCSV)
			t.Storage.SerDeParameters = map[string]string{"separatorChar": fs.Delimiter, "quoteChar": `"`, "escapeChar": `\`}
		} else {
			t.Storage = catalog.StorageFor(catalog.FormatText)
			t.Storage.SerDeParameters = map[string]string{"field.delim": fs.Delimiter, "serialization.format": fs.Delimiter}
		}
	}
	t.Parameters = p.stats(tp.leaves, tp)
	t.Parameters[ParamUpdatedByCrawler] = p.c.Name
	t.Parameters["CrawlerSchemaSerializerVersion"] = "1.0"
	t.Parameters["CrawlerSchemaDeserializerVersion"] = "1.0"
	t.Parameters[ParamCrawlRunID] = p.runID
	if fs.Classification == "csv" {
		t.Parameters["delimiter"] = fs.Delimiter
		t.Parameters["columnsOrdered"] = "true"
		t.Parameters["areColumnsQuoted"] = strconv.FormatBool(t.Storage.SerDe == catalog.SerDeOpenCSV)
		if fs.Header {
			t.Parameters["skip.header.line.count"] = "1"
		}
	}
	return t
}

// stats returns the statistics parameters Glue writes on tables and
// partitions, over some data folders.
func (p *planner) stats(leaves []*folder, tp *tablePlan) map[string]string {
	var objects, size int64
	var records, content float64
	for _, l := range leaves {
		objects += int64(len(l.files))
		size += l.size
		records += l.records
		content += l.records * l.recBytes
	}
	avg := int64(0)
	if records > 0 {
		avg = int64(math.Round(content / records))
	}
	return map[string]string{
		"classification":    tp.first.Classification,
		"compressionType":   tp.comp,
		"typeOfData":        "file",
		"objectCount":       strconv.FormatInt(objects, 10),
		"sizeKey":           strconv.FormatInt(size, 10),
		"recordCount":       strconv.FormatInt(int64(math.Round(records)), 10),
		"averageRecordSize": strconv.FormatInt(avg, 10),
	}
}

// partitionsOf returns the partitions of tp's leaves.
func (p *planner) partitionsOf(tp *tablePlan, leaves []*folder) []*catalog.Partition {
	parts := make([]*catalog.Partition, 0, len(leaves))
	for _, l := range leaves {
		parts = append(parts, &catalog.Partition{
			Values: tp.values(l), Location: l.uri(), Parameters: p.stats([]*folder{l}, tp), CreateTime: p.now,
		})
	}
	return parts
}

func (p *planner) create(tp *tablePlan, t *catalog.Table) {
	p.ch.CreateTables = append(p.ch.CreateTables, t)
	p.sum.TablesCreated++
	if len(tp.keys) > 0 {
		parts := p.partitionsOf(tp, tp.leaves)
		p.ch.AddPartitions = append(p.ch.AddPartitions, &PartitionAdd{Database: t.Database, Table: t.Name, Partitions: parts})
		p.sum.PartitionsAdded += len(parts)
	}
}

// update reconciles an existing table with what the crawl found.
func (p *planner) update(ctx context.Context, tp *tablePlan, old, nt *catalog.Table) error {
	upd := p.c.SchemaChangePolicy.UpdateBehavior == UpdateInDatabase
	keysChanged := !sameKeys(old.PartitionKeys, nt.PartitionKeys)
	formatChanged := old.Parameters["classification"] != nt.Parameters["classification"] ||
		old.Parameters["compressionType"] != nt.Parameters["compressionType"] ||
		old.Parameters["delimiter"] != nt.Parameters["delimiter"] || old.Storage.SerDe != nt.Storage.SerDe
	merged := mergeColumns(old.Columns, nt.Columns)
	if !upd {
		if keysChanged || formatChanged {
			p.w.add("table %s: the data's format or partition layout changed; the table is left as is (schema change policy LOG) and new partitions are not added", old.Name)
			return nil
		}
		if !sameColumns(old.Columns, merged) {
			p.w.add("table %s: the data's schema changed (%s); the table is left as is (schema change policy LOG)", old.Name, columnDiff(old.Columns, merged))
		}
	} else {
		t := old.Clone()
		t.Columns = merged
		if keysChanged || formatChanged {
			t.Columns = nt.Columns
			t.PartitionKeys = nt.PartitionKeys
			t.Storage = nt.Storage
		} else {
			// Keep SerDe properties a user added; set the crawler's own.
			if t.Storage.SerDeParameters == nil {
				t.Storage.SerDeParameters = map[string]string{}
			}
			for k, v := range nt.Storage.SerDeParameters {
				t.Storage.SerDeParameters[k] = v
			}
		}
		if t.Parameters == nil {
			t.Parameters = map[string]string{}
		}
		delete(t.Parameters, ParamDeprecatedByCrawler)
		delete(t.Parameters, "skip.header.line.count")
		for k, v := range nt.Parameters {
			t.Parameters[k] = v
		}
		changed := keysChanged || formatChanged || !sameColumns(old.Columns, t.Columns) ||
			old.Parameters[ParamDeprecatedByCrawler] != "" || old.Parameters["skip.header.line.count"] != t.Parameters["skip.header.line.count"]
		if changed {
			// Only a change of definition is an update; the statistics
			// and CRAWL_RUN_ID are refreshed silently.
			t.UpdateTime = p.now
			p.sum.TablesUpdated++
		}
		p.ch.UpdateTables = append(p.ch.UpdateTables, &TableUpdate{Table: t, DropAllPartitions: keysChanged})
		if keysChanged {
			if len(nt.PartitionKeys) > 0 {
				parts := p.partitionsOf(tp, tp.leaves)
				p.ch.AddPartitions = append(p.ch.AddPartitions, &PartitionAdd{Database: t.Database, Table: t.Name, Partitions: parts})
				p.sum.PartitionsAdded += len(parts)
			}
			if n, err := p.countPartitions(ctx, old); err == nil {
				p.sum.PartitionsRemoved += n
			}
			return nil
		}
	}
	if len(old.PartitionKeys) == 0 {
		return nil
	}
	return p.partitions(ctx, tp, old)
}

func (p *planner) countPartitions(ctx context.Context, t *catalog.Table) (int, error) {
	if len(t.PartitionKeys) == 0 {
		return 0, nil
	}
	parts, err := p.cat.ListPartitions(ctx, t.Database, t.Name)
	return len(parts), err
}

// partitions reconciles an existing table's partitions with the leaves.
func (p *planner) partitions(ctx context.Context, tp *tablePlan, t *catalog.Table) error {
	add := &PartitionAdd{Database: t.Database, Table: t.Name}
	if !p.full {
		add.Partitions = p.partitionsOf(tp, tp.leaves)
		p.ch.AddPartitions = append(p.ch.AddPartitions, add)
		p.sum.PartitionsAdded += len(add.Partitions)
		return nil
	}
	existing, err := p.cat.ListPartitions(ctx, t.Database, t.Name)
	if err != nil {
		return fmt.Errorf("list partitions of %s: %w", t.QualifiedName(), err)
	}
	have := map[string]*catalog.Partition{}
	for _, e := range existing {
		have[valuesKey(e.Values)] = e
	}
	seen := map[string]bool{}
	upd := &PartitionAdd{Database: t.Database, Table: t.Name}
	for _, part := range p.partitionsOf(tp, tp.leaves) {
		k := valuesKey(part.Values)
		seen[k] = true
		e, ok := have[k]
		switch {
		case !ok:
			add.Partitions = append(add.Partitions, part)
		case e.Location != part.Location || e.Parameters[ParamDeprecatedByCrawler] != "":
			part.CreateTime = e.CreateTime
			upd.Partitions = append(upd.Partitions, part)
		}
	}
	if len(add.Partitions) > 0 {
		p.ch.AddPartitions = append(p.ch.AddPartitions, add)
		p.sum.PartitionsAdded += len(add.Partitions)
	}
	if len(upd.Partitions) > 0 {
		p.ch.UpdatePartitions = append(p.ch.UpdatePartitions, upd)
		p.sum.PartitionsUpdated += len(upd.Partitions)
	}
	drop := &PartitionDrop{Database: t.Database, Table: t.Name}
	dep := &PartitionAdd{Database: t.Database, Table: t.Name}
	for _, e := range existing {
		if seen[valuesKey(e.Values)] || !p.underTargets(e.Location) {
			continue
		}
		switch p.c.SchemaChangePolicy.DeleteBehavior {
		case DeleteFromDatabase:
			drop.Values = append(drop.Values, e.Values)
		case DeprecateInDatabase:
			if e.Parameters[ParamDeprecatedByCrawler] == "" {
				d := e.Clone()
				if d.Parameters == nil {
					d.Parameters = map[string]string{}
				}
				d.Parameters[ParamDeprecatedByCrawler] = p.c.Name
				dep.Partitions = append(dep.Partitions, d)
			}
		default:
			p.w.add("table %s: the folder of partition %s is gone; the partition is kept (delete behavior LOG)", t.Name, e.Location)
		}
	}
	if len(drop.Values) > 0 {
		p.ch.DropPartitions = append(p.ch.DropPartitions, drop)
		p.sum.PartitionsRemoved += len(drop.Values)
	}
	if len(dep.Partitions) > 0 {
		p.ch.UpdatePartitions = append(p.ch.UpdatePartitions, dep)
		p.sum.PartitionsUpdated += len(dep.Partitions)
		p.w.add("table %s: %d partitions whose folders are gone are marked %s (delete behavior DEPRECATE_IN_DATABASE)", t.Name, len(dep.Partitions), ParamDeprecatedByCrawler)
	}
	return nil
}

// gone applies the delete behavior to the crawler's tables that no
// longer have data.
func (p *planner) gone() {
	names := make([]string, 0, len(p.existing))
	for n := range p.existing {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := p.existing[n]
		if p.matched[n] || t.Parameters[ParamUpdatedByCrawler] != p.c.Name || !p.underTargets(t.Location) {
			continue
		}
		switch p.c.SchemaChangePolicy.DeleteBehavior {
		case DeleteFromDatabase:
			p.ch.DropTables = append(p.ch.DropTables, t)
			p.sum.TablesDeleted++
		case DeprecateInDatabase:
			if t.Parameters[ParamDeprecatedByCrawler] == "" {
				d := t.Clone()
				d.Parameters[ParamDeprecatedByCrawler] = p.c.Name
				d.UpdateTime = p.now
				p.ch.UpdateTables = append(p.ch.UpdateTables, &TableUpdate{Table: d})
				p.sum.TablesUpdated++
				p.w.add("table %s: its data is gone; the table is marked %s (delete behavior DEPRECATE_IN_DATABASE)", n, ParamDeprecatedByCrawler)
			}
		default:
			p.w.add("table %s: its data is gone; the table is kept (delete behavior LOG)", n)
		}
	}
}

// underTargets reports whether a location is inside one of the
// crawler's targets.
func (p *planner) underTargets(loc string) bool {
	loc = strings.TrimSuffix(loc, "/") + "/"
	for _, t := range p.c.Targets.S3Targets {
		if strings.HasPrefix(loc, t.Path) {
			return true
		}
	}
	return false
}

// mergeColumns keeps a table's columns in their order, widening their
// types with what the crawl found, and appends new columns. Columns the
// crawl did not see are kept: a sample may miss them.
func mergeColumns(old, found []catalog.Column) []catalog.Column {
	out := make([]catalog.Column, 0, len(old)+len(found))
	idx := map[string]int{}
	for _, c := range old {
		idx[strings.ToLower(c.Name)] = len(out)
		out = append(out, catalog.Column{Name: c.Name, Type: c.Type.Clone(), Comment: c.Comment})
	}
	for _, c := range found {
		i, ok := idx[strings.ToLower(c.Name)]
		if !ok {
			idx[strings.ToLower(c.Name)] = len(out)
			out = append(out, c)
			continue
		}
		s := fromCatalog(out[i].Type)
		n := fromCatalog(c.Type)
		s.merge(&n)
		out[i].Type = s.catalogType()
	}
	return out
}

// sameColumns reports whether two column lists have the same names and
// types in the same order.
func sameColumns(a, b []catalog.Column) bool { return sameNames(a, b, true) }

// sameKeys reports whether two lists of partition keys have the same
// names in the same order, whatever their types.
func sameKeys(a, b []catalog.Column) bool { return sameNames(a, b, false) }

func sameNames(a, b []catalog.Column, types bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i].Name, b[i].Name) || types && !a[i].Type.Equal(b[i].Type) {
			return false
		}
	}
	return true
}

// columnDiff describes how columns changed, briefly.
func columnDiff(old, now []catalog.Column) string {
	had := map[string]catalog.Type{}
	for _, c := range old {
		had[strings.ToLower(c.Name)] = c.Type
	}
	var d []string
	for _, c := range now {
		t, ok := had[strings.ToLower(c.Name)]
		switch {
		case !ok:
			d = append(d, "new column "+c.Name+" "+c.Type.String())
		case !t.Equal(c.Type):
			d = append(d, fmt.Sprintf("column %s %s → %s", c.Name, t, c.Type))
		}
	}
	return strings.Join(d, ", ")
}

func valuesKey(v []string) string { return strings.Join(v, "\x00") }
