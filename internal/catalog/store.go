package catalog

import (
	"context"
	"errors"

	"github.com/weirdata/weir/internal/errs"
)

// Errors returned by a Store. They carry an errs.Kind, so both
// errors.Is(err, ErrTableNotFound) and errors.Is(err, errs.NotFound) hold.
var (
	ErrDatabaseNotFound  = errs.E("", errs.NotFound, errors.New("database does not exist"))
	ErrDatabaseExists    = errs.E("", errs.Exists, errors.New("database already exists"))
	ErrDatabaseNotEmpty  = errs.E("", errs.Conflict, errors.New("database is not empty"))
	ErrTableNotFound     = errs.E("", errs.NotFound, errors.New("table does not exist"))
	ErrTableExists       = errs.E("", errs.Exists, errors.New("table already exists"))
	ErrPartitionNotFound = errs.E("", errs.NotFound, errors.New("partition does not exist"))
	ErrPartitionExists   = errs.E("", errs.Exists, errors.New("partition already exists"))
)

// Store keeps the catalog durably. Names passed in are already normalised
// (lower case). Implementations return copies: callers may modify what they
// get back. Every method is safe for concurrent use.
//
// Rules every implementation follows (catalogtest.RunStore checks them):
//   - The default database always exists; dropping it fails with an
//     errs.Invalid error.
//   - ListDatabases and ListTables are sorted by name; ListPartitions keeps
//     the order partitions were added in.
//   - When both a database and a table are missing, the error is
//     ErrDatabaseNotFound.
//   - A partition with the wrong number of values, a partition of an
//     unpartitioned table, or a value that is not UTF-8 fails with an
//     errs.Invalid error. A partition repeated within one AddPartitions
//     call counts as existing (with ifNotExists the first one wins).
//   - Nil and empty slices and maps are the same.
//   - UpdateTable does not touch partitions, even if the partition keys
//     change; callers that change keys must drop the partitions.
type Store interface {
	CreateDatabase(ctx context.Context, db *Database) error
	GetDatabase(ctx context.Context, name string) (*Database, error)
	ListDatabases(ctx context.Context) ([]*Database, error)
	// DropDatabase removes an empty database, or with cascade a database
	// and all its tables and partitions.
	DropDatabase(ctx context.Context, name string, cascade bool) error

	CreateTable(ctx context.Context, t *Table) error
	GetTable(ctx context.Context, db, name string) (*Table, error)
	// ListTables returns the tables of a database sorted by name.
	ListTables(ctx context.Context, db string) ([]*Table, error)
	// UpdateTable replaces the definition of an existing table.
	UpdateTable(ctx context.Context, t *Table) error
	// DropTable removes a table and its partitions from the catalog; data
	// files are never touched.
	DropTable(ctx context.Context, db, name string) error

	// AddPartitions adds partitions to a table in one transaction. With
	// ifNotExists, partitions whose values already exist are skipped;
	// otherwise any such partition fails the whole call with
	// ErrPartitionExists. It returns the partitions actually added.
	AddPartitions(ctx context.Context, db, table string, parts []*Partition, ifNotExists bool) ([]*Partition, error)
	// DropPartitions removes partitions by their values in one transaction.
	// Without ifExists a missing partition fails the whole call.
	DropPartitions(ctx context.Context, db, table string, values [][]string, ifExists bool) error
	// ListPartitions returns a table's partitions in the order they were added.
	ListPartitions(ctx context.Context, db, table string) ([]*Partition, error)
	// UpdatePartition replaces the location and parameters of the
	// partition with p's values, or fails with ErrPartitionNotFound.
	UpdatePartition(ctx context.Context, db, table string, p *Partition) error
}
