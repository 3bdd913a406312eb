package duckengine

import (
	"fmt"
	"strings"
)

// resultNames returns how Trino names the columns of a query's result,
// from the query's syntax tree: an alias or a column reference names its
// column (in lower case, as Trino canonicalises identifiers); any other
// expression is unnamed ("") and becomes _colN, N being its position; a
// star is "*". A bare VALUES query has only unnamed columns. It returns nil
// when the tree has no select list to read.
func resultNames(stmt map[string]any) []string {
	node, _ := stmt["node"].(map[string]any)
	for node != nil && node["type"] == "SET_OPERATION_NODE" {
		node, _ = node["left"].(map[string]any) // the first branch names the columns
	}
	if node == nil || node["type"] != "SELECT_NODE" {
		return nil
	}
	list, _ := node["select_list"].([]any)
	if from, _ := node["from_table"].(map[string]any); from != nil && from["type"] == "EXPRESSION_LIST" && len(list) == 1 {
		if star, _ := list[0].(map[string]any); star["class"] == "STAR" {
			rows, _ := from["values"].([]any)
			if len(rows) == 0 {
				return nil
			}
			first, _ := rows[0].([]any)
			return make([]string, len(first))
		}
	}
	names := make([]string, len(list))
	for i, item := range list {
		e, _ := item.(map[string]any)
		switch {
		case str(e["alias"]) != "":
			names[i] = strings.ToLower(str(e["alias"]))
		case e["class"] == "STAR":
			names[i] = "*"
		case e["type"] == "STRUCT_EXTRACT":
			// (expr).field is named after the field, as in Trino.
			if ch, _ := e["children"].([]any); len(ch) == 2 {
				if c, _ := ch[1].(map[string]any); c["class"] == "CONSTANT" {
					v, _ := c["value"].(map[string]any)
					names[i] = strings.ToLower(str(v["value"]))
				}
			}
		case e["class"] == "COLUMN_REF":
			parts, _ := e["column_names"].([]any)
			if len(parts) > 0 {
				names[i] = strings.ToLower(str(parts[len(parts)-1]))
			}
		}
	}
	return names
}

// columnNames returns the result's column names given DuckDB's: Trino's
// names where the query's select list determines them, else DuckDB's in
// lower case (a select list with several stars cannot be matched to the
// columns by position); and which columns the query left unnamed.
func (p *plan) columnNames(duck []string) (names []string, unnamed []bool) {
	names = make([]string, len(duck))
	unnamed = make([]bool, len(duck))
	for i, d := range duck {
		names[i] = strings.ToLower(d)
	}
	stars := 0
	for _, n := range p.names {
		if n == "*" {
			stars++
		}
	}
	if p.names == nil || stars > 1 {
		return names, unnamed
	}
	width := len(duck) - (len(p.names) - stars) // columns the star expands to
	if width < 0 || (stars == 0 && width != 0) {
		return names, unnamed
	}
	i := 0
	for _, n := range p.names {
		switch n {
		case "*":
			i += width
		case "":
			names[i], unnamed[i] = fmt.Sprintf("_col%d", i), true
			i++
		default:
			names[i] = n
			i++
		}
	}
	return names, unnamed
}
