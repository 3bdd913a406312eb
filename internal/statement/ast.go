package statement

import (
	"github.com/weirdata/weir/internal/catalog"
)

// Span is a byte range [Start, End) in the text of one statement.
type Span struct {
	Start, End int
}

// Text returns the spanned part of src.
func (s Span) Text(src string) string { return src[s.Start:s.End] }

// Statement is a parsed statement. The concrete types are the pointer types
// declared in this file.
type Statement interface {
	// Kind says how Athena routes the statement.
	Kind() Kind
	// Type is Athena's StatementType and SubstatementType, e.g.
	// ("DDL", "CREATE_TABLE").
	Type() (statementType, substatementType string)
}

// Kind is a coarse classification of statements.
type Kind uint8

// The statement kinds.
const (
	KindQuery       Kind = iota + 1 // SELECT, WITH, VALUES, TABLE t, parenthesised query
	KindInsert                      // INSERT INTO
	KindCTAS                        // CREATE TABLE ... AS query
	KindUnload                      // UNLOAD (query) TO ...
	KindExplain                     // EXPLAIN [ANALYZE] statement
	KindDDL                         // Hive DDL: databases, tables, partitions
	KindUtility                     // SHOW, DESCRIBE
	KindUnsupported                 // recognised but refused; see Unsupported
)

// QualifiedName is a possibly qualified table name:
// [catalog.][database.]name. Parts are as written, unquoted, not yet
// lower-cased.
type QualifiedName struct {
	Catalog  string
	Database string
	Name     string
	Span     Span
}

// Ident is an identifier as written (unquoted) with its position.
type Ident struct {
	Name string
	Span Span
}

// KV is a string key/value pair, as in TBLPROPERTIES ('k'='v').
type KV struct {
	Key, Value string
	Span       Span
}

// ---------------------------------------------------------------------------
// Trino statements (queries and writes).

// Query is a SELECT-like statement (SELECT, WITH, VALUES, TABLE, or a
// parenthesised query).
type Query struct {
	Body Span // the whole query text
}

// Insert is INSERT INTO table [(columns)] query.
type Insert struct {
	Table   QualifiedName
	Columns []Ident // optional column list
	Query   Span    // the query whose rows are inserted (SELECT ..., VALUES ..., WITH ...)
}

// CreateTableAs is CREATE TABLE [IF NOT EXISTS] t [(aliases)] [COMMENT c]
// [WITH (props)] AS query [WITH [NO] DATA].
type CreateTableAs struct {
	Table         QualifiedName
	IfNotExists   bool
	ColumnAliases []Ident
	Comment       string
	Properties    []Property
	Query         Span
	NoData        bool // WITH NO DATA
}

// Property is one name = value entry of a WITH (...) list.
type Property struct {
	Name  Ident // as written; property names are case-sensitive in Athena
	Value Value
	Span  Span
}

// ValueKind says what a property value is.
type ValueKind uint8

// The property value kinds.
const (
	ValueString     ValueKind = iota + 1 // 'text'
	ValueNumber                          // 42, 1.5
	ValueBool                            // true, false
	ValueArray                           // ARRAY['a', 'b']
	ValueIdentifier                      // a bare word
)

// Value is a property value: a literal or an ARRAY[...] of literals.
type Value struct {
	Kind  ValueKind
	Text  string  // unquoted string, number text, "true"/"false", or the word
	Items []Value // for ValueArray
	Span  Span
}

// Unload is UNLOAD (query) TO 's3://...' WITH (props).
type Unload struct {
	Query      Span // the query inside the parentheses
	Location   string
	Properties []Property
}

// Explain is EXPLAIN [ANALYZE] [(options)] statement.
type Explain struct {
	Analyze   bool
	Statement Span // the explained statement
	// Options is the text inside EXPLAIN's parentheses, e.g.
	// "FORMAT JSON, TYPE DISTRIBUTED"; empty when not given.
	Options Span
	// Target is the explained statement, parsed: a *Query, *Insert or
	// *CreateTableAs. Its spans are in the same text as Statement.
	Target Statement
}

// ---------------------------------------------------------------------------
// Hive DDL.

// CreateDatabase is CREATE {DATABASE|SCHEMA} [IF NOT EXISTS] name [COMMENT c]
// [LOCATION 's3://...'] [WITH DBPROPERTIES (...)].
type CreateDatabase struct {
	Name        Ident
	IfNotExists bool
	Comment     string
	Location    string
	Properties  []KV
}

// DropDatabase is DROP {DATABASE|SCHEMA} [IF EXISTS] name [RESTRICT|CASCADE].
type DropDatabase struct {
	Name     Ident
	IfExists bool
	Cascade  bool
}

// ColumnDef is a column in a table definition.
type ColumnDef struct {
	Name    Ident
	Type    catalog.Type
	Comment string
	Span    Span // name through type (and comment)
}

// RowFormat is ROW FORMAT SERDE '...' [WITH SERDEPROPERTIES (...)] or
// ROW FORMAT DELIMITED ....
type RowFormat struct {
	SerDe           string // class name; empty for DELIMITED
	SerDeProperties []KV   // also collects a WITH SERDEPROPERTIES clause after STORED AS
	Delimited       *Delimited
}

// Delimited holds the ROW FORMAT DELIMITED clauses; nil fields were not given.
// Values are unescaped ('\t' is a tab, '\001' is byte 1).
type Delimited struct {
	FieldsTerminatedBy          *string
	EscapedBy                   *string
	CollectionItemsTerminatedBy *string
	MapKeysTerminatedBy         *string
	LinesTerminatedBy           *string
	NullDefinedAs               *string
}

// StoredAs is STORED AS format, or STORED AS INPUTFORMAT 'c' OUTPUTFORMAT 'c'.
type StoredAs struct {
	Format       string // upper case, e.g. "PARQUET", "TEXTFILE"; empty with INPUTFORMAT
	InputFormat  string
	OutputFormat string
}

// CreateTable is Hive's CREATE [EXTERNAL] TABLE without AS.
type CreateTable struct {
	Table           QualifiedName
	External        bool
	IfNotExists     bool
	Columns         []ColumnDef
	Comment         string
	PartitionedBy   []ColumnDef
	ClusteredBy     []Ident // CLUSTERED BY (cols) INTO n BUCKETS
	Buckets         int
	RowFormat       *RowFormat
	StoredAs        *StoredAs
	Location        string
	TableProperties []KV
}

// DropTable is DROP TABLE [IF EXISTS] t [PURGE].
type DropTable struct {
	Table    QualifiedName
	IfExists bool
}

// MsckRepairTable is MSCK REPAIR TABLE t.
type MsckRepairTable struct {
	Table QualifiedName
}

// PartitionSpec is PARTITION (k = v, ...) [LOCATION '...'].
type PartitionSpec struct {
	Values   []PartitionValue
	Location string // only in ADD PARTITION
	Span     Span
}

// PartitionValue is one k = v of a partition spec. Value is the literal's
// text: the unquoted string, or the number as written.
type PartitionValue struct {
	Key   Ident
	Value string
	Span  Span
}

// AlterTableAddPartitions is ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (...)
// [LOCATION '...'] [PARTITION (...) [LOCATION '...'] ...].
type AlterTableAddPartitions struct {
	Table       QualifiedName
	IfNotExists bool
	Partitions  []PartitionSpec
}

// AlterTableDropPartitions is ALTER TABLE t DROP [IF EXISTS] PARTITION (...)
// [, PARTITION (...) ...].
type AlterTableDropPartitions struct {
	Table      QualifiedName
	IfExists   bool
	Partitions []PartitionSpec
}

// AlterTableSetLocation is ALTER TABLE t [PARTITION (...)] SET LOCATION '...'.
type AlterTableSetLocation struct {
	Table     QualifiedName
	Partition *PartitionSpec
	Location  string
}

// AlterTableSetProperties is ALTER TABLE t SET TBLPROPERTIES (...).
type AlterTableSetProperties struct {
	Table      QualifiedName
	Properties []KV
}

// AlterTableColumns is ALTER TABLE t {ADD|REPLACE} COLUMNS (...).
type AlterTableColumns struct {
	Table   QualifiedName
	Replace bool // REPLACE COLUMNS; otherwise ADD COLUMNS
	Columns []ColumnDef
}

// ShowDatabases is SHOW {DATABASES|SCHEMAS} [LIKE 'pattern'].
type ShowDatabases struct {
	Pattern string // empty when not given
}

// ShowTables is SHOW TABLES [{IN|FROM} db] ['pattern' | LIKE 'pattern'].
type ShowTables struct {
	Database string // empty: the current database
	Pattern  string
}

// ShowPartitions is SHOW PARTITIONS t.
type ShowPartitions struct {
	Table QualifiedName
}

// ShowColumns is SHOW COLUMNS {FROM|IN} t [{FROM|IN} db].
type ShowColumns struct {
	Table QualifiedName
}

// ShowCreateTable is SHOW CREATE TABLE t.
type ShowCreateTable struct {
	Table QualifiedName
}

// ShowTableProperties is SHOW TBLPROPERTIES t [('key')].
type ShowTableProperties struct {
	Table QualifiedName
	Key   string // optional single property
}

// Describe is DESCRIBE [EXTENDED|FORMATTED] t [PARTITION (...)] [column].
type Describe struct {
	Table     QualifiedName
	Formatted bool // FORMATTED or EXTENDED
	Partition *PartitionSpec
	Column    string
}

// Unsupported is a statement weir recognises but does not run. Reason says
// why and what to do instead; the executor reports it as Athena's
// NOT_SUPPORTED error.
type Unsupported struct {
	What   string // e.g. "CREATE VIEW", "COPY"
	Reason string
	Span   Span
	// StatementType is the Athena StatementType the statement would have:
	// "DDL", "DML" or "UTILITY".
	StatementType string
}
