package workflow

import (
	"time"
)

// Event is one history event, in the shape of Step Functions'
// GetExecutionHistory: an id, the id of the event it follows, a type, and
// the details of that type.
type Event struct {
	ID              int64     `json:"id"`
	PreviousEventID int64     `json:"previousEventId"`
	Timestamp       time.Time `json:"timestamp"`
	Type            string    `json:"type"`
	// Details go under the member Step Functions names after the type
	// (stateEnteredEventDetails, taskFailedEventDetails, ...): see
	// DetailsKey.
	Details map[string]any `json:"-"`
}

// DetailsKey is the member that holds an event's details in
// GetExecutionHistory's JSON.
func (e Event) DetailsKey() string {
	switch e.Type {
	case "":
		return ""
	}
	if k, ok := detailsKeys[e.Type]; ok {
		return k
	}
	// XxxStateEntered / XxxStateExited share the state details.
	switch {
	case hasSuffix(e.Type, "StateEntered"):
		return "stateEnteredEventDetails"
	case hasSuffix(e.Type, "StateExited"):
		return "stateExitedEventDetails"
	}
	return lowerFirst(e.Type) + "EventDetails"
}

// detailsKeys are the event types whose details member is not simply
// the type's name.
var detailsKeys = map[string]string{
	"MapIterationStarted":   "mapIterationStartedEventDetails",
	"MapIterationSucceeded": "mapIterationSucceededEventDetails",
	"MapIterationFailed":    "mapIterationFailedEventDetails",
	"MapIterationAborted":   "mapIterationAbortedEventDetails",
	"MapStateStarted":       "mapStateStartedEventDetails",
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// MarshalMap returns the event as GetExecutionHistory gives it.
func (e Event) MarshalMap() map[string]any {
	m := map[string]any{
		"id":              e.ID,
		"previousEventId": e.PreviousEventID,
		"timestamp":       e.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		"type":            e.Type,
	}
	if e.Details != nil {
		m[e.DetailsKey()] = e.Details
	}
	return m
}
