package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/asl"
)

// Objects is the object store a distributed Map reads its items from
// (ItemReader) and writes its results to (ResultWriter). The app
// package implements it over weir's lake.
type Objects interface {
	// Get returns the contents of an object.
	Get(ctx context.Context, bucket, key string) ([]byte, error)
	// Put stores data under key atomically: readers see the old object
	// or the whole new one.
	Put(ctx context.Context, bucket, key string, data []byte) error
	// List returns the objects whose keys start with prefix, in key
	// order, as ListObjectsV2 does without a delimiter.
	List(ctx context.Context, bucket, prefix string) ([]ObjectInfo, error)
}

// ObjectInfo describes an object in a listing.
type ObjectInfo struct {
	Key          string
	Size         int64
	ETag         string // quoted, as S3 gives it
	LastModified time.Time
}

// MapItems are the items a Map state's ItemReader read. They are kept
// with the Map state's thread while its items run, so that a resumed
// Map runs the items it started with even if the source object changed.
type MapItems struct {
	Items []any
	// Source is $$.Map.Item.Source of every item, or of those Sources
	// does not name.
	Source  string
	Sources []string `json:",omitempty"`
}

func (m *MapItems) source(i int) string {
	if i < len(m.Sources) {
		return m.Sources[i]
	}
	return m.Source
}

// maxReaderItems is AWS's limit on the items an ItemReader reads.
const maxReaderItems = 100_000_000

// maxCSVHeaderBytes is AWS's limit on a CSV header.
const maxCSVHeaderBytes = 10 * 1024

// The ItemReader and ResultWriter resources.
const (
	resourceGetObject     = "arn:aws:states:::s3:getObject"
	resourceListObjectsV2 = "arn:aws:states:::s3:listObjectsV2"
	resourcePutObject     = "arn:aws:states:::s3:putObject"
)

// readerFailed is a States.ItemReaderFailed failure of the state.
func (s *stateRun) readerFailed(format string, args ...any) *failure {
	return &failure{asl.ErrNameItemReaderFailed, fmt.Sprintf("The ItemReader of the Map state '%s' failed: ", s.st.Name) + fmt.Sprintf(format, args...)}
}

// readerConfig is an ItemReader's ReaderConfig, checked.
type readerConfig struct {
	inputType      string // JSON, JSONL, CSV, PARQUET or MANIFEST (an S3 Inventory)
	manifest       string // "", ATHENA_DATA or S3_INVENTORY
	headerLocation string // FIRST_ROW or GIVEN
	headerSet      bool   // CSVHeaderLocation was given
	headers        []string
	delimiter      byte
	transformation string // NONE or LOAD_AND_FLATTEN
	itemsPointer   string
	maxItems       int // 0: no limit
}

var csvDelimiters = map[string]byte{"COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// readItems runs the state's ItemReader on the effective input.
func (s *stateRun) readItems(ctx context.Context, effective any) (*MapItems, *failure) {
	r := s.st.ItemReader
	objs := s.x.r.opts.Objects
	if objs == nil {
		return nil, s.readerFailed("this runner has no object store (Options.Objects); run the machine with weir, which reads from the lake")
	}
	resource, _ := r["Resource"].(string)
	if resource != resourceGetObject && resource != resourceListObjectsV2 {
		return nil, s.readerFailed("the Resource %q is not one weir reads; use %s or %s", resource, resourceGetObject, resourceListObjectsV2)
	}
	params, f := s.objectParams(r, effective, "ItemReader", asl.ErrNameItemReaderFailed)
	if f != nil {
		return nil, f
	}
	cfg, f := s.readerConfig(r, effective)
	if f != nil {
		return nil, f
	}
	bucket, _ := params["Bucket"].(string)
	if bucket == "" {
		return nil, s.readerFailed("Parameters.Bucket must be a bucket name, not %s", s.x.encode(params["Bucket"]))
	}
	out := &MapItems{Items: []any{}}
	if resource == resourceListObjectsV2 {
		if cfg.manifest != "" {
			return nil, s.readerFailed("ReaderConfig.ManifestType %s is read with %s on the manifest object, not with %s", cfg.manifest, resourceGetObject, resourceListObjectsV2)
		}
		prefix, ok := params["Prefix"].(string)
		if _, given := params["Prefix"]; given && !ok {
			return nil, s.readerFailed("Parameters.Prefix must be a string, not %s", s.x.encode(params["Prefix"]))
		}
		list, err := objs.List(ctx, bucket, prefix)
		if err != nil {
			return nil, s.readerFailed("cannot list s3://%s/%s: %v", bucket, prefix, err)
		}
		if cfg.transformation != "LOAD_AND_FLATTEN" {
			out.Source = "S3://" + bucket
			for _, o := range list {
				if cfg.maxItems > 0 && len(out.Items) >= cfg.maxItems {
					break
				}
				out.Items = append(out.Items, map[string]any{
					"Etag": o.ETag, "Key": o.Key, "LastModified": json.Number(strconv.FormatInt(o.LastModified.Unix(), 10)),
					"Size": json.Number(strconv.FormatInt(o.Size, 10)), "StorageClass": "STANDARD",
				})
			}
			if cfg.maxItems == 0 && len(out.Items) > maxReaderItems {
				return nil, s.readerFailed("s3://%s/%s holds %d objects, more than the %d an ItemReader reads; set ReaderConfig.MaxItems", bucket, prefix, len(out.Items), maxReaderItems)
			}
			return out, nil
		}
		for _, o := range list {
			if f := s.readObject(ctx, cfg, bucket, o.Key, out, true); f != nil {
				return nil, f
			}
			if cfg.maxItems > 0 && len(out.Items) >= cfg.maxItems {
				break
			}
		}
		return out, nil
	}
	key, _ := params["Key"].(string)
	if key == "" {
		return nil, s.readerFailed("Parameters.Key must be an object key, not %s", s.x.encode(params["Key"]))
	}
	switch cfg.manifest {
	case manifestAthena:
		f = s.readAthenaManifest(ctx, cfg, bucket, key, out)
	case manifestInventory:
		f = s.readInventory(ctx, cfg, bucket, key, out)
	default:
		f = s.readObject(ctx, cfg, bucket, key, out, false)
	}
	if f != nil {
		return nil, f
	}
	return out, nil
}

// readObject reads the items of one object into out, each with the
// object's URI as its source when perItem, or as out's Source.
func (s *stateRun) readObject(ctx context.Context, cfg readerConfig, bucket, key string, out *MapItems, perItem bool) *failure {
	uri := "s3://" + bucket + "/" + key
	limit := maxReaderItems + 1
	if cfg.maxItems > 0 {
		limit = cfg.maxItems - len(out.Items)
	}
	var items []any
	if cfg.inputType == "PARQUET" {
		pr, ok := s.x.r.opts.Objects.(ParquetReader)
		if !ok {
			return s.readerFailed("InputType PARQUET needs an object store that reads Parquet; run the machine with weir, whose lake does")
		}
		var err error
		if items, err = pr.ParquetItems(ctx, bucket, key, limit); err != nil {
			return s.readerFailed("cannot read %s: %v", uri, err)
		}
	} else {
		data, f := s.getObject(ctx, bucket, key)
		if f != nil {
			return f
		}
		var err error
		if items, err = parseItems(data, cfg, limit); err != nil {
			return s.readerFailed("%s: %v", uri, err)
		}
	}
	source := "S3://" + bucket + "/" + key
	if !perItem {
		out.Source, source = source, ""
	}
	return s.addItems(cfg, out, items, source, uri)
}

// addItems appends the items read from the object uri to out, each with
// source as its $$.Map.Item.Source unless source is "" (out.Source then
// is every item's).
func (s *stateRun) addItems(cfg readerConfig, out *MapItems, items []any, source, uri string) *failure {
	if cfg.maxItems == 0 && len(out.Items)+len(items) > maxReaderItems {
		return s.readerFailed("%s holds more than the %d items an ItemReader reads; set ReaderConfig.MaxItems", uri, maxReaderItems)
	}
	if source != "" {
		for len(out.Sources) < len(out.Items) {
			out.Sources = append(out.Sources, out.Source)
		}
		for range items {
			out.Sources = append(out.Sources, source)
		}
	}
	out.Items = append(out.Items, items...)
	return nil
}

// objectParams evaluates the Parameters of an ItemReader or a
// ResultWriter on the effective input.
func (s *stateRun) objectParams(raw map[string]any, effective any, field, errName string) (map[string]any, *failure) {
	p, ok := raw["Parameters"]
	if !ok {
		p = raw["Arguments"]
	}
	if p == nil {
		return nil, &failure{errName, fmt.Sprintf("The %s of the Map state '%s' needs Parameters with the Bucket", field, s.st.Name)}
	}
	t, errs := asl.ParseTemplate(p)
	if len(errs) > 0 {
		return nil, &failure{errName, fmt.Sprintf("The %s.Parameters of the Map state '%s': %v", field, s.st.Name, errs[0])}
	}
	v, err := t.Eval(s.scope(effective, nil))
	if err != nil {
		return nil, failureOf(err, asl.ErrNameParameterPathFailure)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &failure{errName, fmt.Sprintf("The %s.Parameters of the Map state '%s' must give an object, not %s", field, s.st.Name, s.x.encode(v))}
	}
	return m, nil
}

// readerConfig checks the ReaderConfig of the state's ItemReader.
func (s *stateRun) readerConfig(r map[string]any, effective any) (readerConfig, *failure) {
	cfg := readerConfig{inputType: "JSON", headerLocation: "FIRST_ROW", delimiter: ',', transformation: "NONE"}
	raw, _ := r["ReaderConfig"].(map[string]any)
	str := func(name string) (string, *failure) {
		v, ok := raw[name]
		if !ok {
			return "", nil
		}
		sv, ok := v.(string)
		if !ok {
			return "", s.readerFailed("ReaderConfig.%s must be a string, not %s", name, s.x.encode(v))
		}
		return sv, nil
	}
	inputType, f := str("InputType")
	if f != nil {
		return cfg, f
	}
	if cfg.manifest, f = str("ManifestType"); f != nil {
		return cfg, f
	}
	if f := s.checkInputType(&cfg, inputType); f != nil {
		return cfg, f
	}
	if v, f := str("Transformation"); f != nil {
		return cfg, f
	} else if v != "" {
		if v != "NONE" && v != "LOAD_AND_FLATTEN" {
			return cfg, s.readerFailed("ReaderConfig.Transformation must be NONE or LOAD_AND_FLATTEN, not %q", v)
		}
		cfg.transformation = v
	}
	if v, f := str("ItemsPointer"); f != nil {
		return cfg, f
	} else {
		cfg.itemsPointer = v
	}
	if v, f := str("CSVHeaderLocation"); f != nil {
		return cfg, f
	} else if v != "" {
		if v != "FIRST_ROW" && v != "GIVEN" {
			return cfg, s.readerFailed("ReaderConfig.CSVHeaderLocation must be FIRST_ROW or GIVEN, not %q", v)
		}
		cfg.headerLocation, cfg.headerSet = v, true
	}
	if v, f := str("CSVDelimiter"); f != nil {
		return cfg, f
	} else if v != "" {
		d, ok := csvDelimiters[v]
		if !ok {
			return cfg, s.readerFailed("ReaderConfig.CSVDelimiter must be COMMA, PIPE, SEMICOLON, SPACE or TAB, not %q", v)
		}
		cfg.delimiter = d
	}
	if cfg.headerLocation == "GIVEN" {
		hs, ok := raw["CSVHeaders"].([]any)
		if !ok || len(hs) == 0 {
			return cfg, s.readerFailed("CSVHeaderLocation GIVEN needs ReaderConfig.CSVHeaders, an array of column names")
		}
		for _, h := range hs {
			name, ok := h.(string)
			if !ok {
				return cfg, s.readerFailed("ReaderConfig.CSVHeaders must hold strings, not %s", s.x.encode(h))
			}
			cfg.headers = append(cfg.headers, name)
		}
		if err := checkHeader(cfg.headers); err != nil {
			return cfg, s.readerFailed("ReaderConfig.CSVHeaders: %v", err)
		}
	}
	var n any
	field := "MaxItems"
	if p, ok := raw["MaxItemsPath"].(string); ok {
		field = "MaxItemsPath '" + p + "'"
		path, err := asl.ParseReferencePath(p)
		if err != nil {
			return cfg, s.readerFailed("ReaderConfig.MaxItemsPath: %v", err)
		}
		if n, err = path.Select(s.scope(effective, nil)); err != nil {
			return cfg, failureOf(err, asl.ErrNameRuntime)
		}
	} else if v, ok := raw["MaxItems"]; ok {
		n = v
	}
	if n != nil {
		num, _ := n.(json.Number)
		v, err := num.Int64()
		if err != nil || v < 0 || v > maxReaderItems {
			return cfg, s.readerFailed("ReaderConfig.%s gave %s, not an integer from 0 to %d", field, s.x.encode(n), maxReaderItems)
		}
		cfg.maxItems = int(v)
	}
	return cfg, nil
}

// parseItems parses the items of an object: a JSON array (or the array
// ItemsPointer names in it), JSON Lines, or CSV rows. It reads at most
// limit items.
func parseItems(data []byte, cfg readerConfig, limit int) ([]any, error) {
	switch cfg.inputType {
	case "JSONL":
		return parseJSONL(data, limit)
	case "CSV":
		return parseCSV(data, cfg.delimiter, cfg.headers, limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: more than one JSON value; a JSON dataset is one array (use InputType JSONL for one value a line)", lineAt(data, dec.InputOffset()))
	}
	if cfg.itemsPointer != "" {
		var err error
		if v, err = jsonPointer(v, cfg.itemsPointer); err != nil {
			return nil, err
		}
	}
	arr, ok := v.([]any)
	if !ok {
		what := "the file"
		if cfg.itemsPointer != "" {
			what = "ItemsPointer " + cfg.itemsPointer
		}
		return nil, fmt.Errorf("%s holds %s, not an array of items; give a JSON array, or point ReaderConfig.ItemsPointer at one", what, jsonKindOf(v))
	}
	if len(arr) > limit {
		arr = arr[:limit]
	}
	return arr, nil
}

func jsonKindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// jsonPointer selects the value an RFC 6901 pointer names.
func jsonPointer(v any, ptr string) (any, error) {
	if !strings.HasPrefix(ptr, "/") {
		return nil, fmt.Errorf("ItemsPointer %q must start with '/'", ptr)
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, fmt.Errorf("ItemsPointer %s: no member %q", ptr, tok)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, fmt.Errorf("ItemsPointer %s: no element %q in an array of %d", ptr, tok, len(c))
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("ItemsPointer %s: %q names a member of %s", ptr, tok, jsonKindOf(v))
		}
	}
	return v, nil
}

// jsonError places a JSON syntax error at its line.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: not valid JSON: %v", lineAt(data, se.Offset), err)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("line %d: the JSON ends early", lineAt(data, int64(len(data))))
	}
	return fmt.Errorf("not valid JSON: %v", err)
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// parseJSONL parses one JSON value a line; blank lines are skipped.
func parseJSONL(data []byte, limit int) ([]any, error) {
	items := []any{}
	line := 0
	for len(data) > 0 && len(items) < limit {
		line++
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(l))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: not valid JSON: %v", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: more than one JSON value on the line", line)
		}
		items = append(items, v)
	}
	return items, nil
}

func checkHeader(names []string) error {
	seen := map[string]bool{}
	size := 0
	for _, n := range names {
		if seen[n] {
			return fmt.Errorf("the column %q appears twice; rename one", n)
		}
		seen[n] = true
		size += len(n) + 1
	}
	if size > maxCSVHeaderBytes {
		return fmt.Errorf("the header is %d bytes; Step Functions reads headers of up to %d", size, maxCSVHeaderBytes)
	}
	return nil
}

// parseCSV parses delimited text as Step Functions does: each row an
// object of column name to string value, with the header the first row
// unless headers are given. Fields may be quoted ("" is a quote inside
// quotes, and quoted fields may hold delimiters and newlines); a
// backslash escapes a backslash, a quote or the delimiter, and is
// dropped before any other character. A short row gets empty strings,
// a long row's extra fields are dropped, and empty lines are skipped.
func parseCSV(data []byte, delim byte, headers []string, limit int) ([]any, error) {
	p := &csvParser{data: data, delim: delim, line: 1}
	if headers == nil {
		row, err := p.record()
		if err != nil {
			return nil, err
		}
		if row == nil {
			return nil, errors.New("the file is empty: CSVHeaderLocation FIRST_ROW needs a header row")
		}
		if err := checkHeader(row); err != nil {
			return nil, fmt.Errorf("line 1: %v", err)
		}
		headers = row
	}
	items := []any{}
	for len(items) < limit {
		row, err := p.record()
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		item := make(map[string]any, len(headers))
		for i, h := range headers {
			if i < len(row) {
				item[h] = row[i]
			} else {
				item[h] = ""
			}
		}
		items = append(items, item)
	}
	return items, nil
}

type csvParser struct {
	data  []byte
	pos   int
	delim byte
	line  int
}

// record returns the next non-empty record, nil at the end.
func (p *csvParser) record() ([]string, error) {
	for p.pos < len(p.data) {
		if c := p.data[p.pos]; c == '\n' || c == '\r' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '\n' || c == '\r' && p.pos+1 == len(p.data) {
			p.skipNewline()
			continue // an empty line
		}
		return p.fields()
	}
	return nil, nil
}

func (p *csvParser) skipNewline() {
	if p.data[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.data) && p.data[p.pos] == '\n' {
		p.pos++
	}
	p.line++
}

// atNewline reports whether a record ends at pos (\n, \r\n, or a \r
// that ends the data).
func (p *csvParser) atNewline() bool {
	c := p.data[p.pos]
	return c == '\n' || c == '\r' && (p.pos+1 == len(p.data) || p.data[p.pos+1] == '\n')
}

func (p *csvParser) fields() ([]string, error) {
	var row []string
	var field []byte
	quoted := false
	startLine := p.line
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '\\':
			if p.pos+1 < len(p.data) {
				next := p.data[p.pos+1]
				if next == '\\' || next == '"' || next == p.delim {
					field = append(field, next)
					p.pos += 2
					continue
				}
			}
			p.pos++ // a lone backslash is dropped
			continue
		case quoted && c == '"':
			if p.pos+1 < len(p.data) && p.data[p.pos+1] == '"' {
				field = append(field, '"')
				p.pos += 2
				continue
			}
			quoted = false
			p.pos++
			continue
		case quoted:
			if c == '\n' {
				p.line++
			}
			field = append(field, c)
			p.pos++
			continue
		case c == '"' && len(field) == 0:
			quoted = true
			startLine = p.line
			p.pos++
			continue
		case c == p.delim:
			row = append(row, string(field))
			field = field[:0]
			p.pos++
			continue
		case p.atNewline():
			p.skipNewline()
			return append(row, string(field)), nil
		}
		field = append(field, c)
		p.pos++
	}
	if quoted {
		return nil, fmt.Errorf("line %d: a quoted field is not closed; end it with '\"' (write a quote inside quotes as \"\")", startLine)
	}
	return append(row, string(field)), nil
}
