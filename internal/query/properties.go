package query

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/statement"
)

// writeOptions are the WITH (...) properties of CTAS and UNLOAD.
type writeOptions struct {
	format         catalog.Format
	formatName     string // as Athena names it: PARQUET, JSON, TEXTFILE
	compression    string // upper case; "" until defaulted
	level          int
	location       string // external_location
	partitionedBy  []string
	fieldDelimiter string
}

// property kinds accepted by CTAS and UNLOAD.
var (
	ctasProperties = map[string]bool{
		"table_type": true, "external_location": true, "is_external": true, "format": true,
		"write_compression": true, "parquet_compression": true, "orc_compression": true,
		"compression_level": true, "field_delimiter": true, "partitioned_by": true,
		"bucketed_by": true, "bucket_count": true, "location": true, "partitioning": true,
	}
	unloadProperties = map[string]bool{
		"format": true, "compression": true, "compression_level": true, "field_delimiter": true, "partitioned_by": true,
	}
)

// parseWriteProps validates and reads write properties. Property names are
// matched case-insensitively; values that name formats or codecs too.
func parseWriteProps(props []statement.Property, allowed map[string]bool, what string) (writeOptions, error) {
	w := writeOptions{format: catalog.FormatParquet, formatName: "PARQUET"}
	seen := map[string]statement.Property{}
	for _, p := range props {
		name := strings.ToLower(p.Name.Name)
		if !allowed[name] {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "%s property '%s' does not exist; valid properties are %s", what, p.Name.Name, strings.Join(sortedSet(allowed), ", "))
		}
		if _, dup := seen[name]; dup {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "property '%s' is given twice", p.Name.Name)
		}
		seen[name] = p
	}
	str := func(name string) (string, *statement.Property, error) {
		p, ok := seen[name]
		if !ok {
			return "", nil, nil
		}
		if p.Value.Kind != statement.ValueString && p.Value.Kind != statement.ValueIdentifier && p.Value.Kind != statement.ValueNumber {
			return "", &p, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "property '%s' must be a string, e.g. %s = 'VALUE'", name, name)
		}
		return p.Value.Text, &p, nil
	}
	if v, p, err := str("table_type"); err != nil {
		return w, err
	} else if p != nil && !strings.EqualFold(v, "HIVE") {
		return w, ErrorAt("NOT_SUPPORTED", p.Span.Start, "table_type '%s' is not supported; weir creates Hive tables (table_type = 'HIVE')", v)
	}
	for _, name := range []string{"bucketed_by", "bucket_count", "partitioning", "location", "orc_compression"} {
		if p, ok := seen[name]; ok {
			return w, ErrorAt("NOT_SUPPORTED", p.Span.Start, "property '%s' is not supported by weir yet", name)
		}
	}
	if p, ok := seen["is_external"]; ok && !strings.EqualFold(p.Value.Text, "true") {
		return w, ErrorAt("NOT_SUPPORTED", p.Span.Start, "is_external = false makes an Iceberg table, which weir does not support yet")
	}
	v, p, err := str("format")
	if err != nil {
		return w, err
	}
	if p == nil && what == "UNLOAD" {
		return w, Errorf("INVALID_TABLE_PROPERTY", "UNLOAD needs a format, e.g. WITH (format = 'PARQUET'); formats are PARQUET, JSON and TEXTFILE")
	}
	if p != nil {
		switch strings.ToUpper(v) {
		case "PARQUET":
		case "JSON":
			w.format, w.formatName = catalog.FormatJSON, "JSON"
		case "TEXTFILE":
			w.format, w.formatName = catalog.FormatText, "TEXTFILE"
		case "ORC", "AVRO", "ION":
			return w, ErrorAt("NOT_SUPPORTED", p.Span.Start, "format '%s' cannot be written by weir (its engine has no %s writer); use PARQUET, JSON or TEXTFILE", v, strings.ToUpper(v))
		default:
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "unknown format '%s'; use PARQUET, JSON or TEXTFILE", v)
		}
	}
	codecProp := ""
	for _, name := range []string{"write_compression", "parquet_compression", "compression"} {
		if _, ok := seen[name]; ok {
			if codecProp != "" {
				return w, ErrorAt("INVALID_TABLE_PROPERTY", seen[name].Span.Start, "%s and %s cannot both be set; use write_compression", codecProp, name)
			}
			codecProp = name
		}
	}
	if codecProp != "" {
		v, p, err := str(codecProp)
		if err != nil {
			return w, err
		}
		if codecProp == "parquet_compression" && w.format != catalog.FormatParquet {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "parquet_compression applies to format PARQUET only; use write_compression")
		}
		c, err := checkCodec(w.format, v)
		if err != nil {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "%v", err)
		}
		w.compression = c
	}
	if w.compression == "" {
		w.compression = "GZIP" // Athena's default for Parquet, JSON and text
	}
	if v, p, err := str("compression_level"); err != nil {
		return w, err
	} else if p != nil {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 22 || w.compression != "ZSTD" {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "compression_level must be 1..22 and applies to ZSTD compression only")
		}
		w.level = n
	}
	if v, p, err := str("field_delimiter"); err != nil {
		return w, err
	} else if p != nil {
		if w.format != catalog.FormatText {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "field_delimiter applies to format TEXTFILE only")
		}
		if len([]rune(v)) != 1 {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "field_delimiter must be a single character, not %q", v)
		}
		w.fieldDelimiter = v
	}
	if v, p, err := str("external_location"); err != nil {
		return w, err
	} else if p != nil {
		u, err := lake.ParseURI(v)
		if err != nil {
			return w, ErrorAt("HIVE_INVALID_PATH", p.Span.Start, "external_location: %v", err)
		}
		w.location = u.AsPrefix().String()
	}
	if p, ok := seen["partitioned_by"]; ok {
		if p.Value.Kind != statement.ValueArray {
			return w, ErrorAt("INVALID_TABLE_PROPERTY", p.Span.Start, "partitioned_by must be an array of column names, e.g. partitioned_by = ARRAY['year', 'month']")
		}
		for _, item := range p.Value.Items {
			if item.Kind != statement.ValueString {
				return w, ErrorAt("INVALID_TABLE_PROPERTY", item.Span.Start, "partitioned_by entries must be quoted column names")
			}
			w.partitionedBy = append(w.partitionedBy, strings.ToLower(item.Text))
		}
	}
	return w, nil
}

// checkCodec validates a compression for a format and returns its
// canonical name.
func checkCodec(f catalog.Format, v string) (string, error) {
	c := strings.ToUpper(v)
	if c == "UNCOMPRESSED" {
		c = "NONE"
	}
	switch c {
	case "GZIP", "ZSTD", "NONE":
		return c, nil
	case "SNAPPY":
		if f == catalog.FormatParquet {
			return c, nil
		}
		return "", fmt.Errorf("SNAPPY compression of %s files is not supported by weir; use GZIP, ZSTD or NONE", f)
	case "LZ4", "LZO":
		if f == catalog.FormatParquet {
			return "", fmt.Errorf("%s: Athena does not write Parquet files compressed with it; use SNAPPY, GZIP, ZSTD or NONE", c)
		}
		return "", fmt.Errorf("%s compression is not supported by weir; use GZIP, ZSTD or NONE", c)
	case "BZIP2", "DEFLATE", "ZLIB":
		return "", fmt.Errorf("%s compression is not supported by weir; use GZIP, ZSTD or NONE", c)
	}
	return "", fmt.Errorf("unknown compression %q; use SNAPPY (Parquet only), GZIP, ZSTD or NONE", v)
}

func sortedSet(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
