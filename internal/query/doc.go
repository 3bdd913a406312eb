// Package query is weir's Athena: it runs SQL statements as query
// executions over the catalog and the lake.
//
// A statement submitted with Service.Start is parsed (internal/statement),
// recorded as QUEUED, and run by one of Service.Run's workers:
//
//   - Hive DDL and SHOW/DESCRIBE change and read the catalog directly.
//   - Queries go to the Engine (internal/duckengine) after translation from
//     Trino's dialect (the Translator, internal/dialect). The engine asks the
//     statement's Resolver for each table it names, passing the partition
//     predicates it found; the resolver returns the files of the matching
//     partitions (partition pruning) and counts the bytes read.
//   - CREATE TABLE AS, INSERT INTO and UNLOAD have the engine write files
//     into a staging folder; publishWrite then commits the catalog changes
//     together with the list of files to move (the WriteJournal), and moves
//     them into place. A crash before the commit leaves nothing visible; a
//     crash after it is finished when the next process starts.
//
// Every execution follows the state machine of Transition and ends with
// its result stored in the lake as <id>.csv and <id>.csv.metadata, read a
// page at a time with Service.Results. Errors are *Error values carrying
// Athena's error codes, categories and types, positioned in the statement.
package query
