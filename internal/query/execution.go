package query

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

// State is the state of a query execution.
type State string

// The execution states, as Athena names them.
const (
	StateQueued    State = "QUEUED"
	StateRunning   State = "RUNNING"
	StateSucceeded State = "SUCCEEDED"
	StateFailed    State = "FAILED"
	StateCancelled State = "CANCELLED"
)

// Terminal reports whether no further transition can leave s.
func (s State) Terminal() bool {
	return s == StateSucceeded || s == StateFailed || s == StateCancelled
}

// Event is something that happens to an execution.
type Event string

// The execution events.
const (
	EventStart   Event = "start"
	EventSucceed Event = "succeed"
	EventFail    Event = "fail"
	EventCancel  Event = "cancel"
)

// ErrInvalidTransition is returned when an event does not apply to an
// execution's current state.
var ErrInvalidTransition = errs.E("", errs.Conflict, errors.New("invalid state transition"))

// transitions is the execution state machine: from each state, the state
// each event leads to. Events missing from a state's row are illegal there.
var transitions = map[State]map[Event]State{
	StateQueued: {
		EventStart:  StateRunning,
		EventCancel: StateCancelled,
		EventFail:   StateFailed, // rejected before it ran (syntax error, shutdown)
	},
	StateRunning: {
		EventSucceed: StateSucceeded,
		EventFail:    StateFailed,
		EventCancel:  StateCancelled,
	},
}

// Transition returns the state event leads to from from, or an error
// wrapping ErrInvalidTransition.
func Transition(from State, event Event) (State, error) {
	to, ok := transitions[from][event]
	if !ok {
		return from, fmt.Errorf("%w from %v: %v", ErrInvalidTransition, from, event)
	}
	return to, nil
}

// Execution is one query execution, shaped like Athena's QueryExecution.
type Execution struct {
	ID               string `json:"QueryExecutionId"`
	Query            string `json:"Query"`            // the statement as submitted
	StatementType    string `json:"StatementType"`    // DDL, DML or UTILITY
	SubstatementType string `json:"SubstatementType"` // e.g. SELECT, INSERT, CREATE_TABLE_AS_SELECT
	Database         string `json:"Database"`         // QueryExecutionContext.Database
	Catalog          string `json:"Catalog"`          // QueryExecutionContext.Catalog
	WorkGroup        string `json:"WorkGroup"`
	OutputLocation   string `json:"OutputLocation"` // the result file, s3://.../<id>.csv

	State             State        `json:"State"`
	StateChangeReason string       `json:"StateChangeReason,omitempty"`
	Error             *AthenaError `json:"AthenaError,omitempty"` // set when FAILED or CANCELLED
	SubmissionTime    time.Time    `json:"SubmissionDateTime"`
	StartTime         time.Time    `json:"StartDateTime,omitzero"` // when it began RUNNING
	CompletionTime    time.Time    `json:"CompletionDateTime,omitzero"`

	Statistics Statistics `json:"Statistics"`

	// CancelRequested is set by a cancel that may come from another
	// process; the process running the execution acts on it.
	CancelRequested bool `json:"CancelRequested,omitempty"`
}

// Statistics are an execution's measurements, as in Athena's
// QueryExecutionStatistics.
type Statistics struct {
	EngineExecutionTimeMillis int64  `json:"EngineExecutionTimeInMillis"`
	QueryQueueTimeMillis      int64  `json:"QueryQueueTimeInMillis"`
	QueryPlanningTimeMillis   int64  `json:"QueryPlanningTimeInMillis"`
	TotalExecutionTimeMillis  int64  `json:"TotalExecutionTimeInMillis"`
	DataScannedInBytes        int64  `json:"DataScannedInBytes"`             // bytes of the files the query read
	DataManifestLocation      string `json:"DataManifestLocation,omitempty"` // for writes: the manifest of written files
	ResultRows                int64  `json:"ResultRows"`                     // rows in the result set
	UpdateCount               int64  `json:"UpdateCount"`                    // rows written by CTAS, INSERT or UNLOAD
}

// Clone returns a copy of e.
func (e *Execution) Clone() *Execution {
	c := *e
	if e.Error != nil {
		ae := *e.Error
		c.Error = &ae
	}
	return &c
}

// ErrExecutionNotFound is returned for an unknown execution id.
var ErrExecutionNotFound = errs.E("", errs.NotFound, errors.New("query execution does not exist"))

// ListOptions selects executions to list.
type ListOptions struct {
	Limit     int     // at most this many; 0 means 50
	NextToken string  // from a previous page
	States    []State // only executions in these states; all if empty
}

// ExecutionStore keeps executions durably.
type ExecutionStore interface {
	CreateExecution(ctx context.Context, e *Execution) error
	// UpdateExecution replaces an execution's record.
	UpdateExecution(ctx context.Context, e *Execution) error
	// GetExecution fails with ErrExecutionNotFound for unknown ids.
	GetExecution(ctx context.Context, id string) (*Execution, error)
	// ListExecutions returns executions newest first, and a token for the
	// next page ("" on the last page).
	ListExecutions(ctx context.Context, opts ListOptions) ([]*Execution, string, error)
	// RequestCancel marks an execution for cancellation. It may be called
	// by another process than the one running the execution.
	RequestCancel(ctx context.Context, id string) error
}

// WriteCommit is the publish step of a staged write: the catalog changes
// and file moves that make it visible, committed together.
type WriteCommit struct {
	QueryID     string
	CreateTable *catalog.Table // CTAS: the new table
	// Database and Table name the table that AddPartitions belong to.
	Database, Table string
	// AddPartitions are registered unless their values already exist.
	AddPartitions []*catalog.Partition
	Moves         []FileMove
}

// FileMove moves a staged local file to its place in the lake.
type FileMove struct {
	From string // local path in the staging directory
	To   string // s3://bucket/key
}

// WriteJournal records staged writes so that a crash between committing a
// write's catalog changes and moving its files is finished on restart.
type WriteJournal interface {
	// CommitWrite applies c's catalog changes and records its moves in one
	// transaction. It fails with catalog.ErrTableExists if CreateTable
	// exists and changes nothing.
	CommitWrite(ctx context.Context, c *WriteCommit) error
	// FinishWrite forgets a committed write once its files are moved.
	FinishWrite(ctx context.Context, queryID string) error
	// PendingWrites returns committed writes not yet finished.
	PendingWrites(ctx context.Context) ([]*WriteCommit, error)
}

// Store is everything the query service keeps durably.
type Store interface {
	ExecutionStore
	WriteJournal
}
