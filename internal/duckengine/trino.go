package duckengine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// The engine half of the Trino dialect. The translator (internal/dialect)
// rewrites syntax DuckDB's parser rejects; here, with DuckDB's own syntax
// tree in hand, calls to Trino functions that DuckDB lacks or answers
// differently are renamed to DuckDB built-ins or to weir's macros and Go
// functions, which every connection defines at start-up. Renaming is a
// text edit at the position DuckDB reports for the call, so error
// positions still point at the user's SQL.

// functionSet is one family of Trino functions: how calls are rewritten
// and what DuckDB needs defined for the rewritten calls to run.
type functionSet struct {
	// rules rewrite calls, keyed by the lower-case Trino function name.
	rules map[string]funcRule
	// macros are CREATE MACRO statements run on every connection.
	macros []string
	// udfs are Go scalar functions registered on every connection, by
	// name; several for one name are overloads.
	udfs map[string][]duckdb.ScalarFunc
}

// functionSets lists every family; see trino_*.go.
func functionSets() []functionSet {
	return []functionSet{
		timeFunctions,
		stringFunctions,
		jsonFunctions,
		arrayFunctions,
		aggregateFunctions,
		mathFunctions,
		arithmeticFunctions, // after timeFunctions: uses weir_as_type_of
	}
}

// funcRule rewrites one call. It returns the name to call instead ("" to
// keep the call as it is) or an error, normally from notSupported.
type funcRule func(c *funcCall) (string, error)

// funcCall is a function call found in a query's syntax tree.
type funcCall struct {
	name     string // lower-case, as DuckDB's parser reports it
	args     []map[string]any
	distinct bool
	window   bool // an aggregate used as a window function (OVER)
	offset   int  // of the function name in the query
	sql      string
	edits    *statement.Edits
}

// nargs is the number of arguments.
func (c *funcCall) nargs() int { return len(c.args) }

// constString returns argument i when it is a string literal.
func (c *funcCall) constString(i int) (string, bool) {
	if i >= len(c.args) {
		return "", false
	}
	a := c.args[i]
	if a["class"] != "CONSTANT" {
		return "", false
	}
	v, _ := a["value"].(map[string]any)
	if v == nil || v["is_null"] == true {
		return "", false
	}
	typ, _ := v["type"].(map[string]any)
	if typ["id"] != "VARCHAR" {
		return "", false
	}
	s, ok := v["value"].(string)
	return s, ok
}

// notSupported is the error for a call weir cannot run with Trino's
// meaning.
func (c *funcCall) notSupported(format string, args ...any) error {
	return query.ErrorAt("NOT_SUPPORTED", c.offset, "%s", fmt.Sprintf(format, args...))
}

// rename returns a rule that calls name instead.
func rename(name string) funcRule {
	return func(*funcCall) (string, error) { return name, nil }
}

// byArity returns a rule that renames calls by their number of
// arguments; other arities are kept (DuckDB reports them).
func byArity(names map[int]string) funcRule {
	return func(c *funcCall) (string, error) { return names[c.nargs()], nil }
}

// unsupported returns a rule that refuses every call with the reason why.
func unsupported(why string) funcRule {
	return func(c *funcCall) (string, error) {
		return "", c.notSupported("%s() is not supported: %s", c.name, why)
	}
}

// trinoRules is every family's rules in one map.
var trinoRules = func() map[string]funcRule {
	all := map[string]funcRule{}
	for _, fs := range functionSets() {
		for name, r := range fs.rules {
			all[name] = r
		}
	}
	return all
}()

// registerFunctions defines every family's Go functions and macros on a
// connection.
func registerFunctions(ctx context.Context, conn *sql.Conn) error {
	for _, fs := range functionSets() {
		names := make([]string, 0, len(fs.udfs))
		for n := range fs.udfs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fns := make([]duckdb.ScalarFunc, len(fs.udfs[n]))
			for i, f := range fs.udfs[n] {
				fns[i] = recovering{name: n, f: f}
			}
			var err error
			if len(fns) == 1 {
				err = duckdb.RegisterScalarUDF(conn, n, fns[0])
			} else {
				err = duckdb.RegisterScalarUDFSet(conn, n, fns...)
			}
			if err != nil {
				return fmt.Errorf("duckengine: register function %s: %w", n, err)
			}
		}
		for _, m := range fs.macros {
			if _, err := conn.ExecContext(ctx, m); err != nil {
				return fmt.Errorf("duckengine: define macro %.60s: %w", m, plainError(err))
			}
		}
	}
	return nil
}

// tokens lexes a query once, on demand, for the checks calls need.
type tokens struct {
	sql  string
	toks []statement.Token
	done bool
}

// at returns the index of the token starting at off, or -1.
func (t *tokens) at(off int) int {
	if !t.done {
		t.toks, _ = statement.Lex(t.sql, statement.ModeTrino)
		t.done = true
	}
	i := sort.Search(len(t.toks), func(i int) bool { return t.toks[i].Span.Start >= off })
	if i < len(t.toks) && t.toks[i].Span.Start == off {
		return i
	}
	return -1
}

// specialSyntax are, per function, the words that make a call special
// syntax (substring(s FROM 2 FOR 3), trim(BOTH FROM s), position(a IN b)),
// which only the built-in function's name parses.
var specialSyntax = map[string]map[string]bool{
	"substring": {"FROM": true, "FOR": true},
	"substr":    {"FROM": true, "FOR": true},
	"trim":      {"FROM": true, "BOTH": true, "LEADING": true, "TRAILING": true},
	"ltrim":     {"FROM": true},
	"rtrim":     {"FROM": true},
	"position":  {"IN": true},
	"overlay":   {"PLACING": true, "FROM": true, "FOR": true},
}

// plainCall reports whether the call of name starting at off is written
// name(arg, ...), without special syntax among its top-level arguments.
func (t *tokens) plainCall(name string, off int) bool {
	special := specialSyntax[name]
	i := t.at(off)
	if i < 0 || i+1 >= len(t.toks) || t.toks[i+1].Text != "(" {
		return false
	}
	depth := 0
	for _, tk := range t.toks[i+1:] {
		switch {
		case tk.Kind == statement.TokenOp && (tk.Text == "(" || tk.Text == "["):
			depth++
		case tk.Kind == statement.TokenOp && (tk.Text == ")" || tk.Text == "]"):
			depth--
			if depth == 0 {
				return true
			}
		case depth == 1 && tk.Kind == statement.TokenIdent && special[strings.ToUpper(tk.Text)]:
			return false
		}
	}
	return false
}

// rewriteCall applies the rule for a FUNCTION node, if any, recording the
// rename in edits and the name to show in errors in masks.
func rewriteCall(toks *tokens, n map[string]any, edits *statement.Edits, masks map[string]string) error {
	sql := toks.sql
	if n["is_operator"] == true || str(n["catalog"]) != "" {
		return nil
	}
	name := str(n["function_name"])
	off := intOf(n["query_location"])
	if off < 0 || off >= len(sql) {
		return nil
	}
	end := scanIdentifier(sql, off)
	written := sql[off:end]
	if !strings.EqualFold(strings.Trim(written, `"`), name) {
		// Special syntax whose function DuckDB names differently:
		// EXTRACT(f FROM x) is date_part, x AT TIME ZONE z is timezone.
		return rewriteSpecialForm(sql, n, written, edits)
	}
	rule := trinoRules[name]
	// DuckDB puts some built-ins written unqualified (trim, substring) in
	// schema main; a name the user qualified has a dot before it.
	if rule == nil || qualifiedAt(sql, off) || !toks.plainCall(name, off) {
		return nil
	}
	children, _ := n["children"].([]any)
	window := n["class"] == "WINDOW"
	c := &funcCall{name: name, offset: off, sql: sql, edits: edits, distinct: n["distinct"] == true, window: window}
	for _, ch := range children {
		m, _ := ch.(map[string]any)
		c.args = append(c.args, m)
	}
	to, err := rule(c)
	if err != nil || to == "" || to == name {
		return err
	}
	if window && strings.HasPrefix(to, "weir_") {
		// weir's functions are macros and scalar functions, which cannot
		// be window functions: DuckDB's own runs (see docs/sql.md).
		return nil
	}
	edits.Replace(statement.Span{Start: off, End: end}, to)
	masks[to] = name
	return nil
}

// extractFields maps Trino's EXTRACT fields to DuckDB's where they differ.
var extractFields = map[string]string{
	"dow":          "isodow", // Trino: Monday = 1 ... Sunday = 7
	"day_of_week":  "isodow",
	"doy":          "doy",
	"day_of_year":  "doy",
	"day_of_month": "day",
	"yow":          "isoyear",
	"year_of_week": "isoyear",
}

func rewriteSpecialForm(sql string, n map[string]any, written string, edits *statement.Edits) error {
	off := intOf(n["query_location"])
	children, _ := n["children"].([]any)
	switch {
	case str(n["function_name"]) == "date_part" && strings.EqualFold(written, "extract") && len(children) == 2:
		part, _ := children[0].(map[string]any)
		poff := intOf(part["query_location"])
		if poff < 0 || poff >= len(sql) {
			return nil
		}
		pend := scanIdentifier(sql, poff)
		field := strings.ToLower(strings.Trim(sql[poff:pend], `"`))
		if to, ok := extractFields[field]; ok && to != field {
			edits.Replace(statement.Span{Start: poff, End: pend}, to)
		}
	case str(n["function_name"]) == "timezone" && strings.EqualFold(written, "at"):
		// Trino reads a timestamp without zone as UTC (the session zone)
		// before converting; DuckDB reads it as wall time in the target
		// zone. Casting first gives Trino's instant; "::" binds tighter
		// than AT TIME ZONE, to the operand just before it.
		edits.Replace(statement.Span{Start: off, End: off}, "::TIMESTAMPTZ ")
	}
	return nil
}

// qualifiedAt reports whether the name at off follows a dot.
func qualifiedAt(sql string, off int) bool {
	i := off - 1
	for i >= 0 && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r') {
		i--
	}
	return i >= 0 && sql[i] == '.'
}

// callEnd returns the offset just past the ")" closing the call whose name
// starts at off, or -1.
func (t *tokens) callEnd(off int) int {
	i := t.at(off)
	if i < 0 || i+1 >= len(t.toks) || t.toks[i+1].Text != "(" {
		return -1
	}
	depth := 0
	for _, tk := range t.toks[i+1:] {
		if tk.Kind != statement.TokenOp {
			continue
		}
		switch tk.Text {
		case "(", "[":
			depth++
		case ")", "]":
			if depth--; depth == 0 {
				return tk.Span.End
			}
		}
	}
	return -1
}

// rewriteGrouping makes grouping(...) an integer, as in Trino (DuckDB:
// bigint).
func rewriteGrouping(toks *tokens, n map[string]any, edits *statement.Edits) {
	off := intOf(n["query_location"])
	if off < 0 || off >= len(toks.sql) {
		return
	}
	if end := toks.callEnd(off); end > 0 {
		edits.Replace(statement.Span{Start: off, End: off}, "CAST(")
		edits.Replace(statement.Span{Start: end, End: end}, " AS INTEGER)")
	}
}

// recovering is a Go function that turns a panic into the query's error:
// DuckDB calls Go functions through cgo, where a panic would end the
// process.
type recovering struct {
	name string
	f    duckdb.ScalarFunc
}

func (r recovering) Config() duckdb.ScalarFuncConfig { return r.f.Config() }

func (r recovering) Executor() duckdb.ScalarFuncExecutor {
	ex := r.f.Executor()
	fail := func(p any) error {
		return fmt.Errorf("GENERIC_INTERNAL_ERROR: function %s failed: %v", strings.TrimPrefix(r.name, "weir_"), p)
	}
	if row := ex.RowExecutor; row != nil {
		ex.RowExecutor = func(values []driver.Value) (out any, err error) {
			defer func() {
				if p := recover(); p != nil {
					out, err = nil, fail(p)
				}
			}()
			return row(values)
		}
	}
	if row := ex.RowContextExecutor; row != nil {
		ex.RowContextExecutor = func(ctx context.Context, values []driver.Value) (out any, err error) {
			defer func() {
				if p := recover(); p != nil {
					out, err = nil, fail(p)
				}
			}()
			return row(ctx, values)
		}
	}
	return ex
}
