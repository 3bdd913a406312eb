package duckengine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParquetRows reads the rows of the Parquet file at path, in file order
// and at most limit of them, each as the JSON text of an object of column
// name to value: numbers as numbers, decimals as numbers, strings,
// booleans, dates and timestamps as their text ("2024-03-01",
// "2024-03-01 09:00:00"), lists as arrays, structs and maps as objects,
// NULL as null. NaN and infinite doubles, which JSON has no numbers for,
// are the strings "NaN", "Infinity" and "-Infinity". A distributed Map's ItemReader reads Parquet items with
// it. The path must be under the lake, staging or temp directory.
func (e *Engine) ParquetRows(ctx context.Context, path string, limit int) ([]string, error) {
	if limit <= 0 {
		return []string{}, nil
	}
	s, err := e.session(ctx)
	if err != nil {
		return nil, err
	}
	defer s.close()
	// Row order is the file's: DuckDB keeps insertion order by default.
	sql := "SELECT CAST(to_json(__r) AS VARCHAR) FROM read_parquet(" + quoteString(path) + ") AS __r LIMIT " + strconv.Itoa(limit)
	rows, err := s.conn.QueryContext(ctx, sql)
	if err != nil {
		return nil, parquetError(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var row *string
		if err := rows.Scan(&row); err != nil {
			return nil, parquetError(err)
		}
		if row == nil {
			return nil, errors.New("a row could not be given as JSON")
		}
		out = append(out, quoteNonFinite(*row))
	}
	if err := rows.Err(); err != nil {
		return nil, parquetError(err)
	}
	return out, nil
}

// parquetError is DuckDB's error reading a Parquet file, without its
// JSON wrapping.
func parquetError(err error) error {
	if de, ok := parseDuckError(err); ok {
		return fmt.Errorf("not a readable Parquet file: %s", de.Message)
	}
	return err
}

// quoteNonFinite quotes the NaN, Infinity and -Infinity that DuckDB's
// to_json writes for doubles, bare, outside JSON strings.
func quoteNonFinite(s string) string {
	if !strings.Contains(s, "NaN") && !strings.Contains(s, "Infinity") {
		return s
	}
	var b strings.Builder
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			i++
			c = s[i]
		case c == '"':
			inString = !inString
		case !inString:
			for _, word := range [...]string{"NaN", "Infinity", "-Infinity"} {
				if strings.HasPrefix(s[i:], word) {
					b.WriteString(`"` + word + `"`)
					i += len(word) - 1
					c = 0
					break
				}
			}
			if c == 0 {
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
