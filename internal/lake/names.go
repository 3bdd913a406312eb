package lake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on names and keys.
const (
	// MaxKeyLen is the longest object key in bytes, as in S3.
	MaxKeyLen = 1024
	// MaxSegmentLen is the longest "/"-separated segment of a key in bytes:
	// segments become file names on local disks, which allow 255 bytes.
	MaxSegmentLen = 255
)

// reservedSegmentPrefix starts the names of weir's own files inside a
// bucket, such as the temporary files of unfinished writes. Keys may not use
// it, so that such files never collide with objects.
const reservedSegmentPrefix = ".weir-"

// ValidateBucketName reports whether name follows S3's rules for
// general-purpose bucket names: 3 to 63 characters of lowercase letters,
// digits, '.' and '-'; starting and ending with a letter or digit; no ".."; not
// formatted like an IP address; and none of the prefixes and suffixes S3
// reserves (such as "xn--" and "-s3alias"). Errors wrap ErrInvalidBucket.
func ValidateBucketName(name string) error {
	if reason := bucketNameProblem(name); reason != "" {
		return fmt.Errorf("%w %s: %s", ErrInvalidBucket, quote(name), reason)
	}
	return nil
}

// S3 reserves these bucket name prefixes and suffixes for its own features.
var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

func bucketNameProblem(name string) string {
	if name == "" {
		return "the name is empty; bucket names are 3 to 63 characters long"
	}
	if n := len(name); n < 3 || n > 63 {
		return fmt.Sprintf("the name is %d characters long; bucket names are 3 to 63 characters long", n)
	}
	for i, r := range name {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '.':
		case 'A' <= r && r <= 'Z':
			return fmt.Sprintf("%q at position %d is uppercase; bucket names use lowercase letters only", r, i)
		default:
			return fmt.Sprintf("%q at position %d is not allowed; use lowercase letters, digits, '.' and '-'", r, i)
		}
	}
	if !isLowerAlnum(name[0]) || !isLowerAlnum(name[len(name)-1]) {
		return "bucket names must start and end with a lowercase letter or digit"
	}
	if strings.Contains(name, "..") {
		return `the name contains ".."; periods must not be adjacent`
	}
	if looksLikeIPv4(name) {
		return "the name is formatted like an IP address, which S3 does not allow"
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("the prefix %q is reserved by S3; choose another name", p)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("the suffix %q is reserved by S3; choose another name", s)
		}
	}
	return ""
}

func isLowerAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

// looksLikeIPv4 reports whether s is four dot-separated groups of one to
// three digits, such as "192.168.5.4".
func looksLikeIPv4(s string) bool {
	groups := strings.Split(s, ".")
	if len(groups) != 4 {
		return false
	}
	for _, g := range groups {
		if len(g) == 0 || len(g) > 3 || strings.Trim(g, "0123456789") != "" {
			return false
		}
	}
	return true
}

// ValidateKey reports whether key can name an object. A key is 1 to
// MaxKeyLen bytes of UTF-8 without control characters, made of
// "/"-separated segments of at most MaxSegmentLen bytes. Segments may not be
// empty ("a//b", a leading or a trailing "/"), "." or "..", or start with
// ".weir-", which is reserved for weir's temporary files. A trailing "/" is
// refused because folders are not stored: they exist when they contain
// objects. Errors wrap ErrInvalidKey.
//
// A valid key is a local relative path: joined under a directory with
// filepath.Join it stays inside that directory.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf(`%w "": the key is empty; name an object such as "folder/file.csv"`, ErrInvalidKey)
	}
	return validatePath("", key, false)
}

// ValidatePrefix reports whether prefix can select objects in a listing or
// name a folder. It follows ValidateKey, except that the empty prefix (the
// whole bucket) and a trailing "/" are allowed. Errors wrap ErrInvalidKey.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return validatePath(" prefix", prefix, true)
}

// validatePath checks a key, or a prefix if trailingSlash is set. what is
// added after "invalid object key" in messages.
func validatePath(what, s string, trailingSlash bool) error {
	if reason := pathProblem(s, trailingSlash); reason != "" {
		return fmt.Errorf("%w%s %s: %s", ErrInvalidKey, what, quote(s), reason)
	}
	return nil
}

func pathProblem(s string, trailingSlash bool) string {
	if len(s) > MaxKeyLen {
		return fmt.Sprintf("it is %d bytes long; keys are at most %d bytes", len(s), MaxKeyLen)
	}
	if !utf8.ValidString(s) {
		return "it is not valid UTF-8"
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("it contains the control character %U at byte %d; remove it", r, i)
		}
	}
	if strings.HasPrefix(s, "/") {
		return `it starts with "/"; keys are relative to the bucket, so remove the leading "/"`
	}
	if strings.HasSuffix(s, "/") {
		if !trailingSlash {
			return `it ends with "/"; weir does not store folder markers (folders exist when they contain objects), so name an object instead`
		}
		s = s[:len(s)-1]
	}
	for i, seg := range strings.Split(s, "/") {
		switch {
		case seg == "":
			return fmt.Sprintf(`segment %d is empty ("//"); separate segments with a single "/"`, i+1)
		case seg == "." || seg == "..":
			return fmt.Sprintf("segment %d is %q; keys are names, not relative paths, so remove it", i+1, seg)
		case len(seg) > MaxSegmentLen:
			return fmt.Sprintf("segment %d (%s) is %d bytes long; local disks allow at most %d bytes between two \"/\"", i+1, quote(seg), len(seg), MaxSegmentLen)
		case strings.HasPrefix(seg, reservedSegmentPrefix):
			return fmt.Sprintf("segment %d (%s) starts with %q, which weir reserves for its temporary files", i+1, quote(seg), reservedSegmentPrefix)
		}
	}
	return ""
}

// quote quotes s for an error message, shortening it if it is long.
func quote(s string) string {
	const maxLen = 64
	if len(s) <= maxLen {
		return strconv.Quote(s)
	}
	n := maxLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "…"
}
