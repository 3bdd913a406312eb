package dialect

import (
	"strings"

	"github.com/weirdata/weir/internal/statement"
)

// Arithmetic whose answer differs in DuckDB is rewritten into calls of the
// engine's functions: x / y and x % y, where Trino fails on an exact zero
// divisor (DuckDB answers NULL), become weir_divide(x, y) and
// weir_modulus(x, y); date ± INTERVAL '…' DAY (or a coarser unit), which
// Trino keeps a date (DuckDB makes it a timestamp), becomes
// weir_plus_interval(x, i) or weir_minus_interval(x, i). Finding the
// operands needs Trino's operator precedence over tokens; an operand
// the scanner does not understand leaves the expression as it is.

// dateUnits are the interval units that keep a date a date.
var dateUnits = map[string]bool{"DAY": true, "DAYS": true, "WEEK": true, "WEEKS": true, "MONTH": true, "MONTHS": true, "QUARTER": true, "YEAR": true, "YEARS": true}

// notOperand are keywords after which a "-" or "+" is a sign, and before
// which an operand cannot extend.
var notOperand = map[string]bool{
	"SELECT": true, "WHERE": true, "WHEN": true, "THEN": true, "ELSE": true, "AND": true, "OR": true,
	"NOT": true, "ON": true, "BY": true, "HAVING": true, "RETURN": true, "IN": true, "IS": true,
	"BETWEEN": true, "LIKE": true, "DISTINCT": true, "AS": true, "CASE": true, "VALUES": true,
	"ESCAPE": true, "FROM": true, "ALL": true, "ANY": true, "SOME": true, "LIMIT": true, "OFFSET": true,
}

// typedLiterals are the type names that prefix a string literal.
var typedLiterals = map[string]bool{
	"DATE": true, "TIMESTAMP": true, "TIMESTAMPTZ": true, "TIME": true, "TIMETZ": true, "DECIMAL": true,
	"REAL": true, "DOUBLE": true, "JSON": true, "CHAR": true, "VARCHAR": true, "BIGINT": true,
	"INTEGER": true, "SMALLINT": true, "TINYINT": true, "UUID": true, "IPADDRESS": true, "VARBINARY": true,
}

// rewriteArithmetic applies the rewrites above. Operators are visited
// from the right, so that in a / b / c the outer call's name is inserted
// before the inner one's.
func rewriteArithmetic(r *rewriter) error {
	for k := len(r.toks) - 1; k >= 0; k-- {
		t := r.toks[k]
		if t.Kind != statement.TokenOp || r.typed[k] || r.castType(k) {
			continue
		}
		switch t.Text {
		case "/", "%":
			name := "weir_divide"
			if t.Text == "%" {
				name = "weir_modulus"
			}
			r.binaryCall(k, name, true)
		case "+", "-":
			if r.unary(k) {
				continue
			}
			end := r.operandEnd(k + 1)
			switch {
			case end > k && r.intervalLiteral(k+1, end):
				name := "weir_plus_interval"
				if t.Text == "-" {
					name = "weir_minus_interval"
				}
				r.binaryCall(k, name, false)
			case t.Text == "+" && r.intervalLiteralEndingAt(k-1):
				r.binaryCall(k, "weir_interval_plus", false)
			}
		}
	}
	return nil
}

// binaryCall rewrites the operator at token k and its operands into
// name(left, right). product says whether the operator is one of * / %
// (so that its left operand stops at + and -).
func (r *rewriter) binaryCall(k int, name string, product bool) {
	start := r.operandStart(k-1, product)
	end := r.operandEnd(k + 1)
	if start < 0 || end <= k {
		return
	}
	r.insertBefore(start, name+"(")
	r.replace(k, k, ",")
	r.insertAfter(end, ")")
}

// unary reports whether the + or - at token k is a sign.
func (r *rewriter) unary(k int) bool {
	if k == 0 {
		return true
	}
	p := r.toks[k-1]
	switch p.Kind {
	case statement.TokenOp:
		return p.Text != ")" && p.Text != "]"
	case statement.TokenIdent:
		return notOperand[strings.ToUpper(p.Text)]
	}
	return false
}

// operandEnd returns the last token of the operand starting at token i —
// signs, one primary and its postfixes — or -1.
func (r *rewriter) operandEnd(i int) int {
	for r.isOp(i, "-") || r.isOp(i, "+") {
		i++
	}
	end := r.primaryEnd(i)
	if end < 0 {
		return -1
	}
	for {
		switch {
		case r.isOp(end+1, "[") && r.partner[end+1] > end:
			end = r.partner[end+1]
		case r.isOp(end+1, ".") && r.isName(end+2):
			end += 2
		case r.isWords(end+1, "AT", "TIME", "ZONE"):
			e := r.primaryEnd(end + 4)
			if e < 0 {
				return -1
			}
			end = e
		default:
			return end
		}
	}
}

// primaryEnd returns the last token of the primary expression starting at
// token i, or -1 if it is not one the scanner knows.
func (r *rewriter) primaryEnd(i int) int {
	t := r.tok(i)
	switch t.Kind {
	case statement.TokenNumber, statement.TokenString, statement.TokenUnicodeString, statement.TokenBinaryString:
		return i
	case statement.TokenQuotedIdent:
		return r.callEnd(i)
	case statement.TokenOp:
		if t.Text == "(" && r.partner[i] > i {
			return r.partner[i]
		}
		return -1
	case statement.TokenIdent:
	default:
		return -1
	}
	w := strings.ToUpper(t.Text)
	switch {
	case r.duckKeywordName(i):
		return r.callEnd(i) // quoted by quoteDuckKeywords
	case w == "CASE":
		return r.caseEnd(i)
	case w == "INTERVAL":
		j := i + 1
		if r.isOp(j, "-") || r.isOp(j, "+") {
			j++
		}
		if r.tok(j).Kind != statement.TokenString || r.tok(j+1).Kind != statement.TokenIdent {
			return -1
		}
		if r.isWord(j+2, "TO") && r.tok(j+3).Kind == statement.TokenIdent {
			return j + 3
		}
		return j + 1
	case typedLiterals[w] && r.tok(i+1).Kind == statement.TokenString:
		return i + 1
	case w == "ARRAY" && r.isOp(i+1, "[") && r.partner[i+1] > i:
		return r.partner[i+1]
	case notOperand[w] || w == "EXISTS" || r.duckKeyword(i):
		return -1
	}
	return r.callEnd(i)
}

// callEnd returns the last token of a name, a qualified name or a call at
// token i: a(...), with FILTER (...), OVER (...) or OVER w after it.
func (r *rewriter) callEnd(i int) int {
	end := i
	for r.isOp(end+1, ".") && r.isName(end+2) {
		end += 2
	}
	if !r.isOp(end+1, "(") {
		return end
	}
	if end = r.partner[end+1]; end < 0 {
		return -1
	}
	for {
		switch {
		case (r.isWord(end+1, "FILTER") || r.isWord(end+1, "OVER")) && r.isOp(end+2, "(") && r.partner[end+2] > end:
			end = r.partner[end+2]
		case r.isWord(end+1, "OVER") && r.isName(end+2):
			end += 2
		case r.isWords(end+1, "WITHIN", "GROUP") && r.isOp(end+3, "(") && r.partner[end+3] > end:
			end = r.partner[end+3]
		default:
			return end
		}
	}
}

// caseEnd returns the END closing the CASE at token i, or -1.
func (r *rewriter) caseEnd(i int) int {
	depth := 0
	for j := i; j < len(r.toks); j++ {
		switch {
		case r.keyword(j, "CASE"):
			depth++
		case r.keyword(j, "END"):
			if depth--; depth == 0 {
				return j
			}
		}
		if p := r.partner[j]; p > j {
			j = p
		}
	}
	return -1
}

// operandStart returns the first token of the left operand ending at token
// j. For * / % (product) it is the run of factors joined by * / %; for
// + and - it also takes in terms joined by + and -, as both are left
// associative.
func (r *rewriter) operandStart(j int, product bool) int {
	for {
		s := r.factorStart(j)
		if s < 0 {
			return -1
		}
		// A sign before the factor binds tighter than any binary operator.
		for s > 0 && (r.isOp(s-1, "-") || r.isOp(s-1, "+")) && r.unary(s-1) {
			s--
		}
		p := s - 1
		joins := r.isOp(p, "*") || r.isOp(p, "/") || r.isOp(p, "%")
		if !product {
			joins = joins || (r.isOp(p, "+") || r.isOp(p, "-")) && !r.unary(p)
		}
		if !joins {
			return s
		}
		j = p - 1
	}
}

// factorStart returns the first token of the primary (with postfixes)
// ending at token j, or -1.
func (r *rewriter) factorStart(j int) int {
	t := r.tok(j)
	if j < 0 {
		return -1
	}
	switch t.Kind {
	case statement.TokenNumber, statement.TokenUnicodeString, statement.TokenBinaryString:
		return j
	case statement.TokenString:
		if w := strings.ToUpper(r.tok(j - 1).Text); j > 0 && r.tok(j-1).Kind == statement.TokenIdent && typedLiterals[w] {
			return j - 1
		}
		return j
	case statement.TokenQuotedIdent:
		return r.nameStart(j)
	case statement.TokenIdent:
		w := strings.ToUpper(t.Text)
		switch {
		case r.duckKeywordName(j):
			return r.nameStart(j)
		case w == "END":
			return r.caseStart(j)
		case notOperand[w] || r.duckKeyword(j):
			return -1
		case r.tok(j-1).Kind == statement.TokenString && r.tok(j-2).Kind == statement.TokenIdent && strings.EqualFold(r.tok(j-2).Text, "INTERVAL"):
			return j - 2 // INTERVAL '1' DAY
		case r.isWord(j-1, "TO") && r.tok(j-2).Kind == statement.TokenIdent &&
			r.tok(j-3).Kind == statement.TokenString && r.isWord(j-4, "INTERVAL"):
			return j - 4 // INTERVAL '1 02:00' DAY TO MINUTE
		}
		return r.nameStart(j)
	case statement.TokenOp:
		switch t.Text {
		case ")", "]":
			p := r.partner[j]
			if p < 0 {
				return -1
			}
			if t.Text == "]" {
				if p > 0 && r.isWord(p-1, "ARRAY") {
					return p - 1
				}
				return r.factorStart(p - 1) // a subscript
			}
			// A call, its OVER or FILTER clause, or a parenthesised expression.
			switch {
			case r.isWord(p-1, "OVER") || r.isWord(p-1, "FILTER"):
				return r.factorStart(p - 2)
			case r.isWords(p-2, "WITHIN", "GROUP"):
				return r.factorStart(p - 3)
			case p > 0 && (r.tok(p-1).Kind == statement.TokenIdent && !notOperand[strings.ToUpper(r.tok(p-1).Text)] || r.tok(p-1).Kind == statement.TokenQuotedIdent):
				return r.nameStart(p - 1)
			}
			return p
		}
	}
	return -1
}

// nameStart returns the first token of the (possibly qualified) name
// ending at token j.
func (r *rewriter) nameStart(j int) int {
	for j >= 2 && r.isOp(j-1, ".") && r.isName(j-2) {
		j -= 2
	}
	return j
}

// caseStart returns the CASE opening the END at token j, or -1.
func (r *rewriter) caseStart(j int) int {
	depth := 0
	for i := j; i >= 0; i-- {
		switch {
		case r.keyword(i, "END"):
			depth++
		case r.keyword(i, "CASE"):
			if depth--; depth == 0 {
				return i
			}
		}
		if p := r.partner[i]; p >= 0 && p < i {
			i = p
		}
	}
	return -1
}

// intervalLiteral reports whether tokens i..end are an interval literal
// of a unit that keeps a date a date.
func (r *rewriter) intervalLiteral(i, end int) bool {
	if !r.isWord(i, "INTERVAL") {
		return false
	}
	// INTERVAL [sign] 'n' unit [TO unit]: the last unit decides.
	return end-i <= 5 && dateUnits[r.word(end)]
}

// intervalLiteralEndingAt reports whether the tokens ending at j are such
// an interval literal.
func (r *rewriter) intervalLiteralEndingAt(j int) bool {
	s := r.factorStart(j)
	return s >= 0 && r.intervalLiteral(s, j)
}
