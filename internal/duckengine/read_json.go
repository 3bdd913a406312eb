package duckengine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// jsonOptions are the JSON SerDe properties weir honours (OpenX and Hive
// JSON SerDes).
type jsonOptions struct {
	ignoreMalformed bool              // ignore.malformed.json: malformed lines read as NULL rows
	caseInsensitive bool              // case.insensitive (default true): keys match columns case-insensitively
	dotsInKeys      bool              // dots.in.keys: key "a.b" is column a_b
	mapping         map[string]string // mapping.<column> = JSON key
}

func jsonOptionsOf(t *catalog.Table) jsonOptions {
	o := jsonOptions{caseInsensitive: true, mapping: map[string]string{}}
	if v, ok := serdeParam(t, "ignore.malformed.json"); ok {
		o.ignoreMalformed = strings.EqualFold(v, "true")
	}
	if v, ok := serdeParam(t, "case.insensitive"); ok {
		o.caseInsensitive = !strings.EqualFold(v, "false")
	}
	if v, ok := serdeParam(t, "dots.in.keys"); ok {
		o.dotsInKeys = strings.EqualFold(v, "true")
	}
	for k, v := range t.Storage.SerDeParameters {
		if col, ok := strings.CutPrefix(k, "mapping."); ok {
			o.mapping[strings.ToLower(col)] = v
		}
	}
	return o
}

// jsonScans reads JSON lines files the way the JSON SerDes do: keys match
// columns case-insensitively, a value that does not fit its column's type
// is NULL, and a malformed line is an error unless ignore.malformed.json.
//
// DuckDB matches keys case-sensitively, so the keys' spellings are learnt
// from the start of each file; files that spell keys alike are read
// together.
func (e *Engine) jsonScans(t *catalog.Table, files []query.DataFile) ([]scan, error) {
	opts := jsonOptionsOf(t)
	// OpenX and Hive's JSON SerDes read epoch milliseconds as timestamps.
	ts, err := timestampsOf(t, true)
	if err != nil {
		return nil, err
	}
	type group struct {
		spell   []string // chosen spelling per column
		all     [][]string
		objects bool // some key is spelled two ways within one object
		samples []*keySample
		files   []query.DataFile
	}
	groups := map[string]*group{}
	var order []string
	for _, f := range files {
		var sample *keySample
		if opts.caseInsensitive {
			sample = e.samples.get(f.Path, f.Size, f.ModTime)
		}
		spell := make([]string, len(t.Columns))
		all := make([][]string, len(t.Columns))
		objects := false
		for i, c := range t.Columns {
			all[i] = columnSpellings(c.Name, opts, sample)
			spell[i] = all[i][0]
			if len(all[i]) > 1 {
				objects = true
			}
		}
		key := fmt.Sprint(spell, objects)
		if objects {
			key = fmt.Sprint(all, objects)
		}
		g, ok := groups[key]
		if !ok {
			g = &group{spell: spell, all: all, objects: objects}
			groups[key] = g
			order = append(order, key)
		}
		g.files = append(g.files, f)
		g.samples = append(g.samples, sample)
	}
	var scans []scan
	for _, key := range order {
		g := groups[key]
		nested := func(path string) []string {
			for _, s := range g.samples {
				if sp := s.spelled(path); len(sp) > 0 {
					return sp
				}
			}
			return nil
		}
		jc := jsonConv{nested: nested, ts: ts}
		if g.objects {
			scans = append(scans, jsonObjectsScan(t, g.files, g.all, opts, jc))
		} else {
			scans = append(scans, jsonColumnsScan(t, g.files, g.spell, opts, jc))
		}
	}
	return scans, nil
}

// columnSpellings returns the JSON keys that feed a column, most likely
// first; never empty.
func columnSpellings(column string, opts jsonOptions, sample *keySample) []string {
	lc := strings.ToLower(column)
	want := lc
	if m, ok := opts.mapping[lc]; ok {
		want = m
	}
	if !opts.caseInsensitive {
		return []string{want}
	}
	var out []string
	if sample != nil {
		var keys []string
		for k := range sample.spellings {
			if !strings.Contains(k, ".") || opts.dotsInKeys {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			match := k == strings.ToLower(want)
			if !match && opts.dotsInKeys {
				match = strings.ReplaceAll(k, ".", "_") == strings.ToLower(want)
			}
			if match {
				out = append(out, sample.spellings[k]...)
			}
		}
	}
	if len(out) == 0 {
		out = []string{want}
	}
	return out
}

// jsonReadType is the type a column is read as before conversion: text for
// scalars (so that a value of the wrong type becomes NULL, not an error),
// JSON for complex values.
func jsonReadType(t catalog.Type) string {
	if t.IsComplex() {
		return "JSON"
	}
	return "VARCHAR"
}

// jsonConv converts JSON values of one group of files to column types.
type jsonConv struct {
	nested func(path string) []string // spellings of a nested key in the data
	ts     timestamps
}

func jsonColumnsScan(t *catalog.Table, files []query.DataFile, spell []string, opts jsonOptions, jc jsonConv) scan {
	var cols []string
	seen := map[string]bool{}
	for i, c := range t.Columns {
		if seen[strings.ToLower(spell[i])] {
			continue // two columns mapped to one key; DuckDB reads it once
		}
		seen[strings.ToLower(spell[i])] = true
		cols = append(cols, quoteString(spell[i])+": "+quoteString(jsonReadType(c.Type)))
	}
	from := fmt.Sprintf("read_json(%s, format = 'newline_delimited', columns = {%s}, filename = '%s', hive_partitioning = false, ignore_errors = %t, maximum_object_size = 67108864)",
		fileList(files), strings.Join(cols, ", "), fileColumn, opts.ignoreMalformed)
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		exprs[i] = jc.convert("__d."+quoteIdent(spell[i]), c.Type, strings.ToLower(c.Name))
	}
	return scan{from: from, exprs: exprs, files: files}
}

// jsonObjectsScan reads whole objects and extracts each column from any of
// its spellings; used when one object spells a key two ways.
func jsonObjectsScan(t *catalog.Table, files []query.DataFile, all [][]string, opts jsonOptions, jc jsonConv) scan {
	from := fmt.Sprintf("read_ndjson_objects(%s, filename = '%s', hive_partitioning = false, ignore_errors = %t, maximum_object_size = 67108864)",
		fileList(files), fileColumn, opts.ignoreMalformed)
	exprs := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		var alts []string
		for _, sp := range all[i] {
			path := quoteString(`$."` + strings.ReplaceAll(sp, `"`, `\"`) + `"`)
			if c.Type.IsComplex() {
				alts = append(alts, "json_extract(__d.json, "+path+")")
			} else {
				alts = append(alts, "json_extract_string(__d.json, "+path+")")
			}
		}
		src := alts[0]
		if len(alts) > 1 {
			src = "coalesce(" + strings.Join(alts, ", ") + ")"
		}
		exprs[i] = jc.convert(src, c.Type, strings.ToLower(c.Name))
	}
	return scan{from: from, exprs: exprs, files: files}
}

// convert converts a value read from JSON (text for scalars, JSON for
// complex types) to the column type; values that do not fit become NULL.
func (jc jsonConv) convert(src string, t catalog.Type, path string) string {
	switch {
	case t.Kind == catalog.String:
		return src
	case t.Kind == catalog.Varchar:
		return fmt.Sprintf("left(%s, %d)", src, t.Length)
	case t.Kind == catalog.Char:
		return fmt.Sprintf("rpad(left(%s, %d), %d, ' ')", src, t.Length, t.Length)
	case t.Kind == catalog.Timestamp:
		return jc.ts.expr(src)
	case t.IsComplex():
		if jc.nestedConflict(t, path) {
			return jc.fieldwise(src, t, path)
		}
		// A value of the wrong shape (a string for a struct) is NULL, not
		// a struct of NULLs.
		return fmt.Sprintf("CASE WHEN json_type(%s) = '%s' THEN TRY_CAST(json_transform(%s, %s) AS %s) END",
			src, jsonShape(t), src, quoteString(jc.structure(t, path)), sqlType(t))
	case t.IsInteger():
		// DuckDB rounds "80.5" to 81; the SerDes do not read fractions
		// into integer columns.
		return fmt.Sprintf("CASE WHEN strpos(%s, '.') = 0 THEN TRY_CAST(%s AS %s) END", src, src, sqlType(t))
	}
	return fmt.Sprintf("TRY_CAST(%s AS %s)", src, sqlType(t))
}

// jsonShape is the json_type of values of a complex type.
func jsonShape(t catalog.Type) string {
	if t.Kind == catalog.Array {
		return "ARRAY"
	}
	return "OBJECT"
}

// nestedConflict reports whether some struct field under path is spelled
// in more than one way in the data.
func (jc jsonConv) nestedConflict(t catalog.Type, path string) bool {
	switch t.Kind {
	case catalog.Struct:
		for _, f := range t.Fields {
			fp := path + "." + strings.ToLower(f.Name)
			if len(jc.nested(fp)) > 1 || jc.nestedConflict(f.Type, fp) {
				return true
			}
		}
	case catalog.Array:
		return jc.nestedConflict(*t.Elem, path)
	case catalog.Map:
		return jc.nestedConflict(*t.Value, path)
	}
	return false
}

// fieldwise converts a JSON value field by field, taking each struct
// field from whichever of its spellings is present. It is slower than
// json_transform and used only when the data spells a field two ways.
func (jc jsonConv) fieldwise(src string, t catalog.Type, path string) string {
	switch t.Kind {
	case catalog.Struct:
		var fields []string
		for _, f := range t.Fields {
			fp := path + "." + strings.ToLower(f.Name)
			spellings := jc.nested(fp)
			if len(spellings) == 0 {
				spellings = []string{f.Name}
			}
			var alts []string
			for _, sp := range spellings {
				alts = append(alts, fmt.Sprintf("json_extract(%s, %s)", src, quoteString(`$."`+strings.ReplaceAll(sp, `"`, `\"`)+`"`)))
			}
			value := alts[0]
			if len(alts) > 1 {
				value = "coalesce(" + strings.Join(alts, ", ") + ")"
			}
			fields = append(fields, quoteIdent(f.Name)+" := "+jc.fieldwise(value, f.Type, fp))
		}
		return fmt.Sprintf("CASE WHEN json_type(%s) = 'OBJECT' THEN struct_pack(%s) END", src, strings.Join(fields, ", "))
	case catalog.Array:
		v := fmt.Sprintf("__j%d", strings.Count(path, ".")+len(path))
		return fmt.Sprintf("CASE WHEN json_type(%s) = 'ARRAY' THEN list_transform(json_transform(%s, '[\"JSON\"]'), %s -> %s) END",
			src, src, v, jc.fieldwise(v, *t.Elem, path))
	case catalog.Map:
		return fmt.Sprintf("CASE WHEN json_type(%s) = 'OBJECT' THEN TRY_CAST(json_transform(%s, %s) AS %s) END",
			src, src, quoteString(jc.structure(t, path)), sqlType(t))
	}
	return jc.convert(fmt.Sprintf("(%s ->> '$')", src), t, path)
}

// structure returns a json_transform structure for t, using the key
// spellings seen in the data for struct fields.
func (jc jsonConv) structure(t catalog.Type, path string) string {
	switch t.Kind {
	case catalog.Struct:
		var parts []string
		for _, f := range t.Fields {
			fp := path + "." + strings.ToLower(f.Name)
			name := f.Name
			if sp := jc.nested(fp); len(sp) > 0 {
				name = sp[0]
			}
			parts = append(parts, jsonQuote(name)+":"+jc.structure(f.Type, fp))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case catalog.Array:
		return "[" + jc.structure(*t.Elem, path) + "]"
	}
	return jsonQuote(sqlType(t))
}

func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
