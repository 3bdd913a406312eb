package workflow

import (
	"strings"
	"testing"
)

func TestDecompress(t *testing.T) {
	plain := []byte("{\"a\": 1}\n")
	for _, codec := range []string{"", "gzip", "zstd"} {
		got, err := decompress(compress(t, codec, plain))
		if err != nil || string(got) != string(plain) {
			t.Errorf("%q: %q %v", codec, got, err)
		}
	}
	// Two GZIP members read as one stream, as gzip(1) writes them.
	two := append(compress(t, "gzip", []byte("a\n")), compress(t, "gzip", []byte("b\n"))...)
	if got, err := decompress(two); err != nil || string(got) != "a\nb\n" {
		t.Errorf("two members: %q %v", got, err)
	}
	for name, data := range map[string][]byte{
		"gzip magic, no stream": []byte("\x1f\x8bnot really"),
		"gzip cut short":        compress(t, "gzip", []byte(strings.Repeat("x", 1000)))[:20],
		"zstd magic, no frame":  []byte("\x28\xb5\x2f\xfdnot really"),
	} {
		if _, err := decompress(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseAthenaManifest(t *testing.T) {
	refs, err := parseAthenaManifest([]byte("s3://b/k/part-0.gz\r\n\nS3://b/x\n"))
	if err != nil || len(refs) != 2 || refs[0] != (objectRef{"b", "k/part-0.gz"}) || refs[1] != (objectRef{"b", "x"}) {
		t.Fatalf("%+v %v", refs, err)
	}
	for _, bad := range []string{"b/k\n", "s3://b\n", "s3:///k\n", "s3://b/dir/\n", "ok\ns3://b/k"} {
		if _, err := parseAthenaManifest([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseInventoryManifest(t *testing.T) {
	m, cols, err := parseInventoryManifest([]byte(`{"fileFormat": "csv", "fileSchema": "Bucket,  Key ,Size", "files": [{"key": "d/1.csv.gz"}]}`), "own")
	if err != nil || m.DestinationBucket != "own" || strings.Join(cols, "|") != "Bucket|Key|Size" || len(m.Files) != 1 {
		t.Fatalf("%+v %v %v", m, cols, err)
	}
	for name, bad := range map[string]string{
		"not JSON":        `{"fileFormat": `,
		"Parquet":         `{"fileFormat": "Parquet", "fileSchema": "message s3 {}"}`,
		"no schema":       `{"fileFormat": "CSV", "fileSchema": " "}`,
		"a column twice":  `{"fileFormat": "CSV", "fileSchema": "Key, Key"}`,
		"a file, no key":  `{"fileFormat": "CSV", "fileSchema": "Key", "files": [{"size": 1}]}`,
		"files not array": `{"fileFormat": "CSV", "fileSchema": "Key", "files": {}}`,
	} {
		if _, _, err := parseInventoryManifest([]byte(bad), "b"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzManifests checks that no manifest makes the manifest parsers
// panic, and that what they accept names objects.
func FuzzManifests(f *testing.F) {
	for _, seed := range []string{"s3://b/k\n", "s3://b/k\r\nS3://c/d/e", "", "\n\n",
		`{"fileFormat": "CSV", "fileSchema": "Bucket, Key", "files": [{"key": "a"}]}`, `{"files": null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if refs, err := parseAthenaManifest(data); err == nil {
			for _, r := range refs {
				if r.bucket == "" || r.key == "" {
					t.Fatalf("an empty bucket or key: %+v", r)
				}
			}
		} else if err.Error() == "" {
			t.Fatal("an error without a message")
		}
		if m, cols, err := parseInventoryManifest(data, "b"); err == nil {
			if len(cols) == 0 || m.DestinationBucket == "" {
				t.Fatalf("accepted without columns or bucket: %+v %v", m, cols)
			}
		}
		if _, err := decompress(data); err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
	})
}
