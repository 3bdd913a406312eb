package duckengine

import duckdb "github.com/duckdb/duckdb-go/v2"

// Date and time functions of Trino.
var timeFunctions = functionSet{
	rules: map[string]funcRule{
		"date_format": rename("weir_date_format"),
	},
	macros: []string{
		// date_format(timestamp, mysql_format): Trino's MySQL-style
		// formatting. DuckDB folds the constant format conversion.
		`CREATE OR REPLACE MACRO weir_date_format(ts, fmt) AS strftime(ts, weir_mysql_format(fmt))`,
	},
	udfs: map[string][]duckdb.ScalarFunc{
		"weir_mysql_format": {mysqlFormatUDF{}},
	},
}
