package httpapi

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/function"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/workflow"
)

// Services are what the API serves. A nil field answers its routes with
// 503 Unavailable.
type Services struct {
	Lake          Lake
	Catalog       Catalog
	Queries       Queries
	Crawlers      Crawlers
	Functions     Functions
	StateMachines StateMachines
	Executions    Executions
	Runs          ExecutionRunner
	Schedules     Schedules
	Triggers      Triggers
}

// Lake is the object store (lake.Store).
type Lake interface {
	Bucket(ctx context.Context, name string) (lake.Bucket, error)
	CreateBucket(ctx context.Context, name string) (lake.Bucket, error)
	ListBuckets(ctx context.Context) ([]lake.BucketInfo, error)
	DeleteBucket(ctx context.Context, name string) error
}

// Catalog is the part of catalog.Store the API reads.
type Catalog interface {
	ListDatabases(ctx context.Context) ([]*catalog.Database, error)
	GetDatabase(ctx context.Context, name string) (*catalog.Database, error)
	ListTables(ctx context.Context, db string) ([]*catalog.Table, error)
	GetTable(ctx context.Context, db, name string) (*catalog.Table, error)
	ListPartitions(ctx context.Context, db, table string) ([]*catalog.Partition, error)
}

// Queries are Athena-style query executions (query.Service).
type Queries interface {
	Start(ctx context.Context, in query.StartInput) (string, error)
	Get(ctx context.Context, id string) (*query.Execution, error)
	List(ctx context.Context, opts query.ListOptions) ([]*query.Execution, string, error)
	Results(ctx context.Context, id, token string, max int) (*query.ResultPage, error)
	Cancel(ctx context.Context, id string) error
}

// Crawlers are Glue-style crawlers. Start must run the crawl (in the
// background) as well as start it, as StartCrawler does.
type Crawlers interface {
	Create(ctx context.Context, c *crawler.Crawler) error
	Get(ctx context.Context, name string) (*crawler.Crawler, error)
	List(ctx context.Context) ([]*crawler.Crawler, error)
	Update(ctx context.Context, name string, fn func(c *crawler.Crawler) error) error
	Delete(ctx context.Context, name string) error
	Start(ctx context.Context, name string) (*crawler.Crawler, error)
	Stop(ctx context.Context, name string) error
}

// Functions are user functions (function.Service).
type Functions interface {
	Create(ctx context.Context, f *function.Function) error
	Get(ctx context.Context, name string) (*function.Function, error)
	List(ctx context.Context) ([]*function.Function, error)
	Update(ctx context.Context, name string, fn func(f *function.Function) error) error
	Delete(ctx context.Context, name string) error
	Invoke(ctx context.Context, name string, event any) (*function.Invocation, error)
	Logs(ctx context.Context, name string, q function.LogQuery) ([]function.LogEvent, error)
}

// StoredStateMachine is a stored state machine as StateMachines returns it.
type StoredStateMachine struct {
	Name       string
	Definition string
	Created    time.Time
	Updated    time.Time
}

// StateMachines stores state machine definitions. Put stores the
// definition text as given (the API validates and substitutes it
// first); replace false fails with an errs.Exists error for a name in
// use, true with errs.NotFound for a missing one.
type StateMachines interface {
	PutStateMachine(ctx context.Context, name, definition string, replace bool) error
	GetStateMachine(ctx context.Context, name string) (*StoredStateMachine, error)
	ListStateMachines(ctx context.Context) ([]*StoredStateMachine, error)
	DeleteStateMachine(ctx context.Context, name string) error
}

// Executions reads durable executions (the metastore's workflow store).
type Executions interface {
	GetExecution(ctx context.Context, arn string) (*workflow.Execution, error)
	ListExecutions(ctx context.Context, f workflow.ListFilter) ([]*workflow.Execution, error)
	History(ctx context.Context, arn string) ([]workflow.Event, error)
}

// ExecutionRunner starts and steers executions in the serving process:
// each returns once the change is recorded, while the execution runs on
// in the background.
type ExecutionRunner interface {
	// Start creates an execution of the stored machine and runs it; the
	// same name and input returns the existing one with created false
	// while it runs (workflow.StartedAgain).
	Start(ctx context.Context, machine, name string, input any) (x *workflow.Execution, created bool, err error)
	// Stop aborts a running execution with cause.
	Stop(ctx context.Context, arn, cause string) (*workflow.Execution, error)
	// Redrive runs a failed, timed-out or aborted execution again from
	// the state that did not succeed.
	Redrive(ctx context.Context, arn string) (*workflow.Execution, error)
	// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat answer the
	// token of a callback task (.waitForTaskToken).
	SendTaskSuccess(ctx context.Context, token string, output any) error
	SendTaskFailure(ctx context.Context, token, errorName, cause string) error
	SendTaskHeartbeat(ctx context.Context, token string) error
}
