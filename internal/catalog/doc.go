// Package catalog is weir's Glue Data Catalog: databases, tables (columns
// with Athena/Hive types, partition keys, location, SerDe and properties)
// and partitions.
//
// The package holds the model, the type system (ParseType reads both Hive
// spellings such as "struct<a:int>" and Trino spellings such as
// "row(a integer)"), naming rules, Hive partition-path escaping, and the
// Store interface that durable implementations (internal/metastore) and the
// in-memory fake (internal/catalog/catalogtest) satisfy.
package catalog
