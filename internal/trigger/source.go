package trigger

import (
	"slices"
	"strings"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/lake"
)

// SourceKind is what a trigger watches.
type SourceKind string

// The source kinds, as written before the first colon of a source.
const (
	SourceLake      SourceKind = "lake"      // objects landing under a lake prefix
	SourceCrawler   SourceKind = "crawler"   // a crawler's crawl ending in a state
	SourceQuery     SourceKind = "query"     // a query execution ending in a state
	SourceExecution SourceKind = "execution" // a state machine execution ending in a state
)

// Any is the machine name of an execution source, or the database of a
// query source, that matches all of them.
const Any = "*"

// sourceHelp says how to write a source.
const sourceHelp = "want lake:s3://BUCKET/PREFIX/, crawler:NAME:STATE, query:STATE, query:DATABASE:STATE or execution:MACHINE:STATE"

// terminal lists, per state-change source kind, the end states a
// trigger can wait for, as Glue, Athena and Step Functions name them.
var terminal = map[SourceKind][]string{
	SourceCrawler:   {"SUCCEEDED", "FAILED", "CANCELLED"},
	SourceQuery:     {"SUCCEEDED", "FAILED", "CANCELLED"},
	SourceExecution: {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"},
}

// Terminal reports whether state ends a run of the kind's source: a
// query or execution in another state is still open.
func Terminal(kind SourceKind, state string) bool { return slices.Contains(terminal[kind], state) }

// Source is what a trigger watches, written as text:
//
//	lake:s3://BUCKET/PREFIX/       objects created or overwritten under the prefix
//	crawler:NAME:STATE             crawler NAME's crawl ends in STATE
//	query:STATE                    any query execution ends in STATE
//	query:DATABASE:STATE           a query execution in DATABASE ends in STATE
//	execution:MACHINE:STATE        an execution of MACHINE (* for any) ends in STATE
//
// STATE may list several states separated by commas
// (execution:etl:FAILED,TIMED_OUT,ABORTED).
type Source struct {
	Kind SourceKind
	// Bucket and Prefix are a lake source's location; Prefix is "" or
	// ends in "/".
	Bucket, Prefix string
	// Name is the crawler, the state machine (Any: all) or the query
	// database (Any: all).
	Name string
	// States are the end states that fire the trigger.
	States []string
}

// String returns the source as it is written.
func (s Source) String() string {
	switch s.Kind {
	case SourceLake:
		return "lake:s3://" + s.Bucket + "/" + s.Prefix
	case SourceQuery:
		if s.Name == Any || s.Name == "" {
			return "query:" + strings.Join(s.States, ",")
		}
	}
	return string(s.Kind) + ":" + s.Name + ":" + strings.Join(s.States, ",")
}

// URI returns a lake source's location, s3://bucket/prefix.
func (s Source) URI() string { return "s3://" + s.Bucket + "/" + s.Prefix }

// Matches reports whether a run of the source's kind named name (a
// crawler, a machine, a query's database) ending in state fires it.
func (s Source) Matches(name, state string) bool {
	if s.Name != Any && s.Name != name {
		return false
	}
	return slices.Contains(s.States, state)
}

// MarshalText implements encoding.TextMarshaler.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseSource.
func (s *Source) UnmarshalText(b []byte) error {
	v, err := ParseSource(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSource reads a source as written on the command line (see
// Source). Errors are errs.Invalid and say what to write instead.
func ParseSource(text string) (Source, error) {
	bad := func(format string, args ...any) (Source, error) {
		return Source{}, errs.Errorf("trigger", errs.Invalid, "event source %q: "+format, append([]any{text}, args...)...)
	}
	kind, rest, ok := strings.Cut(strings.TrimSpace(text), ":")
	if !ok {
		return bad("%s", sourceHelp)
	}
	s := Source{Kind: SourceKind(strings.ToLower(kind))}
	switch s.Kind {
	case SourceLake:
		u, err := lake.ParseURI(rest)
		if err != nil {
			return bad("%s: %s", errs.Message(err), sourceHelp)
		}
		s.Bucket, s.Prefix = u.Bucket, u.Key
		if s.Prefix != "" && !strings.HasSuffix(s.Prefix, "/") {
			return bad("the prefix %q does not end in '/': a lake source watches a folder, write lake:s3://%s/%s/", s.Prefix, s.Bucket, s.Prefix)
		}
		return s, nil
	case SourceQuery:
		name, states, ok := strings.Cut(rest, ":")
		if !ok {
			name, states = Any, rest
		}
		s.Name = name
		return s.states(text, states)
	case SourceCrawler, SourceExecution:
		name, states, ok := strings.Cut(rest, ":")
		if !ok {
			return bad("no state: write %s:NAME:STATE with STATE one of %s", s.Kind, strings.Join(terminal[s.Kind], ", "))
		}
		s.Name = name
		if s.Kind == SourceCrawler && name == Any {
			return bad("name one crawler: crawler:NAME:STATE")
		}
		return s.states(text, states)
	}
	return bad("unknown kind %q: %s", kind, sourceHelp)
}

// states checks the name and reads the comma-separated states of a
// state-change source.
func (s Source) states(text, states string) (Source, error) {
	if s.Name == "" || strings.ContainsAny(s.Name, " \t\n:,") {
		return Source{}, errs.Errorf("trigger", errs.Invalid, "event source %q: the %s name %q is empty or has spaces, ':' or ','", text, s.Kind, s.Name)
	}
	if s.Kind == SourceCrawler {
		s.Name = strings.ToLower(s.Name) // crawler names are lower-cased, as Glue does
	}
	for st := range strings.SplitSeq(states, ",") {
		st = strings.ToUpper(strings.TrimSpace(st))
		if !Terminal(s.Kind, st) {
			return Source{}, errs.Errorf("trigger", errs.Invalid, "event source %q: state %q: want one or more of %s, separated by commas", text, st, strings.Join(terminal[s.Kind], ", "))
		}
		if !slices.Contains(s.States, st) {
			s.States = append(s.States, st)
		}
	}
	return s, nil
}
