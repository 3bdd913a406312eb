package asl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Template is a compiled payload template: the Parameters, ResultSelector
// or ItemSelector of a JSONPath state, or the value of Assign. A field
// whose name ends in ".$" takes a path or an intrinsic function call, and
// its result replaces the value under the name without ".$"; every other
// value is copied, with objects and arrays inside it processed the same
// way. Compile one with [ParseTemplate].
type Template struct {
	root tnode
}

// tkind is the kind of a template node.
type tkind uint8

const (
	tLiteral tkind = iota
	tObject
	tArray
	tPath
	tCall
)

// tnode is one value of a compiled template.
type tnode struct {
	kind   tkind
	lit    any
	fields []tfield
	items  []tnode
	path   *Path
	fn     *Intrinsic
	// key is the field's name in the definition, such as "a.$", for
	// error causes.
	key string
}

// tfield is one member of an object node, under its output name.
type tfield struct {
	name string
	node tnode
}

// ParseTemplate compiles the payload template v, a JSON value in the
// generic form. It returns every problem found, each a [*FieldError] whose
// pointer is relative to the template (such as "/a.$" or "/items/0/b.$").
func ParseTemplate(v any) (*Template, []error) {
	var errs []error
	root := compileTemplate(v, "", &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	return &Template{root: root}, nil
}

// compileTemplate compiles v found at pointer ptr, adding problems to errs.
func compileTemplate(v any, ptr string, errs *[]error) tnode {
	switch t := v.(type) {
	case map[string]any:
		n := tnode{kind: tObject, fields: make([]tfield, 0, len(t))}
		for _, k := range slices.Sorted(maps.Keys(t)) {
			fptr := ptr + "/" + pointerToken(k)
			name, dynamic := strings.CutSuffix(k, ".$")
			if dynamic {
				if _, dup := t[name]; dup {
					*errs = append(*errs, fieldErrorf(fptr, "the fields %q and %q would both produce the field %q; keep one", name, k, name))
					continue
				}
				if name == "" {
					*errs = append(*errs, fieldErrorf(fptr, "the field name %q is empty once '.$' is removed; give the field a name", k))
					continue
				}
				n.fields = append(n.fields, tfield{name: name, node: compileDynamic(t[k], k, fptr, errs)})
				continue
			}
			n.fields = append(n.fields, tfield{name: k, node: compileTemplate(t[k], fptr, errs)})
		}
		return n
	case []any:
		n := tnode{kind: tArray, items: make([]tnode, len(t))}
		for i, e := range t {
			n.items[i] = compileTemplate(e, ptr+"/"+strconv.Itoa(i), errs)
		}
		return n
	}
	return tnode{kind: tLiteral, lit: v}
}

// compileDynamic compiles the value of a field whose name ends in ".$".
func compileDynamic(v any, key, ptr string, errs *[]error) tnode {
	s, ok := v.(string)
	if !ok {
		*errs = append(*errs, fieldErrorf(ptr, "the value of %q must be a string holding a JSONPath ($.field) or an intrinsic function (States.Format(...)), not %s, because its name ends in '.$'; remove '.$' from the name to use the value as it is", key, typeName(v)))
		return tnode{}
	}
	if IsIntrinsic(s) || strings.HasPrefix(strings.TrimSpace(s), "States.") {
		f, err := ParseIntrinsic(strings.TrimSpace(s))
		if err != nil {
			*errs = append(*errs, fieldErrorf(ptr, "the value of %q is not a valid intrinsic function: %v", key, trimPrefix(err)))
			return tnode{}
		}
		return tnode{kind: tCall, fn: f, key: key}
	}
	p, err := ParsePath(s)
	if err != nil {
		*errs = append(*errs, fieldErrorf(ptr, "the value of %q is not a valid JSONPath: %v", key, trimPrefix(err)))
		return tnode{}
	}
	return tnode{kind: tPath, path: p, key: key}
}

// trimPrefix drops the "asl: " prefix from a parser's error, which a
// FieldError already places.
func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "asl: ")
}

// pointerToken escapes a member name for a JSON pointer (RFC 6901).
func pointerToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Eval builds the payload in s. A path that selects nothing is an [*Error]
// named States.ParameterPathFailure; an intrinsic function's failure is
// returned as it is (States.IntrinsicFailure). The result may share
// structure with s.
func (t *Template) Eval(s Scope) (any, error) {
	return t.root.eval(s)
}

func (n *tnode) eval(s Scope) (any, error) {
	switch n.kind {
	case tObject:
		out := make(map[string]any, len(n.fields))
		for i := range n.fields {
			v, err := n.fields[i].node.eval(s)
			if err != nil {
				return nil, err
			}
			out[n.fields[i].name] = v
		}
		return out, nil
	case tArray:
		out := make([]any, len(n.items))
		for i := range n.items {
			v, err := n.items[i].eval(s)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case tPath:
		v, err := n.path.Select(s)
		if err != nil {
			if errors.Is(err, ErrPathNotFound) {
				return nil, newError(ErrNameParameterPathFailure, "The JSONPath '%s' specified for the field '%s' could not be found in the %s", n.path, n.key, describeRoot(n.path, s))
			}
			return nil, err
		}
		return v, nil
	case tCall:
		return n.fn.Eval(s)
	}
	return n.lit, nil
}

// describeRoot names the value p starts at, with its JSON, for causes.
func describeRoot(p *Path, s Scope) string {
	switch p.root {
	case rootContext:
		return fmt.Sprintf("context object '%s'", compactJSON(s.Context))
	case rootVar:
		if v, ok := lookupVar(s, p.varName); ok {
			return fmt.Sprintf("variable $%s '%s'", p.varName, compactJSON(v))
		}
		return fmt.Sprintf("variables: $%s is not defined", p.varName)
	}
	return fmt.Sprintf("input '%s'", compactJSON(s.Input))
}
