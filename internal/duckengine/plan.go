package duckengine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/statement"
)

// plan is a job's query made runnable on a session: every catalog table it
// names is replaced by a temporary view over the table's files.
type plan struct {
	names   []string             // the result's column names as Trino gives them; see resultNames
	sql     string               // what to run
	offsets *statement.OffsetMap // maps offsets in sql back to the job's SQL
	masks   map[string]string    // view name -> the table name the user wrote
	shift   int                  // bytes weir put before sql when running it
}

// originalOffset maps an offset in p.sql to the job's SQL.
func (p *plan) originalOffset(off int) int {
	off -= p.shift
	if off < 0 {
		return -1
	}
	if p.offsets == nil {
		return off
	}
	return p.offsets.Original(off)
}

// unmaskNames replaces view names in a message with the table names the
// user wrote.
func (p *plan) unmaskNames(msg string) string {
	if len(p.masks) == 0 {
		return msg
	}
	// Longest names first so that __weir_v12 is not hit by __weir_v1.
	names := make([]string, 0, len(p.masks))
	for v := range p.masks {
		names = append(names, v)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, v := range names {
		msg = strings.ReplaceAll(msg, v, p.masks[v])
	}
	return msg
}

// tableScan is a catalog table reference found in a query.
type tableScan struct {
	ref       query.TableRef
	alias     string // the alias, or "" when the query gave none
	conjuncts []any  // WHERE predicates on this table alone (column refs unqualified)
}

// allowedTableFunctions are the table functions Athena SQL can reach:
// UNNEST and the ones DuckDB uses to implement Trino constructs.
var allowedTableFunctions = map[string]bool{
	"unnest": true, "range": true, "generate_series": true,
}

// deniedFunctions are scalar functions that would reveal the engine's
// configuration.
var deniedFunctions = map[string]bool{
	"current_setting": true, "getvariable": true, "getenv": true,
}

// volatileFunctions make a predicate unusable for partition pruning.
var volatileFunctions = map[string]bool{
	"random": true, "rand": true, "uuid": true, "gen_random_uuid": true, "nextval": true, "setseed": true,
}

// analysis is what the engine learns from a query's syntax tree: the
// catalog tables it names and the edits that give calls to Trino
// functions Trino's meaning.
type analysis struct {
	scans []*tableScan
	edits statement.Edits
	masks map[string]string // names weir put in the SQL -> what the user wrote
	names []string          // see resultNames
}

// analyze parses sql, with the fast parser when it can and DuckDB's
// parser otherwise, and walks the tree.
func analyze(ctx context.Context, q rowQueryer, sql string) (*analysis, error) {
	if !utf8.ValidString(sql) {
		off := 0
		for off < len(sql) {
			r, n := utf8.DecodeRuneInString(sql[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, query.ErrorAt("SYNTAX_ERROR", off, "invalid UTF-8 byte 0x%02x; queries must be UTF-8 text", sql[off])
	}
	root, ok := fastParse(sql)
	if !ok {
		var err error
		if root, err = serialize(ctx, q, sql, true); err != nil {
			return nil, err
		}
	}
	a := &analysis{masks: map[string]string{}, names: resultNames(root)}
	w := &walker{sql: sql, pruning: map[int][]any{}, edits: &a.edits, masks: a.masks, toks: tokens{sql: sql}, firstParam: -1}
	w.walk(root, nil)
	if w.params > 0 {
		w.fail(query.ErrorAt("INVALID_PARAMETER_USAGE", w.firstParam,
			"Incorrect number of parameters: expected %d but found 0; weir takes no execution parameters yet, so write the values into the query", w.params))
	}
	if w.err != nil {
		return nil, w.err
	}
	a.scans = w.scans
	sort.Slice(a.scans, func(i, j int) bool { return a.scans[i].ref.Offset < a.scans[j].ref.Offset })
	return a, nil
}

// begin analyzes job's query, then takes a session and plans the query on
// it. The analysis runs first, on any connection, so that it can use the
// prepared parse statement without holding two connections at once.
func (e *Engine) begin(ctx context.Context, job *query.Job) (*session, *plan, error) {
	a, err := analyze(ctx, e.serialize.QueryRowContext, job.SQL)
	if err != nil {
		return nil, nil, err
	}
	s, err := e.session(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := e.plan(ctx, s, job, a)
	if err != nil {
		s.close()
		return nil, nil, err
	}
	return s, p, nil
}

// plan resolves the tables a query names and creates their views on s.
func (e *Engine) plan(ctx context.Context, s *session, job *query.Job, a *analysis) (*plan, error) {
	p := &plan{masks: a.masks, names: a.names}
	edits := &a.edits
	for _, sc := range a.scans {
		var filter query.PartitionFilter
		if len(sc.conjuncts) > 0 {
			filter = e.partitionFilter(s, sc.conjuncts)
		}
		rel, err := job.Resolver.ResolveTable(ctx, sc.ref, filter)
		if err != nil {
			var qe *query.Error
			if errors.As(err, &qe) && qe.Offset < 0 {
				qe.Offset = sc.ref.Offset
			}
			return nil, err
		}
		view := e.viewName()
		body, err := e.relationSQL(ctx, s, rel)
		if err != nil {
			return nil, err
		}
		e.logger.Debug("table view", "table", rel.Table.QualifiedName(), "files", len(rel.Files), "sql", body)
		if _, err := s.conn.ExecContext(ctx, "CREATE TEMP VIEW "+quoteIdent(view)+" AS "+body); err != nil {
			return nil, fmt.Errorf("duckengine: view for %s: %w", rel.Table.QualifiedName(), translateError(ctx, err, nil))
		}
		s.views = append(s.views, view)
		end := scanQualifiedName(job.SQL, sc.ref.Offset)
		replacement := view
		if sc.alias == "" {
			replacement += " AS " + quoteIdent(sc.ref.Name)
		}
		edits.Replace(statement.Span{Start: sc.ref.Offset, End: end}, replacement)
		p.masks[view] = job.SQL[sc.ref.Offset:end]
	}
	out, offsets, err := edits.Apply(job.SQL)
	if err != nil {
		return nil, fmt.Errorf("duckengine: rewrite query: %w", err)
	}
	p.sql, p.offsets = out, offsets
	e.logger.Debug("planned query", "job", job.ID, "sql", p.sql)
	return p, nil
}

// serializeSQL asks DuckDB for a query's syntax tree.
const serializeSQL = "SELECT json_serialize_sql(?::VARCHAR)::VARCHAR"

// rowQueryer runs a one-row query with arguments: a prepared statement or
// a connection with the query bound.
type rowQueryer func(ctx context.Context, args ...any) *sql.Row

// serialize parses sql with DuckDB's parser and returns its syntax tree.
// With sparse, empty members are left out (see decodeSparseTree).
func serialize(ctx context.Context, q rowQueryer, sql string, sparse bool) (map[string]any, error) {
	var raw string
	if err := q(ctx, sql).Scan(&raw); err != nil {
		return nil, translateError(ctx, err, nil)
	}
	decode := decodeTree
	if sparse {
		decode = decodeSparseTree
	}
	tree, err := decode([]byte(raw))
	if err != nil {
		return nil, err
	}
	root, _ := tree.(map[string]any)
	if isErr, _ := root["error"].(bool); isErr {
		msg, _ := root["error_message"].(string)
		off := -1
		if pos, ok := root["position"].(string); ok {
			fmt.Sscan(pos, &off)
		}
		if strings.Contains(msg, "Only SELECT statements") {
			return nil, query.ErrorAt("NOT_SUPPORTED", -1, "only queries can be planned: %s", msg)
		}
		return nil, query.ErrorAt("SYNTAX_ERROR", off, "%s", msg)
	}
	stmts, _ := root["statements"].([]any)
	if len(stmts) != 1 {
		return nil, query.ErrorAt("SYNTAX_ERROR", -1, "expected one statement, found %d", len(stmts))
	}
	stmt, _ := stmts[0].(map[string]any)
	return stmt, nil
}

// walker finds the catalog tables a syntax tree names, with the WHERE
// predicates that apply to each alone, and enforces the sandbox.
type walker struct {
	sql     string
	scans   []*tableScan
	pruning map[int][]any // BASE_TABLE offset -> predicates
	edits   *statement.Edits
	masks   map[string]string
	toks    tokens // sql's, lexed when a call needs checking
	params  int    // ? placeholders
	// firstParam is the offset of the first placeholder, or -1.
	firstParam int
	err        error
}

// fail records err; of several, the one earliest in the query wins, so
// that the error reported does not depend on the order of the walk.
func (w *walker) fail(err error) {
	if w.err == nil || errorOffset(err) < errorOffset(w.err) {
		w.err = err
	}
}

// errorOffset is where err points in the query, or the largest int when
// it has no position.
func errorOffset(err error) int {
	var qe *query.Error
	if errors.As(err, &qe) && qe.Offset >= 0 {
		return qe.Offset
	}
	return int(^uint(0) >> 1)
}

// walk visits every node of the tree. Map members are visited in Go's
// (random) map order: nothing depends on the order (see fail; scans are
// sorted by position afterwards), and sorting the keys of every node
// would cost a third of the translation.
func (w *walker) walk(v any, scope []string) {
	switch n := v.(type) {
	case []any:
		for _, c := range n {
			w.walk(c, scope)
		}
	case map[string]any:
		if cm, ok := n["cte_map"].(map[string]any); ok {
			entries, _ := cm["map"].([]any)
			inner := scope
			for _, en := range entries {
				entry, _ := en.(map[string]any)
				name, _ := entry["key"].(string)
				value, _ := entry["value"].(map[string]any)
				bodyScope := inner
				if isRecursive(value) {
					bodyScope = append(append([]string(nil), inner...), name)
				}
				w.walk(value, bodyScope)
				inner = append(append([]string(nil), inner...), name)
			}
			scope = inner
		}
		switch n["type"] {
		case "SELECT_NODE":
			w.analyzeSelect(n)
		case "BASE_TABLE":
			w.baseTable(n, scope)
		case "TABLE_FUNCTION":
			if fn, ok := n["function"].(map[string]any); ok {
				name := strings.ToLower(str(fn["function_name"]))
				if !allowedTableFunctions[name] {
					w.fail(query.ErrorAt("FUNCTION_NOT_FOUND", intOf(n["query_location"]),
						"Table function '%s' is not available in Athena SQL; to query files, create a table over them (CREATE EXTERNAL TABLE ... LOCATION 's3://...')", name))
					return
				}
				if name == "unnest" {
					if err := rewriteUnnest(w.sql, n, w.edits); err != nil {
						w.fail(err)
						return
					}
				}
			}
		}
		if n["class"] == "OPERATOR" && n["type"] == "ARRAY_EXTRACT" {
			if err := rewriteSubscript(w.sql, n, w.edits); err != nil {
				w.fail(err)
				return
			}
		}
		if n["class"] == "PARAMETER" {
			w.params++
			if off := intOf(n["query_location"]); off >= 0 && (w.firstParam < 0 || off < w.firstParam) {
				w.firstParam = off
			}
		}
		if n["type"] == "GROUPING_FUNCTION" {
			rewriteGrouping(&w.toks, n, w.edits)
		}
		if n["class"] == "CAST" {
			if err := rewriteJSONCast(w.sql, n, w.edits); err != nil {
				w.fail(err)
				return
			}
		}
		if n["class"] == "FUNCTION" || n["class"] == "WINDOW" && str(n["function_name"]) != "" {
			name := strings.ToLower(str(n["function_name"]))
			if deniedFunctions[name] {
				w.fail(query.ErrorAt("FUNCTION_NOT_FOUND", intOf(n["query_location"]), "Function '%s' not registered", name))
				return
			}
			if err := rewriteCall(&w.toks, n, w.edits, w.masks); err != nil {
				w.fail(err)
				return
			}
		}
		for k, c := range n {
			switch c.(type) {
			case map[string]any, []any: // scalars hold nothing to visit
				if k != "cte_map" {
					w.walk(c, scope)
				}
			}
		}
	}
}

func isRecursive(cte map[string]any) bool {
	q, _ := cte["query"].(map[string]any)
	node, _ := q["node"].(map[string]any)
	return node["type"] == "RECURSIVE_CTE_NODE"
}

func (w *walker) baseTable(n map[string]any, scope []string) {
	name := str(n["table_name"])
	schema := str(n["schema_name"])
	cat := str(n["catalog_name"])
	if schema == "" && cat == "" {
		for _, s := range scope {
			if strings.EqualFold(s, name) {
				return // a CTE, not a catalog table
			}
		}
	}
	off := intOf(n["query_location"])
	if off < 0 || off >= len(w.sql) {
		w.fail(fmt.Errorf("duckengine: table reference %s has no usable position", name))
		return
	}
	if cat != "" && schema == "" {
		// "a.b" may parse as catalog a, table b; Athena reads it as database a.
		schema, cat = cat, ""
	}
	w.scans = append(w.scans, &tableScan{
		ref:       query.TableRef{Catalog: cat, Database: schema, Name: name, Offset: off},
		alias:     str(n["alias"]),
		conjuncts: w.pruning[off],
	})
}

// fromTable is a table directly in a SELECT's FROM clause.
type fromTable struct {
	offset   int
	alias    string // alias, else the table name
	nullable bool   // on the NULL-supplying side of an outer join
}

// analyzeSelect records, for each table directly in the FROM clause, the
// WHERE conjuncts that reference only that table's columns.
func (w *walker) analyzeSelect(n map[string]any) {
	where, ok := n["where_clause"].(map[string]any)
	if !ok {
		return
	}
	var tables []fromTable
	others := collectFrom(n["from_table"], false, &tables)
	for _, c := range conjuncts(where) {
		cols, ok := columnRefs(c)
		if !ok || len(cols) == 0 {
			continue
		}
		target := -1
		for _, col := range cols {
			t := -1
			switch len(col) {
			case 1:
				if len(tables) == 1 && others == 0 {
					t = 0
				}
			case 2:
				for i, ft := range tables {
					if strings.EqualFold(ft.alias, col[0]) {
						t = i
					}
				}
			}
			if t < 0 || (target >= 0 && t != target) {
				target = -2
				break
			}
			target = t
		}
		if target < 0 || tables[target].nullable {
			continue
		}
		off := tables[target].offset
		w.pruning[off] = append(w.pruning[off], unqualify(c))
	}
}

// collectFrom gathers the base tables of a FROM tree and returns how many
// other relations (subqueries, functions, VALUES) it holds.
func collectFrom(v any, nullable bool, out *[]fromTable) int {
	n, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	switch n["type"] {
	case "BASE_TABLE":
		alias := str(n["alias"])
		if alias == "" {
			alias = str(n["table_name"])
		}
		*out = append(*out, fromTable{offset: intOf(n["query_location"]), alias: alias, nullable: nullable})
		return 0
	case "JOIN":
		lnull, rnull := nullable, nullable
		switch n["join_type"] {
		case "LEFT":
			rnull = true
		case "RIGHT":
			lnull = true
		case "OUTER":
			lnull, rnull = true, true
		}
		return collectFrom(n["left"], lnull, out) + collectFrom(n["right"], rnull, out)
	case "EMPTY", nil:
		return 0
	}
	return 1
}

// conjuncts splits an AND tree.
func conjuncts(e map[string]any) []map[string]any {
	if e["type"] == "CONJUNCTION_AND" {
		var out []map[string]any
		children, _ := e["children"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				out = append(out, conjuncts(m)...)
			}
		}
		return out
	}
	return []map[string]any{e}
}

// columnRefs returns the column names an expression uses, or ok=false if
// the expression cannot be evaluated against partition values alone
// (subqueries, window functions, volatile functions, parameters).
func columnRefs(v any) (cols [][]string, ok bool) {
	ok = true
	var visit func(any)
	visit = func(v any) {
		if !ok {
			return
		}
		switch n := v.(type) {
		case []any:
			for _, c := range n {
				visit(c)
			}
		case map[string]any:
			switch n["class"] {
			case "SUBQUERY", "WINDOW", "PARAMETER", "STAR", "DEFAULT", "POSITIONAL_REFERENCE":
				ok = false
				return
			case "COLUMN_REF":
				names, _ := n["column_names"].([]any)
				var parts []string
				for _, p := range names {
					parts = append(parts, str(p))
				}
				cols = append(cols, parts)
				return
			case "FUNCTION":
				if volatileFunctions[strings.ToLower(str(n["function_name"]))] {
					ok = false
					return
				}
			case "LAMBDA":
				ok = false // lambda parameters look like column references
				return
			}
			for _, c := range n {
				visit(c)
			}
		}
	}
	visit(v)
	return cols, ok
}

// unqualify returns a deep copy of an expression with every column
// reference reduced to its last name part.
func unqualify(v any) any {
	switch n := v.(type) {
	case []any:
		out := make([]any, len(n))
		for i, c := range n {
			out[i] = unqualify(c)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, c := range n {
			out[k] = unqualify(c)
		}
		if n["class"] == "COLUMN_REF" {
			if names, _ := n["column_names"].([]any); len(names) > 0 {
				out["column_names"] = []any{names[len(names)-1]}
			}
		}
		return out
	}
	return v
}

// partitionFilter returns a filter that evaluates conjuncts, in DuckDB,
// against candidate partition values.
func (e *Engine) partitionFilter(s *session, conjs []any) query.PartitionFilter {
	return func(ctx context.Context, keys []catalog.Column, values [][]string) ([]bool, error) {
		keep := make([]bool, len(values))
		for i := range keep {
			keep[i] = true
		}
		var usable []any
		for _, c := range conjs {
			cols, _ := columnRefs(c)
			all := true
			for _, col := range cols {
				if !hasKey(keys, col[len(col)-1]) {
					all = false
					break
				}
			}
			if all {
				usable = append(usable, c)
			}
		}
		if len(usable) == 0 || len(values) == 0 {
			return keep, nil
		}
		where, err := deserializePredicate(ctx, s, usable)
		if err != nil {
			e.logger.Debug("partition pruning skipped", "reason", err)
			return keep, nil
		}
		var b strings.Builder
		b.WriteString("WITH __weir_parts AS (SELECT __i")
		for i, k := range keys {
			fmt.Fprintf(&b, ", TRY_CAST(__v%d AS %s) AS %s", i, sqlType(k.Type), quoteIdent(strings.ToLower(k.Name)))
		}
		b.WriteString(" FROM (VALUES ")
		for i, row := range values {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d", i)
			for _, v := range row {
				b.WriteString(", ")
				if v == catalog.NullPartitionValue {
					b.WriteString("NULL")
				} else {
					b.WriteString(quoteString(v))
				}
			}
			b.WriteByte(')')
		}
		b.WriteString(") AS __p(__i")
		for i := range keys {
			fmt.Fprintf(&b, ", __v%d", i)
		}
		b.WriteString(")) ")
		b.WriteString(where)
		rows, err := s.conn.QueryContext(ctx, b.String())
		if err != nil {
			e.logger.Debug("partition pruning skipped", "reason", plainError(err))
			return keep, nil
		}
		defer rows.Close()
		for i := range keep {
			keep[i] = false
		}
		for rows.Next() {
			var i int
			if err := rows.Scan(&i); err != nil {
				return nil, err
			}
			keep[i] = true
		}
		if err := rows.Err(); err != nil {
			e.logger.Debug("partition pruning skipped", "reason", plainError(err))
			for i := range keep {
				keep[i] = true
			}
		}
		return keep, nil
	}
}

// deserializePredicate turns predicate trees into the text of
// "SELECT __i FROM __weir_parts WHERE ...", using DuckDB's own printer.
func deserializePredicate(ctx context.Context, s *session, preds []any) (string, error) {
	bound := func(ctx context.Context, args ...any) *sql.Row {
		return s.conn.QueryRowContext(ctx, serializeSQL, args...)
	}
	tmpl, err := serialize(ctx, bound, "SELECT __i FROM __weir_parts WHERE true", false)
	if err != nil {
		return "", err
	}
	node, _ := tmpl["node"].(map[string]any)
	if node == nil {
		return "", errors.New("unexpected template tree")
	}
	if len(preds) == 1 {
		node["where_clause"] = preds[0]
	} else {
		node["where_clause"] = map[string]any{
			"class": "CONJUNCTION", "type": "CONJUNCTION_AND", "alias": "", "query_location": 0, "children": preds,
		}
	}
	doc, err := json.Marshal(map[string]any{"error": false, "statements": []any{tmpl}})
	if err != nil {
		return "", err
	}
	var sql string
	if err := s.conn.QueryRowContext(ctx, "SELECT json_deserialize_sql(?::JSON)", string(doc)).Scan(&sql); err != nil {
		return "", plainError(err)
	}
	return sql, nil
}

func hasKey(keys []catalog.Column, name string) bool {
	for _, k := range keys {
		if strings.EqualFold(k.Name, name) {
			return true
		}
	}
	return false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	return -1
}

// scanQualifiedName returns the end offset of the (possibly qualified,
// possibly quoted) name starting at start.
func scanQualifiedName(sql string, start int) int {
	i := start
	for {
		i = scanIdentifier(sql, i)
		j := skipSpace(sql, i)
		if j < len(sql) && sql[j] == '.' {
			k := skipSpace(sql, j+1)
			if k < len(sql) && (isIdentStart(sql[k]) || sql[k] == '"') {
				i = k
				continue
			}
		}
		return i
	}
}

func scanIdentifier(sql string, i int) int {
	if i < len(sql) && sql[i] == '"' {
		i++
		for i < len(sql) {
			if sql[i] == '"' {
				if i+1 < len(sql) && sql[i+1] == '"' {
					i += 2
					continue
				}
				return i + 1
			}
			i++
		}
		return i
	}
	for i < len(sql) && (isIdentStart(sql[i]) || sql[i] >= '0' && sql[i] <= '9' || sql[i] == '$') {
		i++
	}
	return i
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func skipSpace(sql string, i int) int {
	for i < len(sql) && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r') {
		i++
	}
	return i
}
