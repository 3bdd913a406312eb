package asl

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Reading a definition's fields: an object's members with their types,
// bounds and JSON pointers, for the validator.

// object reads the members of one JSON object of the definition.
type object struct {
	v    *validator
	m    map[string]any
	ptr  string
	what string // "the state machine", "a Pass state", ...
}

func (o *object) at(name string) string { return o.ptr + "/" + escapePointer(name) }

func (o *object) has(name string) bool { _, ok := o.m[name]; return ok }

// only reports members not in allowed.
func (o *object) only(allowed ...string) {
	set := map[string]bool{}
	for _, a := range allowed {
		set[a] = true
	}
	for _, k := range o.v.doc.order[o.ptr] {
		if !set[k] {
			o.v.errorf(schemaFailed, o.at(k), "The field '%s' is not supported in %s; allowed fields are %s", k, o.what, strings.Join(allowed, ", "))
		}
	}
}

func (o *object) str(name string, required bool) (string, bool) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			o.v.errorf(schemaFailed, o.ptr, "The field '%s' is required but was missing in %s", name, o.what)
		}
		return "", false
	}
	s, ok := raw.(string)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a STRING, not %s", name, jsonKind(raw))
		return "", false
	}
	return s, true
}

func (o *object) boolean(name string) (bool, bool) {
	raw, ok := o.m[name]
	if !ok {
		return false, false
	}
	b, ok := raw.(bool)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a BOOLEAN, not %s", name, jsonKind(raw))
		return false, false
	}
	return b, true
}

// integer reads an integer member in [min, max].
func (o *object) integer(name string, min, max int64) (int, bool) {
	raw, ok := o.m[name]
	if !ok {
		return 0, false
	}
	n, isNum := raw.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !isNum || err != nil {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an INTEGER, not %s", name, jsonValueText(raw))
		return 0, false
	}
	if i < min || i > max {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be between %d and %d, not %d", name, min, max, i)
		return 0, false
	}
	return int(i), true
}

func (o *object) number(name string, min, max float64) (float64, bool) {
	raw, ok := o.m[name]
	if !ok {
		return 0, false
	}
	n, isNum := raw.(json.Number)
	f, err := n.Float64()
	if !isNum || err != nil {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a NUMBER, not %s", name, jsonValueText(raw))
		return 0, false
	}
	if f < min || f > max {
		if max == math.MaxFloat64 {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be at least %g, not %g", name, min, f)
		} else {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be between %g and %g, not %g", name, min, max, f)
		}
		return 0, false
	}
	return f, true
}

func (o *object) child(name, what string) (*object, bool) {
	raw, ok := o.m[name]
	if !ok {
		return nil, false
	}
	m, ok := raw.(map[string]any)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an OBJECT, not %s", name, jsonKind(raw))
		return nil, false
	}
	return &object{v: o.v, m: m, ptr: o.at(name), what: what}, true
}

func (o *object) array(name string, required bool) ([]any, bool) {
	raw, ok := o.m[name]
	if !ok {
		if required {
			o.v.errorf(schemaFailed, o.ptr, "The field '%s' is required but was missing in %s", name, o.what)
		}
		return nil, false
	}
	a, ok := raw.([]any)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an ARRAY, not %s", name, jsonKind(raw))
		return nil, false
	}
	return a, true
}

// path reads a path member: a JSONPath string, or null when nullable.
func (o *object) path(name string, nullable, reference bool) OptionalPath {
	raw, ok := o.m[name]
	if !ok {
		return OptionalPath{}
	}
	if raw == nil {
		if !nullable {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a JSONPath string, not null", name)
		}
		return OptionalPath{Set: true, Null: true}
	}
	s, ok := raw.(string)
	if !ok {
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be a JSONPath string, not %s", name, jsonKind(raw))
		return OptionalPath{Set: true}
	}
	var p *Path
	var err error
	if reference {
		p, err = ParseReferencePath(s)
	} else {
		p, err = ParsePath(s)
	}
	if err != nil {
		kind := "a valid JSONPath"
		if reference {
			kind = "a valid Reference Path (one node: no wildcards, filters or slices)"
		}
		o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be %s: %s", name, kind, plainError(err))
		return OptionalPath{Set: true}
	}
	return OptionalPath{Set: true, Path: p}
}

// intOrPath reads N and NPath, which exclude each other.
func (o *object) intOrPath(name string, min, max int64) IntOrPath {
	if o.has(name) && o.has(name+"Path") {
		o.v.errorf(schemaFailed, o.ptr, "The fields '%s' and '%sPath' exclude each other in %s; use one", name, name, o.what)
		return IntOrPath{}
	}
	if o.has(name + "Path") {
		p := o.path(name+"Path", false, true)
		return IntOrPath{Set: p.Path != nil, Path: p.Path}
	}
	n, ok := o.integer(name, min, max)
	return IntOrPath{Set: ok, Value: n}
}

func (o *object) template(name string) *Template {
	raw, ok := o.m[name]
	if !ok {
		return nil
	}
	if _, isObj := raw.(map[string]any); !isObj {
		if name == "Parameters" || name == "ItemSelector" || name == "ResultSelector" || name == "Assign" {
			o.v.errorf(schemaFailed, o.at(name), "The value for the field '%s' must be an OBJECT, not %s", name, jsonKind(raw))
			return nil
		}
	}
	t, errs := ParseTemplate(raw)
	for _, err := range errs {
		o.v.fieldError(o.at(name), err)
	}
	o.v.noDollar(raw, o.at(name))
	return t
}

// fieldError records an error from the expression parsers, placed at its
// pointer within base.
func (v *validator) fieldError(base string, err error) {
	var fe *FieldError
	if errors.As(err, &fe) {
		loc := fe.Pointer
		if !strings.HasPrefix(loc, base) {
			loc = base + loc
		}
		v.errorf(schemaFailed, strings.TrimSuffix(loc, "/"), "%s", fe.Msg)
		return
	}
	v.errorf(schemaFailed, base, "%s", plainError(err))
}

// plainError is err's message without the package prefix.
func plainError(err error) string {
	return strings.TrimPrefix(err.Error(), "asl: ")
}
