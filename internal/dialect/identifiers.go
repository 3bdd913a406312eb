package dialect

import (
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// duckOnlyKeywords are words DuckDB reserves (or allows only as function
// or type names) that Trino lets users take as column, table or alias
// names: `SELECT desc, limit FROM t` is valid Trino.
var duckOnlyKeywords = map[string]bool{
	"analyse": true, "analyze": true, "any": true, "array": true, "asc": true, "asymmetric": true,
	"both": true, "check": true, "collate": true, "column": true, "default": true, "deferrable": true,
	"desc": true, "do": true, "fetch": true, "foreign": true, "initially": true, "lambda": true,
	"lateral": true, "leading": true, "limit": true, "offset": true, "only": true, "pivot": true,
	"pivot_longer": true, "pivot_wider": true, "placing": true, "primary": true, "qualify": true,
	"references": true, "returning": true, "show": true, "some": true, "summarize": true,
	"symmetric": true, "to": true, "trailing": true, "unique": true, "unpivot": true, "variadic": true,
	"window": true,
	// DuckDB's "type or function name" keywords.
	"anti": true, "asof": true, "at": true, "authorization": true, "collation": true,
	"concurrently": true, "freeze": true, "generated": true, "glob": true, "map": true,
	"overlaps": true, "positional": true, "semi": true, "similar": true, "struct": true,
	"unpack": true, "verbose": true, "columns": true,
}

// identifierContext are the tokens after which a word starts an
// expression or names something, so that one of duckOnlyKeywords there is
// an identifier in Trino rather than DuckDB's keyword.
var identifierContext = map[string]bool{
	"SELECT": true, "BY": true, "WHERE": true, "AND": true, "OR": true, "ON": true, "WHEN": true,
	"THEN": true, "ELSE": true, "DISTINCT": true, "NOT": true, "HAVING": true, "AS": true, "FROM": true,
	"JOIN": true, "IN": true, "IS": true, "VALUES": true, "BETWEEN": true, "LIKE": true, "RETURN": true, "CASE": true,
	",": true, "(": true, "[": true, "=": true, "<": true, ">": true, "<=": true, ">=": true, "<>": true,
	"!=": true, "+": true, "-": true, "*": true, "/": true, "%": true, "||": true, "->": true,
}

// clauseWords end a VALUES clause for the VALUES pass.
var clauseWords = map[string]bool{"LIMIT": true, "OFFSET": true, "FETCH": true}

// quoteDuckKeywords quotes identifiers that are keywords only to DuckDB:
// a word from duckOnlyKeywords after a dot (t.desc), before a dot
// (desc.x), or where an expression or a name starts — unless a bracket
// or a string follows, which makes it a call, constructor or typed
// literal (map(...), ARRAY[...]) as in Trino.
func quoteDuckKeywords(r *rewriter) error {
	for i, t := range r.toks {
		if r.duckKeywordName(i) {
			r.replace(i, i, `"`+strings.ToLower(t.Text)+`"`)
		}
	}
	return nil
}

// duckKeywordName reports whether token i is one of duckOnlyKeywords used
// as a name, which quoteDuckKeywords quotes.
func (r *rewriter) duckKeywordName(i int) bool {
	t := r.tok(i)
	if t.Kind != statement.TokenIdent || r.typed[i] || !duckOnlyKeywords[strings.ToLower(t.Text)] {
		return false
	}
	next := r.tok(i + 1)
	if next.Kind == statement.TokenString || r.isOp(i+1, "(") || r.isOp(i+1, "[") {
		return false
	}
	if r.trimSpecification(i) || r.castType(i) {
		return false
	}
	prev := r.tok(i - 1)
	ctx := i == 0 || r.isOp(i-1, ".") || r.isOp(i+1, ".")
	if !ctx && i > 0 {
		key := prev.Text
		if prev.Kind == statement.TokenIdent {
			key = strings.ToUpper(key)
		} else if prev.Kind != statement.TokenOp {
			key = ""
		}
		ctx = identifierContext[key]
	}
	// VALUES LIMIT: the VALUES pass reads LIMIT as a clause.
	return ctx && !(r.isWord(i-1, "VALUES") && clauseWords[strings.ToUpper(t.Text)])
}

// duckKeyword reports whether token i is one of duckOnlyKeywords left as
// DuckDB's keyword.
func (r *rewriter) duckKeyword(i int) bool {
	t := r.tok(i)
	return t.Kind == statement.TokenIdent && duckOnlyKeywords[strings.ToLower(t.Text)] && !r.duckKeywordName(i) &&
		!r.isOp(i+1, "(") && !r.isOp(i+1, "[")
}

// trimSpecification reports whether token i is BOTH, LEADING or TRAILING
// opening the arguments of trim (trim(LEADING FROM s)).
func (r *rewriter) trimSpecification(i int) bool {
	switch strings.ToUpper(r.tok(i).Text) {
	case "BOTH", "LEADING", "TRAILING":
		return r.isOp(i-1, "(") && r.isWord(i-2, "TRIM")
	}
	return false
}

// castType reports whether token i is in the type part of a CAST or
// TRY_CAST — after its AS — where words are type names.
func (r *rewriter) castType(i int) bool {
	if r.castTypes == nil {
		r.castTypes = make([]bool, len(r.toks))
		for j := range r.toks {
			if !(r.isWord(j, "CAST") || r.isWord(j, "TRY_CAST")) || !r.isOp(j+1, "(") {
				continue
			}
			end := r.partner[j+1]
			if end < 0 {
				end = len(r.toks) // unbalanced: to the end
			}
			as := -1
			r.topLevel(j+1, end, func(k int) bool {
				if r.isWord(k, "AS") {
					as = k
					return false
				}
				return true
			})
			for k := as + 1; as >= 0 && k < end; k++ {
				r.castTypes[k] = true
			}
		}
	}
	return i >= 0 && i < len(r.castTypes) && r.castTypes[i]
}
