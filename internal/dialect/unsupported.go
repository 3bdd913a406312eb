package dialect

// rejectUnsupported refuses Trino constructs that DuckDB cannot run with
// Trino's meaning and that weir does not translate. Each gets a
// NOT_SUPPORTED error at the construct, saying what to do instead.
func rejectUnsupported(r *rewriter) error {
	switch {
	case r.keyword(0, "PREPARE"), r.keyword(0, "EXECUTE"), r.keyword(0, "DEALLOCATE"):
		return r.notSupported(0, "%s is not supported: prepared statements are not supported by weir yet; put the values into the query text", r.word(0))
	case r.keyword(0, "DESCRIBE") && (r.isWord(1, "INPUT") || r.isWord(1, "OUTPUT")):
		return r.notSupported(0, "DESCRIBE %s is not supported: prepared statements are not supported by weir yet; put the values into the query text", r.word(1))
	}
	for i := range r.toks {
		switch {
		case r.keyword(i, "MATCH_RECOGNIZE") && r.isOp(i+1, "("):
			return r.notSupported(i, "MATCH_RECOGNIZE is not supported; find row patterns with window functions (lag, lead, row_number) instead")
		case r.keyword(i, "JSON_TABLE") && r.isOp(i+1, "("):
			return r.notSupported(i, "JSON_TABLE is not supported; extract values with json_extract_scalar or json_extract and CROSS JOIN UNNEST(CAST(... AS ARRAY(JSON))) instead")
		case r.keyword(i, "WITH") && r.isWord(i+1, "FUNCTION") && r.isName(i+2) && !r.isWord(i+2, "AS"):
			// WITH function AS (...) is a CTE named "function".
			return r.notSupported(i, "WITH FUNCTION (inline SQL functions) is not supported; write the function's expression into the query, or compute it in a WITH clause")
		case r.keyword(i, "FOR") && (r.isWords(i+1, "TIMESTAMP", "AS", "OF") || r.isWords(i+1, "VERSION", "AS", "OF")):
			return r.notSupported(i, "FOR %s AS OF (time travel) is not supported: only Iceberg tables have versions, and weir does not support Iceberg tables yet", r.word(i+1))
		case r.keyword(i, "WITH") && r.isWord(i+1, "TIES"):
			return r.notSupported(i, "FETCH FIRST ... WITH TIES is not supported; rank the rows with rank() OVER (ORDER BY ...) in a subquery and keep those with rank <= n")
		case (r.keyword(i, "JSON_VALUE") || r.keyword(i, "JSON_QUERY") || r.keyword(i, "JSON_EXISTS")) && r.call(i) > 0:
			if err := r.rejectJSONClauses(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonClauses start the clauses of SQL/JSON functions that weir does not
// support (it runs their default behaviour only).
var jsonClauses = map[string]bool{"PASSING": true, "RETURNING": true, "WITH": true, "WITHOUT": true, "KEEP": true, "OMIT": true, "ON": true, "NULL": true, "ERROR": true, "EMPTY": true, "DEFAULT": true, "TRUE": true, "FALSE": true, "UNKNOWN": true}

// rejectJSONClauses refuses the clauses of the SQL/JSON call at token i:
// json_value(j, 'lax $.a' RETURNING bigint) would otherwise fail with a
// syntax error from DuckDB.
func (r *rewriter) rejectJSONClauses(i int) error {
	var err error
	args := 0
	r.topLevel(i+1, r.call(i), func(k int) bool {
		if r.isOp(k, ",") {
			args++
		}
		if args >= 1 && jsonClauses[r.word(k)] && !r.isOp(k-1, ",") {
			err = r.notSupported(k, "%s ... in %s() is not supported; weir runs SQL/JSON functions with their default clauses only", r.word(k), r.word(i))
			return false
		}
		return true
	})
	return err
}
