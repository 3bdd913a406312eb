package function

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// LogEvent is a line of a function's log, as CloudWatch Logs gives a
// Lambda function's: the invocation's START, the lines the function
// wrote to standard error, its error, END and REPORT.
type LogEvent struct {
	Timestamp time.Time `json:"timestamp"`
	RequestID string    `json:"requestId"`
	Message   string    `json:"message"`
}

// LogQuery selects log events: those at or after Since (all when zero),
// of one invocation when RequestID is set, at most Limit (the newest;
// all when 0).
type LogQuery struct {
	Since     time.Time
	RequestID string
	Limit     int
}

// DefaultLogRetention is how long a function's logs are kept.
const DefaultLogRetention = 14 * 24 * time.Hour

// maxInvocationLog bounds the standard error kept in the log for one
// invocation; what is beyond is counted, not kept.
const maxInvocationLog = 1 << 20

// logBook keeps functions' logs under a directory: a folder a function,
// a file a UTC day (2006-01-02.log), a line an event ("time<TAB>request
// id<TAB>message"). An invocation's lines are appended together when it
// ends, so that concurrent invocations do not interleave.
type logBook struct {
	dir       string
	retention time.Duration

	mu     sync.Mutex
	pruned map[string]string // function → the day its folder was last pruned
}

// invocationLog collects an invocation's standard error for the log.
type invocationLog struct {
	mu      sync.Mutex
	events  []LogEvent
	size    int
	dropped int
}

func (l *invocationLog) add(requestID, line string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size+len(line) > maxInvocationLog {
		l.dropped += len(line)
		return
	}
	l.size += len(line)
	l.events = append(l.events, LogEvent{Timestamp: time.Now(), RequestID: requestID, Message: line})
}

// record appends an invocation's log: START, its lines, its error if it
// failed, END and REPORT, as Lambda writes them.
func (b *logBook) record(name string, inv *Invocation, start time.Time, runErr error) error {
	id := inv.RequestID
	end := start.Add(inv.Duration)
	events := []LogEvent{{Timestamp: start, RequestID: id, Message: "START RequestId: " + id + " Version: $LATEST"}}
	status := "success"
	if l := inv.log; l != nil {
		l.mu.Lock()
		events = append(events, l.events...)
		if l.dropped > 0 {
			events = append(events, LogEvent{Timestamp: end, RequestID: id,
				Message: fmt.Sprintf("[weir] %d more bytes of standard error were not kept (an invocation keeps %d)", l.dropped, maxInvocationLog)})
		}
		l.mu.Unlock()
	}
	var fe *Error
	switch {
	case errors.As(runErr, &fe):
		typ, _ := fe.Object["errorType"].(string)
		msg, _ := fe.Object["errorMessage"].(string)
		events = append(events, LogEvent{Timestamp: end, RequestID: id, Message: "[ERROR] " + typ + ": " + msg})
		status = "error " + fe.Name
	case runErr != nil:
		events = append(events, LogEvent{Timestamp: end, RequestID: id, Message: "[ERROR] " + runErr.Error()})
		status = "stopped"
	}
	events = append(events,
		LogEvent{Timestamp: end, RequestID: id, Message: "END RequestId: " + id},
		LogEvent{Timestamp: end, RequestID: id, Message: fmt.Sprintf("REPORT RequestId: %s Duration: %.2f ms Status: %s",
			id, float64(inv.Duration.Microseconds())/1000, status)})
	return b.append(name, events)
}

func (b *logBook) append(name string, events []LogEvent) error {
	if err := ValidName(name); err != nil {
		return err
	}
	day := events[0].Timestamp.UTC().Format(time.DateOnly)
	dir := filepath.Join(b.dir, name)
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if b.pruned[name] != day {
		b.prune(dir, events[0].Timestamp)
		if b.pruned == nil {
			b.pruned = map[string]string{}
		}
		b.pruned[name] = day
	}
	var sb strings.Builder
	for _, e := range events {
		msg := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, e.Message)
		fmt.Fprintf(&sb, "%s\t%s\t%s\n", e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00"), e.RequestID, msg)
	}
	f, err := os.OpenFile(filepath.Join(dir, day+".log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(sb.String()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// prune removes the day files older than the retention.
func (b *logBook) prune(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	oldest := now.UTC().Add(-b.retention).Format(time.DateOnly)
	for _, e := range entries {
		day, ok := strings.CutSuffix(e.Name(), ".log")
		if ok && len(day) == len(time.DateOnly) && day < oldest {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// read returns a function's log events that q selects, oldest first.
func (b *logBook) read(name string, q LogQuery) ([]LogEvent, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(b.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return []LogEvent{}, nil
	}
	if err != nil {
		return nil, err
	}
	var days []string
	since := q.Since.UTC().Format(time.DateOnly)
	for _, e := range entries {
		if day, ok := strings.CutSuffix(e.Name(), ".log"); ok && (q.Since.IsZero() || day >= since) {
			days = append(days, day)
		}
	}
	sort.Strings(days)
	out := []LogEvent{}
	for _, day := range days {
		if err := b.readDay(filepath.Join(b.dir, name, day+".log"), q, &out); err != nil {
			return nil, err
		}
	}
	// Invocations are written when they end: order by time.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Timestamp.Before(out[j].Timestamp) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out, nil
}

func (b *logBook) readDay(path string, q LogQuery, out *[]LogEvent) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4*lineLimit)
	for sc.Scan() {
		e, ok := parseLogLine(sc.Text())
		if !ok || (!q.Since.IsZero() && e.Timestamp.Before(q.Since)) || (q.RequestID != "" && e.RequestID != q.RequestID) {
			continue
		}
		*out = append(*out, e)
	}
	return sc.Err()
}

// parseLogLine parses a line of a day file; a line that is not one (a
// torn write) is skipped.
func parseLogLine(line string) (LogEvent, bool) {
	ts, rest, ok := strings.Cut(line, "\t")
	if !ok {
		return LogEvent{}, false
	}
	id, msg, ok := strings.Cut(rest, "\t")
	if !ok {
		return LogEvent{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return LogEvent{}, false
	}
	return LogEvent{Timestamp: t.UTC(), RequestID: id, Message: msg}, true
}
