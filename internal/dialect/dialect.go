package dialect

import (
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// Translator translates Trino SQL to DuckDB SQL. The zero value is ready
// to use and safe for concurrent use.
type Translator struct{}

// New returns a Translator.
func New() *Translator { return &Translator{} }

// passes are the rewrites Translate runs, in order. Each records its edits
// in the rewriter; the first error stops the translation. Passes that
// refuse a query run first, so that a refusal is not hidden by a rewrite.
var passes = []func(*rewriter) error{
	rejectBackquotes,
	rejectUnsupported,
	rewriteBinaryStrings,
	rewriteUnicodeStrings,
	rewriteTimeLiterals,
	rewriteDecimalLiterals,
	rewriteIntervals,
	rewriteTypes,
	rewriteValues,
	rewriteIf,
	rewriteTablesample,
	rewriteListagg,
	rewriteNullTreatment,
	quoteDuckKeywords,
	rewriteArithmetic,
}

// Translate returns sql in DuckDB's dialect and the map from positions in
// the result back to sql. It is given the text of one query (a SELECT,
// WITH or VALUES body, or the query of a CREATE TABLE AS or INSERT).
// Malformed text fails with a *statement.SyntaxError and constructs weir
// cannot run with a *query.Error of code NOT_SUPPORTED, both positioned
// in sql.
func (t *Translator) Translate(sql string) (string, *statement.OffsetMap, error) {
	toks, err := statement.Lex(sql, statement.ModeTrino)
	if err != nil {
		return "", nil, err
	}
	r := newRewriter(sql, toks)
	for _, pass := range passes {
		if err := pass(r); err != nil {
			return "", nil, err
		}
	}
	if r.edits.Len() == 0 {
		return sql, nil, nil
	}
	out, offsets, err := r.edits.Apply(sql)
	if err != nil {
		// Two passes edited overlapping text: a bug here, not in the query.
		return "", nil, query.ErrorAt("GENERIC_INTERNAL_ERROR", 0, "dialect: translate the query: %v", err)
	}
	return out, offsets, nil
}

// rejectBackquotes refuses `backquoted` identifiers as Trino does; they
// quote names in Hive DDL only.
func rejectBackquotes(r *rewriter) error {
	for i, t := range r.toks {
		if t.Kind == statement.TokenBacktickIdent {
			return r.syntaxError(i, "backquoted identifiers are not supported; use double quotes to quote identifiers")
		}
	}
	return nil
}
