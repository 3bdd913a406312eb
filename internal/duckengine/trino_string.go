package duckengine

import duckdb "github.com/duckdb/duckdb-go/v2"

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
	},
	udfs:   mergeFuncs(regexpFunctions),
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
