// Package crawler is weir's Glue crawler: it lists folders of the lake,
// classifies sampled files (Parquet, JSON lines, delimited text, gzip
// variants), infers their schemas the way Glue does, groups folders into
// tables and partitions, and applies the result to the catalog in one
// transaction, under the crawler's schema-change and delete policies.
//
// # Crawlers and runs
//
// A Crawler is a catalog object (Store keeps it) with Glue's lifecycle:
// State moves READY → RUNNING → (STOPPING →) READY by the transition table
// in state.go, and each run leaves a LastCrawl with its status (SUCCEEDED,
// FAILED or CANCELLED), timings and counts of what changed. Starting a
// crawler that is not READY fails with ErrCrawlerRunning, Glue's
// CrawlerRunningException.
//
// # A crawl
//
//  1. List each target recursively, skipping objects and folders whose name
//     starts with "_" or "." and those matching an exclusion glob.
//  2. Sample a bounded number of files per folder (sample.go says exactly
//     what is read) and classify each with the first classifier that
//     recognises it: parquet, json, csv. Empty and unreadable files are
//     skipped with a warning.
//  3. Group folders into tables (grouping.go): compatible folders under one
//     table root become partitions of one table; incompatible ones become
//     separate tables named after their folders.
//  4. Compare with the catalog and plan the changes (plan.go), then commit
//     them and the crawler's new state together through Store.CommitCrawl.
//     A failed or cancelled crawl changes nothing in the catalog.
package crawler
