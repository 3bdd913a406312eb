package dialect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// rewriteTypes spells the target type of each CAST(x AS type) and
// TRY_CAST(x AS type) for DuckDB:
//
//	ARRAY(T), array<T>, T ARRAY   T[]
//	MAP(K, V), map<K, V>          MAP(K, V)
//	ROW(a T, b U)                 STRUCT(a T, b U)
//	ROW(T, U)                     STRUCT(field0 T, field1 U), Trino's names
//	varbinary                     BLOB
//	timestamp(p), p ≥ 1           TIMESTAMP (DuckDB keeps microseconds)
//	timestamp(p) with time zone   TIMESTAMPTZ
//	time(p)                       TIME
//	time(p) with time zone        TIMETZ
//	interval day to second        INTERVAL
//
// Other types (bigint, double precision, varchar(n), decimal(p, s), json,
// ...) are spelled alike in both dialects and stay as written. A type the
// pass cannot read is left for DuckDB to report.
func rewriteTypes(r *rewriter) error {
	for i := range r.toks {
		if !r.keyword(i, "CAST") && !r.keyword(i, "TRY_CAST") {
			continue
		}
		close := r.call(i)
		if close < 0 {
			continue
		}
		as := -1
		r.topLevel(i+1, close, func(j int) bool {
			if r.isWord(j, "AS") {
				as = j
			}
			return as < 0
		})
		if as < 0 {
			continue
		}
		p := typeParser{r: r}
		if end, ok := p.parse(as + 1); ok && end == close {
			for j := as + 1; j < close; j++ {
				r.typed[j] = true
			}
			for _, e := range p.edits {
				r.edit(e.span, e.text)
			}
		}
	}
	return nil
}

// typeParser reads a Trino type from the tokens and collects the edits
// that spell it for DuckDB. The edits are kept apart until the whole type
// has been read, so that a type the parser gives up on stays unchanged.
type typeParser struct {
	r     *rewriter
	edits []typeEdit
}

type typeEdit struct {
	span statement.Span
	text string
}

// edit records that the source from start to end becomes text.
func (p *typeParser) edit(start, end int, text string) {
	p.edits = append(p.edits, typeEdit{statement.Span{Start: start, End: end}, text})
}

// parse reads the type that starts at token i and returns the index of
// the token after it.
func (p *typeParser) parse(i int) (next int, ok bool) {
	r := p.r
	next, ok = p.base(i)
	for ok {
		switch {
		case r.isWord(next, "ARRAY") && !r.isOp(next+1, "(") && !r.isOp(next+1, "<"):
			// T ARRAY and T ARRAY[n], the standard's spelling of T[].
			last := next
			if r.isOp(next+1, "[") && r.tok(next+2).Kind == statement.TokenNumber && r.isOp(next+3, "]") {
				last = next + 3
			}
			p.edit(r.toks[next-1].Span.End, r.toks[last].Span.End, "[]")
			next = last + 1
		case r.isOp(next, "[") && r.isOp(next+1, "]"):
			next += 2 // DuckDB's T[], kept
		default:
			return next, true
		}
	}
	return 0, false
}

// base reads a type without array suffixes.
func (p *typeParser) base(i int) (next int, ok bool) {
	r := p.r
	switch r.word(i) {
	case "ARRAY":
		// ARRAY(T) and array<T> are T[].
		closing := closingOf(r, i+1)
		if closing == "" {
			return 0, false
		}
		inner, ok := p.parse(i + 2)
		if !ok || !r.isOp(inner, closing) {
			return 0, false
		}
		p.edit(r.toks[i].Span.Start, r.toks[i+2].Span.Start, "")
		p.edit(r.toks[inner-1].Span.End, r.toks[inner].Span.End, "[]")
		return inner + 1, true
	case "MAP":
		closing := closingOf(r, i+1)
		if closing == "" {
			return 0, false
		}
		k, ok := p.parse(i + 2)
		if !ok || !r.isOp(k, ",") {
			return 0, false
		}
		v, ok := p.parse(k + 1)
		if !ok || !r.isOp(v, closing) {
			return 0, false
		}
		if closing == ">" {
			p.edit(r.toks[i+1].Span.Start, r.toks[i+1].Span.End, "(")
			p.edit(r.toks[v].Span.Start, r.toks[v].Span.End, ")")
		}
		return v + 1, true
	case "ROW":
		return p.row(i)
	case "TIMESTAMP", "TIME":
		return p.datetime(i)
	case "INTERVAL":
		// INTERVAL DAY TO SECOND and INTERVAL YEAR TO MONTH are DuckDB's
		// one INTERVAL.
		last := i
		if intervalUnit(r.word(i + 1)) {
			last = i + 1
			if r.isWord(i+2, "TO") && intervalUnit(r.word(i+3)) {
				last = i + 3
			}
		}
		if last > i {
			p.edit(r.toks[i].Span.Start, r.toks[last].Span.End, "INTERVAL")
		}
		return last + 1, true
	case "DOUBLE":
		if r.isWord(i+1, "PRECISION") {
			return i + 2, true
		}
		return i + 1, true
	case "VARBINARY":
		p.edit(r.toks[i].Span.Start, r.toks[i].Span.End, "BLOB")
		return i + 1, true
	}
	// Any other name, with optional numeric parameters: bigint,
	// varchar(10), decimal(10, 2).
	if !r.isName(i) {
		return 0, false
	}
	if !r.isOp(i+1, "(") {
		return i + 1, true
	}
	j := i + 2
	for r.tok(j).Kind == statement.TokenNumber {
		if r.isOp(j+1, ")") {
			return j + 2, true
		}
		if !r.isOp(j+1, ",") {
			break
		}
		j += 2
	}
	return 0, false
}

// closingOf returns the bracket that closes the type parameters opened at
// token i: ")" for "(", ">" for "<", or "" if token i opens none.
func closingOf(r *rewriter, i int) string {
	switch {
	case r.isOp(i, "("):
		return ")"
	case r.isOp(i, "<"):
		return ">"
	}
	return ""
}

// row reads ROW(field, ...) at token i and spells it STRUCT. A field is a
// name and a type, or a type alone; DuckDB needs names, so unnamed fields
// get the names Trino shows for them, field0, field1, ... by position.
// Names that DuckDB reserves (ROW(at bigint)) are quoted.
func (p *typeParser) row(i int) (next int, ok bool) {
	r := p.r
	if !r.isOp(i+1, "(") {
		return 0, false
	}
	p.edit(r.toks[i].Span.Start, r.toks[i].Span.End, "STRUCT")
	j := i + 2
	for n := 0; ; n++ {
		// A type alone, when it is followed by the end of the field;
		// otherwise a name and a type (a field may be named like a type:
		// ROW(timestamp timestamp)).
		mark := len(p.edits)
		end, ok := p.parse(j)
		if ok && (r.isOp(end, ",") || r.isOp(end, ")")) {
			p.edit(r.toks[j].Span.Start, r.toks[j].Span.Start, fmt.Sprintf("field%d ", n))
		} else {
			p.edits = p.edits[:mark]
			if !r.isName(j) {
				return 0, false
			}
			if name := r.tok(j); name.Kind == statement.TokenIdent && duckdbReserved[strings.ToLower(name.Text)] {
				p.edit(name.Span.Start, name.Span.End, `"`+name.Text+`"`)
			}
			if end, ok = p.parse(j + 1); !ok {
				return 0, false
			}
		}
		switch {
		case r.isOp(end, ","):
			j = end + 1
		case r.isOp(end, ")"):
			return end + 1, true
		default:
			return 0, false
		}
	}
}

// datetime reads timestamp and time types at token i:
// timestamp[(p)] [with time zone | without time zone].
func (p *typeParser) datetime(i int) (next int, ok bool) {
	r := p.r
	name := r.word(i)
	last, precision := i, -1
	if r.isOp(i+1, "(") && r.tok(i+2).Kind == statement.TokenNumber && r.isOp(i+3, ")") {
		v, err := strconv.Atoi(r.tok(i + 2).Text)
		if err != nil {
			return 0, false
		}
		last, precision = i+3, v
	}
	zone := ""
	if r.isWords(last+1, "WITH", "TIME", "ZONE") || r.isWords(last+1, "WITHOUT", "TIME", "ZONE") {
		zone = r.word(last + 1)
		last += 3
	}
	var text string
	switch {
	case zone == "WITH" && name == "TIMESTAMP":
		text = "TIMESTAMPTZ"
	case zone == "WITH":
		text = "TIMETZ"
	case precision > 0 || precision == 0 && name == "TIME":
		// DuckDB's TIMESTAMP keeps microseconds and its TIME takes no
		// precision. timestamp(0) stays: DuckDB reads it as seconds,
		// rounded as in Trino.
		text = name
	case zone == "WITHOUT":
		text = r.src[r.toks[i].Span.Start:r.toks[last-3].Span.End]
	}
	if text != "" && text != r.src[r.toks[i].Span.Start:r.toks[last].Span.End] {
		p.edit(r.toks[i].Span.Start, r.toks[last].Span.End, text)
	}
	return last + 1, true
}

// intervalUnit reports whether w (upper case) is a field of an interval
// qualifier.
func intervalUnit(w string) bool {
	switch w {
	case "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND":
		return true
	}
	return false
}

// duckdbReserved holds the keywords DuckDB 1.4 does not take as unquoted
// names of struct fields: SELECT keyword_name FROM duckdb_keywords()
// WHERE keyword_category IN ('reserved', 'type_function').
var duckdbReserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		all analyse analyze and any array as asc asymmetric both case cast
		check collate column constraint create default deferrable desc
		describe distinct do else end except false fetch for foreign from
		group having in initially intersect into lambda lateral leading
		limit not null offset on only or order pivot pivot_longer
		pivot_wider placing primary qualify references returning select
		show some summarize symmetric table then to trailing true union
		unique unpivot using variadic when where window with
		anti asof at authorization binary by collation columns
		concurrently cross freeze full generated glob ilike inner is isnull
		join left like map natural notnull outer overlaps positional right
		semi similar struct tablesample try_cast unpack verbose`) {
		m[w] = true
	}
	return m
}()
