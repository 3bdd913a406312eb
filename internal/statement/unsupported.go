package statement

import (
	"fmt"
	"strings"
)

// unsupportedRule recognises a statement weir refuses by its leading words.
type unsupportedRule struct {
	words    string // upper-case leading words, separated by single spaces
	stmtType string // Athena StatementType
	reason   string
}

// Reasons shared by several rules.
const (
	reasonView = "views are not supported by weir yet; " +
		"use CREATE TABLE AS to save the query's result as a table, or repeat the query in a WITH clause"
	reasonIceberg = "only Iceberg tables support %s in Athena, and weir does not support Iceberg tables yet; " +
		"to change a Hive table's data, rewrite it with CREATE TABLE AS or INSERT INTO, or drop partitions with ALTER TABLE ... DROP PARTITION"
	reasonPrepared = "prepared statements are not supported by weir yet; put the values into the query text"
	reasonSettings = "weir's engine settings are configuration, not SQL; see weir's docs"
	reasonTxn      = "Athena has no transactions: each statement runs and commits on its own"
	reasonDuckDB   = "%s is a DuckDB statement, not Athena SQL"
	reasonGrant    = "Athena does not manage permissions with SQL, and weir has no per-table permissions"
	reasonRoutine  = "%s is not Athena SQL; Athena calls user-defined functions with USING EXTERNAL FUNCTION, which weir does not support"
	reasonObject   = "%s is not Athena SQL; Athena has only databases, tables and views"
	reasonAlterDB  = "ALTER DATABASE is not supported by weir yet; drop the database and create it again with the new settings"
)

// unsupportedRules lists refused statements. Longer prefixes win over
// shorter ones (see matchUnsupported), so order does not matter.
var unsupportedRules = []unsupportedRule{
	// Views.
	{"CREATE VIEW", TypeDDL, reasonView},
	{"CREATE OR REPLACE VIEW", TypeDDL, reasonView},
	{"CREATE MATERIALIZED VIEW", TypeDDL, reasonView},
	{"CREATE OR REPLACE MATERIALIZED VIEW", TypeDDL, reasonView},
	{"DROP VIEW", TypeDDL, reasonView},
	{"DROP MATERIALIZED VIEW", TypeDDL, reasonView},
	{"ALTER VIEW", TypeDDL, reasonView},
	{"ALTER MATERIALIZED VIEW", TypeDDL, reasonView},
	{"REFRESH MATERIALIZED VIEW", TypeDDL, reasonView},
	{"SHOW VIEWS", TypeUtility, reasonView},
	{"SHOW CREATE VIEW", TypeUtility, reasonView},
	{"SHOW MATERIALIZED VIEWS", TypeUtility, reasonView},
	{"SHOW CREATE MATERIALIZED VIEW", TypeUtility, reasonView},

	// Iceberg-only statements.
	{"DELETE", TypeDML, fmt.Sprintf(reasonIceberg, "DELETE")},
	{"UPDATE", TypeDML, fmt.Sprintf(reasonIceberg, "UPDATE")},
	{"MERGE", TypeDML, fmt.Sprintf(reasonIceberg, "MERGE INTO")},
	{"OPTIMIZE", TypeDML, fmt.Sprintf(reasonIceberg, "OPTIMIZE")},
	{"VACUUM", TypeDML, fmt.Sprintf(reasonIceberg, "VACUUM")},
	{"TRUNCATE", TypeDML, "Athena does not support TRUNCATE for Hive tables; " +
		"drop the table's partitions with ALTER TABLE ... DROP PARTITION and delete their files"},
	{"INSERT OVERWRITE", TypeDML, "Athena does not support INSERT OVERWRITE; " +
		"drop the partitions to replace (ALTER TABLE ... DROP PARTITION), delete their files, then use INSERT INTO"},

	// Other Athena statements weir does not run (yet).
	{"PREPARE", TypeUtility, reasonPrepared},
	{"EXECUTE", TypeUtility, reasonPrepared},
	{"DEALLOCATE", TypeUtility, reasonPrepared},
	{"ALTER DATABASE", TypeDDL, reasonAlterDB},
	{"ALTER SCHEMA", TypeDDL, reasonAlterDB},
	{"DESCRIBE DATABASE", TypeUtility, "DESCRIBE DATABASE is not supported; use SHOW DATABASES and SHOW TABLES IN db"},
	{"DESCRIBE SCHEMA", TypeUtility, "DESCRIBE SCHEMA is not supported; use SHOW DATABASES and SHOW TABLES IN db"},
	{"DESC DATABASE", TypeUtility, "DESCRIBE DATABASE is not supported; use SHOW DATABASES and SHOW TABLES IN db"},
	{"DESC SCHEMA", TypeUtility, "DESCRIBE SCHEMA is not supported; use SHOW DATABASES and SHOW TABLES IN db"},
	{"SHOW FUNCTIONS", TypeUtility, "SHOW FUNCTIONS is not supported by weir yet; see weir's docs for the functions it translates"},
	{"SHOW CATALOGS", TypeUtility, "weir has a single catalog, AwsDataCatalog; use SHOW DATABASES"},
	{"SHOW SESSION", TypeUtility, reasonSettings},
	{"SHOW STATS", TypeUtility, "weir does not keep table statistics"},
	{"SHOW GRANTS", TypeUtility, reasonGrant},
	{"SHOW ROLES", TypeUtility, reasonGrant},
	{"SHOW ROLE", TypeUtility, reasonGrant},
	{"SHOW CURRENT ROLES", TypeUtility, reasonGrant},
	{"ANALYZE", TypeUtility, "weir does not keep table statistics, so ANALYZE has nothing to do"},
	{"CREATE OR REPLACE TABLE", TypeDDL, "Athena does not support CREATE OR REPLACE TABLE for Hive tables; " +
		"DROP TABLE first (its files stay in the lake) and create the table again"},
	{"CREATE TEMP", TypeDDL, "temporary tables are not Athena SQL; use a WITH clause for a query-local table, or CREATE TABLE AS"},
	{"CREATE TEMPORARY", TypeDDL, "temporary tables are not Athena SQL; use a WITH clause for a query-local table, or CREATE TABLE AS"},
	{"CREATE OR REPLACE TEMP", TypeDDL, "temporary tables are not Athena SQL; use a WITH clause for a query-local table, or CREATE TABLE AS"},
	{"CREATE OR REPLACE TEMPORARY", TypeDDL, "temporary tables are not Athena SQL; use a WITH clause for a query-local table, or CREATE TABLE AS"},
	{"CALL", TypeUtility, "Athena supports CALL only for Iceberg table procedures, and weir does not support Iceberg tables yet"},
	{"COMMENT", TypeDDL, "COMMENT ON is not supported; give the comment in CREATE EXTERNAL TABLE (COMMENT '...') " +
		"or set it with ALTER TABLE ... SET TBLPROPERTIES ('comment' = '...')"},

	// Statements from DuckDB or other databases.
	{"COPY", TypeDML, "COPY is not an Athena statement; use UNLOAD to write query results to the lake or CREATE TABLE AS to make a table"},
	{"ATTACH", TypeUtility, "ATTACH is not an Athena statement; every database in the catalog is already available — refer to tables as database.table"},
	{"DETACH", TypeUtility, "DETACH is not an Athena statement; every database in the catalog is always available"},
	{"INSTALL", TypeUtility, "INSTALL is not an Athena statement; weir manages its engine's extensions itself"},
	{"FORCE INSTALL", TypeUtility, "INSTALL is not an Athena statement; weir manages its engine's extensions itself"},
	{"LOAD", TypeUtility, "LOAD is not an Athena statement; weir manages its engine's extensions itself, " +
		"and a table's data is whatever files are under its LOCATION"},
	{"SET", TypeUtility, reasonSettings},
	{"RESET", TypeUtility, reasonSettings},
	{"PRAGMA", TypeUtility, reasonSettings},
	{"USE", TypeUtility, "Athena has no USE statement; pass the database with --database (QueryExecutionContext.Database) or write database.table"},
	{"EXPORT", TypeUtility, "EXPORT DATABASE is not an Athena statement; use UNLOAD to write query results to the lake"},
	{"IMPORT", TypeUtility, "IMPORT DATABASE is not an Athena statement; create tables over files in the lake with CREATE EXTERNAL TABLE"},
	{"CHECKPOINT", TypeUtility, "CHECKPOINT is a DuckDB statement; weir manages its engine's storage itself"},
	{"FORCE CHECKPOINT", TypeUtility, "CHECKPOINT is a DuckDB statement; weir manages its engine's storage itself"},
	{"BEGIN", TypeUtility, reasonTxn},
	{"START TRANSACTION", TypeUtility, reasonTxn},
	{"COMMIT", TypeUtility, reasonTxn},
	{"ROLLBACK", TypeUtility, reasonTxn},
	{"ABORT", TypeUtility, reasonTxn},
	{"END", TypeUtility, reasonTxn},
	{"GRANT", TypeDDL, reasonGrant},
	{"REVOKE", TypeDDL, reasonGrant},
	{"DENY", TypeDDL, reasonGrant},
	{"CREATE ROLE", TypeDDL, reasonGrant},
	{"DROP ROLE", TypeDDL, reasonGrant},
	{"CREATE MACRO", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE MACRO")},
	{"CREATE OR REPLACE MACRO", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE MACRO")},
	{"DROP MACRO", TypeDDL, fmt.Sprintf(reasonDuckDB, "DROP MACRO")},
	{"CREATE TEMP FUNCTION", TypeDDL, fmt.Sprintf(reasonRoutine, "CREATE FUNCTION")},
	{"CREATE TEMPORARY FUNCTION", TypeDDL, fmt.Sprintf(reasonRoutine, "CREATE FUNCTION")},
	{"CREATE TEMP MACRO", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE MACRO")},
	{"CREATE TEMPORARY MACRO", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE MACRO")},
	{"CREATE FUNCTION", TypeDDL, fmt.Sprintf(reasonRoutine, "CREATE FUNCTION")},
	{"CREATE OR REPLACE FUNCTION", TypeDDL, fmt.Sprintf(reasonRoutine, "CREATE FUNCTION")},
	{"DROP FUNCTION", TypeDDL, fmt.Sprintf(reasonRoutine, "DROP FUNCTION")},
	{"CREATE SEQUENCE", TypeDDL, fmt.Sprintf(reasonObject, "CREATE SEQUENCE")},
	{"DROP SEQUENCE", TypeDDL, fmt.Sprintf(reasonObject, "DROP SEQUENCE")},
	{"CREATE INDEX", TypeDDL, fmt.Sprintf(reasonObject, "CREATE INDEX") + "; partition the table to speed up lookups"},
	{"CREATE UNIQUE INDEX", TypeDDL, fmt.Sprintf(reasonObject, "CREATE INDEX") + "; partition the table to speed up lookups"},
	{"DROP INDEX", TypeDDL, fmt.Sprintf(reasonObject, "DROP INDEX")},
	{"CREATE TYPE", TypeDDL, fmt.Sprintf(reasonObject, "CREATE TYPE") + "; use struct<...> column types"},
	{"DROP TYPE", TypeDDL, fmt.Sprintf(reasonObject, "DROP TYPE")},
	{"CREATE SECRET", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE SECRET") + "; weir's lake credentials are configuration"},
	{"CREATE PERSISTENT SECRET", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE SECRET") + "; weir's lake credentials are configuration"},
	{"CREATE OR REPLACE SECRET", TypeDDL, fmt.Sprintf(reasonDuckDB, "CREATE SECRET") + "; weir's lake credentials are configuration"},
	{"DROP SECRET", TypeDDL, fmt.Sprintf(reasonDuckDB, "DROP SECRET")},
	{"SUMMARIZE", TypeDML, fmt.Sprintf(reasonDuckDB, "SUMMARIZE") + "; compute the statistics with SELECT and aggregate functions"},
	{"PIVOT", TypeDML, fmt.Sprintf(reasonDuckDB, "PIVOT") + "; pivot with conditional aggregates such as sum(CASE WHEN ... END)"},
	{"UNPIVOT", TypeDML, fmt.Sprintf(reasonDuckDB, "UNPIVOT") + "; unpivot with CROSS JOIN UNNEST"},
	{"FROM", TypeDML, "DuckDB's FROM-first syntax is not Athena SQL; write SELECT ... FROM ..."},
}

// matchUnsupported returns the rule with the longest prefix of words, or
// nil. words are the statement's leading words in upper case.
func matchUnsupported(words []string) *unsupportedRule {
	var best *unsupportedRule
	bestLen := 0
	for i := range unsupportedRules {
		r := &unsupportedRules[i]
		rw := strings.Fields(r.words)
		if len(rw) > len(words) || len(rw) <= bestLen {
			continue
		}
		match := true
		for j, w := range rw {
			if words[j] != w {
				match = false
				break
			}
		}
		if match {
			best, bestLen = r, len(rw)
		}
	}
	return best
}
