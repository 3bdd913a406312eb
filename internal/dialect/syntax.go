package dialect

import "github.com/weirdata/weir/internal/statement"

// valuesEnd lists the keywords that end the rows of a VALUES clause.
var valuesEnd = map[string]bool{
	"ORDER": true, "LIMIT": true, "OFFSET": true, "FETCH": true,
	"UNION": true, "EXCEPT": true, "INTERSECT": true,
}

// rewriteValues parenthesises the rows of VALUES clauses: Trino reads
// VALUES 1, 2 as two rows of one column, DuckDB's parser wants
// VALUES (1), (2). Rows already in parentheses stay, and ROW(1, 'a')
// becomes (1, 'a'), which Trino also reads as a row of two columns.
func rewriteValues(r *rewriter) error {
	done := -1 // the last token of the clause rewritten last
	for i := range r.toks {
		if i <= done || !r.keyword(i, "VALUES") {
			continue // VALUES VALUES: the second is a row of the first
		}
		if rows, ok := r.valuesRows(i); ok {
			for _, row := range rows {
				r.valuesRow(row[0], row[1])
				done = row[1]
			}
		}
	}
	return nil
}

// valuesRows returns the first and last token of each row of the VALUES
// clause at token i, or false if its brackets are unbalanced.
func (r *rewriter) valuesRows(i int) (rows [][2]int, ok bool) {
	start := i + 1
	for j := start; ; j++ {
		end := r.tok(j).Kind == statement.TokenEOF || r.isOp(j, ";") || r.isOp(j, ")") || r.isOp(j, "]") || valuesEnd[r.word(j)]
		if end || r.isOp(j, ",") {
			if j > start {
				rows = append(rows, [2]int{start, j - 1})
			}
			if end {
				return rows, true
			}
			start = j + 1
			continue
		}
		switch p := r.partner[j]; {
		case p > j:
			j = p // the row goes on after the brackets
		case r.isOp(j, "(") || r.isOp(j, "["):
			return nil, false
		}
	}
}

// valuesRow parenthesises the VALUES row of tokens first through last.
func (r *rewriter) valuesRow(first, last int) {
	switch {
	case r.isOp(first, "(") && r.partner[first] == last:
		// (1, 'a') is a row already.
	case r.isWord(first, "ROW") && r.isOp(first+1, "(") && r.partner[first+1] == last:
		r.edit(statement.Span{Start: r.toks[first].Span.Start, End: r.toks[first+1].Span.Start}, "")
	default:
		r.insertBefore(first, "(")
		r.insertAfter(last, ")")
	}
}

// rewriteIf completes two-argument IF(condition, value), which DuckDB's
// parser rejects, with Trino's implied third argument: IF(c, v, NULL).
func rewriteIf(r *rewriter) error {
	for i := range r.toks {
		if !r.keyword(i, "IF") {
			continue
		}
		close := r.call(i)
		if close < 0 {
			continue
		}
		var commas []int
		values := false // VALUES among the arguments: not an expression
		r.topLevel(i+1, close, func(j int) bool {
			if r.isOp(j, ",") {
				commas = append(commas, j)
			}
			values = values || r.keyword(j, "VALUES")
			return true
		})
		// Two arguments, neither of them empty.
		if len(commas) == 1 && commas[0] > i+2 && commas[0] < close-1 && !values {
			r.insertBefore(close, ", NULL")
		}
	}
	return nil
}

// rewriteTablesample makes the number of TABLESAMPLE BERNOULLI (n) and
// TABLESAMPLE SYSTEM (n) a percentage, as in Trino; DuckDB reads a bare
// number as a count of rows. DuckDB takes only a number there, so an
// expression is refused.
func rewriteTablesample(r *rewriter) error {
	for i := range r.toks {
		if !r.keyword(i, "TABLESAMPLE") || !(r.isWord(i+1, "BERNOULLI") || r.isWord(i+1, "SYSTEM")) {
			continue
		}
		close := r.call(i + 1)
		switch {
		case close < 0 || close == i+3:
			// Unbalanced or empty: DuckDB reports it.
		case close == i+4 && r.tok(i+3).Kind == statement.TokenNumber:
			r.insertAfter(i+3, " PERCENT")
		case close == i+5 && r.tok(i+3).Kind == statement.TokenNumber && (r.isWord(i+4, "PERCENT") || r.isOp(i+4, "%")):
			// DuckDB's own spelling of a percentage.
		default:
			return r.notSupported(i+3, "TABLESAMPLE %s with an expression is not supported; give the percentage as a number, as in TABLESAMPLE %[1]s (10)", r.word(i+1))
		}
	}
	return nil
}

// rewriteListagg moves the ordering of Trino's
// listagg(x, sep) WITHIN GROUP (ORDER BY y) into the call, where DuckDB
// takes it: listagg(x, sep ORDER BY y). ON OVERFLOW ERROR is Trino's
// default and is dropped; ON OVERFLOW TRUNCATE is refused.
func rewriteListagg(r *rewriter) error {
	for i := range r.toks {
		if !r.keyword(i, "LISTAGG") {
			continue
		}
		closeCall := r.call(i)
		if closeCall < 0 {
			continue
		}
		for j := i + 2; j < closeCall; j++ {
			if r.keyword(j, "ON") && r.isWord(j+1, "OVERFLOW") {
				if !r.isWord(j+2, "ERROR") {
					return r.notSupported(j, "listagg ... ON OVERFLOW TRUNCATE is not supported; weir's listagg has no length limit, so leave the clause out")
				}
				r.replace(j, j+2, "")
			}
		}
		w := closeCall + 1
		if !r.keyword(w, "WITHIN") || !r.keyword(w+1, "GROUP") || !r.isOp(w+2, "(") {
			continue
		}
		open, end := w+2, r.partner[w+2]
		if end < 0 || !r.keyword(open+1, "ORDER") {
			continue
		}
		// Drop ") WITHIN GROUP (": the ordering stays where it is and the
		// group's ")" closes the call.
		r.edit(statement.Span{Start: r.toks[closeCall].Span.Start, End: r.toks[open].Span.End}, " ")
	}
	return nil
}

// rewriteNullTreatment moves Trino's null treatment of a window function,
// written after the call (last_value(x) IGNORE NULLS OVER (...)), into
// the call, where DuckDB takes it (last_value(x IGNORE NULLS) OVER
// (...)). RESPECT NULLS is the default of both and is dropped.
func rewriteNullTreatment(r *rewriter) error {
	for c := range r.toks {
		if !r.isOp(c, ")") || !(r.keyword(c+1, "IGNORE") || r.keyword(c+1, "RESPECT")) || !r.keyword(c+2, "NULLS") || !r.keyword(c+3, "OVER") {
			continue
		}
		open := r.partner[c]
		if open < 1 || !r.isName(open-1) {
			continue
		}
		r.replace(c+1, c+2, "")
		if r.keyword(c+1, "IGNORE") {
			if open+1 == c {
				return r.notSupported(c+1, "IGNORE NULLS needs the function's argument")
			}
			r.insertBefore(c, " IGNORE NULLS")
		}
	}
	return nil
}
