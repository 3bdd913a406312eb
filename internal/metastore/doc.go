// Package metastore keeps weir's metadata durably in one SQLite file,
// through the cgo-free driver modernc.org/sqlite.
//
// A DB implements the domain packages' Store interfaces, one file per
// store: store_catalog.go implements catalog.Store. All stores share the
// file, the schema migrations and the transaction helpers of db.go, so one
// transaction can span several stores (publishing files registers
// partitions and a manifest together).
//
// # Connections and locking
//
// The file is in WAL mode, so readers never block the writer nor each
// other. SQLite allows one writer at a time; a DB therefore funnels every
// write transaction through a single connection, begun with BEGIN
// IMMEDIATE, and goroutines queue for it in database/sql rather than
// failing with SQLITE_BUSY. Reads use a separate pool of read-only
// connections. Other processes may open the same file at the same time,
// for reading or writing: a busy_timeout of 10 s makes them wait for each
// other's write transactions rather than fail.
//
// Transactions commit with synchronous=NORMAL, which in WAL mode is
// durable across a crash of the process but may lose the latest commits to
// a power loss or an operating-system crash: query executions change state
// several times each, and an fsync per change would dominate short
// queries. The commit of a write (CommitWrite: the catalog changes and the
// journal of files to move) uses synchronous=FULL, because weir moves data
// files into place right after it; losing that commit would leave files in
// the lake that the catalog does not know about.
//
// # Schema
//
// The schema is an ordered list of SQL migrations embedded from
// migrations/NNNN_name.sql. Open applies the pending ones in one
// transaction and records each in the schema_migrations table; it refuses,
// with ErrSchemaTooNew, a file that a newer weir has migrated further.
// Times are stored as Unix milliseconds in UTC; structured fields as JSON.
package metastore
