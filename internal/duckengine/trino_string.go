package duckengine

import (
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// String, regular expression and binary functions of Trino.
var stringFunctions = functionSet{
	rules: map[string]funcRule{
		"regexp_like":        regexpRule("weir_regexp_like", 1),
		"regexp_extract":     regexpRule("weir_regexp_extract", 1),
		"regexp_extract_all": regexpRule("weir_regexp_extract_all", 1),
		"regexp_replace":     regexpReplaceRule,
		"regexp_count":       regexpRule("weir_regexp_count", 1),
		"regexp_position":    regexpRule("weir_regexp_position", 1),
		"regexp_split":       regexpRule("weir_regexp_split", 1),

		"split":                 byArity(map[int]string{2: "weir_split", 3: "weir_split"}),
		"split_part":            rename("weir_split_part"),
		"split_to_map":          rename("weir_split_to_map"),
		"split_to_multimap":     rename("weir_split_to_multimap"),
		"strpos":                byArity(map[int]string{3: "weir_strpos"}),
		"replace":               rename("weir_replace"),
		"upper":                 rename("weir_upper"),
		"lower":                 rename("weir_lower"),
		"trim":                  byArity(map[int]string{1: "weir_trim"}),
		"ltrim":                 byArity(map[int]string{1: "weir_ltrim"}),
		"rtrim":                 byArity(map[int]string{1: "weir_rtrim"}),
		"substr":                rename("weir_substr"),
		"substring":             rename("weir_substr"),
		"lpad":                  rename("weir_lpad"),
		"rpad":                  rename("weir_rpad"),
		"codepoint":             rename("weir_codepoint"),
		"hamming_distance":      rename("weir_hamming_distance"),
		"levenshtein_distance":  rename("weir_levenshtein_distance"),
		"soundex":               rename("weir_soundex"),
		"normalize":             normalizeRule,
		"to_utf8":               rename("encode"),
		"from_utf8":             fromUTF8Rule,
		"to_hex":                rename("weir_to_hex"),
		"from_hex":              rename("weir_from_hex"),
		"md5":                   rename("weir_md5"),
		"sha1":                  rename("weir_sha1"),
		"sha256":                rename("weir_sha256"),
		"sha512":                rename("weir_sha512"),
		"xxhash64":              rename("weir_xxhash64"),
		"from_base64":           rename("weir_from_base64"),
		"to_base64url":          rename("weir_to_base64url"),
		"from_base64url":        rename("weir_from_base64url"),
		"crc32":                 rename("weir_crc32"),
		"hmac_md5":              rename("weir_hmac_md5"),
		"hmac_sha1":             rename("weir_hmac_sha1"),
		"hmac_sha256":           rename("weir_hmac_sha256"),
		"hmac_sha512":           rename("weir_hmac_sha512"),
		"to_ieee754_32":         rename("weir_to_ieee754_32"),
		"to_ieee754_64":         rename("weir_to_ieee754_64"),
		"from_ieee754_32":       rename("weir_from_ieee754_32"),
		"from_ieee754_64":       rename("weir_from_ieee754_64"),
		"luhn_check":            rename("weir_luhn_check"),
		"from_base":             rename("weir_from_base"),
		"to_base":               rename("weir_to_base"),
		"concat":                concatRule,
		"concat_ws":             byArity(map[int]string{2: "weir_concat_ws"}),
		"format":                rename("weir_format"),
		"url_extract_protocol":  rename("weir_url_extract_protocol"),
		"url_extract_host":      rename("weir_url_extract_host"),
		"url_extract_path":      rename("weir_url_extract_path"),
		"url_extract_query":     rename("weir_url_extract_query"),
		"url_extract_fragment":  rename("weir_url_extract_fragment"),
		"url_extract_port":      rename("weir_url_extract_port"),
		"url_extract_parameter": rename("weir_url_extract_parameter"),
		"url_encode":            rename("weir_url_encode"),
		"url_decode":            rename("weir_url_decode"),
		"word_stem":             unsupported("weir has no Snowball stemmer"),
	},
	macros: append([]string{
		`CREATE OR REPLACE MACRO weir_split_to_map(s, e, kv) AS map_from_entries(weir_split_to_entries(s, e, kv))`,
		`CREATE OR REPLACE MACRO weir_split_to_multimap(s, e, kv) AS map_from_entries(weir_split_to_multi_entries(s, e, kv))`,
		// normalize(s, NFC): the form is a keyword, which DuckDB reads as
		// a column; the macro never looks at it.
		`CREATE OR REPLACE MACRO weir_normalize_nfc(s, form) AS nfc_normalize(s)`,
		// to_hex is upper-case hex of varbinary; from_hex its inverse.
		`CREATE OR REPLACE MACRO weir_to_hex(b) AS hex(b::BLOB)`,
		// Base64 with the URL-safe alphabet (- and _), padded, as Java's URL
		// encoder writes it.
		`CREATE OR REPLACE MACRO weir_to_base64url(b) AS replace(replace(to_base64(b::BLOB), '+', '-'), '/', '_')`,
		// from_base64 and from_base64url take padding or not, as Java's
		// decoders do; a character outside the alphabet, or a last group of
		// one character, fails.
		`CREATE OR REPLACE MACRO weir_base64_decode(s, alphabet) AS CASE
			WHEN NOT regexp_full_match(s, '[A-Za-z0-9' || alphabet || ']*={0,2}') OR length(rtrim(s, '=')) % 4 = 1
			THEN error('INVALID_FUNCTION_ARGUMENT: ''' || s || ''' is not base64 (A-Z, a-z, 0-9, ' || alphabet || ', then up to two =)')
			ELSE from_base64(rpad(translate(rtrim(s, '='), '-_', '+/'), CAST(((length(rtrim(s, '=')) + 3) // 4) * 4 AS INTEGER), '=')) END`,
		`CREATE OR REPLACE MACRO weir_from_base64(s) AS weir_base64_decode(s, '+/')`,
		`CREATE OR REPLACE MACRO weir_from_base64url(s) AS weir_base64_decode(s, '_-')`,
		`CREATE OR REPLACE MACRO weir_from_hex(s) AS CASE WHEN length(s) % 2 = 1 THEN error('INVALID_FUNCTION_ARGUMENT: invalid input length ' || length(s)) ELSE unhex(s) END`,
	}, concatMacros()...),
	udfs: mergeFuncs(regexpFunctions, stringGoFunctions, binaryGoFunctions, formatFunctions),
}

// maxVariadic is the most arguments the variadic macros (concat,
// greatest, least) take.
const maxVariadic = 32

// concatRule renames concat, which is NULL when any argument is NULL in
// Trino (DuckDB's concat skips NULLs), for strings and arrays alike.
func concatRule(c *funcCall) (string, error) {
	switch {
	case c.nargs() < 2:
		return "", c.notSupported("concat() needs two or more arguments (There must be two or more concatenation arguments)")
	case c.nargs() > maxVariadic:
		return "", c.notSupported("concat() of more than %d arguments is not supported; nest the calls", maxVariadic)
	}
	return "weir_concat", nil
}

// concatMacros defines weir_concat for 2..maxVariadic arguments as a || b
// || ..., which is NULL when any argument is.
func concatMacros() []string {
	var overloads []string
	for n := 2; n <= maxVariadic; n++ {
		overloads = append(overloads, fmt.Sprintf("(%s) AS %s", macroParams(n), strings.Join(macroArgs(n), " || ")))
	}
	return []string{"CREATE OR REPLACE MACRO weir_concat" + strings.Join(overloads, ", ")}
}

// macroArgs returns the parameter names a1..an.
func macroArgs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("a%d", i+1)
	}
	return out
}

func macroParams(n int) string { return strings.Join(macroArgs(n), ", ") }

// normalizeRule maps normalize(s) and normalize(s, NFC) to DuckDB's NFC;
// the other forms need a Unicode library weir does not have.
func normalizeRule(c *funcCall) (string, error) {
	switch c.nargs() {
	case 1:
		return "nfc_normalize", nil
	case 2:
		form := c.args[1]
		names, _ := form["column_names"].([]any)
		if form["class"] == "COLUMN_REF" && len(names) == 1 && strings.EqualFold(str(names[0]), "nfc") {
			return "weir_normalize_nfc", nil
		}
		return "", c.notSupported("normalize() supports the form NFC only")
	}
	return "", nil
}

// fromUTF8Rule refuses a replacement argument (only used for invalid
// UTF-8, which weir refuses anyway).
func fromUTF8Rule(c *funcCall) (string, error) {
	if c.nargs() != 1 {
		return "", c.notSupported("from_utf8() with a replacement is not supported")
	}
	return "weir_from_utf8", nil
}

// mergeFuncs joins maps of Go functions.
func mergeFuncs(ms ...map[string][]duckdb.ScalarFunc) map[string][]duckdb.ScalarFunc {
	out := map[string][]duckdb.ScalarFunc{}
	for _, m := range ms {
		for n, fs := range m {
			out[n] = append(out[n], fs...)
		}
	}
	return out
}
