package crawler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

// Glue's similarity rule (knowledge-center "glue-crawler-detect-schema"):
// folders become partitions of one table when more than 70% of them have
// similar schemas and there are at most five distinct schemas.
const (
	similarityThreshold = 0.7
	maxClusters         = 5
)

// tablePlan is a table a crawl found: a root folder and the data folders
// below it, which are its partitions when it has partition keys.
type tablePlan struct {
	target *target
	rel    string // the root, relative to the target; "" or ending in "/"
	name   string
	leaves []*folder
	keys   []string // partition key names, one per folder level below the root
	schema shape
	first  *FileSchema // the first leaf's schema: classification and text layout
	comp   string      // compression
}

// location returns the table's root, "s3://bucket/prefix/".
func (tp *tablePlan) location() string { return tp.target.uri.Join(tp.rel).AsPrefix().String() }

// grouper groups one target's data folders into tables.
type grouper struct {
	t       *target
	combine bool // CombineCompatibleSchemas
	level   int  // TableLevelConfiguration, 0 for none
	// blocked reports whether a folder (an absolute URI) may not become a
	// table root: for new-folders-only crawls, one that holds an existing
	// table below it.
	blocked func(uri string) bool
	w       *warnings
}

// group returns the tables of the folders (which have schemas).
func (g *grouper) group(leaves []*folder) []*tablePlan {
	return g.node("", leaves)
}

// node groups the leaves under the folder rel.
func (g *grouper) node(rel string, leaves []*folder) []*tablePlan {
	if len(leaves) == 0 {
		return nil
	}
	depth := strings.Count(rel, "/")
	if g.level > 0 {
		if lvl := strings.Count(g.t.uri.Key+rel, "/"); lvl >= g.level {
			return g.table(rel, leaves, true)
		}
	} else if !g.blocked(g.t.uri.Join(rel).AsPrefix().String()) && g.oneTable(depth, leaves) {
		return g.table(rel, leaves, false)
	}
	// Split: each child folder is a candidate table of its own.
	var here []*folder
	children := map[string][]*folder{}
	var order []string
	for _, l := range leaves {
		if len(l.parts) == depth {
			here = append(here, l)
			continue
		}
		c := l.parts[depth]
		if _, ok := children[c]; !ok {
			order = append(order, c)
		}
		children[c] = append(children[c], l)
	}
	for _, l := range here {
		if len(children) > 0 || g.level > 0 {
			g.w.add("%s: files next to folders of data (or above the table level) belong to no table; skipped (%d files)", l.uri(), len(l.files))
		} else {
			g.w.add("%s: its files do not fit the table they would belong to; skipped", l.uri())
		}
	}
	var out []*tablePlan
	for _, c := range order {
		out = append(out, g.node(rel+c+"/", children[c])...)
	}
	return out
}

// oneTable reports whether leaves at the same depth below a folder make
// one table: same format, compression and text layout, and (unless
// CombineCompatibleSchemas) similar schemas by Glue's rule.
func (g *grouper) oneTable(depth int, leaves []*folder) bool {
	d := len(leaves[0].parts)
	for _, l := range leaves {
		if len(l.parts) != d || l.sig != leaves[0].sig {
			return false
		}
	}
	if g.combine || len(leaves) == 1 {
		return true
	}
	type cluster struct {
		names map[string]bool
		n     int
	}
	var clusters []*cluster
	for _, l := range leaves {
		names := map[string]bool{}
		for _, f := range l.schema.Columns.fields {
			names[f.key] = true
		}
		found := false
		for _, c := range clusters {
			if similar(c.names, names) {
				c.n++
				found = true
				break
			}
		}
		if !found {
			clusters = append(clusters, &cluster{names: names, n: 1})
		}
	}
	if len(clusters) > maxClusters {
		return false
	}
	largest := 0
	for _, c := range clusters {
		largest = max(largest, c.n)
	}
	return float64(largest)/float64(len(leaves)) > similarityThreshold
}

// similar reports whether two sets of column names overlap by at least
// the similarity threshold of the smaller set, so that a schema that
// gained columns stays similar to the one it grew from.
func similar(a, b map[string]bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	common := 0
	for k := range a {
		if b[k] {
			common++
		}
	}
	return float64(common)/float64(min(len(a), len(b))) >= similarityThreshold
}

// table makes one table of the leaves below rel. Forced (a table level),
// leaves of another depth or format than the most common are skipped.
func (g *grouper) table(rel string, leaves []*folder, forced bool) []*tablePlan {
	if forced {
		count := map[string]int{}
		best := ""
		key := func(l *folder) string { return fmt.Sprintf("%d|%s", len(l.parts), l.sig) }
		for _, l := range leaves {
			k := key(l)
			count[k]++
			if best == "" || count[k] > count[best] {
				best = k
			}
		}
		var kept []*folder
		for _, l := range leaves {
			if key(l) != best {
				g.w.add("%s: its depth or format (%s) differs from the other folders of table folder %s; skipped",
					l.uri(), describe(l.sig), g.t.uri.Join(rel).AsPrefix())
				continue
			}
			kept = append(kept, l)
		}
		leaves = kept
	}
	depth := strings.Count(rel, "/")
	tp := &tablePlan{target: g.t, rel: rel, leaves: leaves, first: leaves[0].schema, comp: compressionOfSig(leaves[0].sig)}
	tp.name = tableName(g.t, rel)
	levels := len(leaves[0].parts) - depth
	for i := range levels {
		name := ""
		for j, l := range leaves {
			k, _, ok := strings.Cut(l.parts[depth+i], "=")
			if !ok || k == "" || (j > 0 && !strings.EqualFold(k, name)) {
				name = ""
				break
			}
			name = k
		}
		if name == "" {
			name = fmt.Sprintf("partition_%d", i)
		}
		tp.keys = append(tp.keys, strings.ToLower(catalog.UnescapePathName(name)))
	}
	tp.schema = shape{kind: kStruct}
	for _, l := range leaves {
		tp.schema.merge(&l.schema.Columns)
	}
	return []*tablePlan{tp}
}

// values returns a leaf's partition values in table tp.
func (tp *tablePlan) values(l *folder) []string {
	depth := strings.Count(tp.rel, "/")
	vals := make([]string, len(tp.keys))
	for i, key := range tp.keys {
		comp := l.parts[depth+i]
		if k, v, ok := strings.Cut(comp, "="); ok && strings.EqualFold(catalog.UnescapePathName(k), key) {
			vals[i] = catalog.UnescapePathName(v)
		} else {
			vals[i] = comp
		}
	}
	return vals
}

// compressionOfSig returns the compression part of a signature.
func compressionOfSig(sig string) string {
	parts := strings.SplitN(sig, "/", 3)
	if len(parts) < 2 {
		return "none"
	}
	return parts[1]
}

// tableName names a table after its root folder (the bucket for a
// bucket's root), lower-cased, with characters other than letters,
// digits and "_" replaced by "_" (year=2017 → year_2017), as Glue does.
func tableName(t *target, rel string) string {
	key := strings.TrimSuffix(t.uri.Key+rel, "/")
	name := t.uri.Bucket
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		name = key[i+1:]
	} else if key != "" {
		name = key
	}
	return sanitize(name)
}

// sanitize makes a table name of a folder name.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// sortPlans orders tables by location.
func sortPlans(plans []*tablePlan) {
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].location() < plans[j].location() })
}
