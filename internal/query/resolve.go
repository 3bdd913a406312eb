package query

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
)

// resolver resolves the tables of one statement to lake files and counts
// the bytes the engine will read.
type resolver struct {
	svc      *Service
	database string

	mu      sync.Mutex
	scanned int64
}

var _ Resolver = (*resolver)(nil)

func (r *resolver) bytesScanned() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.scanned
}

func isDefaultCatalog(name string) bool {
	return strings.EqualFold(name, "awsdatacatalog") || strings.EqualFold(name, "hive")
}

// ResolveTable looks a table up in the catalog and lists the files of the
// partitions filter keeps.
func (r *resolver) ResolveTable(ctx context.Context, ref TableRef, filter PartitionFilter) (*Relation, error) {
	if ref.Catalog != "" && !isDefaultCatalog(ref.Catalog) {
		return nil, ErrorAt("CATALOG_NOT_FOUND", ref.Offset, "Catalog '%s' does not exist; weir has one catalog, awsdatacatalog", ref.Catalog)
	}
	db := catalog.NormalizeName(ref.Database)
	if db == "" {
		db = r.database
	}
	name := catalog.NormalizeName(ref.Name)
	if base, ok := strings.CutSuffix(name, "$partitions"); ok {
		return r.partitionsTable(ctx, db, base, ref)
	}
	t, err := r.svc.table(ctx, db, name, ref.Offset)
	if err != nil {
		return nil, err
	}
	if t.TableType == catalog.VirtualView {
		return nil, ErrorAt("NOT_SUPPORTED", ref.Offset, "%s is a view; weir does not support views yet", t.QualifiedName())
	}
	if strings.EqualFold(t.Parameters["projection.enabled"], "true") {
		return nil, ErrorAt("NOT_SUPPORTED", ref.Offset, "table %s uses partition projection, which weir does not support yet; register its partitions with MSCK REPAIR TABLE or ALTER TABLE ADD PARTITION and set 'projection.enabled'='false'", t.QualifiedName())
	}
	r.svc.publish.RLock()
	defer r.svc.publish.RUnlock()
	rel := &Relation{Table: t}
	if !t.IsPartitioned() {
		files, err := r.svc.listFiles(ctx, t.Location, nil)
		if err != nil {
			return nil, tableLocationError(t, err)
		}
		rel.Files = files
	} else {
		parts, err := r.svc.opts.Catalog.ListPartitions(ctx, db, name)
		if err != nil {
			return nil, err
		}
		if filter != nil && len(parts) > 0 {
			values := make([][]string, len(parts))
			for i, p := range parts {
				values[i] = p.Values
			}
			keep, err := filter(ctx, t.PartitionKeys, values)
			if err != nil {
				return nil, err
			}
			var kept []*catalog.Partition
			for i, p := range parts {
				if keep[i] {
					kept = append(kept, p)
				}
			}
			parts = kept
		}
		files, err := r.svc.partitionFiles(ctx, t, parts)
		if err != nil {
			return nil, tableLocationError(t, err)
		}
		rel.Files = files
	}
	var n int64
	for _, f := range rel.Files {
		n += f.Size
	}
	r.mu.Lock()
	r.scanned += n
	r.mu.Unlock()
	return rel, nil
}

func tableLocationError(t *catalog.Table, err error) error {
	var qe *Error
	if errors.As(err, &qe) {
		return err
	}
	return Errorf("HIVE_FILESYSTEM_ERROR", "cannot list the files of table %s at %s: %v", t.QualifiedName(), t.Location, err)
}

// partitionsTable is the "t$partitions" virtual table: one row per
// partition with the partition keys as columns.
func (r *resolver) partitionsTable(ctx context.Context, db, name string, ref TableRef) (*Relation, error) {
	t, err := r.svc.table(ctx, db, name, ref.Offset)
	if err != nil {
		return nil, err
	}
	if !t.IsPartitioned() {
		return nil, ErrorAt("TABLE_NOT_FOUND", ref.Offset, "Table '%s.%s$partitions' does not exist: %s is not partitioned", db, name, t.QualifiedName())
	}
	parts, err := r.svc.opts.Catalog.ListPartitions(ctx, db, name)
	if err != nil {
		return nil, err
	}
	rows := make([][]any, len(parts))
	for i, p := range parts {
		row := make([]any, len(p.Values))
		for j, v := range p.Values {
			if v != catalog.NullPartitionValue {
				row[j] = v
			}
		}
		rows[i] = row
	}
	vt := &catalog.Table{Database: db, Name: name + "$partitions", Columns: t.PartitionKeys}
	return &Relation{Table: vt, Rows: rows}, nil
}

// table gets a table, with Athena's errors for a missing database or table.
func (s *Service) table(ctx context.Context, db, name string, offset int) (*catalog.Table, error) {
	t, err := s.opts.Catalog.GetTable(ctx, db, name)
	if err == nil {
		return t, nil
	}
	if errors.Is(err, catalog.ErrTableNotFound) || errors.Is(err, catalog.ErrDatabaseNotFound) {
		// Keep the catalog error as the cause: Resolver promises errors
		// wrapping catalog.ErrTableNotFound.
		if _, derr := s.opts.Catalog.GetDatabase(ctx, db); errors.Is(derr, catalog.ErrDatabaseNotFound) {
			qe := ErrorAt("SCHEMA_NOT_FOUND", offset, "Schema '%s' does not exist", db)
			qe.Err = derr
			return nil, qe
		}
		qe := ErrorAt("TABLE_NOT_FOUND", offset, "Table 'awsdatacatalog.%s.%s' does not exist%s", db, name, s.tableHint(ctx, db, name))
		qe.Err = err
		return nil, qe
	}
	return nil, err
}

// tableHint suggests the table the user may have meant: one of that name
// in another database, or one with a similar name in this database.
func (s *Service) tableHint(ctx context.Context, db, name string) string {
	dbs, err := s.opts.Catalog.ListDatabases(ctx)
	if err != nil {
		return ""
	}
	var elsewhere []string
	for _, d := range dbs {
		if d.Name == db {
			continue
		}
		if _, err := s.opts.Catalog.GetTable(ctx, d.Name, name); err == nil {
			elsewhere = append(elsewhere, d.Name+"."+name)
		}
	}
	if len(elsewhere) > 0 {
		return fmt.Sprintf("; did you mean %s? (qualify the name, or pass the database with --database)", strings.Join(elsewhere, " or "))
	}
	tables, err := s.opts.Catalog.ListTables(ctx, db)
	if err != nil {
		return ""
	}
	best, bestDist := "", 3
	for _, t := range tables {
		if d := editDistance(name, t.Name); d < bestDist {
			best, bestDist = t.Name, d
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %s?", best)
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// listFiles lists the data files under a location, skipping what Hive
// skips: objects whose name (or any folder below the location) starts with
// "_" or ".", "$folder$" markers and empty objects. partition, when set, is
// stored on every file.
func (s *Service) listFiles(ctx context.Context, location string, partition []string) ([]DataFile, error) {
	u, err := lake.ParseURI(location)
	if err != nil {
		return nil, err
	}
	u = u.AsPrefix()
	b, err := s.opts.Lake.Bucket(ctx, u.Bucket)
	if err != nil {
		return nil, err
	}
	lp, ok := b.(lake.LocalPather)
	if !ok {
		return nil, Errorf("NOT_SUPPORTED", "bucket %s does not keep files on local disk, which the query engine needs", u.Bucket)
	}
	var files []DataFile
	for obj, err := range b.List(ctx, u.Key, true) {
		if err != nil {
			return nil, err
		}
		if obj.IsPrefix || obj.Size == 0 || hiddenKey(strings.TrimPrefix(obj.Key, u.Key)) {
			continue
		}
		p, err := lp.LocalPath(obj.Key)
		if err != nil {
			return nil, err
		}
		files = append(files, DataFile{
			Path:      p,
			URI:       lake.URI{Bucket: u.Bucket, Key: obj.Key}.String(),
			Size:      obj.Size,
			ModTime:   obj.ModTime,
			Partition: partition,
		})
	}
	return files, nil
}

// hiddenKey reports whether a key relative to a table location is hidden
// from Hive readers.
func hiddenKey(rel string) bool {
	if strings.HasSuffix(rel, "_$folder$") {
		return true
	}
	for _, seg := range strings.Split(rel, "/") {
		if strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// partitionFiles lists the files of the given partitions. A file under
// several partitions' locations (nested locations) belongs to the
// partitions whose location is longest; partitions sharing a location
// all read its files, as in Hive. Partitions under the table location are
// listed with one walk of the location when there are many of them.
func (s *Service) partitionFiles(ctx context.Context, t *catalog.Table, parts []*catalog.Partition) ([]DataFile, error) {
	if len(parts) == 0 {
		return nil, nil
	}
	tableLoc := asFolder(t.Location)
	byLoc := map[string][]*catalog.Partition{}
	var locs []string // in partition order, each once
	for _, p := range parts {
		loc := asFolder(p.Location)
		if loc == "" {
			loc = tableLoc + catalog.PartitionName(t.PartitionKeys, p.Values) + "/"
		}
		if _, ok := byLoc[loc]; !ok {
			locs = append(locs, loc)
		}
		byLoc[loc] = append(byLoc[loc], p)
	}
	var inside, outside []string
	for _, loc := range locs {
		if strings.HasPrefix(loc, tableLoc) {
			inside = append(inside, loc)
		} else {
			outside = append(outside, loc)
		}
	}
	var files []DataFile
	add := func(f DataFile) {
		for _, p := range owners(f.URI, byLoc) {
			f.Partition = p.Values
			files = append(files, f)
		}
	}
	if len(inside) > 64 {
		all, err := s.listFiles(ctx, tableLoc, nil)
		if err != nil {
			return nil, err
		}
		for _, f := range all {
			add(f)
		}
	} else {
		outside = append(outside, inside...)
	}
	for _, loc := range outside {
		pf, err := s.listFiles(ctx, loc, nil)
		if err != nil {
			if errorsIsNotExist(err) {
				continue // a partition whose bucket is gone has no rows
			}
			return nil, err
		}
		for _, f := range pf {
			if ownerLoc(f.URI, byLoc) == loc {
				add(f)
			}
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].URI < files[j].URI })
	return files, nil
}

// ownerLoc returns the longest partition location containing uri.
func ownerLoc(uri string, byLoc map[string][]*catalog.Partition) string {
	dir := uri
	for {
		i := strings.LastIndexByte(strings.TrimSuffix(dir, "/"), '/')
		if i < len("s3://") {
			return ""
		}
		dir = dir[:i+1]
		if _, ok := byLoc[dir]; ok {
			return dir
		}
	}
}

// owners returns the partitions at the longest location containing uri.
func owners(uri string, byLoc map[string][]*catalog.Partition) []*catalog.Partition {
	return byLoc[ownerLoc(uri, byLoc)]
}

func errorsIsNotExist(err error) bool {
	return errors.Is(err, lake.ErrBucketNotExist)
}

// asFolder returns a location with exactly one trailing slash, or "".
func asFolder(loc string) string {
	if loc == "" {
		return ""
	}
	return strings.TrimRight(loc, "/") + "/"
}
