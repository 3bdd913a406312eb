package lake_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/lake"
)

func TestParseURI(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    lake.URI
		wantErr string // substring; "" means valid
		also    error  // a second error the result must wrap
	}{
		{name: "bucket", in: "s3://logs", want: lake.URI{Bucket: "logs"}},
		{name: "bucket slash", in: "s3://logs/", want: lake.URI{Bucket: "logs"}},
		{name: "key", in: "s3://logs/2020/05/a.json", want: lake.URI{Bucket: "logs", Key: "2020/05/a.json"}},
		{name: "prefix", in: "s3://logs/2020/05/", want: lake.URI{Bucket: "logs", Key: "2020/05/"}},
		{name: "partial prefix", in: "s3://logs/2020/05/1", want: lake.URI{Bucket: "logs", Key: "2020/05/1"}},
		{name: "literal percent", in: "s3://logs/a%20b?x=1#y", want: lake.URI{Bucket: "logs", Key: "a%20b?x=1#y"}},
		{name: "empty", in: "", wantErr: `invalid lake URI "": the location is empty; lake locations are s3://bucket/key URIs`},
		{name: "absolute path", in: "/data/lake/logs", wantErr: "lake locations are s3://bucket/key URIs, not local paths"},
		{name: "relative path", in: "logs/2020", wantErr: "lake locations are s3://bucket/key URIs, not local paths"},
		{name: "one slash", in: "s3:/logs/a", wantErr: `write the scheme as "s3://"`},
		{name: "no slash", in: "s3:logs", wantErr: `write the scheme as "s3://"`},
		{name: "s3a", in: "s3a://logs/a", wantErr: "s3a:// is a Hadoop scheme; use s3://logs/a"},
		{name: "s3n", in: "s3n://logs/", wantErr: "s3n:// is a Hadoop scheme; use s3://logs/"},
		{name: "uppercase scheme", in: "S3://logs/a", wantErr: "write the scheme in lowercase: s3://logs/a"},
		{name: "file", in: "file:///data/x", wantErr: "the scheme file:// is not supported; lake locations are s3://bucket/key URIs"},
		{name: "https", in: "https://logs.s3.amazonaws.com/a", wantErr: "the scheme https:// is not supported"},
		{name: "no bucket", in: "s3://", wantErr: "the bucket name is missing; write s3://bucket/key"},
		{name: "no bucket with key", in: "s3:///key", wantErr: "the bucket name is missing"},
		{name: "bad bucket", in: "s3://My_Logs/a", wantErr: `invalid lake URI "s3://My_Logs/a": invalid bucket name "My_Logs": 'M' at position 0 is uppercase`, also: lake.ErrInvalidBucket},
		{name: "short bucket", in: "s3://ab", wantErr: "bucket names are 3 to 63 characters long", also: lake.ErrInvalidBucket},
		{name: "double slash key", in: "s3://logs//a", wantErr: `invalid object key prefix "/a": it starts with "/"`, also: lake.ErrInvalidKey},
		{name: "dotdot key", in: "s3://logs/a/../b", wantErr: `segment 2 is ".."`, also: lake.ErrInvalidKey},
		{name: "control key", in: "s3://logs/a\nb", wantErr: "control character U+000A", also: lake.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lake.ParseURI(tt.in)
			checkErr(t, err, tt.wantErr, lake.ErrInvalidURI)
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("error %v does not wrap %v", err, tt.also)
			}
			if err == nil && got != tt.want {
				t.Errorf("ParseURI(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestURIString(t *testing.T) {
	tests := []struct {
		u    lake.URI
		want string
	}{
		{lake.URI{Bucket: "logs"}, "s3://logs/"},
		{lake.URI{Bucket: "logs", Key: "a/b.csv"}, "s3://logs/a/b.csv"},
		{lake.URI{Bucket: "logs", Key: "a/"}, "s3://logs/a/"},
	}
	for _, tt := range tests {
		if got := tt.u.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.u, got, tt.want)
		}
	}
}

func TestURIJoin(t *testing.T) {
	tests := []struct {
		name string
		key  string
		elem []string
		want string
	}{
		{"onto bucket", "", []string{"a"}, "a"},
		{"onto prefix", "t/", []string{"year=2020", "part-0.parquet"}, "t/year=2020/part-0.parquet"},
		{"onto key", "t", []string{"x"}, "t/x"},
		{"merges slashes", "t//", []string{"/a/", "//b"}, "t/a/b"},
		{"keeps trailing slash", "t", []string{"2020/"}, "t/2020/"},
		{"skips empty", "t", []string{"", "a", ""}, "t/a"},
		{"slash makes a prefix", "t", []string{"/"}, "t/"},
		{"leading slash onto bucket", "", []string{"/a", "b"}, "a/b"},
		{"nothing", "t/", nil, "t/"},
		{"does not clean", "t", []string{"..", "x"}, "t/../x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lake.URI{Bucket: "b", Key: tt.key}.Join(tt.elem...)
			if got.Bucket != "b" || got.Key != tt.want {
				t.Errorf("Join(%q) onto %q = %#v, want key %q", tt.elem, tt.key, got, tt.want)
			}
		})
	}
}

func TestURIAsPrefix(t *testing.T) {
	for key, want := range map[string]string{"": "", "a": "a/", "a/": "a/", "a/b": "a/b/"} {
		if got := (lake.URI{Bucket: "b", Key: key}).AsPrefix(); got.Key != want || got.Bucket != "b" {
			t.Errorf("AsPrefix of key %q = %#v, want key %q", key, got, want)
		}
	}
}

func FuzzParseURI(f *testing.F) {
	for _, seed := range []string{
		"s3://logs", "s3://logs/", "s3://logs/a/b", "s3://logs/a/", "s3a://x/y", "S3://logs",
		"/data", "", "s3://", "s3:///a", "s3://a..b/c", "s3://logs//", "s3://logs/a/../b", "s3:/x",
		"s3://logs/é\xff", "://", "s3://192.168.1.1/x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := lake.ParseURI(s)
		if err != nil {
			if !errors.Is(err, lake.ErrInvalidURI) {
				t.Fatalf("ParseURI(%q) = %v, not ErrInvalidURI", s, err)
			}
			return
		}
		if err := lake.ValidateBucketName(u.Bucket); err != nil {
			t.Fatalf("ParseURI(%q) accepted bucket %q: %v", s, u.Bucket, err)
		}
		if err := lake.ValidatePrefix(u.Key); err != nil {
			t.Fatalf("ParseURI(%q) accepted key %q: %v", s, u.Key, err)
		}
		if !strings.HasPrefix(s, "s3://"+u.Bucket) || !strings.HasSuffix(s, u.Key) {
			t.Fatalf("ParseURI(%q) = %#v, not taken from the input", s, u)
		}
		again, err := lake.ParseURI(u.String())
		if err != nil || again != u {
			t.Fatalf("ParseURI(%q) = %#v, %v; want %#v back", u.String(), again, err, u)
		}
		if p := u.AsPrefix(); p.Key != "" && !strings.HasSuffix(p.Key, "/") {
			t.Fatalf("AsPrefix of %#v = %#v", u, p)
		}
		_ = u.Join("x", "/y/", "")
	})
}
