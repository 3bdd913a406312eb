package catalog

import (
	"strconv"
	"strings"
	"time"
)

// DefaultDatabase is the database that always exists.
const DefaultDatabase = "default"

// Database is a namespace of tables, like a Glue database.
type Database struct {
	Name        string
	Description string
	LocationURI string            // optional default location, "s3://bucket/prefix/"
	Parameters  map[string]string // DBPROPERTIES
	CreateTime  time.Time
}

// Table types, as Glue records them.
const (
	ExternalTable = "EXTERNAL_TABLE"
	VirtualView   = "VIRTUAL_VIEW"
)

// Table describes data files in the lake: their columns, where they live and
// how to read them.
type Table struct {
	Database      string
	Name          string
	Description   string
	TableType     string   // ExternalTable
	Columns       []Column // data columns, in file order
	PartitionKeys []Column // partition columns, in path order
	Location      string   // "s3://bucket/prefix/"
	Storage       Storage
	Parameters    map[string]string // TBLPROPERTIES
	CreateTime    time.Time
	UpdateTime    time.Time
}

// Column is a named, typed column.
type Column struct {
	Name    string
	Type    Type
	Comment string
}

// Storage says how a table's files are laid out and decoded: the Hive
// input/output formats and the SerDe with its properties.
type Storage struct {
	InputFormat     string
	OutputFormat    string
	SerDe           string            // serialization library class
	SerDeParameters map[string]string // SERDEPROPERTIES
}

// Partition is one directory of a partitioned table's data.
type Partition struct {
	Values     []string // one per partition key; NullPartitionValue stands for NULL
	Location   string   // "s3://bucket/prefix/k=v/"
	Parameters map[string]string
	CreateTime time.Time
}

// NullPartitionValue is the partition value Hive uses for NULL.
const NullPartitionValue = "__HIVE_DEFAULT_PARTITION__"

// Well-known SerDe libraries.
const (
	SerDeLazySimple = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
	SerDeOpenCSV    = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
	SerDeOpenXJSON  = "org.openx.data.jsonserde.JsonSerDe"
	SerDeHiveJSON   = "org.apache.hive.hcatalog.data.JsonSerDe"
	SerDeHive3JSON  = "org.apache.hadoop.hive.serde2.JsonSerDe"
	SerDeParquet    = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
	SerDeORC        = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
	SerDeAvro       = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
	SerDeRegex      = "org.apache.hadoop.hive.serde2.RegexSerDe"
)

// Well-known input and output formats.
const (
	InputFormatText     = "org.apache.hadoop.mapred.TextInputFormat"
	OutputFormatText    = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	InputFormatParquet  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
	OutputFormatParquet = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
	InputFormatORC      = "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat"
	OutputFormatORC     = "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat"
	InputFormatAvro     = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
	OutputFormatAvro    = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
)

// Format is how a table's files are encoded, derived from its storage.
type Format string

// The file formats.
const (
	FormatParquet Format = "parquet"
	FormatJSON    Format = "json"     // OpenX or Hive JSON SerDe
	FormatText    Format = "textfile" // LazySimpleSerDe (delimited text)
	FormatOpenCSV Format = "opencsv"  // OpenCSVSerde (quoted CSV)
	FormatORC     Format = "orc"      // recognised, not readable by weir
	FormatAvro    Format = "avro"     // recognised, not readable by weir
	FormatUnknown Format = "unknown"  // any other SerDe
	FormatRegex   Format = "regex"    // RegexSerDe, not readable by weir
)

// Format derives the file format from the table's SerDe and input format.
func (s Storage) Format() Format {
	switch s.SerDe {
	case SerDeParquet:
		return FormatParquet
	case SerDeOpenXJSON, SerDeHiveJSON, SerDeHive3JSON:
		return FormatJSON
	case SerDeLazySimple:
		return FormatText
	case SerDeOpenCSV:
		return FormatOpenCSV
	case SerDeORC:
		return FormatORC
	case SerDeAvro:
		return FormatAvro
	case SerDeRegex:
		return FormatRegex
	}
	switch s.InputFormat {
	case InputFormatParquet:
		return FormatParquet
	case InputFormatORC:
		return FormatORC
	case InputFormatAvro:
		return FormatAvro
	case InputFormatText:
		if s.SerDe == "" {
			return FormatText
		}
	}
	return FormatUnknown
}

// StorageFor returns the storage descriptor Athena writes for a table
// created in the given format.
func StorageFor(f Format) Storage {
	switch f {
	case FormatParquet:
		return Storage{InputFormat: InputFormatParquet, OutputFormat: OutputFormatParquet, SerDe: SerDeParquet}
	case FormatJSON:
		return Storage{InputFormat: InputFormatText, OutputFormat: OutputFormatText, SerDe: SerDeHiveJSON}
	case FormatOpenCSV:
		return Storage{InputFormat: InputFormatText, OutputFormat: OutputFormatText, SerDe: SerDeOpenCSV}
	case FormatORC:
		return Storage{InputFormat: InputFormatORC, OutputFormat: OutputFormatORC, SerDe: SerDeORC}
	case FormatAvro:
		return Storage{InputFormat: InputFormatAvro, OutputFormat: OutputFormatAvro, SerDe: SerDeAvro}
	}
	return Storage{InputFormat: InputFormatText, OutputFormat: OutputFormatText, SerDe: SerDeLazySimple}
}

// Column returns the data or partition column with the given name
// (case-insensitive) and whether it is a partition key.
func (t *Table) Column(name string) (c Column, partition, ok bool) {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, false, true
		}
	}
	for _, c := range t.PartitionKeys {
		if strings.EqualFold(c.Name, name) {
			return c, true, true
		}
	}
	return Column{}, false, false
}

// AllColumns returns the data columns followed by the partition keys, the
// order in which SELECT * returns them.
func (t *Table) AllColumns() []Column {
	all := make([]Column, 0, len(t.Columns)+len(t.PartitionKeys))
	all = append(all, t.Columns...)
	return append(all, t.PartitionKeys...)
}

// IsPartitioned reports whether the table has partition keys.
func (t *Table) IsPartitioned() bool { return len(t.PartitionKeys) > 0 }

// QualifiedName returns "database.table".
func (t *Table) QualifiedName() string { return t.Database + "." + t.Name }

// Clone returns a deep copy of t, safe to modify.
func (t *Table) Clone() *Table {
	c := *t
	c.Columns = cloneColumns(t.Columns)
	c.PartitionKeys = cloneColumns(t.PartitionKeys)
	c.Parameters = cloneMap(t.Parameters)
	c.Storage.SerDeParameters = cloneMap(t.Storage.SerDeParameters)
	return &c
}

// Clone returns a deep copy of p.
func (p *Partition) Clone() *Partition {
	c := *p
	c.Values = append([]string(nil), p.Values...)
	c.Parameters = cloneMap(p.Parameters)
	return &c
}

func cloneColumns(cols []Column) []Column {
	if cols == nil {
		return nil
	}
	out := make([]Column, len(cols))
	for i, c := range cols {
		out[i] = Column{Name: c.Name, Type: c.Type.Clone(), Comment: c.Comment}
	}
	return out
}

// Clone returns a deep copy of db.
func (db *Database) Clone() *Database {
	c := *db
	c.Parameters = cloneMap(db.Parameters)
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// FieldDelimiter returns the field separator of a LazySimpleSerDe table:
// field.delim, else serialization.format, else "\x01".
func (s Storage) FieldDelimiter() string {
	if v, ok := s.SerDeParameters["field.delim"]; ok && v != "" {
		return HiveSeparator(v)
	}
	if v, ok := s.SerDeParameters["serialization.format"]; ok && v != "" {
		return HiveSeparator(v)
	}
	return "\x01"
}

// HiveSeparator reads a LazySimpleSerDe separator property the way Hive
// does: a number is a byte value ("1" is "\x01", "9" is a tab), anything
// else stands for its first character.
func HiveSeparator(v string) string {
	if n, err := strconv.Atoi(v); err == nil && strconv.Itoa(n) == v && n >= 0 && n < 128 {
		return string(rune(n))
	}
	for _, r := range v {
		return string(r)
	}
	return "\x01"
}
