package duckengine

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeTree(t *testing.T) {
	tests := []string{
		`{"a": 1, "b": [true, false, null], "c": {"d": "e\u00e9\"\\\/\b\f\n\r\t"}}`,
		`[]`, `{}`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `-0.5e-3`, `18446744073709551615`, `1E400`,
		`{"a":1,"a":2}`, "\"\xff\"",
	}
	for _, in := range tests {
		got, err := decodeTree([]byte(in))
		var want any
		werr := json.Unmarshal([]byte(in), &want)
		if (err != nil) != (werr != nil) && !(werr != nil && in == `1E400`) {
			t.Errorf("decodeTree(%s) error = %v, encoding/json: %v", in, err, werr)
			continue
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("decodeTree(%s) = %#v, want %#v", in, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a" 1}`, `tru`, `01`, `1.`, `"\x"`, `"abc`, `{"a":1}x`, "\"\x01\""} {
		if _, err := decodeTree([]byte(bad)); err == nil {
			t.Errorf("decodeTree(%q) = nil error, want one", bad)
		}
	}
}

// FuzzDecodeTree checks decodeTree against encoding/json: the same value
// for every document both accept, an error for every one encoding/json
// rejects (numbers out of float64's range aside: encoding/json refuses
// them, decodeTree gives ±Inf as DuckDB never writes them).
func FuzzDecodeTree(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u0041",null,true]}`, `"\ud83d\ude00"`, `[{"b":{}}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := decodeTree(in)
		var want any
		werr := json.Unmarshal(in, &want)
		if werr != nil {
			if err == nil && !nonFinite(in) {
				if _, isNum := werr.(*json.UnmarshalTypeError); !isNum {
					t.Fatalf("decodeTree(%q) accepted what encoding/json rejects: %v", in, werr)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("decodeTree(%q) = %v; encoding/json accepts it", in, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeTree(%q) = %#v, want %#v", in, got, want)
		}
	})
}

// nonFinite reports whether in has the non-finite literals DuckDB writes,
// which decodeTree accepts and encoding/json does not.
func nonFinite(in []byte) bool {
	s := string(in)
	return strings.Contains(s, "Infinity") || strings.Contains(s, "NaN")
}

func TestDecodeTreeNonFinite(t *testing.T) {
	v, err := decodeTree([]byte(`[Infinity, -Infinity, NaN]`))
	if err != nil {
		t.Fatal(err)
	}
	a := v.([]any)
	if !math.IsInf(a[0].(float64), 1) || !math.IsInf(a[1].(float64), -1) || !math.IsNaN(a[2].(float64)) {
		t.Errorf("decodeTree = %v, want [+Inf -Inf NaN]", a)
	}
}

func TestDecodeSparseTree(t *testing.T) {
	in := `{"a": "", "b": false, "c": null, "d": [], "e": {}, "f": 0, "value": "", "g": {"h": "", "i": "x"},
		"where_clause": {"alias": "", "children": [{"alias": "", "distinct": false}]}}`
	got, err := decodeSparseTree([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"f": 0.0, "value": "", "g": map[string]any{"i": "x"},
		"where_clause": map[string]any{"alias": "", "children": []any{map[string]any{"alias": "", "distinct": false}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decodeSparseTree = %#v\nwant %#v", got, want)
	}
}
