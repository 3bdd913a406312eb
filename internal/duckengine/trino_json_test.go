package duckengine

import (
	"database/sql/driver"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{name: "array", in: "[1, 2, 3]", want: "[1,2,3]"},
		{name: "string", in: `"abc"`, want: `"abc"`},
		{name: "sorted", in: `{"b": 1, "a": {"d": 2, "c": 3}}`, want: `{"a":{"c":3,"d":2},"b":1}`},
		{name: "last duplicate wins", in: `{"a": 1, "a": 2}`, want: `{"a":2}`},
		{name: "doubles as Java", in: `[1.50, 1e2, 1E-7, 1e20, -0.0, 0.001]`, want: `[1.5,100.0,1.0E-7,1.0E20,-0.0,0.001]`},
		{name: "integers exact", in: `[-0, 12345678901234567890123]`, want: `[0,12345678901234567890123]`},
		{name: "infinite double", in: `1e400`, want: `"Infinity"`},
		{name: "escapes", in: `"\u00e9\/\u001f\n\u2028"`, want: "\"é/\\u001F\\n\u2028\""},
		{name: "surrogate pair", in: `"\ud83d\ude00"`, want: `"😀"`},
		{name: "UTF-16 order", in: `{"😀": 1, "\uffff": 2}`, want: `{"😀":1,"` + "\uffff" + `":2}`},
		{name: "space around", in: " \t\n[ ] \r", want: "[]"},
		{name: "empty", in: "", err: true},
		{name: "leading zero", in: "[01]", err: true},
		{name: "trailing comma", in: "[1,]", err: true},
		{name: "NaN", in: "[NaN]", err: true},
		{name: "single quotes", in: "['a']", err: true},
		{name: "comment", in: "/* c */ 1", err: true},
		{name: "two values", in: "1 2", err: true},
		{name: "trailing text", in: `{"a": 1} x`, err: true},
		{name: "control character", in: "\"a\x01\"", err: true},
		{name: "bad escape", in: `"\x"`, err: true},
		{name: "literal runs on", in: "[truex]", err: true},
		{name: "number runs on at root", in: "1x", err: true},
		{name: "decimal point alone", in: "1.", err: true},
		{name: "unclosed", in: `{"a": [1}`, err: true},
		{name: "missing colon", in: `{"a" 1}`, err: true},
		{name: "missing value", in: `{"a":}`, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonCanonical(tt.in)
			if tt.err {
				if err == nil {
					t.Fatalf("jsonCanonical(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("jsonCanonical(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseJSONPath(t *testing.T) {
	tests := []struct {
		path  string
		names []string
		ok    bool
	}{
		{"$", nil, true},
		{"$.a.b", []string{"a", "b"}, true},
		{"$.a[0]", []string{"a", "0"}, true},
		{"$[book]", []string{"book"}, true},
		{`$["a b"]`, []string{"a b"}, true},
		{`$["a\"b\\c"]`, []string{`a"b\c`}, true},
		{"$.a:b", []string{"a:b"}, true},
		{"$.été", []string{"été"}, true},
		{"", nil, false},
		{"a", nil, false},
		{"$.", nil, false},
		{"$..a", nil, false},
		{"$[*]", nil, false},
		{"$['a']", nil, false},
		{`$["a]`, nil, false},
		{`$["a\x"]`, nil, false},
		{"$[a", nil, false},
		{"$ .a", nil, false},
		{"$.a b", nil, false},
		{"$.😀", nil, false},
	}
	for _, tt := range tests {
		steps, ok := parseJSONPath(tt.path)
		if ok != tt.ok {
			t.Errorf("parseJSONPath(%q) ok = %v, want %v", tt.path, ok, tt.ok)
			continue
		}
		var names []string
		for _, s := range steps {
			names = append(names, s.name)
		}
		if strings.Join(names, "|") != strings.Join(tt.names, "|") {
			t.Errorf("parseJSONPath(%q) = %q, want %q", tt.path, names, tt.names)
		}
	}
}

func TestJavaParseInt(t *testing.T) {
	tests := map[string]int{"0": 0, "007": 7, "+1": 1, "-1": -1, "": -1, "a": -1, "2147483647": 2147483647, "2147483648": -1, "١٢": 12, "１": 1}
	for in, want := range tests {
		if got := javaParseInt(in); got != want {
			t.Errorf("javaParseInt(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestJSONExtractFunctions(t *testing.T) {
	doc := `{"a": {"b": [10, {"c": "x\"y"}, null]}, "n": 1.50, "a": 2}`
	tests := []struct {
		name string
		fn   func(args []driver.Value) (any, error)
		text string
		arg  driver.Value
		want any
	}{
		{"extract object", jsonPathFunc(jsonExtractValue), doc, "$.a.b", `[10,{"c":"x\"y"},null]`},
		{"extract first duplicate", jsonPathFunc(jsonExtractValue), doc, "$.a.b[1]", `{"c":"x\"y"}`},
		{"extract null", jsonPathFunc(jsonExtractValue), doc, "$.a.b[2]", "null"},
		{"extract double", jsonPathFunc(jsonExtractValue), doc, "$.n", "1.5"},
		{"extract missing", jsonPathFunc(jsonExtractValue), doc, "$.z", nil},
		{"scalar string", jsonPathFunc(jsonExtractScalar), doc, "$.a.b[1].c", `x"y`},
		{"scalar number as written", jsonPathFunc(jsonExtractScalar), doc, "$.n", "1.50"},
		{"scalar of array", jsonPathFunc(jsonExtractScalar), doc, "$.a.b", nil},
		{"size", jsonPathFunc(jsonExtractSize), doc, "$.a.b", int64(3)},
		{"size of object", jsonPathFunc(jsonExtractSize), doc, "$", int64(3)},
		{"size of scalar", jsonPathFunc(jsonExtractSize), doc, "$.n", int64(0)},
		{"size of malformed", jsonPathFunc(jsonExtractSize), `[1, 2`, "$", nil},
		{"array get", jsonArrayGet, `[1, [2], {"b": 1, "a": 2}]`, int64(2), `{"b":1,"a":2}`},
		{"array get negative", jsonArrayGet, `[1, [2], 3]`, int64(-2), `[2]`},
		{"array get beyond", jsonArrayGet, `[1]`, int64(-2), nil},
		{"array get null", jsonArrayGet, `[null]`, int64(0), nil},
		{"array length", jsonArrayLengthArgs, `[1, [2, 3], {}]`, nil, int64(3)},
		{"contains bigint", jsonArrayContains, `[1, 2]`, int64(2), true},
		{"contains double", jsonArrayContains, `[1, 2.5]`, 2.5, true},
		{"contains double vs integer", jsonArrayContains, `[2]`, 2.0, false},
		{"contains string", jsonArrayContains, `["a", "b"]`, "b", true},
		{"contains bool", jsonArrayContains, `[false]`, true, false},
		{"contains not array", jsonArrayContains, `{"a": 1}`, int64(1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []driver.Value{tt.text, tt.arg}
			got, err := tt.fn(args)
			if err != nil || got != tt.want {
				t.Fatalf("got %#v, %v, want %#v", got, err, tt.want)
			}
		})
	}
}

func jsonArrayLengthArgs(args []driver.Value) (any, error) { return jsonArrayLength(args[:1]) }

func TestJSONArrayGetRefusesStrings(t *testing.T) {
	for _, doc := range []string{`["a"]`, `[[1.5]]`, `[{"a": 1, "a": 2}]`} {
		if _, err := jsonArrayGet([]driver.Value{doc, int64(0)}); err == nil || !strings.HasPrefix(err.Error(), "NOT_SUPPORTED") {
			t.Errorf("jsonArrayGet(%s) error = %v, want NOT_SUPPORTED", doc, err)
		}
	}
}

func TestSQLJSONPath(t *testing.T) {
	doc := `{"a": [1, 2, 3, 4], "o": {"x": 1, "y": [5]}, "s": "t", "l": [{"k": 1}, {"k": 2}, {"j": 3}]}`
	tests := []struct {
		path string
		want string // items as JSON, joined by " "; "error" for a path error
	}{
		{"lax $.a", "[1,2,3,4]"},
		{"$.a[0]", "1"},
		{"lax $.a[last]", "4"},
		{"lax $.a[last - 1, 0]", "3 1"},
		{"lax $.a[1 to 2]", "2 3"},
		{"lax $.a[2 to 9]", "3 4"},
		{"strict $.a[2 to 9]", "error"},
		{"lax $.a[3 to 1]", ""},
		{"lax $.a[*]", "1 2 3 4"},
		{"lax $.o.*", "1 [5]"},
		{"lax $.l.k", "1 2"},
		{"strict $.l.k", "error"},
		{"lax $.s[0]", `"t"`},
		{"strict $.s[0]", "error"},
		{"lax $.missing", ""},
		{"strict $.missing", "error"},
		{` lax $ . "o" . x `, "1"},
		{"strict $.o.y[*]", "5"},
	}
	root, err := parseSQLJSONInput(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		p, err := parseSQLJSONPath(tt.path)
		if err != nil {
			t.Errorf("parseSQLJSONPath(%q): %v", tt.path, err)
			continue
		}
		items, err := p.eval(root)
		got := "error"
		if err == nil {
			var parts []string
			for _, it := range items {
				var b strings.Builder
				it.writeOrdered(&b)
				parts = append(parts, b.String())
			}
			got = strings.Join(parts, " ")
		}
		if got != tt.want {
			t.Errorf("%q = %q, want %q", tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"", "lax", "$.a ? (@ > 1)", "$..a", "$.a.size()", "$.a[-1]", "$.a[1.5]", "$.a[$i]", "$ + 1", `$."a`, "$[", "$.1a"} {
		if _, err := parseSQLJSONPath(bad); err == nil {
			t.Errorf("parseSQLJSONPath(%q) accepted an unsupported path", bad)
		}
	}
}

// FuzzJSONCanonical checks json_parse's reader against encoding/json on
// what is valid JSON, and that its output is canonical.
func FuzzJSONCanonical(f *testing.F) {
	for _, s := range []string{`{"b": 1, "a": [1.5, "x\n", null, true]}`, `[01]`, `"\ud83d\ude00"`, `1e400`, `[1,]`, ` 1 `, `{"a":1}{}`, `-0.0e-0`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := jsonCanonical(in)
		valid := json.Valid([]byte(in))
		if err == errJSONDepth {
			return
		}
		if (err == nil) != valid {
			t.Fatalf("jsonCanonical(%q) error %v, but encoding/json says valid=%v", in, err, valid)
		}
		if err != nil {
			return
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("jsonCanonical(%q) = %q, not JSON", in, out)
		}
		again, err := jsonCanonical(out)
		if err != nil || again != out {
			t.Fatalf("jsonCanonical is not idempotent on %q: %q then %q (%v)", in, out, again, err)
		}
	})
}

// FuzzJSONExtract runs the json_extract family on arbitrary documents and
// paths: no panics, and extracted values are JSON.
func FuzzJSONExtract(f *testing.F) {
	f.Add(`{"a": {"b": [10, {"c": "x"}]}}`, "$.a.b[1]")
	f.Add(`[1, [2, 3], {"0": 4}]`, "$[2][0]")
	f.Add(`{"a": 1, "a": [1.5e3]}`, `$["a"]`)
	f.Fuzz(func(t *testing.T, doc, path string) {
		steps, ok := parseJSONPath(path)
		if !ok {
			return
		}
		v, _ := jsonExtract(doc, steps, jsonExtractValue)
		if s, isString := v.(string); isString && !json.Valid([]byte(s)) {
			t.Fatalf("json_extract(%q, %q) = %q, not JSON", doc, path, s)
		}
		jsonExtract(doc, steps, jsonExtractScalar)
		jsonExtract(doc, steps, jsonExtractSize)
		jsonArrayLength([]driver.Value{doc})
		jsonArrayGet([]driver.Value{doc, int64(len(path) - 3)})
		jsonArrayContains([]driver.Value{doc, path})
	})
}

// FuzzSQLJSONPath parses and runs arbitrary SQL/JSON paths.
func FuzzSQLJSONPath(f *testing.F) {
	f.Add(`{"a": [1, 2, {"b": 3}]}`, "lax $.a[last - 1 to last].b")
	f.Add(`[1]`, "strict $[*]")
	f.Add(`{"a": 1}`, `lax $."a"`)
	f.Fuzz(func(t *testing.T, doc, path string) {
		jsonExists([]driver.Value{doc, path})
		v, _ := jsonQuery([]driver.Value{doc, path})
		if s, ok := v.(string); ok && !json.Valid([]byte(s)) {
			t.Fatalf("json_query(%q, %q) = %q, not JSON", doc, path, s)
		}
		jsonValue([]driver.Value{doc, path})
	})
}
