package duckengine

import (
	"fmt"
	"strings"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// Trino's UNNEST in a FROM clause expands arrays into rows and maps into
// (key, value) rows; arrays whose elements are rows expand the rows'
// fields into columns; several arguments are expanded side by side, the
// shorter padded with NULLs; WITH ORDINALITY adds the position. DuckDB's
// UNNEST table function takes a single list and keeps row elements as one
// struct column (so UNNEST(rows) AS t(a, b) silently names only the first
// column). Every UNNEST is therefore rewritten into a subquery that
// DuckDB correlates with the FROM items before it:
//
//	UNNEST(a1, a2) WITH ORDINALITY AS t(x, y, n)
//
// becomes
//
//	(SELECT unnest(__weir_l1, max_depth := 1) AS _col0, unnest(__weir_l2, max_depth := 1) AS _col1,
//	        unnest(range(1, greatest(len(__weir_l1), len(__weir_l2)) + 1)) AS _col2
//	 FROM (SELECT weir_unnest_list(__weir_u1) AS __weir_l1, weir_unnest_list(__weir_u2) AS __weir_l2
//	       FROM (SELECT a1 AS __weir_u1, a2 AS __weir_u2)
//	       WHERE weir_unnest_check('t', 3, true, 1, typeof(__weir_u1), typeof(__weir_u2)))) AS t(x, y, n)
//
// weir_unnest_list turns a map into its entries (a typed macro parameter
// picks the map overload, which is reliable on the plain column of the
// innermost SELECT); max_depth 2 expands the fields of row elements one
// level. Which depth is right depends on types the syntax tree does not
// have: when there is one column alias per argument the elements are
// taken whole (depth 1), otherwise rows are expanded (depth 2), and
// weir_unnest_check, a Go function DuckDB folds while planning, refuses
// the cases this gets wrong (a row with a single field at depth 1, arrays
// of arrays at depth 2) and raises Trino's errors for alias lists of the
// wrong length and for arguments that are neither arrays nor maps.
//
// Only the text around the arguments is edited (the keyword and opening
// parenthesis, the commas between arguments, the closing parenthesis and
// WITH ORDINALITY), so calls inside the arguments are still renamed by
// their rules and error positions inside them stay right.

// unnestMacros are the macros rewritten UNNESTs call.
var unnestMacros = []string{
	// The first parameter only picks the overload: any map binds to the
	// MAP one (DuckDB casts between map types to match), anything else to
	// the untyped one. The body uses the second, uncast, parameter.
	`CREATE OR REPLACE MACRO weir_unnest_dispatch(d, x) AS x,
		(d MAP(VARCHAR, VARCHAR), x) AS map_entries(x)`,
	`CREATE OR REPLACE MACRO weir_unnest_list(x) AS weir_unnest_dispatch(x, x)`,
}

// rewriteUnnest rewrites an UNNEST table function (a TABLE_FUNCTION node
// in a FROM clause) into a subquery with Trino's meaning; see above.
func rewriteUnnest(sql string, n map[string]any, edits *statement.Edits) error {
	fn, _ := n["function"].(map[string]any)
	args, _ := fn["children"].([]any)
	off := intOf(n["query_location"])
	refuse := func(format string, a ...any) error {
		return query.ErrorAt("NOT_SUPPORTED", off, "UNNEST %s", fmt.Sprintf(format, a...))
	}
	if len(args) == 0 {
		return query.ErrorAt("SYNTAX_ERROR", off, "UNNEST needs at least one argument")
	}
	for _, a := range args {
		if m, _ := a.(map[string]any); str(m["alias"]) != "" {
			return refuse("takes no named parameters")
		}
	}
	if off < 0 || off+len("unnest") > len(sql) || !strings.EqualFold(sql[off:off+len("unnest")], "unnest") {
		return refuse("could not be located in the query")
	}
	open := arraySkipTrivia(sql, off+len("unnest"))
	if open >= len(sql) || sql[open] != '(' {
		return refuse("could not be located in the query")
	}
	commas, closing, ok := arrayScanArgs(sql, open+1)
	if !ok || len(commas) != len(args)-1 {
		return refuse("arguments could not be located in the query")
	}

	ordinality := n["with_ordinality"] == "WITH_ORDINALITY"
	var ordSpan statement.Span
	if ordinality {
		w := arraySkipTrivia(sql, closing+1)
		we := scanIdentifier(sql, w)
		o := arraySkipTrivia(sql, we)
		oe := scanIdentifier(sql, o)
		if !strings.EqualFold(sql[w:we], "with") || !strings.EqualFold(sql[o:oe], "ordinality") {
			return refuse("WITH ORDINALITY could not be located in the query")
		}
		ordSpan = statement.Span{Start: w, End: oe}
	}

	aliasList, _ := n["column_name_alias"].([]any)
	aliases := len(aliasList)
	after := closing + 1
	if ordinality {
		after = ordSpan.End
	}
	if unnestAliasCount(sql, after) != aliases {
		// DuckDB reads t(a INTEGER) as column definitions, which Trino
		// does not have and a subquery does not take.
		return refuse("column aliases must be names")
	}
	dataAliases := aliases
	if ordinality && aliases > 0 {
		dataAliases--
	}
	depth := 2
	if dataAliases == len(args) {
		depth = 1
	}

	k := len(args)
	var outer, middle, types, lens []string
	for i := 1; i <= k; i++ {
		// Without a column alias list, Trino leaves the columns unnamed
		// (_colN); a scalar column gets that name, while the fields of a
		// row (or a map's key and value) keep DuckDB's names.
		outer = append(outer, fmt.Sprintf("unnest(__weir_l%d, max_depth := %d) AS _col%d", i, depth, i-1))
		middle = append(middle, fmt.Sprintf("weir_unnest_list(__weir_u%d) AS __weir_l%d", i, i))
		types = append(types, fmt.Sprintf("typeof(__weir_u%d)", i))
		lens = append(lens, fmt.Sprintf("len(__weir_l%d)", i))
	}
	if ordinality {
		outer = append(outer, fmt.Sprintf("unnest(range(1, greatest(%s) + 1)) AS _col%d", strings.Join(lens, ", "), k))
	}
	head := fmt.Sprintf("(SELECT %s FROM (SELECT %s FROM (SELECT ", strings.Join(outer, ", "), strings.Join(middle, ", "))
	tail := fmt.Sprintf(" AS __weir_u%d) WHERE weir_unnest_check(%s, %d, %t, %d, %s)))",
		k, quoteString(str(n["alias"])), aliases, ordinality, depth, strings.Join(types, ", "))

	edits.Replace(statement.Span{Start: off, End: open + 1}, head)
	for i, c := range commas {
		edits.Replace(statement.Span{Start: c, End: c + 1}, fmt.Sprintf(" AS __weir_u%d, ", i+1))
	}
	edits.Replace(statement.Span{Start: closing, End: closing + 1}, tail)
	if ordinality {
		edits.Replace(ordSpan, "")
	}
	return nil
}

// unnestAliasCount returns the number of names in the column alias list
// of "[AS] alias(a, b)" at i, 0 if there is none, or -1 if an item is not
// a single name.
func unnestAliasCount(sql string, i int) int {
	i = arraySkipTrivia(sql, i)
	if end := scanIdentifier(sql, i); strings.EqualFold(sql[i:end], "as") {
		i = arraySkipTrivia(sql, end)
	}
	end := scanIdentifier(sql, i)
	if end == i {
		return 0
	}
	open := arraySkipTrivia(sql, end)
	if open >= len(sql) || sql[open] != '(' {
		return 0
	}
	commas, closing, ok := arrayScanArgs(sql, open+1)
	if !ok {
		return -1
	}
	bounds := append(append([]int{open}, commas...), closing)
	for k := 1; k < len(bounds); k++ {
		start := arraySkipTrivia(sql, bounds[k-1]+1)
		nameEnd := scanIdentifier(sql, start)
		if nameEnd == start || arraySkipTrivia(sql, nameEnd) != bounds[k] {
			return -1
		}
	}
	return len(commas) + 1
}
