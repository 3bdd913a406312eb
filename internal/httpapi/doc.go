// Package httpapi is weir's HTTP API, /api/v1: JSON endpoints over the
// lake, the catalog, queries, crawlers, functions, state machines and
// executions, plus /healthz, /metrics and the OpenAPI document at
// /api/v1/openapi.json.
//
// The package declares the small interfaces it needs of each service
// (Lake, Catalog, Queries, ...) and internal/app passes the
// implementations. Routes are one table (routes): the ServeMux and the
// OpenAPI document are both built from it, and the document is pinned by
// testdata/openapi.golden.json (refresh with go test -run TestOpenAPI
// -update).
//
// Handlers have the shape func(w, r) error; one adapter (Server.serve)
// writes every error as {"code", "message"} with a status from one table
// (errorTable) that maps errs kinds and a few known sentinels to a closed
// set of codes (Code).
//
// Field names: the envelopes this API adds (lists, pagination, errors)
// are camelCase; a resource keeps the field names of the AWS API it
// mirrors — Step Functions' camelCase for state machines and executions,
// the PascalCase of Athena, Glue, S3 and Lambda for queries, crawlers,
// the catalog, the lake and functions — so that code written against
// those APIs reads weir's answers unchanged.
package httpapi
