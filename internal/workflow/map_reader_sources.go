package workflow

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// ParquetReader is implemented by object stores that read Parquet
// objects; the app's does with DuckDB. An ItemReader with InputType
// PARQUET needs it.
type ParquetReader interface {
	// ParquetItems returns at most limit rows of a Parquet object, in
	// file order, each a JSON object of column name to value (decoded
	// with json.Number for numbers).
	ParquetItems(ctx context.Context, bucket, key string, limit int) ([]any, error)
}

// The manifest types of ReaderConfig.ManifestType.
const (
	manifestAthena    = "ATHENA_DATA"  // an Athena <id>-manifest.csv: one s3:// URI a line
	manifestInventory = "S3_INVENTORY" // an S3 Inventory manifest.json
)

// checkInputType sets cfg's input type from ReaderConfig's InputType and
// ManifestType (already in cfg.manifest), which must agree.
func (s *stateRun) checkInputType(cfg *readerConfig, inputType string) *failure {
	switch cfg.manifest {
	case "":
		switch inputType {
		case "":
			inputType = "JSON"
		case "MANIFEST":
			cfg.manifest = manifestInventory
		}
	case manifestInventory:
		if inputType != "" && inputType != "MANIFEST" {
			return s.readerFailed("ManifestType S3_INVENTORY reads an S3 Inventory's manifest.json and the CSV files it lists: leave InputType out (or MANIFEST), not %s", inputType)
		}
		inputType = "MANIFEST"
	case manifestAthena:
		if inputType != "CSV" && inputType != "JSONL" && inputType != "PARQUET" {
			what := "no InputType"
			if inputType != "" {
				what = "InputType " + inputType
			}
			return s.readerFailed("ManifestType ATHENA_DATA needs InputType CSV, JSONL or PARQUET, the format of the files the manifest lists, not %s", what)
		}
	default:
		return s.readerFailed("ReaderConfig.ManifestType must be ATHENA_DATA or S3_INVENTORY, not %q", cfg.manifest)
	}
	switch inputType {
	case "JSON", "JSONL", "CSV", "PARQUET", "MANIFEST":
		cfg.inputType = inputType
		return nil
	}
	return s.readerFailed("ReaderConfig.InputType must be CSV, JSON, JSONL, PARQUET or MANIFEST, not %q", inputType)
}

// getObject reads an object and undoes its external compression.
func (s *stateRun) getObject(ctx context.Context, bucket, key string) ([]byte, *failure) {
	uri := "s3://" + bucket + "/" + key
	data, err := s.x.r.opts.Objects.Get(ctx, bucket, key)
	if err != nil {
		return nil, s.readerFailed("cannot read %s: %v", uri, err)
	}
	if data, err = decompress(data); err != nil {
		return nil, s.readerFailed("%s: %v", uri, err)
	}
	return data, nil
}

// maxDecompressed bounds what one compressed object may expand to, so
// that a small corrupt or hostile object cannot exhaust memory.
const maxDecompressed = 4 << 30

// decompress undoes GZIP or ZSTD compression, the two Step Functions
// reads, which it recognises by their magic numbers; other data is
// returned as it is.
func decompress(data []byte) ([]byte, error) {
	var r io.Reader
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("not valid GZIP: %v", err)
		}
		defer zr.Close()
		r = zr
	case len(data) >= 4 && bytes.Equal(data[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("not valid ZSTD: %v", err)
		}
		defer zr.Close()
		r = zr
	default:
		return data, nil
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil {
		return nil, fmt.Errorf("cannot decompress: %v", err)
	}
	if len(out) > maxDecompressed {
		return nil, fmt.Errorf("decompresses to more than %d bytes; split it into smaller objects", maxDecompressed)
	}
	return out, nil
}

// readAthenaManifest reads the data files an Athena manifest lists (as
// UNLOAD, CREATE TABLE AS and INSERT INTO write it next to the query's
// result), in the manifest's order, each item with its file as source.
func (s *stateRun) readAthenaManifest(ctx context.Context, cfg readerConfig, bucket, key string, out *MapItems) *failure {
	if cfg.inputType == "CSV" && !cfg.headerSet {
		return s.readerFailed("Athena writes CSV data files without a header row: give ReaderConfig.CSVHeaderLocation GIVEN and CSVHeaders, the query's columns (or FIRST_ROW if the listed files do have a header row)")
	}
	data, f := s.getObject(ctx, bucket, key)
	if f != nil {
		return f
	}
	files, err := parseAthenaManifest(data)
	if err != nil {
		return s.readerFailed("the manifest s3://%s/%s: %v", bucket, key, err)
	}
	for _, u := range files {
		if cfg.maxItems > 0 && len(out.Items) >= cfg.maxItems {
			break
		}
		if f := s.readObject(ctx, cfg, u.bucket, u.key, out, true); f != nil {
			return f
		}
	}
	return nil
}

type objectRef struct{ bucket, key string }

// parseAthenaManifest parses an Athena data manifest: one s3://bucket/key
// URI a line; blank lines are skipped.
func parseAthenaManifest(data []byte) ([]objectRef, error) {
	var refs []objectRef
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		rest, ok := strings.CutPrefix(line, "s3://")
		if !ok {
			rest, ok = strings.CutPrefix(line, "S3://")
		}
		b, k, _ := strings.Cut(rest, "/")
		if !ok || b == "" || k == "" || strings.HasSuffix(k, "/") {
			return nil, fmt.Errorf("line %d: %q is not an object's s3://bucket/key URI; an Athena manifest lists one data file a line", i+1, truncate(line, 80))
		}
		refs = append(refs, objectRef{b, k})
	}
	return refs, nil
}

// inventoryManifest is the manifest.json of an S3 Inventory report.
type inventoryManifest struct {
	SourceBucket      string `json:"sourceBucket"`
	DestinationBucket string `json:"destinationBucket"` // arn:aws:s3:::name
	FileFormat        string `json:"fileFormat"`
	FileSchema        string `json:"fileSchema"` // "Bucket, Key, Size, ..."
	Files             []struct {
		Key         string `json:"key"`
		MD5Checksum string `json:"MD5checksum"`
	} `json:"files"`
}

// parseInventoryManifest parses and checks an S3 Inventory manifest.json;
// a destination bucket left out is taken to be the manifest's own.
func parseInventoryManifest(data []byte, bucket string) (*inventoryManifest, []string, error) {
	var m inventoryManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, nil, fmt.Errorf("not an S3 Inventory manifest.json: %v", jsonError(data, err))
	}
	if !strings.EqualFold(m.FileFormat, "CSV") {
		return nil, nil, fmt.Errorf("its fileFormat is %q: Step Functions reads CSV inventories only; configure the inventory to write CSV", m.FileFormat)
	}
	var cols []string
	for c := range strings.SplitSeq(m.FileSchema, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	if strings.TrimSpace(m.FileSchema) == "" {
		return nil, nil, fmt.Errorf("it has no fileSchema, the names of the CSV files' columns")
	}
	if err := checkHeader(cols); err != nil {
		return nil, nil, fmt.Errorf("fileSchema: %v", err)
	}
	m.DestinationBucket = strings.TrimPrefix(m.DestinationBucket, "arn:aws:s3:::")
	if m.DestinationBucket == "" {
		m.DestinationBucket = bucket
	}
	for i, f := range m.Files {
		if f.Key == "" {
			return nil, nil, fmt.Errorf("files[%d] has no key", i)
		}
	}
	return &m, cols, nil
}

// readInventory reads the CSV files an S3 Inventory manifest lists: each
// row an item of the manifest's fileSchema columns to their (string)
// values, with its file as source. A file whose MD5 differs from the
// manifest's is an error: the inventory is not whole.
func (s *stateRun) readInventory(ctx context.Context, cfg readerConfig, bucket, key string, out *MapItems) *failure {
	data, f := s.getObject(ctx, bucket, key)
	if f != nil {
		return f
	}
	m, cols, err := parseInventoryManifest(data, bucket)
	if err != nil {
		return s.readerFailed("the manifest s3://%s/%s: %v", bucket, key, err)
	}
	for _, file := range m.Files {
		if cfg.maxItems > 0 && len(out.Items) >= cfg.maxItems {
			break
		}
		uri := "s3://" + m.DestinationBucket + "/" + file.Key
		raw, err := s.x.r.opts.Objects.Get(ctx, m.DestinationBucket, file.Key)
		if err != nil {
			return s.readerFailed("cannot read %s, listed in the inventory manifest: %v", uri, err)
		}
		if file.MD5Checksum != "" {
			if sum := md5.Sum(raw); !strings.EqualFold(hex.EncodeToString(sum[:]), file.MD5Checksum) {
				return s.readerFailed("%s: its MD5 is %x but the manifest says %s; the inventory was changed or copied in part", uri, sum, file.MD5Checksum)
			}
		}
		rows, err := decompress(raw)
		if err != nil {
			return s.readerFailed("%s: %v", uri, err)
		}
		limit := maxReaderItems + 1
		if cfg.maxItems > 0 {
			limit = cfg.maxItems - len(out.Items)
		}
		items, err := parseCSV(rows, ',', cols, limit)
		if err != nil {
			return s.readerFailed("%s: %v", uri, err)
		}
		if f := s.addItems(cfg, out, items, "S3://"+m.DestinationBucket+"/"+file.Key, uri); f != nil {
			return f
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
