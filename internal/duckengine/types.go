package duckengine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

// sqlType returns the DuckDB spelling of an Athena type.
func sqlType(t catalog.Type) string {
	switch t.Kind {
	case catalog.Boolean:
		return "BOOLEAN"
	case catalog.TinyInt:
		return "TINYINT"
	case catalog.SmallInt:
		return "SMALLINT"
	case catalog.Int:
		return "INTEGER"
	case catalog.BigInt:
		return "BIGINT"
	case catalog.Float:
		return "FLOAT"
	case catalog.Double:
		return "DOUBLE"
	case catalog.Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case catalog.Char, catalog.Varchar, catalog.String:
		return "VARCHAR"
	case catalog.Binary:
		return "BLOB"
	case catalog.Date:
		return "DATE"
	case catalog.Timestamp:
		return "TIMESTAMP"
	case catalog.TimestampTZ:
		return "TIMESTAMPTZ"
	case catalog.Time:
		return "TIME"
	case catalog.IntervalDayTime, catalog.IntervalYearMonth:
		return "INTERVAL"
	case catalog.JSON:
		return "JSON"
	case catalog.UUID:
		return "UUID"
	case catalog.Array:
		return sqlType(*t.Elem) + "[]"
	case catalog.Map:
		return "MAP(" + sqlType(*t.Key) + ", " + sqlType(*t.Value) + ")"
	case catalog.Struct:
		var b strings.Builder
		b.WriteString("STRUCT(")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(f.Name))
			b.WriteByte(' ')
			b.WriteString(sqlType(f.Type))
		}
		b.WriteByte(')')
		return b.String()
	}
	return "VARCHAR"
}

// quoteIdent quotes a DuckDB identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteString quotes a DuckDB string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// parseDuckType parses a DuckDB type name as DESCRIBE and the driver report
// it, e.g. "STRUCT(a INTEGER, \"B c\" VARCHAR[])", into an Athena type.
// DuckDB types without an Athena counterpart map to the nearest one that
// holds every value (unsigned integers widen, HUGEINT becomes bigint like
// Trino's sum, ENUM becomes varchar).
func parseDuckType(s string) (catalog.Type, error) {
	p := duckTypeParser{s: s}
	t, err := p.parse(0)
	if err != nil {
		return catalog.Type{}, err
	}
	p.space()
	if p.pos != len(p.s) {
		return catalog.Type{}, fmt.Errorf("duckengine: unexpected %q in type %q", p.s[p.pos:], s)
	}
	return t, nil
}

type duckTypeParser struct {
	s   string
	pos int
}

func (p *duckTypeParser) space() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *duckTypeParser) errorf(format string, args ...any) error {
	return fmt.Errorf("duckengine: type %q at %d: %s", p.s, p.pos, fmt.Sprintf(format, args...))
}

// name reads a type name, which may contain spaces ("TIMESTAMP WITH TIME ZONE").
func (p *duckTypeParser) name() string {
	p.space()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '(' || c == ')' || c == '[' || c == ',' {
			break
		}
		p.pos++
	}
	return strings.TrimSpace(p.s[start:p.pos])
}

func (p *duckTypeParser) ident() (string, error) {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		var b strings.Builder
		p.pos++
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			p.pos++
			if c == '"' {
				if p.pos < len(p.s) && p.s[p.pos] == '"' {
					b.WriteByte('"')
					p.pos++
					continue
				}
				return b.String(), nil
			}
			b.WriteByte(c)
		}
		return "", p.errorf("unterminated quoted name")
	}
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] != ' ' {
		p.pos++
	}
	if start == p.pos {
		return "", p.errorf("expected a field name")
	}
	return p.s[start:p.pos], nil
}

// args reads a parenthesised, comma-separated list of raw argument texts.
func (p *duckTypeParser) rawArgs() ([]string, error) {
	if p.pos >= len(p.s) || p.s[p.pos] != '(' {
		return nil, nil
	}
	p.pos++
	var args []string
	depth, start := 0, p.pos
	inQuote := false
	for ; p.pos < len(p.s); p.pos++ {
		c := p.s[p.pos]
		switch {
		case inQuote:
			if c == '\'' {
				inQuote = false
			}
		case c == '\'':
			inQuote = true
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == ')':
			args = append(args, strings.TrimSpace(p.s[start:p.pos]))
			p.pos++
			return args, nil
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(p.s[start:p.pos]))
			start = p.pos + 1
		}
	}
	return nil, p.errorf("unbalanced parentheses")
}

func (p *duckTypeParser) parse(depth int) (catalog.Type, error) {
	if depth > 100 {
		return catalog.Type{}, p.errorf("nested too deeply")
	}
	var t catalog.Type
	name := strings.ToUpper(p.name())
	switch name {
	case "STRUCT":
		if p.pos >= len(p.s) || p.s[p.pos] != '(' {
			return t, p.errorf("expected ( after STRUCT")
		}
		p.pos++
		t.Kind = catalog.Struct
		for {
			fname, err := p.ident()
			if err != nil {
				return t, err
			}
			ft, err := p.parse(depth + 1)
			if err != nil {
				return t, err
			}
			t.Fields = append(t.Fields, catalog.Field{Name: fname, Type: ft})
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.pos < len(p.s) && p.s[p.pos] == ')' {
				p.pos++
				break
			}
			return t, p.errorf("expected , or ) in STRUCT")
		}
	case "MAP":
		if p.pos >= len(p.s) || p.s[p.pos] != '(' {
			return t, p.errorf("expected ( after MAP")
		}
		p.pos++
		k, err := p.parse(depth + 1)
		if err != nil {
			return t, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ',' {
			return t, p.errorf("expected , in MAP")
		}
		p.pos++
		v, err := p.parse(depth + 1)
		if err != nil {
			return t, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return t, p.errorf("expected ) after MAP")
		}
		p.pos++
		t = catalog.MapOf(k, v)
	default:
		args, err := p.rawArgs()
		if err != nil {
			return t, err
		}
		t, err = scalarDuckType(name, args)
		if err != nil {
			return t, p.errorf("%v", err)
		}
	}
	// LIST and ARRAY suffixes: T[] and T[n].
	for p.pos < len(p.s) && p.s[p.pos] == '[' {
		end := strings.IndexByte(p.s[p.pos:], ']')
		if end < 0 {
			return t, p.errorf("unterminated [")
		}
		p.pos += end + 1
		t = catalog.ArrayOf(t)
	}
	return t, nil
}

func scalarDuckType(name string, args []string) (catalog.Type, error) {
	k := func(kind catalog.TypeKind) (catalog.Type, error) { return catalog.Type{Kind: kind}, nil }
	switch name {
	case "BOOLEAN":
		return k(catalog.Boolean)
	case "TINYINT":
		return k(catalog.TinyInt)
	case "SMALLINT", "UTINYINT":
		return k(catalog.SmallInt)
	case "INTEGER", "USMALLINT":
		return k(catalog.Int)
	case "BIGINT", "UINTEGER", "HUGEINT", "UBIGINT":
		return k(catalog.BigInt)
	case "UHUGEINT", "BIGNUM", "VARINT":
		return catalog.DecimalOf(38, 0), nil
	case "FLOAT":
		return k(catalog.Float)
	case "DOUBLE":
		return k(catalog.Double)
	case "DECIMAL":
		t := catalog.DecimalOf(18, 3)
		if len(args) == 2 {
			p, err1 := strconv.Atoi(args[0])
			s, err2 := strconv.Atoi(args[1])
			if err1 != nil || err2 != nil {
				return t, fmt.Errorf("bad DECIMAL arguments %v", args)
			}
			t.Precision, t.Scale = p, s
		}
		return t, nil
	case "VARCHAR", "ENUM", "BIT":
		return k(catalog.String)
	case "BLOB":
		return k(catalog.Binary)
	case "DATE":
		return k(catalog.Date)
	case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_US":
		return k(catalog.Timestamp)
	case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ":
		return k(catalog.TimestampTZ)
	case "TIME", "TIME WITH TIME ZONE", "TIMETZ", "TIME_NS":
		return k(catalog.Time)
	case "INTERVAL":
		return k(catalog.IntervalDayTime)
	case "JSON":
		return k(catalog.JSON)
	case "UUID":
		return k(catalog.UUID)
	case `"NULL"`, "NULL":
		return k(catalog.Unknown)
	}
	if strings.HasPrefix(name, "UNION") {
		return catalog.Type{}, fmt.Errorf("UNION types are not supported")
	}
	return catalog.Type{}, fmt.Errorf("unknown DuckDB type %s", name)
}
