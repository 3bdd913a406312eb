package crawler

import (
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

// kind is an inferred type, ordered so that numeric widening is max():
// int → bigint → double.
type kind uint8

const (
	kNull kind = iota // only nulls (or empty values) seen so far
	kBool
	kInt
	kBigInt
	kDouble
	kDate      // rich inference only
	kTimestamp // rich inference only
	kString
	kArray
	kStruct
	kFixed // a type read from a file's own schema (Parquet), kept as is
)

// shape is the type inferred for a value from the values seen so far; it
// is merged value by value (merge) and becomes a catalog type at the end
// (catalogType).
type shape struct {
	kind   kind
	elem   *shape   // kArray
	fields []*field // kStruct, in first-seen order
	fixed  catalog.Type
	// index finds fields by lower-cased name once there are many of them
	// (nil until needed, and after clone).
	index map[string]int
}

// indexFrom is the number of fields from which lookup uses an index
// rather than a scan.
const indexFrom = 16

// field is a struct member (or a top-level column) of a shape.
type field struct {
	name string // as first seen
	key  string // lower-cased, for matching
	s    shape
}

// lookup returns the field named name (case-insensitively), adding it if
// missing; hint is where to look first (fields usually come in the same
// order in every record).
func (s *shape) lookup(name []byte, hint int) (int, *field) {
	if hint < len(s.fields) && equalFoldASCII(s.fields[hint].name, name) {
		return hint, s.fields[hint]
	}
	if len(s.fields) < indexFrom {
		for i, f := range s.fields {
			if equalFoldASCII(f.name, name) {
				return i, f
			}
		}
	} else {
		if s.index == nil {
			s.index = make(map[string]int, len(s.fields))
			for i, f := range s.fields {
				s.index[f.key] = i
			}
		}
		if i, ok := s.index[strings.ToLower(string(name))]; ok {
			return i, s.fields[i]
		}
	}
	n := string(name)
	f := &field{name: n, key: strings.ToLower(n)}
	s.fields = append(s.fields, f)
	if s.index != nil {
		s.index[f.key] = len(s.fields) - 1
	}
	return len(s.fields) - 1, f
}

// equalFoldASCII compares a name with raw bytes case-insensitively; exact
// matches (the common case) are fast.
func equalFoldASCII(a string, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if a == string(b) {
		return true
	}
	return strings.EqualFold(a, string(b))
}

// isScalar reports whether k is a scalar kind.
func (k kind) isScalar() bool { return k >= kBool && k <= kString }

// mergeKind widens two scalar kinds: numbers to the wider number, date
// into timestamp, anything else to string.
func mergeKind(a, b kind) kind {
	switch {
	case a == b:
		return a
	case a == kNull:
		return b
	case b == kNull:
		return a
	case a >= kInt && a <= kDouble && b >= kInt && b <= kDouble:
		return max(a, b)
	case (a == kDate && b == kTimestamp) || (a == kTimestamp && b == kDate):
		return kTimestamp
	}
	return kString
}

// setScalar merges a scalar value's kind into s.
func (s *shape) setScalar(k kind) {
	switch {
	case s.kind == k || k == kNull:
	case s.kind == kNull:
		s.kind = k
	case s.kind.isScalar():
		s.kind = mergeKind(s.kind, k)
	default:
		s.toString()
	}
}

// toString turns s into a string: what a value becomes when records
// disagree about whether it is a scalar, an array or an object.
func (s *shape) toString() {
	*s = shape{kind: kString}
}

// merge widens s to also hold what o holds.
func (s *shape) merge(o *shape) {
	switch {
	case o.kind == kNull:
		return
	case s.kind == kNull:
		*s = o.clone()
	case s.kind.isScalar() && o.kind.isScalar():
		s.kind = mergeKind(s.kind, o.kind)
	case s.kind == kArray && o.kind == kArray:
		s.elem.merge(o.elem)
	case s.kind == kStruct && o.kind == kStruct:
		for _, of := range o.fields {
			_, f := s.lookup([]byte(of.name), len(s.fields))
			f.s.merge(&of.s)
		}
	case s.kind == kFixed || o.kind == kFixed:
		a, b := s.catalogType(), o.catalogType()
		if !a.Equal(b) {
			*s = fromCatalog(widenFixed(a, b))
		}
	default:
		s.toString()
	}
}

// widenFixed widens two types read from files' own schemas: integers to
// the wider integer, integers and floating point to double, anything else
// that differs to string.
func widenFixed(a, b catalog.Type) catalog.Type {
	switch {
	case a.Equal(b):
		return a
	case a.IsInteger() && b.IsInteger():
		if a.Kind > b.Kind {
			return a
		}
		return b
	case (a.IsInteger() || a.Kind == catalog.Float || a.Kind == catalog.Double) &&
		(b.IsInteger() || b.Kind == catalog.Float || b.Kind == catalog.Double):
		return catalog.TypeDouble
	}
	return catalog.TypeString
}

func (s *shape) clone() shape {
	c := shape{kind: s.kind, fixed: s.fixed}
	if s.elem != nil {
		e := s.elem.clone()
		c.elem = &e
	}
	if s.fields != nil {
		c.fields = make([]*field, len(s.fields))
		for i, f := range s.fields {
			c.fields[i] = &field{name: f.name, key: f.key, s: f.s.clone()}
		}
	}
	return c
}

// catalogType returns the Hive type of s. Values only ever null are
// strings, as Glue writes them; so are objects with no members.
func (s *shape) catalogType() catalog.Type {
	switch s.kind {
	case kBool:
		return catalog.TypeBoolean
	case kInt:
		return catalog.TypeInt
	case kBigInt:
		return catalog.TypeBigInt
	case kDouble:
		return catalog.TypeDouble
	case kDate:
		return catalog.TypeDate
	case kTimestamp:
		return catalog.TypeTimestamp
	case kArray:
		return catalog.ArrayOf(s.elem.catalogType())
	case kStruct:
		// A member with an empty name cannot be declared (Hive has no
		// spelling for it); it is left out.
		fs := make([]catalog.Field, 0, len(s.fields))
		for _, f := range s.fields {
			if f.name != "" {
				fs = append(fs, catalog.Field{Name: f.name, Type: f.s.catalogType()})
			}
		}
		if len(fs) == 0 {
			return catalog.TypeString
		}
		return catalog.StructOf(fs...)
	case kFixed:
		return s.fixed
	}
	return catalog.TypeString
}

// fromCatalog returns the shape of a catalog type, so that a table's
// columns can be merged with what a crawl found.
func fromCatalog(t catalog.Type) shape {
	switch t.Kind {
	case catalog.Boolean:
		return shape{kind: kBool}
	case catalog.Int:
		return shape{kind: kInt}
	case catalog.BigInt:
		return shape{kind: kBigInt}
	case catalog.Double:
		return shape{kind: kDouble}
	case catalog.String:
		return shape{kind: kString}
	case catalog.Date:
		return shape{kind: kDate}
	case catalog.Timestamp:
		return shape{kind: kTimestamp}
	case catalog.Array:
		e := fromCatalog(*t.Elem)
		return shape{kind: kArray, elem: &e}
	case catalog.Struct:
		s := shape{kind: kStruct}
		for _, f := range t.Fields {
			s.fields = append(s.fields, &field{name: f.Name, key: strings.ToLower(f.Name), s: fromCatalog(f.Type)})
		}
		return s
	}
	return shape{kind: kFixed, fixed: t.Clone()}
}
