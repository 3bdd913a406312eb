package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// TypeKind is the kind of a column type.
type TypeKind uint8

// The type kinds. The first group can be stored in Hive tables; the second
// group only appears in query results.
const (
	KindInvalid TypeKind = iota
	Boolean
	TinyInt
	SmallInt
	Int
	BigInt
	Float // Hive float, Trino real
	Double
	Decimal
	Char
	Varchar
	String
	Binary
	Date
	Timestamp
	Array
	Map
	Struct

	TimestampTZ       // timestamp with time zone
	Time              // time of day
	IntervalDayTime   // interval day to second
	IntervalYearMonth // interval year to month
	JSON
	UUID
	Unknown // the type of a bare NULL
)

// Type is an Athena column type: a Hive type when it is stored in a table,
// or any Trino type in a query result.
type Type struct {
	Kind      TypeKind
	Precision int     // decimal precision
	Scale     int     // decimal scale
	Length    int     // char(n), varchar(n); an unbounded varchar is String
	Elem      *Type   // array element
	Key       *Type   // map key
	Value     *Type   // map value
	Fields    []Field // struct fields, in order
}

// Field is a named member of a struct type.
type Field struct {
	Name string
	Type Type
}

// Convenience constructors for common types.
var (
	TypeBoolean   = Type{Kind: Boolean}
	TypeInt       = Type{Kind: Int}
	TypeBigInt    = Type{Kind: BigInt}
	TypeDouble    = Type{Kind: Double}
	TypeString    = Type{Kind: String}
	TypeDate      = Type{Kind: Date}
	TypeTimestamp = Type{Kind: Timestamp}
)

// ArrayOf returns array<elem>.
func ArrayOf(elem Type) Type { return Type{Kind: Array, Elem: &elem} }

// MapOf returns map<key,value>.
func MapOf(key, value Type) Type { return Type{Kind: Map, Key: &key, Value: &value} }

// StructOf returns struct<fields...>.
func StructOf(fields ...Field) Type { return Type{Kind: Struct, Fields: fields} }

// DecimalOf returns decimal(precision,scale).
func DecimalOf(precision, scale int) Type {
	return Type{Kind: Decimal, Precision: precision, Scale: scale}
}

// Clone returns a deep copy of t: nested element, key, value and field
// types are copied too.
func (t Type) Clone() Type {
	clonePtr := func(p *Type) *Type {
		if p == nil {
			return nil
		}
		c := p.Clone()
		return &c
	}
	t.Elem, t.Key, t.Value = clonePtr(t.Elem), clonePtr(t.Key), clonePtr(t.Value)
	if t.Fields != nil {
		fields := make([]Field, len(t.Fields))
		for i, f := range t.Fields {
			fields[i] = Field{Name: f.Name, Type: f.Type.Clone()}
		}
		t.Fields = fields
	}
	return t
}

// IsStorable reports whether values of t can be stored in a Hive table.
func (t Type) IsStorable() bool {
	switch t.Kind {
	case Array:
		return t.Elem.IsStorable()
	case Map:
		return t.Key.IsStorable() && t.Value.IsStorable()
	case Struct:
		for _, f := range t.Fields {
			if !f.Type.IsStorable() {
				return false
			}
		}
		return true
	}
	return t.Kind >= Boolean && t.Kind <= Struct
}

// IsNumeric reports whether t is an integer, floating point or decimal type.
func (t Type) IsNumeric() bool {
	return t.Kind >= TinyInt && t.Kind <= Decimal
}

// IsInteger reports whether t is tinyint, smallint, int or bigint.
func (t Type) IsInteger() bool { return t.Kind >= TinyInt && t.Kind <= BigInt }

// IsString reports whether t is char, varchar or string.
func (t Type) IsString() bool { return t.Kind == Char || t.Kind == Varchar || t.Kind == String }

// IsComplex reports whether t is an array, map or struct.
func (t Type) IsComplex() bool { return t.Kind == Array || t.Kind == Map || t.Kind == Struct }

// Equal reports whether t and u are the same type. Struct field names
// compare case-insensitively, as Athena does.
func (t Type) Equal(u Type) bool {
	if t.Kind != u.Kind || t.Precision != u.Precision || t.Scale != u.Scale || t.Length != u.Length {
		return false
	}
	switch t.Kind {
	case Array:
		return t.Elem.Equal(*u.Elem)
	case Map:
		return t.Key.Equal(*u.Key) && t.Value.Equal(*u.Value)
	case Struct:
		if len(t.Fields) != len(u.Fields) {
			return false
		}
		for i := range t.Fields {
			if !strings.EqualFold(t.Fields[i].Name, u.Fields[i].Name) || !t.Fields[i].Type.Equal(u.Fields[i].Type) {
				return false
			}
		}
	}
	return true
}

// String returns the Hive DDL spelling, e.g. "struct<a:int,b:array<string>>".
func (t Type) String() string {
	var b strings.Builder
	t.writeHive(&b)
	return b.String()
}

func (t Type) writeHive(b *strings.Builder) {
	switch t.Kind {
	case Decimal:
		fmt.Fprintf(b, "decimal(%d,%d)", t.Precision, t.Scale)
	case Char:
		fmt.Fprintf(b, "char(%d)", t.Length)
	case Varchar:
		fmt.Fprintf(b, "varchar(%d)", t.Length)
	case Array:
		b.WriteString("array<")
		t.Elem.writeHive(b)
		b.WriteByte('>')
	case Map:
		b.WriteString("map<")
		t.Key.writeHive(b)
		b.WriteByte(',')
		t.Value.writeHive(b)
		b.WriteByte('>')
	case Struct:
		b.WriteString("struct<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteFieldName(f.Name, '`'))
			b.WriteByte(':')
			f.Type.writeHive(b)
		}
		b.WriteByte('>')
	default:
		b.WriteString(hiveNames[t.Kind])
	}
}

// quoteFieldName quotes a struct field name that is not a plain word.
func quoteFieldName(name string, q byte) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	s := string(q)
	return s + strings.ReplaceAll(name, s, s+s) + s
}

var hiveNames = [...]string{
	KindInvalid:       "invalid",
	Boolean:           "boolean",
	TinyInt:           "tinyint",
	SmallInt:          "smallint",
	Int:               "int",
	BigInt:            "bigint",
	Float:             "float",
	Double:            "double",
	String:            "string",
	Binary:            "binary",
	Date:              "date",
	Timestamp:         "timestamp",
	TimestampTZ:       "timestamp with time zone",
	Time:              "time",
	IntervalDayTime:   "interval day to second",
	IntervalYearMonth: "interval year to month",
	JSON:              "json",
	UUID:              "uuid",
	Unknown:           "unknown",
}

// TrinoName returns the type as Trino (and so Athena's query results) spells
// it, e.g. "row(a integer, b array(varchar))".
func (t Type) TrinoName() string {
	var b strings.Builder
	t.writeTrino(&b)
	return b.String()
}

func (t Type) writeTrino(b *strings.Builder) {
	switch t.Kind {
	case Timestamp:
		b.WriteString("timestamp(3)") // Athena's (Hive tables') precision: milliseconds
	case TimestampTZ:
		b.WriteString("timestamp(3) with time zone")
	case Int:
		b.WriteString("integer")
	case Float:
		b.WriteString("real")
	case String:
		b.WriteString("varchar")
	case Varchar:
		fmt.Fprintf(b, "varchar(%d)", t.Length)
	case Binary:
		b.WriteString("varbinary")
	case Array:
		b.WriteString("array(")
		t.Elem.writeTrino(b)
		b.WriteByte(')')
	case Map:
		b.WriteString("map(")
		t.Key.writeTrino(b)
		b.WriteString(", ")
		t.Value.writeTrino(b)
		b.WriteByte(')')
	case Struct:
		b.WriteString("row(")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteFieldName(f.Name, '"'))
			b.WriteByte(' ')
			f.Type.writeTrino(b)
		}
		b.WriteByte(')')
	default:
		t.writeHive(b)
	}
}

// AthenaTypeName returns the short type name Athena reports in result
// metadata (ColumnInfo.Type): complex types are just "array", "map", "row".
func (t Type) AthenaTypeName() string {
	switch t.Kind {
	case Array:
		return "array"
	case Map:
		return "map"
	case Struct:
		return "row"
	case Decimal:
		return "decimal"
	case Char:
		return "char"
	case Varchar, String:
		return "varchar"
	case Timestamp, TimestampTZ:
		return hiveNames[t.Kind] // the precision is in ColumnInfo.Precision
	}
	return t.TrinoName()
}

// ParseType parses a Hive or Trino type spelling, such as "int",
// "decimal(10,2)", "array<struct<a:int,b:string>>" or "row(a bigint)".
// Names are case-insensitive.
func ParseType(s string) (Type, error) {
	p := typeParser{s: s}
	t, err := p.parse(0)
	if err != nil {
		return Type{}, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return Type{}, p.errorf("unexpected %q after the type", p.s[p.pos:])
	}
	return t, nil
}

// MustParseType is ParseType for constant type strings; it panics on error.
func MustParseType(s string) Type {
	t, err := ParseType(s)
	if err != nil {
		panic(err)
	}
	return t
}

// maxTypeDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxTypeDepth = 100

type typeParser struct {
	s   string
	pos int
}

// TypeError reports a malformed type spelling.
type TypeError struct {
	Type   string // the whole spelling
	Offset int    // byte offset of the problem
	Msg    string
}

// Error describes where the type spelling went wrong.
func (e *TypeError) Error() string {
	return fmt.Sprintf("invalid type %q at position %d: %s", e.Type, e.Offset+1, e.Msg)
}

func (p *typeParser) errorf(format string, args ...any) error {
	return &TypeError{Type: p.s, Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n' || p.s[p.pos] == '\r') {
		p.pos++
	}
}

// word reads an identifier-like word (letters, digits, underscore).
func (p *typeParser) word() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			p.pos++
			continue
		}
		break
	}
	return p.s[start:p.pos]
}

// fieldName reads a struct field name: a word, a backtick-quoted name or a
// double-quoted name.
func (p *typeParser) fieldName() (string, error) {
	p.skipSpace()
	if p.pos < len(p.s) && (p.s[p.pos] == '`' || p.s[p.pos] == '"') {
		q := p.s[p.pos]
		p.pos++
		var b strings.Builder
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			p.pos++
			if c == q {
				if p.pos < len(p.s) && p.s[p.pos] == q {
					b.WriteByte(q)
					p.pos++
					continue
				}
				if b.Len() == 0 {
					return "", p.errorf("empty field name")
				}
				return b.String(), nil
			}
			b.WriteByte(c)
		}
		return "", p.errorf("unterminated quoted field name")
	}
	// Hive allows almost anything up to the colon; accept words joined by
	// characters other than the delimiters.
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune(":,<>() \t\n\r", rune(p.s[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		return "", p.errorf("expected a field name")
	}
	return p.s[start:p.pos], nil
}

func (p *typeParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *typeParser) expect(c byte) error {
	if p.peek() != c {
		if p.pos >= len(p.s) {
			return p.errorf("expected %q but the type ended", c)
		}
		return p.errorf("expected %q, found %q", c, p.s[p.pos])
	}
	p.pos++
	return nil
}

func (p *typeParser) number() (int, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if start == p.pos {
		return 0, p.errorf("expected a number")
	}
	n, err := strconv.Atoi(p.s[start:p.pos])
	if err != nil || n > 1<<20 {
		p.pos = start
		return 0, p.errorf("number %s is too large", p.s[start:p.pos])
	}
	return n, nil
}

func (p *typeParser) parse(depth int) (Type, error) {
	if depth > maxTypeDepth {
		return Type{}, p.errorf("type is nested more than %d levels deep", maxTypeDepth)
	}
	start := p.pos
	name := strings.ToLower(p.word())
	switch name {
	case "":
		if p.pos >= len(p.s) {
			return Type{}, p.errorf("expected a type name but the type ended")
		}
		return Type{}, p.errorf("expected a type name, found %q", p.s[p.pos])
	case "boolean", "bool":
		return Type{Kind: Boolean}, nil
	case "tinyint":
		return Type{Kind: TinyInt}, nil
	case "smallint":
		return Type{Kind: SmallInt}, nil
	case "int", "integer":
		return Type{Kind: Int}, nil
	case "bigint":
		return Type{Kind: BigInt}, nil
	case "float", "real":
		return Type{Kind: Float}, nil
	case "double":
		save := p.pos
		if strings.EqualFold(p.word(), "precision") {
			return Type{Kind: Double}, nil
		}
		p.pos = save
		return Type{Kind: Double}, nil
	case "string":
		return Type{Kind: String}, nil
	case "binary", "varbinary":
		return Type{Kind: Binary}, nil
	case "date":
		return Type{Kind: Date}, nil
	case "json":
		return Type{Kind: JSON}, nil
	case "uuid":
		return Type{Kind: UUID}, nil
	case "unknown":
		return Type{Kind: Unknown}, nil
	case "timestamp":
		if p.peek() == '(' { // timestamp(3): Athena tables keep millisecond precision
			p.pos++
			if _, err := p.number(); err != nil {
				return Type{}, err
			}
			if err := p.expect(')'); err != nil {
				return Type{}, err
			}
		}
		if p.withTimeZone() {
			return Type{Kind: TimestampTZ}, nil
		}
		return Type{Kind: Timestamp}, nil
	case "time":
		p.withTimeZone()
		return Type{Kind: Time}, nil
	case "interval":
		from := strings.ToLower(p.word())
		if strings.EqualFold(p.word(), "to") {
			to := strings.ToLower(p.word())
			if from == "year" && to == "month" {
				return Type{Kind: IntervalYearMonth}, nil
			}
			if from == "day" && to == "second" {
				return Type{Kind: IntervalDayTime}, nil
			}
		}
		p.pos = start
		return Type{}, p.errorf("expected \"interval day to second\" or \"interval year to month\"")
	case "decimal", "numeric":
		t := Type{Kind: Decimal, Precision: 10, Scale: 0}
		if p.peek() == '(' {
			p.pos++
			n, err := p.number()
			if err != nil {
				return Type{}, err
			}
			t.Precision = n
			if p.peek() == ',' {
				p.pos++
				if t.Scale, err = p.number(); err != nil {
					return Type{}, err
				}
			}
			if err := p.expect(')'); err != nil {
				return Type{}, err
			}
		}
		if t.Precision < 1 || t.Precision > 38 {
			return Type{}, p.errorf("decimal precision %d is outside 1..38", t.Precision)
		}
		if t.Scale > t.Precision {
			return Type{}, p.errorf("decimal scale %d is larger than its precision %d", t.Scale, t.Precision)
		}
		return t, nil
	case "char", "varchar":
		t := Type{Kind: Varchar}
		if name == "char" {
			t.Kind = Char
			t.Length = 1
		}
		if p.peek() == '(' {
			p.pos++
			n, err := p.number()
			if err != nil {
				return Type{}, err
			}
			if err := p.expect(')'); err != nil {
				return Type{}, err
			}
			t.Length = n
		}
		if t.Kind == Char && (t.Length < 1 || t.Length > 255) {
			return Type{}, p.errorf("char length %d is outside 1..255", t.Length)
		}
		if t.Kind == Varchar && t.Length == 0 {
			return Type{Kind: String}, nil // Trino's unbounded varchar is Hive's string
		}
		if t.Kind == Varchar && t.Length > 65535 {
			return Type{}, p.errorf("varchar length %d is larger than 65535", t.Length)
		}
		return t, nil
	case "array":
		_, close, err := p.opener()
		if err != nil {
			return Type{}, err
		}
		elem, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if err := p.expect(close); err != nil {
			return Type{}, err
		}
		return ArrayOf(elem), nil
	case "map":
		_, close, err := p.opener()
		if err != nil {
			return Type{}, err
		}
		key, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if key.IsComplex() {
			return Type{}, p.errorf("map keys must be a primitive type, not %s", key)
		}
		if err := p.expect(','); err != nil {
			return Type{}, err
		}
		value, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if err := p.expect(close); err != nil {
			return Type{}, err
		}
		return MapOf(key, value), nil
	case "struct", "row":
		open, close, err := p.opener()
		if err != nil {
			return Type{}, err
		}
		t := Type{Kind: Struct}
		seen := map[string]bool{}
		for {
			fname, err := p.fieldName()
			if err != nil {
				return Type{}, err
			}
			if open == '<' {
				if err := p.expect(':'); err != nil {
					return Type{}, err
				}
			} else if p.peek() == ':' {
				p.pos++
			}
			ft, err := p.parse(depth + 1)
			if err != nil {
				return Type{}, err
			}
			key := strings.ToLower(fname)
			if seen[key] {
				return Type{}, p.errorf("duplicate struct field %q", fname)
			}
			seen[key] = true
			t.Fields = append(t.Fields, Field{Name: fname, Type: ft})
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if err := p.expect(close); err != nil {
				return Type{}, err
			}
			return t, nil
		}
	}
	p.pos = start
	p.skipSpace()
	return Type{}, p.errorf("unknown type %q", name)
}

// withTimeZone consumes an optional "with time zone" suffix.
func (p *typeParser) withTimeZone() bool {
	save := p.pos
	if strings.EqualFold(p.word(), "with") && strings.EqualFold(p.word(), "time") && strings.EqualFold(p.word(), "zone") {
		return true
	}
	p.pos = save
	return false
}

// opener consumes "<" (Hive) or "(" (Trino) and returns the matching closer.
func (p *typeParser) opener() (open, close byte, err error) {
	switch p.peek() {
	case '<':
		p.pos++
		return '<', '>', nil
	case '(':
		p.pos++
		return '(', ')', nil
	}
	return 0, 0, p.errorf("expected '<' after the type name")
}
