package statement

import (
	"reflect"
	"testing"
)

// checkSyntaxError checks that an error's position is inside src and
// agrees with LineCol.
func checkSyntaxError(t testing.TB, src string, se *SyntaxError) {
	t.Helper()
	if se.Offset < 0 || se.Offset > len(src) {
		t.Fatalf("%q: error offset %d outside [0,%d]: %v", src, se.Offset, len(src), se)
	}
	if line, col := LineCol(src, se.Offset); line != se.Line || col != se.Column {
		t.Fatalf("%q: error at %d:%d but offset %d is %d:%d", src, se.Line, se.Column, se.Offset, line, col)
	}
	if se.Msg == "" {
		t.Fatalf("%q: empty error message", src)
	}
}

// checkSpans checks that every Span in st lies inside src.
func checkSpans(t testing.TB, src string, st Statement) {
	t.Helper()
	if st == nil {
		t.Fatalf("%q: nil statement without an error", src)
	}
	if typ, sub := st.Type(); typ == "" || sub == "" || st.Kind() == 0 {
		t.Fatalf("%q: %T has no kind or type", src, st)
	}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Struct:
			if v.Type() == spanType {
				s := v.Interface().(Span)
				if s.Start < 0 || s.Start > s.End || s.End > len(src) {
					t.Fatalf("%q: span %v out of bounds in %T", src, s, st)
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(st))
}
