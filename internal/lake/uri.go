package lake

import (
	"fmt"
	"strings"
)

// URI is a lake location, s3://bucket/key. Key is an object key, a folder
// prefix ending in "/", or empty for the whole bucket.
type URI struct {
	Bucket string
	Key    string
}

// ParseURI parses s3://bucket, s3://bucket/, s3://bucket/key and
// s3://bucket/prefix/. The bucket name must pass ValidateBucketName and the
// key ValidatePrefix; the key is taken literally, without percent-decoding.
// Errors wrap ErrInvalidURI, and ErrInvalidBucket or ErrInvalidKey when the
// bucket name or key is at fault.
func ParseURI(s string) (URI, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return URI{}, uriError(s, uriSchemeProblem(s))
	}
	if scheme != "s3" {
		return URI{}, uriError(s, schemeProblem(scheme, rest))
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return URI{}, uriError(s, "the bucket name is missing; write s3://bucket/key")
	}
	if err := ValidateBucketName(bucket); err != nil {
		return URI{}, fmt.Errorf("%w %s: %w", ErrInvalidURI, quote(s), err)
	}
	if err := ValidatePrefix(key); err != nil {
		return URI{}, fmt.Errorf("%w %s: %w", ErrInvalidURI, quote(s), err)
	}
	return URI{Bucket: bucket, Key: key}, nil
}

func uriError(s, reason string) error {
	return fmt.Errorf("%w %s: %s", ErrInvalidURI, quote(s), reason)
}

// uriSchemeProblem explains a location without "://".
func uriSchemeProblem(s string) string {
	switch {
	case s == "":
		return "the location is empty; lake locations are s3://bucket/key URIs"
	case strings.HasPrefix(strings.ToLower(s), "s3:"):
		return `write the scheme as "s3://" followed by the bucket name, as in s3://bucket/key`
	default:
		return "lake locations are s3://bucket/key URIs, not local paths"
	}
}

// schemeProblem explains a scheme other than "s3".
func schemeProblem(scheme, rest string) string {
	switch strings.ToLower(scheme) {
	case "s3":
		return "write the scheme in lowercase: s3://" + rest
	case "s3a", "s3n":
		return fmt.Sprintf("%s:// is a Hadoop scheme; use s3://%s", scheme, rest)
	default:
		return fmt.Sprintf("the scheme %s:// is not supported; lake locations are s3://bucket/key URIs", scheme)
	}
}

// String returns the URI as "s3://bucket/key"; a URI with an empty key
// becomes "s3://bucket/".
func (u URI) String() string {
	return "s3://" + u.Bucket + "/" + u.Key
}

// Join returns u with elem appended to its key, separated by exactly one
// "/": slashes at the ends of the parts are merged and empty elements are
// skipped. A trailing "/" on the last element is kept, so Join can build
// folder prefixes. Unlike path.Join it does not interpret "." or "..";
// validate the result with ValidateKey or ValidatePrefix where needed.
func (u URI) Join(elem ...string) URI {
	key := u.Key
	for _, e := range elem {
		switch {
		case e == "":
		case key == "":
			key = strings.TrimLeft(e, "/")
		default:
			key = strings.TrimRight(key, "/") + "/" + strings.TrimLeft(e, "/")
		}
	}
	return URI{Bucket: u.Bucket, Key: key}
}

// AsPrefix returns u as a folder prefix: its key is empty or ends in "/".
func (u URI) AsPrefix() URI {
	if u.Key != "" && !strings.HasSuffix(u.Key, "/") {
		u.Key += "/"
	}
	return u
}
