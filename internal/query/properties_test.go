package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/statement"
)

// props parses sql (a CTAS or an UNLOAD) and returns its WITH properties.
func props(t *testing.T, sql string) []statement.Property {
	t.Helper()
	st, err := statement.Parse(sql)
	if err != nil {
		t.Fatalf("parse %q: %v", sql, err)
	}
	switch st := st.(type) {
	case *statement.CreateTableAs:
		return st.Properties
	case *statement.Unload:
		return st.Properties
	}
	t.Fatalf("%q is a %T", sql, st)
	return nil
}

func ctas(with string) string { return "CREATE TABLE t WITH (" + with + ") AS SELECT 1" }

func unload(with string) string {
	return "UNLOAD (SELECT 1) TO 's3://bkt/p/' WITH (" + with + ")"
}

func TestParseWriteProps(t *testing.T) {
	const ctasList = "bucket_count, bucketed_by, compression_level, external_location, field_delimiter, format, is_external, location, orc_compression, parquet_compression, partitioned_by, partitioning, table_type, write_compression"
	tests := []struct {
		name   string
		sql    string
		want   writeOptions
		code   string // the error's code; "" for success
		msg    string
		at     string // the error is positioned at this text's first occurrence; "" for no position
		unload bool
	}{
		{name: "defaults", sql: "CREATE TABLE t AS SELECT 1", want: writeOptions{format: catalog.FormatParquet, formatName: "PARQUET", compression: "GZIP"}},
		{
			name: "parquet snappy", sql: ctas("format = 'parquet', write_compression = 'snappy'"),
			want: writeOptions{format: catalog.FormatParquet, formatName: "PARQUET", compression: "SNAPPY"},
		},
		{
			name: "parquet_compression", sql: ctas("parquet_compression = 'ZSTD', compression_level = 9"),
			want: writeOptions{format: catalog.FormatParquet, formatName: "PARQUET", compression: "ZSTD", level: 9},
		},
		{
			name: "json uncompressed", sql: ctas("FORMAT = 'JSON', Write_Compression = 'UNCOMPRESSED'"),
			want: writeOptions{format: catalog.FormatJSON, formatName: "JSON", compression: "NONE"},
		},
		{
			name: "textfile", sql: ctas("format = 'TEXTFILE', field_delimiter = '|', write_compression = 'none'"),
			want: writeOptions{format: catalog.FormatText, formatName: "TEXTFILE", compression: "NONE", fieldDelimiter: "|"},
		},
		{
			name: "hive table", sql: ctas("table_type = 'hive', is_external = true, format = 'PARQUET'"),
			want: writeOptions{format: catalog.FormatParquet, formatName: "PARQUET", compression: "GZIP"},
		},
		{
			name: "location and partitions", sql: ctas("external_location = 's3://bkt/tables/t', partitioned_by = ARRAY['Year', 'month']"),
			want: writeOptions{format: catalog.FormatParquet, formatName: "PARQUET", compression: "GZIP", location: "s3://bkt/tables/t/", partitionedBy: []string{"year", "month"}},
		},
		{
			name: "unload", sql: unload("format = 'JSON', compression = 'gzip', partitioned_by = ARRAY['dt']"), unload: true,
			want: writeOptions{format: catalog.FormatJSON, formatName: "JSON", compression: "GZIP", partitionedBy: []string{"dt"}},
		},
		{
			name: "unknown property", sql: ctas("colour = 'red'"),
			code: "INVALID_TABLE_PROPERTY", at: "colour",
			msg: "CREATE TABLE AS property 'colour' does not exist; valid properties are " + ctasList,
		},
		{
			name: "CTAS property in UNLOAD", sql: unload("format = 'JSON', external_location = 's3://b/x/'"), unload: true,
			code: "INVALID_TABLE_PROPERTY", at: "external_location",
			msg: "UNLOAD property 'external_location' does not exist; valid properties are compression, compression_level, field_delimiter, format, partitioned_by",
		},
		{
			name: "not a string", sql: ctas("format = true"),
			code: "INVALID_TABLE_PROPERTY", at: "format", msg: "property 'format' must be a string, e.g. format = 'VALUE'",
		},
		{
			name: "array for a string", sql: ctas("write_compression = ARRAY['GZIP']"),
			code: "INVALID_TABLE_PROPERTY", at: "write_compression", msg: "property 'write_compression' must be a string, e.g. write_compression = 'VALUE'",
		},
		{
			name: "iceberg", sql: ctas("table_type = 'ICEBERG'"),
			code: "NOT_SUPPORTED", at: "table_type", msg: "table_type 'ICEBERG' is not supported; weir creates Hive tables (table_type = 'HIVE')",
		},
		{name: "bucketed_by", sql: ctas("bucketed_by = ARRAY['a']"), code: "NOT_SUPPORTED", at: "bucketed_by", msg: "property 'bucketed_by' is not supported by weir yet"},
		{name: "bucket_count", sql: ctas("bucket_count = 4"), code: "NOT_SUPPORTED", at: "bucket_count", msg: "property 'bucket_count' is not supported by weir yet"},
		{name: "partitioning", sql: ctas("partitioning = ARRAY['a']"), code: "NOT_SUPPORTED", at: "partitioning", msg: "property 'partitioning' is not supported by weir yet"},
		{name: "location", sql: ctas("location = 's3://b/x/'"), code: "NOT_SUPPORTED", at: "location", msg: "property 'location' is not supported by weir yet"},
		{name: "orc_compression", sql: ctas("orc_compression = 'ZLIB'"), code: "NOT_SUPPORTED", at: "orc_compression", msg: "property 'orc_compression' is not supported by weir yet"},
		{
			name: "not external", sql: ctas("is_external = false"),
			code: "NOT_SUPPORTED", at: "is_external", msg: "is_external = false makes an Iceberg table, which weir does not support yet",
		},
		{
			name: "unload without format", sql: unload("compression = 'GZIP'"), unload: true,
			code: "INVALID_TABLE_PROPERTY", msg: "UNLOAD needs a format, e.g. WITH (format = 'PARQUET'); formats are PARQUET, JSON and TEXTFILE",
		},
		{
			name: "ORC", sql: ctas("format = 'orc'"),
			code: "NOT_SUPPORTED", at: "format", msg: "format 'orc' cannot be written by weir (its engine has no ORC writer); use PARQUET, JSON or TEXTFILE",
		},
		{
			name: "AVRO", sql: unload("format = 'AVRO'"), unload: true,
			code: "NOT_SUPPORTED", at: "format", msg: "format 'AVRO' cannot be written by weir (its engine has no AVRO writer); use PARQUET, JSON or TEXTFILE",
		},
		{
			name: "ION", sql: ctas("format = 'ION'"),
			code: "NOT_SUPPORTED", at: "format", msg: "format 'ION' cannot be written by weir (its engine has no ION writer); use PARQUET, JSON or TEXTFILE",
		},
		{
			name: "unknown format", sql: ctas("format = 'CSV'"),
			code: "INVALID_TABLE_PROPERTY", at: "format", msg: "unknown format 'CSV'; use PARQUET, JSON or TEXTFILE",
		},
		{
			name: "two codecs", sql: ctas("write_compression = 'GZIP', parquet_compression = 'GZIP'"),
			code: "INVALID_TABLE_PROPERTY", at: "parquet_compression", msg: "write_compression and parquet_compression cannot both be set; use write_compression",
		},
		{
			name: "parquet_compression of JSON", sql: ctas("format = 'JSON', parquet_compression = 'GZIP'"),
			code: "INVALID_TABLE_PROPERTY", at: "parquet_compression", msg: "parquet_compression applies to format PARQUET only; use write_compression",
		},
		{
			name: "bad codec", sql: ctas("format = 'JSON', write_compression = 'SNAPPY'"),
			code: "INVALID_TABLE_PROPERTY", at: "write_compression", msg: "SNAPPY compression of json files is not supported by weir; use GZIP, ZSTD or NONE",
		},
		{
			name: "level without ZSTD", sql: ctas("compression_level = 3"),
			code: "INVALID_TABLE_PROPERTY", at: "compression_level", msg: "compression_level must be 1..22 and applies to ZSTD compression only",
		},
		{
			name: "level too high", sql: ctas("write_compression = 'ZSTD', compression_level = 23"),
			code: "INVALID_TABLE_PROPERTY", at: "compression_level", msg: "compression_level must be 1..22 and applies to ZSTD compression only",
		},
		{
			name: "level zero", sql: ctas("write_compression = 'ZSTD', compression_level = 0"),
			code: "INVALID_TABLE_PROPERTY", at: "compression_level", msg: "compression_level must be 1..22 and applies to ZSTD compression only",
		},
		{
			name: "level not a number", sql: ctas("write_compression = 'ZSTD', compression_level = 'max'"),
			code: "INVALID_TABLE_PROPERTY", at: "compression_level", msg: "compression_level must be 1..22 and applies to ZSTD compression only",
		},
		{
			name: "delimiter of parquet", sql: ctas("field_delimiter = ','"),
			code: "INVALID_TABLE_PROPERTY", at: "field_delimiter", msg: "field_delimiter applies to format TEXTFILE only",
		},
		{
			name: "long delimiter", sql: ctas("format = 'TEXTFILE', field_delimiter = '||'"),
			code: "INVALID_TABLE_PROPERTY", at: "field_delimiter", msg: `field_delimiter must be a single character, not "||"`,
		},
		{
			name: "bad location", sql: ctas("external_location = 'hdfs://x/y'"),
			code: "HIVE_INVALID_PATH", at: "external_location", msg: "external_location: ",
		},
		{
			name: "partitioned_by not an array", sql: ctas("partitioned_by = 'dt'"),
			code: "INVALID_TABLE_PROPERTY", at: "partitioned_by", msg: "partitioned_by must be an array of column names, e.g. partitioned_by = ARRAY['year', 'month']",
		},
		{
			name: "partitioned_by of numbers", sql: ctas("partitioned_by = ARRAY['a', 1]"),
			code: "INVALID_TABLE_PROPERTY", at: "1]", msg: "partitioned_by entries must be quoted column names",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allowed, what := ctasProperties, "CREATE TABLE AS"
			if tt.unload {
				allowed, what = unloadProperties, "UNLOAD"
			}
			got, err := parseWriteProps(props(t, tt.sql), allowed, what)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
					t.Errorf("options\n got %+v\nwant %+v", got, tt.want)
				}
				return
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("err = %v, want a %s error", err, tt.code)
			}
			if qe.Code != tt.code || !strings.HasPrefix(qe.Message, tt.msg) || (qe.Message != tt.msg && tt.code != "HIVE_INVALID_PATH") {
				t.Errorf("error %s: %q\nwant  %s: %q", qe.Code, qe.Message, tt.code, tt.msg)
			}
			wantOff := -1
			if tt.at != "" {
				wantOff = strings.Index(tt.sql, tt.at)
			}
			if qe.Offset != wantOff {
				t.Errorf("error at offset %d, want %d", qe.Offset, wantOff)
			}
		})
	}
}

// TestParseWritePropsTwice checks the duplicate check, which the parser
// makes first for statements it parses.
func TestParseWritePropsTwice(t *testing.T) {
	p := props(t, ctas("format = 'JSON'"))
	second := p[0]
	second.Name.Name = "Format"
	second.Span = statement.Span{Start: 100, End: 110}
	_, err := parseWriteProps([]statement.Property{p[0], second}, ctasProperties, "CREATE TABLE AS")
	var qe *Error
	if !errors.As(err, &qe) || qe.Code != "INVALID_TABLE_PROPERTY" || qe.Message != "property 'Format' is given twice" || qe.Offset != 100 {
		t.Errorf("err = %#v", err)
	}
}

func TestCheckCodec(t *testing.T) {
	const (
		parquet = catalog.FormatParquet
		json    = catalog.FormatJSON
		text    = catalog.FormatText
	)
	tests := []struct {
		format catalog.Format
		codec  string
		want   string // the canonical name, or the error message
		ok     bool
	}{
		{parquet, "gzip", "GZIP", true},
		{parquet, "Zstd", "ZSTD", true},
		{parquet, "NONE", "NONE", true},
		{parquet, "uncompressed", "NONE", true},
		{parquet, "snappy", "SNAPPY", true},
		{json, "GZIP", "GZIP", true},
		{text, "ZSTD", "ZSTD", true},
		{text, "UNCOMPRESSED", "NONE", true},
		{json, "SNAPPY", "SNAPPY compression of json files is not supported by weir; use GZIP, ZSTD or NONE", false},
		{text, "snappy", "SNAPPY compression of textfile files is not supported by weir; use GZIP, ZSTD or NONE", false},
		{parquet, "LZ4", "LZ4: Athena does not write Parquet files compressed with it; use SNAPPY, GZIP, ZSTD or NONE", false},
		{parquet, "lzo", "LZO: Athena does not write Parquet files compressed with it; use SNAPPY, GZIP, ZSTD or NONE", false},
		{json, "LZ4", "LZ4 compression is not supported by weir; use GZIP, ZSTD or NONE", false},
		{text, "LZO", "LZO compression is not supported by weir; use GZIP, ZSTD or NONE", false},
		{text, "BZIP2", "BZIP2 compression is not supported by weir; use GZIP, ZSTD or NONE", false},
		{parquet, "deflate", "DEFLATE compression is not supported by weir; use GZIP, ZSTD or NONE", false},
		{json, "zlib", "ZLIB compression is not supported by weir; use GZIP, ZSTD or NONE", false},
		{parquet, "brotli", `unknown compression "brotli"; use SNAPPY (Parquet only), GZIP, ZSTD or NONE`, false},
		{json, "", `unknown compression ""; use SNAPPY (Parquet only), GZIP, ZSTD or NONE`, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.format)+" "+tt.codec, func(t *testing.T) {
			got, err := checkCodec(tt.format, tt.codec)
			switch {
			case tt.ok && (err != nil || got != tt.want):
				t.Errorf("checkCodec = %q, %v; want %q", got, err, tt.want)
			case !tt.ok && (err == nil || err.Error() != tt.want || got != ""):
				t.Errorf("checkCodec = %q, %v; want error %q", got, err, tt.want)
			}
		})
	}
}
