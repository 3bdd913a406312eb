package duckengine

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/query"
)

// convertValue turns a value scanned from DuckDB into the engine-neutral
// form query.RowSink documents, guided by the column's type.
func convertValue(v any, t catalog.Type) any {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case bool, string, float64, time.Time:
		if t.Kind == catalog.JSON {
			if s, ok := x.(string); ok {
				return s
			}
		}
		return x
	case []byte:
		if t.Kind == catalog.UUID && len(x) == 16 {
			u := duckdb.UUID(x)
			return u.String()
		}
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			return query.Decimal(fmt.Sprint(x))
		}
		return int64(x)
	case float32:
		return float64(x)
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		return query.Decimal(x.String())
	case duckdb.Decimal:
		return query.Decimal(decimalText(x.Value, int(x.Scale)))
	case duckdb.UUID:
		return x.String()
	case *duckdb.UUID:
		return x.String()
	case duckdb.Interval:
		return intervalText(x, t)
	case []any:
		elem := catalog.Type{Kind: catalog.Unknown}
		if t.Kind == catalog.Array {
			elem = *t.Elem
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = convertValue(e, elem)
		}
		return out
	case map[string]any:
		if t.Kind != catalog.Struct {
			return jsonText(x)
		}
		out := make([]any, len(t.Fields))
		for i, f := range t.Fields {
			fv, ok := x[f.Name]
			if !ok {
				for k, val := range x {
					if strings.EqualFold(k, f.Name) {
						fv = val
						break
					}
				}
			}
			out[i] = convertValue(fv, f.Type)
		}
		return out
	case duckdb.Map:
		kt, vt := catalog.Type{Kind: catalog.Unknown}, catalog.Type{Kind: catalog.Unknown}
		if t.Kind == catalog.Map {
			kt, vt = *t.Key, *t.Value
		}
		m := &query.MapValue{}
		for k, val := range x {
			m.Keys = append(m.Keys, convertValue(k, kt))
			m.Values = append(m.Values, convertValue(val, vt))
		}
		sortMap(m)
		return m
	}
	if t.Kind == catalog.JSON {
		return jsonText(v)
	}
	return fmt.Sprint(v)
}

// decimalText prints an unscaled value with exactly scale decimals.
func decimalText(v *big.Int, scale int) string {
	if v == nil {
		return "0"
	}
	s := new(big.Int).Abs(v).String()
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if v.Sign() < 0 {
		s = "-" + s
	}
	return s
}

// intervalText prints an interval as Trino does: "D HH:MM:SS.mmm" for day
// to second, "Y-M" for year to month.
func intervalText(iv duckdb.Interval, t catalog.Type) string {
	if iv.Months != 0 && iv.Days == 0 && iv.Micros == 0 {
		return fmt.Sprintf("%d-%d", iv.Months/12, iv.Months%12)
	}
	total := int64(iv.Days)*86400_000_000 + iv.Micros
	sign := ""
	if total < 0 {
		sign, total = "-", -total
	}
	ms := total / 1000
	days := ms / 86400_000
	ms %= 86400_000
	return fmt.Sprintf("%s%d %02d:%02d:%02d.%03d", sign, days, ms/3600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sortMap orders a map's entries by key so that results are deterministic.
func sortMap(m *query.MapValue) {
	idx := make([]int, len(m.Keys))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return fmt.Sprint(m.Keys[idx[a]]) < fmt.Sprint(m.Keys[idx[b]]) })
	keys := make([]any, len(idx))
	vals := make([]any, len(idx))
	for i, j := range idx {
		keys[i], vals[i] = m.Keys[j], m.Values[j]
	}
	m.Keys, m.Values = keys, vals
}
