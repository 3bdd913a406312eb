package catalog

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLen is Glue's limit on database, table and column names.
const maxNameLen = 255

// NormalizeName lower-cases a database, table or column name, as Athena and
// Glue do.
func NormalizeName(name string) string { return strings.ToLower(name) }

// ValidateName checks a database or table name: 1 to 255 characters of
// letters, digits, underscores and hyphens.
func ValidateName(what, name string) error {
	if name == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return fmt.Errorf("%s name %q is longer than %d characters", what, name, maxNameLen)
	}
	for _, r := range name {
		if r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			continue
		}
		return fmt.Errorf("%s name %q contains %q; use letters, digits, '_' and '-' only", what, name, r)
	}
	return nil
}

// ValidateColumnName checks a column name: Glue allows almost any text
// (crawled CSV headers keep spaces and dots), but not control characters.
func ValidateColumnName(name string) error {
	if name == "" {
		return errors.New("column name is empty")
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return fmt.Errorf("column name %q is longer than %d characters", name, maxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return fmt.Errorf("column name %q contains the control character %q", name, r)
		}
	}
	return nil
}

// ValidateTable checks the rules Athena applies when a table is created:
// valid names, at least one column, no column repeated, partition keys
// distinct from data columns and of primitive types.
func ValidateTable(t *Table) error {
	if err := ValidateName("database", t.Database); err != nil {
		return err
	}
	if err := ValidateName("table", t.Name); err != nil {
		return err
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("table %s has no columns; declare at least one", t.QualifiedName())
	}
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if err := ValidateColumnName(c.Name); err != nil {
			return err
		}
		if c.Type.Kind == KindInvalid {
			return fmt.Errorf("column %s has no type", c.Name)
		}
		if !c.Type.IsStorable() {
			return fmt.Errorf("column %s has type %s, which a table cannot store", c.Name, c.Type.String())
		}
		key := strings.ToLower(c.Name)
		if seen[key] {
			return fmt.Errorf("column %s is declared twice", c.Name)
		}
		seen[key] = true
	}
	for _, c := range t.PartitionKeys {
		if err := ValidateColumnName(c.Name); err != nil {
			return err
		}
		key := strings.ToLower(c.Name)
		if seen[key] {
			return fmt.Errorf("partition key %s repeats a column name; partition keys must differ from data columns", c.Name)
		}
		seen[key] = true
		if c.Type.IsComplex() || !c.Type.IsStorable() {
			return fmt.Errorf("partition key %s has type %s; partition keys must be of a primitive type", c.Name, c.Type)
		}
	}
	return nil
}

// PartitionName returns the Hive partition name for the given keys and
// values, e.g. "year=2020/month=05", escaping characters that cannot appear
// in a path segment the way Hive does.
func PartitionName(keys []Column, values []string) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(EscapePathName(strings.ToLower(k.Name)))
		b.WriteByte('=')
		if i < len(values) {
			b.WriteString(EscapePathName(values[i]))
		}
	}
	return b.String()
}

// EscapePathName percent-encodes the characters Hive escapes in partition
// directory names. An empty value becomes NullPartitionValue, as in Hive.
func EscapePathName(s string) string {
	if s == "" {
		return NullPartitionValue
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsEscape(c byte) bool {
	if c < 0x20 || c == 0x7f {
		return true
	}
	return strings.IndexByte("\"#%'*/:=?\\{[]^", c) >= 0
}

// UnescapePathName reverses EscapePathName. Malformed escapes are kept as
// they are, as Hive does.
func UnescapePathName(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, ok := unhex(s[i+1], s[i+2]); ok {
				b.WriteByte(v)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(a, b byte) (byte, bool) {
	x, ok1 := hexval(a)
	y, ok2 := hexval(b)
	return x<<4 | y, ok1 && ok2
}

func hexval(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ParsePartitionName splits a Hive partition path such as
// "year=2020/month=05" into keys and unescaped values. It returns ok=false
// when a segment is not of the form key=value.
func ParsePartitionName(name string) (keys, values []string, ok bool) {
	name = strings.Trim(name, "/")
	if name == "" {
		return nil, nil, false
	}
	for _, seg := range strings.Split(name, "/") {
		k, v, found := strings.Cut(seg, "=")
		if !found || k == "" {
			return nil, nil, false
		}
		keys = append(keys, UnescapePathName(k))
		values = append(values, UnescapePathName(v))
	}
	return keys, values, true
}
