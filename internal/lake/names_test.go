package lake_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

func TestValidateBucketName(t *testing.T) {
	tests := []struct {
		name    string
		bucket  string
		wantErr string // substring; "" means valid
	}{
		{"simple", "logs", ""},
		{"min length", "abc", ""},
		{"max length", strings.Repeat("a", 63), ""},
		{"digits dots hyphens", "1.data-lake.2", ""},
		{"digit start", "2020-raw", ""},
		{"almost an IP", "192.168.5.x", ""},
		{"five groups", "1.2.3.4.5", ""},
		{"xn-- inside", "a-xn--b", ""},
		{"empty", "", "the name is empty"},
		{"too short", "ab", "is 2 characters long; bucket names are 3 to 63"},
		{"too long", strings.Repeat("a", 64), "is 64 characters long"},
		{"uppercase", "MyBucket", `'M' at position 0 is uppercase; bucket names use lowercase letters only`},
		{"underscore", "my_bucket", `'_' at position 2 is not allowed; use lowercase letters, digits, '.' and '-'`},
		{"space", "my bucket", `' ' at position 2 is not allowed`},
		{"slash", "my/bucket", `'/' at position 2 is not allowed`},
		{"non-ASCII", "bücket", `'ü' at position 1 is not allowed`},
		{"leading hyphen", "-bucket", "must start and end with a lowercase letter or digit"},
		{"trailing hyphen", "bucket-", "must start and end with a lowercase letter or digit"},
		{"leading dot", ".bucket", "must start and end"},
		{"trailing dot", "bucket.", "must start and end"},
		{"double dot", "my..bucket", `contains ".."; periods must not be adjacent`},
		{"IP address", "192.168.5.4", "formatted like an IP address"},
		{"IP-like", "10.0.0.999", "formatted like an IP address"},
		{"xn-- prefix", "xn--bucket", `the prefix "xn--" is reserved by S3`},
		{"sthree- prefix", "sthree-bucket", `the prefix "sthree-" is reserved`},
		{"-s3alias suffix", "bucket-s3alias", `the suffix "-s3alias" is reserved by S3`},
		{"--ol-s3 suffix", "bucket--ol-s3", `the suffix "--ol-s3" is reserved`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := lake.ValidateBucketName(tt.bucket)
			checkErr(t, err, tt.wantErr, lake.ErrInvalidBucket)
			if err != nil && !strings.Contains(err.Error(), "invalid bucket name") {
				t.Errorf("error %q does not say what is invalid", err)
			}
		})
	}
}

func TestValidateKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		wantErr string // substring; "" means valid
	}{
		{"simple", "a.csv", ""},
		{"nested", "2020/05/12/09/events.json", ""},
		{"hive partition", "tables/t/year=2020/month=05/part-0.parquet", ""},
		{"unicode", "données/日本語.csv", ""},
		{"spaces and punctuation", "a b/c (1)!&$@=;:+,?#[]{}~%^`.txt", ""},
		{"dot files", ".hidden/.x", ""},
		{"dots inside", "a..b/...", ""},
		{"backslash", `a\b`, ""},
		{"weir inside a segment", "x.weir-put-1", ""},
		{"max length", strings.Repeat("a/", 511) + "ab", ""},
		{"max segment", strings.Repeat("s", 255), ""},
		{"empty", "", `invalid object key "": the key is empty`},
		{"too long", strings.Repeat("a", 1025), "it is 1025 bytes long; keys are at most 1024 bytes"},
		{"segment too long", "dir/" + strings.Repeat("s", 256), `segment 2 ("ssss`},
		{"segment too long reason", strings.Repeat("s", 256), "is 256 bytes long; local disks allow at most 255 bytes"},
		{"invalid UTF-8", "a\xffb", "it is not valid UTF-8"},
		{"NUL", "a\x00b", "control character U+0000 at byte 1; remove it"},
		{"newline", "a/b\nc", "control character U+000A at byte 3"},
		{"DEL", "a\x7f", "control character U+007F"},
		{"C1 control", "a\u0085", "control character U+0085"},
		{"leading slash", "/a/b", `it starts with "/"; keys are relative to the bucket`},
		{"only slash", "/", `it starts with "/"`},
		{"trailing slash", "a/b/", "folders exist when they contain objects"},
		{"double slash", "a//b", `segment 2 is empty ("//"); separate segments with a single "/"`},
		{"dot segment", "a/./b", `segment 2 is "."; keys are names, not relative paths`},
		{"dotdot segment", "a/../b", `segment 2 is ".."`},
		{"dotdot only", "..", `segment 1 is ".."`},
		{"dot only", ".", `segment 1 is "."`},
		{"trailing dotdot", "a/..", `segment 2 is ".."`},
		{"temporary file", ".weir-put-123", `segment 1 (".weir-put-123") starts with ".weir-", which weir reserves`},
		{"reserved in folder", "a/.weir-x/b", `segment 2 (".weir-x")`},
		{"quoted in message", "a//b", `invalid object key "a//b": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, lake.ValidateKey(tt.key), tt.wantErr, lake.ErrInvalidKey)
		})
	}
}

func TestValidatePrefix(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		wantErr string
	}{
		{"empty", "", ""},
		{"folder", "2020/05/", ""},
		{"partial segment", "2020/05/1", ""},
		{"key", "a/b.csv", ""},
		{"max length folder", strings.Repeat("a/", 512), ""},
		{"leading slash", "/a/", `invalid object key prefix "/a/": it starts with "/"`},
		{"only slash", "/", `it starts with "/"`},
		{"double trailing slash", "a//", `segment 2 is empty`},
		{"dotdot folder", "../", `segment 1 is ".."`},
		{"control", "a\tb/", "control character U+0009"},
		{"too long", strings.Repeat("a/", 512) + "a", "1025 bytes long"},
		{"reserved", ".weir-put-", `starts with ".weir-"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, lake.ValidatePrefix(tt.prefix), tt.wantErr, lake.ErrInvalidKey)
		})
	}
}

func TestLongNamesAreShortenedInMessages(t *testing.T) {
	err := lake.ValidateKey(strings.Repeat("é", 600))
	if err == nil {
		t.Fatal("no error")
	}
	if len(err.Error()) > 200 {
		t.Errorf("message is %d bytes long: %q", len(err.Error()), err)
	}
	if !strings.Contains(err.Error(), `é"…`) {
		t.Errorf("message %q does not shorten the key on a character boundary", err)
	}
}

// checkErr checks that err is nil if want is empty, or else wraps target,
// has kind Invalid and contains want.
func checkErr(t *testing.T, err error, want string, target error) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want == "":
	case err == nil:
		t.Errorf("no error, want one containing %q", want)
	case !errors.Is(err, target) || !errors.Is(err, errs.Invalid):
		t.Errorf("error %v does not wrap %v with kind Invalid", err, target)
	case !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func FuzzValidateKey(f *testing.F) {
	for _, seed := range []string{
		"a", "a/b", "a//b", "../a", "a/..", "/a", "a/", ".", "..", "...", "a/./b",
		"a\x00b", "\xff", "é/ü", ".weir-put-x", strings.Repeat("a", 256), "a\\..\\b", "~/x", "C:/x",
	} {
		f.Add(seed)
	}
	base := filepath.Join(f.TempDir(), "bucket")
	f.Fuzz(func(t *testing.T, key string) {
		keyErr := lake.ValidateKey(key)
		prefixErr := lake.ValidatePrefix(key)
		if keyErr != nil {
			if !errors.Is(keyErr, lake.ErrInvalidKey) {
				t.Fatalf("ValidateKey(%q) = %v, not ErrInvalidKey", key, keyErr)
			}
			return
		}
		// A valid key stays inside the bucket's directory, unchanged.
		p := filepath.Join(base, key)
		if p != base+string(filepath.Separator)+filepath.FromSlash(key) {
			t.Fatalf("filepath.Join(base, %q) = %q changes the key", key, p)
		}
		rel, err := filepath.Rel(base, p)
		if err != nil || !filepath.IsLocal(rel) || !strings.HasPrefix(p, base+string(filepath.Separator)) {
			t.Fatalf("key %q leaves the bucket: %q", key, p)
		}
		if prefixErr != nil {
			t.Fatalf("ValidatePrefix(%q) = %v for a valid key", key, prefixErr)
		}
		if len(key) < lake.MaxKeyLen {
			if err := lake.ValidatePrefix(key + "/"); err != nil {
				t.Fatalf("ValidatePrefix(%q) = %v for a valid key's folder", key+"/", err)
			}
		}
	})
}
