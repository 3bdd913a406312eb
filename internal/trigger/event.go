package trigger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/schedule"
)

// Event is an EventBridge event: the envelope every AWS service event
// has, and the source's detail. See docs/triggers.md for each source's
// detail.
type Event struct {
	Version    string         `json:"version"`
	ID         string         `json:"id"`
	DetailType string         `json:"detail-type"`
	Source     string         `json:"source"`
	Account    string         `json:"account"`
	Time       string         `json:"time"` // RFC 3339 UTC with milliseconds
	Region     string         `json:"region"`
	Resources  []string       `json:"resources"`
	Detail     map[string]any `json:"detail"`
}

// Due is an event read from a state-change source and waiting to fire.
type Due struct {
	FireTime time.Time `json:"FireTime"`
	Event    Event     `json:"Event"`
}

// RunState is what a Watcher reports of a crawl, a query execution or a
// state machine execution.
type RunState struct {
	// Seq orders queries and executions as they were created.
	Seq int64
	// ID is the query id, the execution ARN or the crawl id.
	ID string
	// Name is the crawler, the state machine, or the query's database.
	Name  string
	State string
	// Time is when the run reached State (its end), or its start while
	// it is open.
	Time time.Time
	// Event is the event the source service sends when the run ends:
	// DetailType, Source, Resources and Detail set.
	Event Event
}

// Object is a lake object a trigger has seen.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time
	// Pending is set on objects seen but not yet passed to a firing.
	Pending bool
	// Seen is when the Engine first saw this version of the object.
	Seen time.Time
}

// eventTime formats t as events do.
func eventTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// eventID returns a stable id for what parts name: the same firing gets
// the same id after a restart.
func eventID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// envelope fills in the common fields of ev.
func envelope(ev Event, t time.Time, idParts ...string) Event {
	ev.Version, ev.Account, ev.Region = "0", "000000000000", "us-east-1"
	ev.Time = eventTime(t)
	ev.ID = eventID(idParts...)
	if ev.Resources == nil {
		ev.Resources = []string{}
	}
	return ev
}

// objectsEvent is the event of a lake batch: S3's EventBridge "Object
// Created" event, with all the batch's objects in detail.objects; a
// batch of one also has S3's detail.object.
func objectsEvent(t *Trigger, fire time.Time, objs []Object) Event {
	list := make([]map[string]any, len(objs))
	for i, o := range objs {
		list[i] = map[string]any{"key": o.Key, "size": o.Size, "last-modified": eventTime(o.ModTime)}
	}
	detail := map[string]any{
		"version":   "0",
		"bucket":    map[string]any{"name": t.Source.Bucket},
		"prefix":    t.Source.Prefix,
		"objects":   list,
		"reason":    "PutObject",
		"requester": "weir",
	}
	if len(list) == 1 {
		detail["object"] = list[0]
	}
	ev := Event{DetailType: "Object Created", Source: "aws.s3", Resources: []string{"arn:aws:s3:::" + t.Source.Bucket}, Detail: detail}
	return envelope(ev, fire, t.Name, fmt.Sprint(t.Generation), fire.UTC().Format(time.RFC3339Nano))
}

// sampleEvent is an event of t's source, to check t's input template.
func sampleEvent(t *Trigger) Event {
	if t.Source.Kind == SourceLake {
		return objectsEvent(t, t.Created, []Object{{Key: t.Source.Prefix + "x", ModTime: t.Created}})
	}
	return envelope(Event{DetailType: "sample", Source: "weir", Detail: map[string]any{}}, t.Created, t.Name)
}

// ExpandInput returns the target input of t for ev:
//
//   - a state machine or a function gets the event itself when t has no
//     input, and otherwise t's input with EventBridge's predefined variables
//     replaced: <aws.events.event.json> (the whole event, JSON),
//     <aws.events.event> (the event without its detail, JSON),
//     <aws.events.rule-name>, <aws.events.rule-arn> and
//     <aws.events.event.ingestion-time> (text);
//   - a query gets t's input (its Database and OutputLocation) with the
//     text variables replaced; the event does not go to a query;
//   - a crawler takes no input.
func ExpandInput(t *Trigger, ev Event) (string, error) {
	takesEvent := t.Target.Kind == schedule.TargetStateMachine || t.Target.Kind == schedule.TargetFunction
	if takesEvent && strings.TrimSpace(t.Input) == "" {
		b, err := json.Marshal(ev)
		return string(b), err
	}
	full, err := json.Marshal(ev)
	if err != nil {
		return "", err
	}
	short := ev
	short.Detail = nil
	bare, err := json.Marshal(struct {
		Event
		Detail struct{} `json:"detail,omitzero"`
	}{Event: short})
	if err != nil {
		return "", err
	}
	text := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	in := strings.NewReplacer(
		"<aws.events.event.json>", string(full),
		"<aws.events.event.ingestion-time>", text(ev.Time),
		"<aws.events.event>", string(bare),
		"<aws.events.rule-name>", text(t.Name),
		"<aws.events.rule-arn>", text(ARN(t.Name)),
	).Replace(t.Input)
	if strings.TrimSpace(in) == "" {
		return "", nil
	}
	var v any
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		return "", errs.Errorf("trigger", errs.Invalid, "input %s is not JSON once its variables are filled in: %v; put <aws.events.event.json> where a JSON value goes, e.g. {\"event\": <aws.events.event.json>}", t.Input, err)
	}
	switch t.Target.Kind {
	case schedule.TargetCrawler:
		if m, ok := v.(map[string]any); !ok || len(m) != 0 {
			return "", errs.Errorf("trigger", errs.Invalid, "a crawler target takes no input: leave --input out")
		}
	case schedule.TargetQuery:
		if _, err := schedule.ParseQueryInput(in); err != nil {
			return "", errs.Errorf("trigger", errs.Invalid, "%s", errs.Message(err))
		}
	}
	return in, nil
}
