package crawler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

// maxParquetFooter bounds the footer a crawl reads (Parquet writers keep
// footers to a few megabytes even for wide files).
const maxParquetFooter = 64 << 20

var parquetMagic = []byte("PAR1")

// classifyParquet recognises Parquet files by their magic number and reads
// the schema and row count from the footer (Thrift compact protocol), with
// no other part of the file.
func classifyParquet(in *Input) (*FileSchema, bool, error) {
	if head := in.Head(4); string(head) != string(parquetMagic) {
		return nil, false, nil
	}
	if in.At == nil {
		return nil, false, fmt.Errorf("a Parquet file must be stored uncompressed (Parquet compresses its pages itself); rename it without its compression extension")
	}
	if in.Size < 12 {
		return nil, false, fmt.Errorf("not a Parquet file: %d bytes is too short for a footer", in.Size)
	}
	var tail [8]byte
	if _, err := in.At.ReadAt(tail[:], in.Size-8); err != nil {
		return nil, false, fmt.Errorf("read the Parquet footer: %w", err)
	}
	if string(tail[4:]) != string(parquetMagic) {
		return nil, false, fmt.Errorf("corrupt Parquet file: it does not end with PAR1 (cut off while being written?)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > in.Size-12 || n > maxParquetFooter {
		return nil, false, fmt.Errorf("corrupt Parquet file: footer length %d does not fit a %d-byte file", n, in.Size)
	}
	footer := make([]byte, n)
	if _, err := in.At.ReadAt(footer, in.Size-8-n); err != nil {
		return nil, false, fmt.Errorf("read the Parquet footer: %w", err)
	}
	elems, rows, err := decodeFileMetaData(footer)
	if err != nil {
		return nil, false, fmt.Errorf("corrupt Parquet footer: %w", err)
	}
	if len(elems) < 2 {
		return nil, false, fmt.Errorf("the Parquet file has no columns")
	}
	pos := 1
	root := shape{kind: kStruct}
	for range elems[0].numChildren {
		if pos >= len(elems) {
			return nil, false, fmt.Errorf("corrupt Parquet footer: the schema tree is cut short")
		}
		name := elems[pos].name
		t, err := parquetNode(elems, &pos, 0)
		if err != nil {
			return nil, false, fmt.Errorf("corrupt Parquet footer: %w", err)
		}
		root.fields = append(root.fields, &field{name: name, key: strings.ToLower(name), s: fromCatalog(t)})
	}
	return &FileSchema{Classification: "parquet", Columns: root, Records: rows, Bytes: in.Size, Complete: true}, true, nil
}

// schemaElement is the part of Parquet's SchemaElement a crawl needs.
type schemaElement struct {
	typ         int32 // physical type; -1 for groups
	repetition  int32 // 0 required, 1 optional, 2 repeated
	name        string
	numChildren int32
	converted   int32 // -1 when absent
	scale       int32
	precision   int32
	logical     int32 // LogicalType union member id; 0 when absent
	intBits     int8
	intSigned   bool
}

// Parquet converted types used below.
const (
	ctUTF8     = 0
	ctMap      = 1
	ctMapKV    = 2
	ctList     = 3
	ctEnum     = 4
	ctDecimal  = 5
	ctDate     = 6
	ctTSMillis = 9
	ctTSMicros = 10
	ctUint8    = 11
	ctUint16   = 12
	ctUint32   = 13
	ctUint64   = 14
	ctInt8     = 15
	ctInt16    = 16
	ctJSON     = 19
)

// LogicalType union members used below.
const (
	ltString    = 1
	ltMap       = 2
	ltList      = 3
	ltEnum      = 4
	ltDecimal   = 5
	ltDate      = 6
	ltTimestamp = 8
	ltInteger   = 10
	ltJSON      = 12
	ltUUID      = 14
)

const maxParquetDepth = 64

// parquetNode converts the schema element at *pos (and its children) to
// a Hive type, advancing *pos past them.
func parquetNode(elems []schemaElement, pos *int, depth int) (catalog.Type, error) {
	if depth > maxParquetDepth {
		return catalog.Type{}, errors.New("the schema nests too deeply")
	}
	e := elems[*pos]
	*pos++
	t, err := parquetBase(elems, e, pos, depth)
	if err != nil {
		return t, err
	}
	if e.repetition == 2 {
		// A repeated field outside a LIST annotation is a list.
		return catalog.ArrayOf(t), nil
	}
	return t, nil
}

// parquetBase is parquetNode without the element's own repetition.
func parquetBase(elems []schemaElement, e schemaElement, pos *int, depth int) (catalog.Type, error) {
	if e.numChildren > 0 || e.typ < 0 {
		children := func() ([]catalog.Field, error) {
			var fs []catalog.Field
			for range e.numChildren {
				if *pos >= len(elems) {
					return nil, errors.New("the schema tree is cut short")
				}
				name := elems[*pos].name
				t, err := parquetNode(elems, pos, depth+1)
				if err != nil {
					return nil, err
				}
				fs = append(fs, catalog.Field{Name: name, Type: t})
			}
			return fs, nil
		}
		switch {
		case (e.converted == ctList || e.logical == ltList || e.converted == ctMap || e.converted == ctMapKV || e.logical == ltMap) &&
			e.numChildren == 1 && *pos >= len(elems):
			return catalog.Type{}, errors.New("the schema tree is cut short")
		case (e.converted == ctList || e.logical == ltList) && e.numChildren == 1:
			rep := elems[*pos]
			*pos++
			if rep.numChildren == 1 && rep.name != "array" && rep.name != e.name+"_tuple" {
				// Three-level list: the repeated group wraps the element.
				t, err := parquetNode(elems, pos, depth+2)
				return catalog.ArrayOf(t), err
			}
			t, err := parquetBase(elems, rep, pos, depth+1)
			return catalog.ArrayOf(t), err
		case (e.converted == ctMap || e.converted == ctMapKV || e.logical == ltMap) && e.numChildren == 1:
			kv := elems[*pos]
			*pos++
			if kv.numChildren != 2 {
				return catalog.Type{}, fmt.Errorf("map %s has %d fields in its key_value group, not 2", e.name, kv.numChildren)
			}
			k, err := parquetNode(elems, pos, depth+2)
			if err != nil {
				return k, err
			}
			v, err := parquetNode(elems, pos, depth+2)
			return catalog.MapOf(k, v), err
		}
		fs, err := children()
		if err != nil {
			return catalog.Type{}, err
		}
		if len(fs) == 0 {
			return catalog.TypeString, nil
		}
		return catalog.StructOf(fs...), nil
	}
	decimal := func() catalog.Type {
		if e.precision <= 0 || e.precision > 38 {
			return catalog.TypeDouble
		}
		return catalog.DecimalOf(int(e.precision), int(e.scale))
	}
	isDecimal := e.converted == ctDecimal || e.logical == ltDecimal
	switch e.typ {
	case 0:
		return catalog.TypeBoolean, nil
	case 1: // INT32
		switch {
		case isDecimal:
			return decimal(), nil
		case e.converted == ctDate || e.logical == ltDate:
			return catalog.TypeDate, nil
		case e.converted == ctInt8 || e.logical == ltInteger && e.intBits == 8 && e.intSigned:
			return catalog.Type{Kind: catalog.TinyInt}, nil
		case e.converted == ctInt16 || e.converted == ctUint8 || e.logical == ltInteger && (e.intBits == 16 && e.intSigned || e.intBits == 8):
			return catalog.Type{Kind: catalog.SmallInt}, nil
		case e.converted == ctUint16 || e.logical == ltInteger && e.intBits == 16:
			return catalog.TypeInt, nil
		case e.converted == ctUint32 || e.logical == ltInteger && !e.intSigned:
			return catalog.TypeBigInt, nil
		}
		return catalog.TypeInt, nil
	case 2: // INT64
		switch {
		case isDecimal:
			return decimal(), nil
		case e.converted == ctTSMillis || e.converted == ctTSMicros || e.logical == ltTimestamp:
			return catalog.TypeTimestamp, nil
		case e.converted == ctUint64 || e.logical == ltInteger && !e.intSigned:
			return catalog.DecimalOf(20, 0), nil
		}
		return catalog.TypeBigInt, nil
	case 3: // INT96
		return catalog.TypeTimestamp, nil
	case 4:
		return catalog.Type{Kind: catalog.Float}, nil
	case 5:
		return catalog.TypeDouble, nil
	case 6, 7: // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
		switch {
		case isDecimal:
			return decimal(), nil
		case e.converted == ctUTF8 || e.converted == ctEnum || e.converted == ctJSON,
			e.logical == ltString || e.logical == ltEnum || e.logical == ltJSON || e.logical == ltUUID:
			return catalog.TypeString, nil
		}
		return catalog.Type{Kind: catalog.Binary}, nil
	}
	return catalog.Type{}, fmt.Errorf("column %s has unknown physical type %d", e.name, e.typ)
}

// thrift reads Thrift's compact protocol.
type thrift struct {
	b     []byte
	i     int
	depth int
}

var errThrift = errors.New("malformed Thrift data")

func (r *thrift) byte() (byte, error) {
	if r.i >= len(r.b) {
		return 0, errThrift
	}
	c := r.b[r.i]
	r.i++
	return c, nil
}

func (r *thrift) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		return 0, errThrift
	}
	r.i += n
	return v, nil
}

func (r *thrift) varint() (int64, error) {
	u, err := r.uvarint()
	return int64(u>>1) ^ -int64(u&1), err
}

func (r *thrift) binary() ([]byte, error) {
	n, err := r.uvarint()
	if err != nil || n > uint64(len(r.b)-r.i) {
		return nil, errThrift
	}
	s := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	return s, nil
}

// fieldHeader reads a struct field header: its id and type (0 at the end
// of the struct). last is the previous field's id.
func (r *thrift) fieldHeader(last int16) (id int16, typ byte, err error) {
	c, err := r.byte()
	if err != nil || c == 0 {
		return 0, 0, err
	}
	typ = c & 0x0f
	if delta := c >> 4; delta != 0 {
		return last + int16(delta), typ, nil
	}
	v, err := r.varint()
	return int16(v), typ, err
}

// listHeader reads a list or set header.
func (r *thrift) listHeader() (n int, elem byte, err error) {
	c, err := r.byte()
	if err != nil {
		return 0, 0, err
	}
	size := uint64(c >> 4)
	if size == 15 {
		if size, err = r.uvarint(); err != nil {
			return 0, 0, err
		}
	}
	if size > uint64(len(r.b)-r.i) { // every element takes a byte at least
		return 0, 0, errThrift
	}
	return int(size), c & 0x0f, nil
}

// skip skips a value of a compact type.
func (r *thrift) skip(typ byte) error {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 64 {
		return errThrift
	}
	switch typ {
	case 1, 2: // booleans live in the field header
		return nil
	case 3:
		_, err := r.byte()
		return err
	case 4, 5, 6:
		_, err := r.uvarint()
		return err
	case 7:
		if len(r.b)-r.i < 8 {
			return errThrift
		}
		r.i += 8
		return nil
	case 8:
		_, err := r.binary()
		return err
	case 9, 10:
		n, elem, err := r.listHeader()
		if err != nil {
			return err
		}
		for range n {
			if elem == 1 || elem == 2 {
				if _, err := r.byte(); err != nil {
					return err
				}
				continue
			}
			if err := r.skip(elem); err != nil {
				return err
			}
		}
		return nil
	case 11:
		n, err := r.uvarint()
		if err != nil || n > uint64(len(r.b)-r.i) {
			return errThrift
		}
		if n == 0 {
			return nil
		}
		kv, err := r.byte()
		if err != nil {
			return err
		}
		for range n {
			if err := r.skip(kv >> 4); err != nil {
				return err
			}
			if err := r.skip(kv & 0x0f); err != nil {
				return err
			}
		}
		return nil
	case 12:
		return r.structFields(func(int16, byte) (bool, error) { return false, nil })
	}
	return errThrift
}

// structFields reads a struct, calling fn for each field; fn returns
// whether it consumed the value (otherwise it is skipped).
func (r *thrift) structFields(fn func(id int16, typ byte) (bool, error)) error {
	var last int16
	for {
		id, typ, err := r.fieldHeader(last)
		if err != nil {
			return err
		}
		if typ == 0 {
			return nil
		}
		last = id
		done, err := fn(id, typ)
		if err != nil {
			return err
		}
		if !done {
			if err := r.skip(typ); err != nil {
				return err
			}
		}
	}
}

// i32 reads an i32 field value.
func (r *thrift) i32() (int32, error) {
	v, err := r.varint()
	if err != nil || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, errThrift
	}
	return int32(v), nil
}

// decodeFileMetaData reads FileMetaData's schema (field 2) and num_rows
// (field 3).
func decodeFileMetaData(b []byte) ([]schemaElement, int64, error) {
	r := &thrift{b: b}
	var elems []schemaElement
	var rows int64
	err := r.structFields(func(id int16, typ byte) (bool, error) {
		switch {
		case id == 2 && typ == 9:
			n, et, err := r.listHeader()
			if err != nil || et != 12 {
				return true, errThrift
			}
			for range n {
				e, err := r.schemaElement()
				if err != nil {
					return true, err
				}
				elems = append(elems, e)
			}
			return true, nil
		case id == 3 && typ == 6:
			v, err := r.varint()
			rows = v
			return true, err
		}
		return false, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(elems) > 0 && int(elems[0].numChildren) > len(elems)-1 {
		return nil, 0, fmt.Errorf("the root has %d children but the schema %d elements", elems[0].numChildren, len(elems)-1)
	}
	return elems, rows, nil
}

func (r *thrift) schemaElement() (schemaElement, error) {
	e := schemaElement{typ: -1, converted: -1}
	err := r.structFields(func(id int16, typ byte) (bool, error) {
		var err error
		switch {
		case id == 1 && typ == 5:
			e.typ, err = r.i32()
		case id == 3 && typ == 5:
			e.repetition, err = r.i32()
		case id == 4 && typ == 8:
			var s []byte
			s, err = r.binary()
			e.name = string(s)
		case id == 5 && typ == 5:
			e.numChildren, err = r.i32()
			if e.numChildren < 0 {
				err = errThrift
			}
		case id == 6 && typ == 5:
			e.converted, err = r.i32()
		case id == 7 && typ == 5:
			e.scale, err = r.i32()
		case id == 8 && typ == 5:
			e.precision, err = r.i32()
		case id == 10 && typ == 12:
			err = r.logicalType(&e)
		default:
			return false, nil
		}
		return true, err
	})
	return e, err
}

// logicalType reads the LogicalType union: which member is set, and the
// details of DECIMAL and INTEGER.
func (r *thrift) logicalType(e *schemaElement) error {
	return r.structFields(func(id int16, typ byte) (bool, error) {
		e.logical = int32(id)
		if typ != 12 {
			return false, nil
		}
		switch id {
		case ltDecimal:
			return true, r.structFields(func(id int16, typ byte) (bool, error) {
				var err error
				switch {
				case id == 1 && typ == 5:
					e.scale, err = r.i32()
				case id == 2 && typ == 5:
					e.precision, err = r.i32()
				default:
					return false, nil
				}
				return true, err
			})
		case ltInteger:
			return true, r.structFields(func(id int16, typ byte) (bool, error) {
				switch {
				case id == 1 && typ == 3:
					c, err := r.byte()
					e.intBits = int8(c)
					return true, err
				case id == 2 && (typ == 1 || typ == 2):
					e.intSigned = typ == 1
					return true, nil
				}
				return false, nil
			})
		}
		return false, nil
	})
}
