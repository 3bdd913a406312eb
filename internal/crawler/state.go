package crawler

import (
	"errors"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// State is a crawler's state, as Glue reports it.
type State string

// The crawler states.
const (
	StateReady    State = "READY"
	StateRunning  State = "RUNNING"
	StateStopping State = "STOPPING"
)

// Status is how a crawl ended.
type Status string

// The crawl outcomes (LastCrawl.Status).
const (
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusCancelled Status = "CANCELLED"
)

// LastCrawl describes the latest finished crawl.
type LastCrawl struct {
	CrawlID        string    `json:"CrawlId"`
	Status         Status    `json:"Status"`
	ErrorMessage   string    `json:"ErrorMessage,omitempty"`
	StartTime      time.Time `json:"StartTime"`
	EndTime        time.Time `json:"EndTime"`
	DurationMillis int64     `json:"DurationMillis"`
	Summary
	// Warnings are what the crawl skipped or could not do (empty or
	// unreadable files, folders that did not fit a table), at most
	// maxWarnings of them.
	Warnings []string `json:"Warnings,omitempty"`
}

// Summary counts what a crawl changed in the catalog.
type Summary struct {
	TablesCreated     int `json:"TablesCreated"`
	TablesUpdated     int `json:"TablesUpdated"`
	TablesDeleted     int `json:"TablesDeleted"`
	PartitionsAdded   int `json:"PartitionsAdded"`
	PartitionsUpdated int `json:"PartitionsUpdated"`
	PartitionsRemoved int `json:"PartitionsRemoved"`
}

// Event is something that happens to a crawler.
type Event string

// The events of the state machine.
const (
	EventStart  Event = "start"
	EventStop   Event = "stop"
	EventFinish Event = "finish"
)

// Errors of the crawler lifecycle. The first three carry Glue's exception
// names, which callers such as state machines match on.
var (
	ErrCrawlerRunning    = errs.E("", errs.Conflict, errors.New("CrawlerRunningException: the crawler is already running"))
	ErrCrawlerNotRunning = errs.E("", errs.Conflict, errors.New("CrawlerNotRunningException: the crawler is not running"))
	ErrCrawlerStopping   = errs.E("", errs.Conflict, errors.New("CrawlerStoppingException: the crawler is stopping"))
	ErrCrawlerNotFound   = errs.E("", errs.NotFound, errors.New("EntityNotFoundException: crawler does not exist"))
	ErrCrawlerExists     = errs.E("", errs.Exists, errors.New("AlreadyExistsException: crawler already exists"))
	// ErrInvalidTransition is an event the state table does not allow.
	ErrInvalidTransition = errs.E("", errs.Internal, errors.New("invalid crawler state transition"))
)

// notFoundError is ErrCrawlerNotFound naming the crawler.
type notFoundError string

func (e notFoundError) Error() string {
	return "EntityNotFoundException: crawler " + string(e) + " does not exist"
}

func (e notFoundError) Unwrap() error { return ErrCrawlerNotFound }

// transition is one row of the state table: from any of Sources, the
// event leads to Destination.
type transition struct {
	Sources     []State
	Destination State
}

// transitions is the crawler state table (Glue: READY → RUNNING →
// STOPPING → READY).
var transitions = map[Event]transition{
	EventStart:  {Sources: []State{StateReady}, Destination: StateRunning},
	EventStop:   {Sources: []State{StateRunning}, Destination: StateStopping},
	EventFinish: {Sources: []State{StateRunning, StateStopping}, Destination: StateReady},
}

// refusals are the Glue exceptions for events a state does not allow.
var refusals = map[Event]map[State]error{
	EventStart: {StateRunning: ErrCrawlerRunning, StateStopping: ErrCrawlerRunning},
	EventStop:  {StateReady: ErrCrawlerNotRunning, StateStopping: ErrCrawlerStopping},
}

// Apply returns the state event leads to from s, or an error (a Glue
// exception where Glue has one, else ErrInvalidTransition) that leaves
// the state as it was.
func (s State) Apply(ev Event) (State, error) {
	tr, ok := transitions[ev]
	if ok {
		for _, src := range tr.Sources {
			if src == s {
				return tr.Destination, nil
			}
		}
	}
	if err, ok := refusals[ev][s]; ok {
		return s, err
	}
	return s, fmt.Errorf("%w from %v: %v", ErrInvalidTransition, s, ev)
}
