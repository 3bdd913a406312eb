package duckengine

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"database/sql/driver"
	"encoding/binary"
	"hash"
	"math"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Trino's varbinary functions that DuckDB lacks: HMACs and the IEEE 754
// encodings of real and double.

// binaryGoFunctions are the Go functions, by name.
var binaryGoFunctions = map[string][]duckdb.ScalarFunc{
	"weir_hmac_md5":        {hmacFunc(md5.New)},
	"weir_hmac_sha1":       {hmacFunc(sha1.New)},
	"weir_hmac_sha256":     {hmacFunc(sha256.New)},
	"weir_hmac_sha512":     {hmacFunc(sha512.New)},
	"weir_to_ieee754_32":   {&goFunc{in: []duckdb.TypeInfo{tFloat}, out: tBlob, fn: toIEEE754Single}},
	"weir_to_ieee754_64":   {&goFunc{in: []duckdb.TypeInfo{tDouble}, out: tBlob, fn: toIEEE754Double}},
	"weir_from_ieee754_32": {&goFunc{in: []duckdb.TypeInfo{tBlob}, out: tFloat, fn: fromIEEE754Single}},
	"weir_from_ieee754_64": {&goFunc{in: []duckdb.TypeInfo{tBlob}, out: tDouble, fn: fromIEEE754Double}},
}

// hmacFunc is hmac_*(data, key): the message first, the key second, as in
// Trino. Trino builds the MAC with Java's SecretKeySpec, which refuses an
// empty key ("Empty key"); Trino does not catch that exception, so its
// error code is not a documented one. weir fails with the same message as
// INVALID_FUNCTION_ARGUMENT, which is what the argument is.
func hmacFunc(h func() hash.Hash) *goFunc {
	return &goFunc{in: []duckdb.TypeInfo{tBlob, tBlob}, out: tBlob, fn: func(a []driver.Value) (any, error) {
		data, _ := a[0].([]byte)
		key, _ := a[1].([]byte)
		if len(key) == 0 {
			return nil, invalidArgument("Empty key")
		}
		mac := hmac.New(h, key)
		mac.Write(data)
		return mac.Sum(nil), nil
	}}
}

// Java's floatToIntBits and doubleToLongBits, which Trino's to_ieee754_*
// use, write every NaN as the canonical one (Go's math.NaN is another).
const (
	javaNaN32 = 0x7fc00000
	javaNaN64 = 0x7ff8000000000000
)

// toIEEE754Single is to_ieee754_32(real): 4 bytes, big-endian.
func toIEEE754Single(a []driver.Value) (any, error) {
	f, _ := a[0].(float32)
	bits := math.Float32bits(f)
	if f != f {
		bits = javaNaN32
	}
	return binary.BigEndian.AppendUint32(nil, bits), nil
}

// toIEEE754Double is to_ieee754_64(double): 8 bytes, big-endian.
func toIEEE754Double(a []driver.Value) (any, error) {
	f, _ := a[0].(float64)
	bits := math.Float64bits(f)
	if math.IsNaN(f) {
		bits = javaNaN64
	}
	return binary.BigEndian.AppendUint64(nil, bits), nil
}

// fromIEEE754Single is from_ieee754_32(varbinary), the inverse of
// to_ieee754_32.
func fromIEEE754Single(a []driver.Value) (any, error) {
	b, _ := a[0].([]byte)
	if len(b) != 4 {
		return nil, invalidArgument("Input floating-point value must be exactly 4 bytes long")
	}
	return math.Float32frombits(binary.BigEndian.Uint32(b)), nil
}

// fromIEEE754Double is from_ieee754_64(varbinary), the inverse of
// to_ieee754_64.
func fromIEEE754Double(a []driver.Value) (any, error) {
	b, _ := a[0].([]byte)
	if len(b) != 8 {
		return nil, invalidArgument("Input floating-point value must be exactly 8 bytes long")
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}
