package asl

import (
	"fmt"
	"slices"
	"strings"
)

// itemReader checks a distributed Map's ItemReader: its Resource (an S3
// read weir runs), Parameters, and ReaderConfig.
func (v *validator) itemReader(r *object) {
	r.what = "ItemReader"
	r.only("Resource", "Parameters", "ReaderConfig", "Arguments")
	res, ok := r.str("Resource", true)
	if ok && res != "arn:aws:states:::s3:getObject" && res != "arn:aws:states:::s3:listObjectsV2" {
		v.errorf(schemaFailed, r.at("Resource"), "An ItemReader's Resource must be arn:aws:states:::s3:getObject (items from one object) or arn:aws:states:::s3:listObjectsV2 (one item per object), not %q", res)
	}
	if r.has("Parameters") {
		r.template("Parameters")
	} else if !r.has("Arguments") {
		v.errorf(schemaFailed, r.ptr, "An ItemReader needs 'Parameters' with the Bucket (and the Key for s3:getObject, a Prefix for s3:listObjectsV2)")
	}
	c, ok := r.child("ReaderConfig", "ReaderConfig")
	if !ok {
		return
	}
	c.only("InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "Transformation", "ManifestType", "ItemsPointer")
	oneOf := func(name string, values ...string) string {
		s, ok := c.str(name, false)
		if !ok {
			return ""
		}
		for _, val := range values {
			if s == val {
				return s
			}
		}
		v.errorf(schemaFailed, c.at(name), "'%s' must be %s, not %q", name, orList(values), s)
		return ""
	}
	input := oneOf("InputType", "CSV", "JSON", "JSONL", "PARQUET", "MANIFEST")
	oneOf("CSVDelimiter", "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB")
	oneOf("Transformation", "NONE", "LOAD_AND_FLATTEN")
	switch oneOf("ManifestType", "ATHENA_DATA", "S3_INVENTORY") {
	case "ATHENA_DATA":
		if input != "CSV" && input != "JSONL" && input != "PARQUET" && (input != "" || !c.has("InputType")) {
			v.errorf(schemaFailed, c.ptr, "ManifestType ATHENA_DATA needs 'InputType' CSV, JSONL or PARQUET, the format of the data files the manifest lists")
		}
	case "S3_INVENTORY":
		if input != "" && input != "MANIFEST" {
			v.errorf(schemaFailed, c.at("InputType"), "ManifestType S3_INVENTORY reads the CSV files an S3 Inventory's manifest.json lists: leave 'InputType' out, not %q", input)
		}
	}
	if c.has("ManifestType") || input == "MANIFEST" {
		if res == "arn:aws:states:::s3:listObjectsV2" {
			v.errorf(schemaFailed, r.at("Resource"), "A manifest is read with arn:aws:states:::s3:getObject on the manifest object, not with s3:listObjectsV2")
		}
	}
	loc := oneOf("CSVHeaderLocation", "FIRST_ROW", "GIVEN")
	headers, hasHeaders := c.array("CSVHeaders", false)
	switch {
	case loc == "GIVEN" && (!hasHeaders || len(headers) == 0):
		v.errorf(schemaFailed, c.ptr, "CSVHeaderLocation GIVEN needs 'CSVHeaders', the column names")
	case loc != "GIVEN" && hasHeaders:
		v.errorf(schemaFailed, c.at("CSVHeaders"), "'CSVHeaders' is used only with \"CSVHeaderLocation\": \"GIVEN\"")
	}
	for i, h := range headers {
		if _, ok := h.(string); !ok {
			v.errorf(schemaFailed, fmt.Sprintf("%s/%d", c.at("CSVHeaders"), i), "A CSV header must be a STRING, not %s", jsonKind(h))
		}
	}
	c.intOrPath("MaxItems", 0, 100_000_000)
	if p, ok := c.str("ItemsPointer", false); ok && !strings.HasPrefix(p, "/") {
		v.errorf(schemaFailed, c.at("ItemsPointer"), "'ItemsPointer' must be a JSON Pointer starting with '/', not %q", p)
	}
}

// resultWriter checks a distributed Map's ResultWriter.
func (v *validator) resultWriter(w *object) {
	w.what = "ResultWriter"
	w.only("Resource", "Parameters", "WriterConfig", "Arguments")
	res, hasRes := w.str("Resource", false)
	if hasRes && res != "arn:aws:states:::s3:putObject" {
		v.errorf(schemaFailed, w.at("Resource"), "A ResultWriter's Resource must be arn:aws:states:::s3:putObject, not %q", res)
	}
	if w.has("Resource") != (w.has("Parameters") || w.has("Arguments")) {
		v.errorf(schemaFailed, w.ptr, "A ResultWriter needs 'Resource' and 'Parameters' (the Bucket and Prefix) together")
	}
	if !w.has("Resource") && !w.has("WriterConfig") {
		v.errorf(schemaFailed, w.ptr, "A ResultWriter needs 'Resource' and 'Parameters', 'WriterConfig', or all three")
	}
	w.template("Parameters")
	c, ok := w.child("WriterConfig", "WriterConfig")
	if !ok {
		return
	}
	c.only("Transformation", "OutputType")
	for _, f := range []struct {
		name   string
		values []string
	}{{"Transformation", []string{"NONE", "COMPACT", "FLATTEN"}}, {"OutputType", []string{"JSON", "JSONL"}}} {
		if s, ok := c.str(f.name, false); ok && !slices.Contains(f.values, s) {
			v.errorf(schemaFailed, c.at(f.name), "'%s' must be %s, not %q", f.name, orList(f.values), s)
		}
	}
}

// orList renders values as "A, B or C".
func orList(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
