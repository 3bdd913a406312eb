// Package catalogtest helps test implementations and users of
// catalog.Store.
//
// RunStore is the conformance suite every Store implementation passes: the
// durable one in internal/metastore and the in-memory MemStore here. It
// pins down the parts of the contract that the Store doc comments state
// and the details that two implementations must agree on for callers not to
// notice which one they have:
//
//   - The default database always exists and cannot be dropped; trying
//     fails with an error of kind errs.Invalid.
//   - ListDatabases and ListTables return their results sorted by name;
//     ListPartitions returns partitions in the order they were added.
//   - Every field round-trips exactly, except that times come back in UTC,
//     truncated to the millisecond (keeping more precision is allowed), and
//     that empty and nil slices and maps are interchangeable. A zero time
//     stays zero: a Store never stamps times itself.
//   - AddPartitions and DropPartitions are all-or-nothing. Values are
//     compared as exact strings (case-sensitive, "" distinct from
//     catalog.NullPartitionValue). A partition repeated within one
//     AddPartitions call counts as existing; with ifNotExists the first
//     occurrence wins. A partition must have one valid UTF-8 value per
//     partition key, or the call fails with an error of kind errs.Invalid.
//   - Errors match both the catalog sentinel and its errs.Kind, and a
//     missing database is reported as catalog.ErrDatabaseNotFound even by
//     table and partition methods.
//   - Values passed in and returned are copies, down to nested column
//     types.
package catalogtest
