package httpapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// openAPI builds the OpenAPI 3 document of routes: paths from the route
// table, schemas from the Go types of bodies and answers.
func openAPI(routes []route) ([]byte, error) {
	g := &schemaGen{schemas: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		op := map[string]any{"operationId": rt.id, "summary": rt.summary, "tags": []string{rt.tag}}
		var params []any
		for _, name := range pathParams(rt.path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, p := range rt.query {
			params = append(params, map[string]any{"name": p.name, "in": p.in, "description": p.doc, "schema": map[string]any{"type": p.typ}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.body != nil {
			op["requestBody"] = map[string]any{"required": rt.body != typeOf[any](), "content": g.content(rt.body)}
		}
		ok := map[string]any{"description": statusText(rt.status)}
		if rt.resp != nil {
			ok["content"] = g.content(rt.resp)
		}
		op["responses"] = map[string]any{
			fmt.Sprint(rt.status): ok,
			"default":             map[string]any{"description": "an error", "content": g.content(typeOf[Error]())},
		}
		path := Prefix + strings.ReplaceAll(rt.path, "...}", "}")
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = op
	}
	codes := []string{}
	for _, row := range errorTable {
		codes = append(codes, string(row.code))
	}
	g.schemas["Error"].(map[string]any)["properties"].(map[string]any)["code"] = map[string]any{"type": "string", "enum": codes}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "weir API",
			"version":     "v1",
			"description": "weir's HTTP API: the lake, the catalog, queries, crawlers, functions, state machines and executions. Errors are {code, message}; lists page with maxResults and nextToken.",
		},
		"servers":    []any{map[string]any{"url": "/"}},
		"security":   []any{map[string]any{"bearer": []string{}}},
		"paths":      paths,
		"components": map[string]any{"schemas": g.schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "required when weir serve runs with --auth-token"}}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	}
	return fmt.Sprint(code)
}

// pathParams are the {name} wildcards of a path.
func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			out = append(out, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return out
}

type schemaGen struct {
	schemas map[string]any
}

func (g *schemaGen) content(t reflect.Type) map[string]any {
	if t == rawType {
		return map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	}
	return map[string]any{"application/json": map[string]any{"schema": g.schema(t)}}
}

// schemaName names a named struct type's schema: its name, prefixed with
// its package's unless the two agree (query.Execution is QueryExecution,
// crawler.Crawler is Crawler).
func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	if pkg == "httpapi" || strings.EqualFold(pkg, t.Name()) {
		return t.Name()
	}
	r := []rune(pkg)
	r[0] = unicode.ToUpper(r[0])
	return string(r) + t.Name()
}

var timeType = reflect.TypeFor[time.Time]()

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == typeOf[HistoryEvent]():
		return map[string]any{"type": "object", "additionalProperties": true}
	case t.Kind() != reflect.Pointer && t.Implements(textMarshaler):
		// encoding/json writes these as their text.
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		name := schemaName(t)
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, ok := g.schemas[name]; ok {
			return ref
		}
		props := map[string]any{}
		obj := map[string]any{"type": "object", "properties": props}
		g.schemas[name] = obj
		g.fields(t, props)
		return ref
	}
	return map[string]any{}
}

// fields adds the JSON members of struct t to props; the fields of an
// embedded struct without a JSON name are members of t, as
// encoding/json makes them.
func (g *schemaGen) fields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		fname, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && fname == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				g.fields(et, props)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if fname == "" {
			fname = f.Name
		}
		props[fname] = g.schema(f.Type)
	}
}
