package query

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/catalog"
)

// Engine runs queries over lake files. It is implemented by
// internal/duckengine; tests in this package use fakes.
//
// An engine never sees the catalog directly: while it plans a job it asks
// the job's Resolver for each table the query names, passing the partition
// predicates it found, and reads the files of the Relation it gets back.
type Engine interface {
	// Query runs job's query and streams its result into sink.
	Query(ctx context.Context, job *Job, sink RowSink) error
	// Write runs job's query and writes the rows it returns as files in
	// spec.Dir. Nothing outside spec.Dir is written.
	Write(ctx context.Context, job *Job, spec *WriteSpec) (*WriteResult, error)
	// Describe returns the columns job's query would return, without
	// running it.
	Describe(ctx context.Context, job *Job) ([]ResultColumn, error)
}

// Job is one query for the engine to plan and run.
type Job struct {
	ID       string // the query execution id
	SQL      string // the query, translated to the engine's dialect; tables are still catalog names
	Database string // the database of unqualified table names
	Resolver Resolver
}

// TableRef is a table named in a query, as written (not lower-cased).
type TableRef struct {
	Catalog  string // "" or e.g. "awsdatacatalog"
	Database string // "" means Job.Database
	Name     string
	Offset   int // byte offset of the reference in Job.SQL
}

// Resolver gives the engine the data behind the tables a query names.
type Resolver interface {
	// ResolveTable returns the relation for ref. filter, when not nil,
	// selects the partitions that can hold rows the query needs; the
	// resolver returns only their files. It fails with an error wrapping
	// catalog.ErrTableNotFound for a table the catalog does not have.
	ResolveTable(ctx context.Context, ref TableRef, filter PartitionFilter) (*Relation, error)
}

// PartitionFilter reports, for each candidate partition (its values in
// partition-key order, catalog.NullPartitionValue for NULL), whether it
// can hold rows the query needs. It is conservative: when in doubt it keeps
// a partition.
type PartitionFilter func(ctx context.Context, keys []catalog.Column, values [][]string) ([]bool, error)

// Relation is a catalog table resolved to the files a query reads.
type Relation struct {
	Table *catalog.Table
	Files []DataFile
	// Rows, when not nil, holds the relation's rows inline instead of
	// Files (for virtual tables such as "t$partitions"); values follow
	// Table.Columns and are strings or nil.
	Rows [][]any
}

// DataFile is one file of a relation.
type DataFile struct {
	Path      string // local path the engine reads
	URI       string // s3://bucket/key, for messages
	Size      int64  // bytes
	ModTime   time.Time
	Partition []string // the partition's values in key order; nil if the table is not partitioned
}

// ResultColumn is a column of a query result.
type ResultColumn struct {
	Name string
	Type catalog.Type
	// Unnamed is true for an expression the query did not name, which
	// Trino names _colN in results but a new table cannot take.
	Unnamed bool
}

// RowSink receives a query result.
type RowSink interface {
	// Columns is called once, before any row.
	Columns(cols []ResultColumn) error
	// Row is called for each row. Values are nil (NULL), bool, int64,
	// float64, string, []byte, time.Time (date and timestamp), Decimal,
	// []any (array), *MapValue, or []any (struct fields in order). The
	// slice is reused after Row returns.
	Row(values []any) error
}

// Decimal is an exact decimal value in its canonical text form, e.g. "-12.50".
type Decimal string

// MapValue is a map in key order as the engine returned it.
type MapValue struct {
	Keys, Values []any
}

// WriteSpec says how a write lays out its files.
type WriteSpec struct {
	Dir              string         // empty local directory to write into
	Format           catalog.Format // FormatParquet, FormatJSON or FormatText
	Compression      string         // "SNAPPY", "GZIP", "ZSTD" or "NONE"
	CompressionLevel int            // ZSTD level, 0 for the default
	FieldDelimiter   string         // FormatText: one byte, default "\x01"
	FilePrefix       string         // file names start with this
	// PartitionBy names output columns (always the last ones) whose values
	// become Hive-style partition directories instead of file columns.
	PartitionBy []string
	// Target maps the query's columns to the columns written. It is called
	// once the query is planned, before any row is produced; an error
	// fails the write.
	Target func(query []ResultColumn) ([]OutputColumn, error)
}

// OutputColumn is a column of written files.
type OutputColumn struct {
	Name string
	Type catalog.Type // cast to this type
	From int          // index of the query column, or -1 for NULL
}

// WriteResult describes what a Write produced.
type WriteResult struct {
	Rows  int64
	Files []WrittenFile
}

// WrittenFile is one file a Write produced.
type WrittenFile struct {
	Path      string   // local path, inside WriteSpec.Dir
	Size      int64    // bytes
	Rows      int64    // rows in the file, -1 if unknown
	Partition []string // partition values in PartitionBy order (catalog.NullPartitionValue for NULL)
}
