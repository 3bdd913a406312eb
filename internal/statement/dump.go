package statement

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

var (
	spanType    = reflect.TypeFor[Span]()
	identType   = reflect.TypeFor[Ident]()
	kvType      = reflect.TypeFor[KV]()
	valueType   = reflect.TypeFor[Value]()
	typeType    = reflect.TypeFor[catalog.Type]()
	stringerTyp = reflect.TypeFor[fmt.Stringer]()
)

// Dump renders a parsed statement deterministically, for tests and
// debugging: the node's type, then its non-zero fields one per line,
// indented by nesting. Spans are shown as the quoted text of src they
// cover (src must be the text st was parsed from), column types in their
// Hive spelling, identifiers by name, and TBLPROPERTIES-style pairs as
// "key" = "value".
func Dump(src string, st Statement) string {
	if st == nil {
		return "<nil>\n"
	}
	d := dumper{src: src}
	v := reflect.ValueOf(st)
	d.line(0, v.Elem().Type().Name())
	d.fields(v.Elem(), 1)
	return d.b.String()
}

type dumper struct {
	src string
	b   strings.Builder
}

func (d *dumper) line(indent int, text string) {
	d.b.WriteString(strings.Repeat("  ", indent))
	d.b.WriteString(text)
	d.b.WriteByte('\n')
}

// spanText quotes the text a span covers, or describes a span outside src.
func (d *dumper) spanText(s Span) string {
	if s.Start < 0 || s.End > len(d.src) || s.Start > s.End {
		return fmt.Sprintf("<bad span %d:%d>", s.Start, s.End)
	}
	return fmt.Sprintf("%q", s.Text(d.src))
}

// fields prints the non-zero fields of struct v.
func (d *dumper) fields(v reflect.Value, indent int) {
	d.fieldsExcept(v, indent, "")
}

// fieldsExcept prints the non-zero fields of struct v but the one named
// skip (a Span the caller showed already).
func (d *dumper) fieldsExcept(v reflect.Value, indent int, skip string) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == skip || !f.IsExported() || v.Field(i).IsZero() {
			continue
		}
		d.value(indent, f.Name+":", v.Field(i))
	}
}

// scalar renders v on one line when it is a leaf, reporting false for
// values that need several lines.
func (d *dumper) scalar(v reflect.Value) (string, bool) {
	switch v.Type() {
	case spanType:
		return d.spanText(v.Interface().(Span)), true
	case typeType:
		return v.Interface().(catalog.Type).String(), true
	case identType:
		id := v.Interface().(Ident)
		s := fmt.Sprintf("%q", id.Name)
		if written := d.spanText(id.Span); written != s {
			s += " (written " + written + ")"
		}
		return s, true
	case kvType:
		kv := v.Interface().(KV)
		return fmt.Sprintf("%q = %q", kv.Key, kv.Value), true
	case valueType:
		val := v.Interface().(Value)
		if val.Kind == ValueArray {
			return "", false
		}
		s := fmt.Sprintf("%v %q", val.Kind, val.Text)
		if written := d.spanText(val.Span); written != fmt.Sprintf("%q", val.Text) {
			s += " (written " + written + ")"
		}
		return s, true
	}
	if v.Type().Implements(stringerTyp) {
		return v.Interface().(fmt.Stringer).String(), true
	}
	switch v.Kind() {
	case reflect.String:
		return fmt.Sprintf("%q", v.String()), true
	case reflect.Bool:
		return fmt.Sprint(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(v.Uint()), true
	}
	return "", false
}

// value prints v after the label (a field name with its colon, or "-" for
// a list item).
func (d *dumper) value(indent int, label string, v reflect.Value) {
	if s, ok := d.scalar(v); ok {
		d.line(indent, label+" "+s)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			d.line(indent, label+" <nil>")
			return
		}
		d.value(indent, label, v.Elem())
	case reflect.Slice:
		d.line(indent, label)
		for i := range v.Len() {
			d.value(indent+1, "-", v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == valueType { // an array
			val := v.Interface().(Value)
			d.line(indent, fmt.Sprintf("%s array (written %s)", label, d.spanText(val.Span)))
			for _, item := range val.Items {
				d.value(indent+1, "-", reflect.ValueOf(item))
			}
			return
		}
		header := label
		if label != v.Type().Name()+":" {
			header += " " + v.Type().Name()
		}
		skip := ""
		if f, ok := v.Type().FieldByName("Span"); ok && f.Type == spanType {
			header += " " + d.spanText(v.FieldByName("Span").Interface().(Span))
			skip = "Span"
		}
		d.line(indent, header)
		d.fieldsExcept(v, indent+1, skip)
	default:
		d.line(indent, label+" "+fmt.Sprint(v.Interface()))
	}
}
