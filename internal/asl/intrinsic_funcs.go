package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// AWS's limits on intrinsic function arguments and results.
const (
	maxArrayRangeItems  = 1000
	maxEncodingChars    = 10000
	maxPartitionBytes   = 256 * 1024
	minMathAddArgument  = math.MinInt32
	maxMathAddArgument  = math.MaxInt32
	hashAlgorithmChoice = "MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
)

// hashes maps the algorithm names States.Hash accepts to their constructors.
var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// intrinsicFuncs holds the 18 intrinsic functions by name.
var intrinsicFuncs = map[string]*intrinsicFunc{}

func init() {
	for _, f := range []*intrinsicFunc{
		{name: "States.Format", minArgs: 1, maxArgs: -1, eval: evalFormat, check: checkFormat},
		{name: "States.StringToJson", minArgs: 1, maxArgs: 1, eval: evalStringToJSON},
		{name: "States.JsonToString", minArgs: 1, maxArgs: 1, eval: evalJSONToString},
		{name: "States.Array", minArgs: 0, maxArgs: -1, eval: evalArray},
		{name: "States.ArrayPartition", minArgs: 2, maxArgs: 2, eval: evalArrayPartition},
		{name: "States.ArrayContains", minArgs: 2, maxArgs: 2, eval: evalArrayContains},
		{name: "States.ArrayRange", minArgs: 3, maxArgs: 3, eval: evalArrayRange},
		{name: "States.ArrayGetItem", minArgs: 2, maxArgs: 2, eval: evalArrayGetItem},
		{name: "States.ArrayLength", minArgs: 1, maxArgs: 1, eval: evalArrayLength},
		{name: "States.ArrayUnique", minArgs: 1, maxArgs: 1, eval: evalArrayUnique},
		{name: "States.Base64Encode", minArgs: 1, maxArgs: 1, eval: evalBase64Encode},
		{name: "States.Base64Decode", minArgs: 1, maxArgs: 1, eval: evalBase64Decode},
		{name: "States.Hash", minArgs: 2, maxArgs: 2, eval: evalHash, check: checkHash},
		{name: "States.JsonMerge", minArgs: 3, maxArgs: 3, eval: evalJSONMerge, check: checkJSONMerge},
		{name: "States.MathRandom", minArgs: 2, maxArgs: 3, eval: evalMathRandom},
		{name: "States.MathAdd", minArgs: 2, maxArgs: 2, eval: evalMathAdd},
		{name: "States.StringSplit", minArgs: 2, maxArgs: 2, eval: evalStringSplit},
		{name: "States.UUID", minArgs: 0, maxArgs: 0, eval: evalUUID},
	} {
		intrinsicFuncs[f.name] = f
	}
}

// jsonNumber returns the JSON number n.
func jsonNumber[T int | int64 | string](n T) json.Number {
	switch v := any(n).(type) {
	case int:
		return json.Number(strconv.Itoa(v))
	case int64:
		return json.Number(strconv.FormatInt(v, 10))
	}
	return json.Number(any(n).(string))
}

// Argument accessors. i is the 0-based argument index; messages count from 1.

func (c *call) str(args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", c.failf("argument %d must be a string, not %s", i+1, typeName(args[i]))
	}
	return s, nil
}

func (c *call) array(args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, c.failf("argument %d must be an array, not %s", i+1, typeName(args[i]))
	}
	return a, nil
}

func (c *call) object(args []any, i int) (map[string]any, error) {
	m, ok := args[i].(map[string]any)
	if !ok {
		return nil, c.failf("argument %d must be an object, not %s", i+1, typeName(args[i]))
	}
	return m, nil
}

// integer returns argument i as an integer, rounding a fraction when round
// is true and refusing it otherwise.
func (c *call) integer(args []any, i int, round bool) (int64, error) {
	n, ok := integerOf(args[i], round)
	if !ok {
		if _, isNum := toNumber(args[i]); isNum {
			if round {
				return 0, c.failf("argument %d (%s) is too large", i+1, compactJSON(args[i]))
			}
			return 0, c.failf("argument %d must be an integer, not %s", i+1, compactJSON(args[i]))
		}
		return 0, c.failf("argument %d must be a number, not %s", i+1, typeName(args[i]))
	}
	return n, nil
}

// limitChars refuses a string longer than AWS's 10,000 characters.
func (c *call) limitChars(s string, i int) error {
	if n := utf8.RuneCountInString(s); n > maxEncodingChars {
		return c.failf("argument %d has %d characters; the limit is %d", i+1, n, maxEncodingChars)
	}
	return nil
}

// checkFormat checks a literal template's escapes.
func checkFormat(c *call) string {
	if a := c.args[0]; a.isLit {
		if _, ok := a.lit.(string); !ok {
			return "the first argument must be a string template"
		}
		if _, n, err := splitFormat(a.raw); err != nil {
			return err.Error()
		} else if n != len(c.args)-1 {
			return fmt.Sprintf("the template has %d {} placeholders but %d values follow it", n, len(c.args)-1)
		}
	}
	return ""
}

// splitFormat splits a template at its {} placeholders, resolving the
// escapes \' \{ \} and \\. It returns the literal pieces (one more than
// the placeholders) and the number of placeholders.
func splitFormat(tmpl string) ([]string, int, error) {
	var pieces []string
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		switch c := tmpl[i]; {
		case c == '\\':
			if i+1 >= len(tmpl) {
				return nil, 0, errors.New("the template ends in an open escape '\\'")
			}
			i++
			b.WriteByte(tmpl[i])
		case c == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			pieces = append(pieces, b.String())
			b.Reset()
			i++
		default:
			b.WriteByte(c)
		}
	}
	pieces = append(pieces, b.String())
	return pieces, len(pieces) - 1, nil
}

func evalFormat(c *call, args []any) (any, error) {
	tmpl, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	if a := c.args[0]; a.isLit {
		tmpl = a.raw
	}
	pieces, n, err := splitFormat(tmpl)
	if err != nil {
		return nil, c.failf("%v", err)
	}
	if n != len(args)-1 {
		return nil, c.failf("the template has %d {} placeholders but %d values follow it", n, len(args)-1)
	}
	var b strings.Builder
	b.WriteString(pieces[0])
	for i, v := range args[1:] {
		writeFormatValue(&b, v)
		b.WriteString(pieces[i+1])
	}
	return b.String(), nil
}

// writeFormatValue writes v as States.Format prints values: strings as
// they are, arrays as [a, b] and objects as {key=value, key=value} (the
// way Java prints lists and maps, with keys in sorted order here), and
// other values as JSON.
func writeFormatValue(b *strings.Builder, v any) {
	switch t := v.(type) {
	case string:
		b.WriteString(t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFormatValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(t)) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=")
			writeFormatValue(b, t[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString(compactJSON(t))
	}
}

func evalStringToJSON(c *call, args []any) (any, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	v, err := decodeJSON(s)
	if err != nil {
		return nil, c.failf("the string is not valid JSON: %v", err)
	}
	return v, nil
}

// decodeJSON decodes exactly one JSON value from s, numbers as json.Number.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("text follows the JSON value")
	}
	return v, nil
}

func evalJSONToString(_ *call, args []any) (any, error) {
	return compactJSON(args[0]), nil
}

func evalArray(_ *call, args []any) (any, error) {
	return append([]any{}, args...), nil
}

func evalArrayPartition(c *call, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	size, err := c.integer(args, 1, true)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, c.failf("the chunk size must be greater than 0, not %d", size)
	}
	if n := len(compactJSON(a)); n > maxPartitionBytes {
		return nil, c.failf("the array is %d bytes; the limit is %d", n, maxPartitionBytes)
	}
	out := []any{}
	for i := 0; i < len(a); i += int(size) {
		end := min(len(a), i+int(size))
		out = append(out, append([]any{}, a[i:end]...))
	}
	return out, nil
}

func evalArrayContains(c *call, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if jsonEqual(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

func evalArrayRange(c *call, args []any) (any, error) {
	var n [3]int64
	for i := range n {
		v, err := c.integer(args, i, true)
		if err != nil {
			return nil, err
		}
		n[i] = v
	}
	start, end, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, c.failf("the step must not be 0")
	}
	count := 0.0
	if (step > 0 && end >= start) || (step < 0 && end <= start) {
		// Computed in float64 so extreme bounds cannot overflow.
		count = math.Floor((float64(end)-float64(start))/float64(step)) + 1
	}
	if count > maxArrayRangeItems {
		return nil, c.failf("the range has %.0f items; the limit is %d", count, maxArrayRangeItems)
	}
	out := make([]any, 0, int(count))
	for i := int64(0); i < int64(count); i++ {
		out = append(out, jsonNumber(start+i*step))
	}
	return out, nil
}

func evalArrayGetItem(c *call, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	i, err := c.integer(args, 1, false)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= int64(len(a)) {
		return nil, c.failf("index %d is out of range for an array of %d items", i, len(a))
	}
	return a[i], nil
}

func evalArrayLength(c *call, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	return jsonNumber(len(a)), nil
}

func evalArrayUnique(c *call, args []any) (any, error) {
	a, err := c.array(args, 0)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(a))
	out := []any{}
	for _, e := range a {
		k := canonicalJSON(e)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func evalBase64Encode(c *call, args []any) (any, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	if err := c.limitChars(s, 0); err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func evalBase64Decode(c *call, args []any) (any, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	if err := c.limitChars(s, 0); err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, c.failf("the string is not valid base64: %v", err)
	}
	if !utf8.Valid(b) {
		return nil, c.failf("the decoded bytes are not valid UTF-8 text")
	}
	return string(b), nil
}

// checkHash checks a literal algorithm name.
func checkHash(c *call) string {
	if a := c.args[1]; a.isLit {
		if s, ok := a.lit.(string); !ok || hashes[s] == nil {
			return fmt.Sprintf("the algorithm %s is not one of %s", compactJSON(a.lit), hashAlgorithmChoice)
		}
	}
	return ""
}

func evalHash(c *call, args []any) (any, error) {
	data, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	if err := c.limitChars(data, 0); err != nil {
		return nil, err
	}
	alg, err := c.str(args, 1)
	if err != nil {
		return nil, err
	}
	newHash := hashes[alg]
	if newHash == nil {
		return nil, c.failf("the algorithm %q is not one of %s", alg, hashAlgorithmChoice)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkJSONMerge checks a literal third argument.
func checkJSONMerge(c *call) string {
	if a := c.args[2]; a.isLit && a.lit != false {
		return "the third argument must be false: only shallow merges are supported"
	}
	return ""
}

func evalJSONMerge(c *call, args []any) (any, error) {
	a, err := c.object(args, 0)
	if err != nil {
		return nil, err
	}
	b, err := c.object(args, 1)
	if err != nil {
		return nil, err
	}
	if deep, ok := args[2].(bool); !ok || deep {
		return nil, c.failf("the third argument must be false: only shallow merges are supported")
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}

func evalMathRandom(c *call, args []any) (any, error) {
	start, err := c.integer(args, 0, true)
	if err != nil {
		return nil, err
	}
	end, err := c.integer(args, 1, true)
	if err != nil {
		return nil, err
	}
	if end <= start {
		return nil, c.failf("the end (%d) must be greater than the start (%d)", end, start)
	}
	span := uint64(end - start)
	var r uint64
	if len(args) == 3 {
		seed, err := c.integer(args, 2, true)
		if err != nil {
			return nil, err
		}
		r = rand.New(rand.NewPCG(uint64(seed), 0)).Uint64N(span)
	} else {
		r = rand.Uint64N(span)
	}
	return jsonNumber(start + int64(r)), nil
}

func evalMathAdd(c *call, args []any) (any, error) {
	var sum int64
	for i := range 2 {
		n, err := c.integer(args, i, true)
		if err != nil {
			return nil, err
		}
		if n < minMathAddArgument || n > maxMathAddArgument {
			return nil, c.failf("argument %d (%d) is outside the range %d to %d", i+1, n, minMathAddArgument, maxMathAddArgument)
		}
		sum += n
	}
	return jsonNumber(sum), nil
}

func evalStringSplit(c *call, args []any) (any, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	delims, err := c.str(args, 1)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) }) {
		out = append(out, f)
	}
	return out, nil
}

func evalUUID(*call, []any) (any, error) {
	return uuid.NewString(), nil
}

// canonicalJSON returns a text that is the same for equal JSON values:
// object keys sorted and numbers normalized.
func canonicalJSON(v any) string {
	var b strings.Builder
	writeCanonical(&b, v)
	return b.String()
}

func writeCanonical(b *strings.Builder, v any) {
	switch t := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(t)) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeCanonical(b, t[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, e)
		}
		b.WriteByte(']')
	default:
		if s, ok := toNumber(v); ok {
			if d, ok := parseDecimal(s); ok {
				fmt.Fprintf(b, "n%t.%s.%d", d.neg, d.digits, d.exp)
				return
			}
		}
		b.WriteString(compactJSON(v))
	}
}
