package httpapi

import (
	"net/http"
	"strings"

	"github.com/weirdata/weir/internal/query"
)

// StartQueryInput is startQuery's body, with Athena's field names.
type StartQueryInput struct {
	QueryString string `json:"QueryString"`
	// Database is the default database of unqualified table names
	// (Athena's QueryExecutionContext.Database); "default" when empty.
	Database string `json:"Database,omitempty"`
	// OutputLocation overrides where the result file goes, s3://bucket/prefix/.
	OutputLocation string `json:"OutputLocation,omitempty"`
	// QueryExecutionContext and ResultConfiguration take the same two as
	// Athena's StartQueryExecution writes them, so its requests (and
	// the input of schedules' query targets) are taken as they are.
	QueryExecutionContext *QueryExecutionContext `json:"QueryExecutionContext,omitempty"`
	ResultConfiguration   *ResultConfiguration   `json:"ResultConfiguration,omitempty"`
}

// QueryExecutionContext is Athena's: the default database.
type QueryExecutionContext struct {
	Database string `json:"Database,omitempty"`
}

// ResultConfiguration is Athena's: where the result file goes.
type ResultConfiguration struct {
	OutputLocation string `json:"OutputLocation,omitempty"`
}

// start is the query to start: the flat fields, else Athena's.
func (in StartQueryInput) start() (query.StartInput, error) {
	out := query.StartInput{Query: in.QueryString, Database: in.Database, OutputLocation: in.OutputLocation}
	if c := in.QueryExecutionContext; c != nil && c.Database != "" {
		if out.Database != "" && out.Database != c.Database {
			return out, invalid("Database and QueryExecutionContext.Database differ; give one")
		}
		out.Database = c.Database
	}
	if c := in.ResultConfiguration; c != nil && c.OutputLocation != "" {
		if out.OutputLocation != "" && out.OutputLocation != c.OutputLocation {
			return out, invalid("OutputLocation and ResultConfiguration.OutputLocation differ; give one")
		}
		out.OutputLocation = c.OutputLocation
	}
	return out, nil
}

// StartQueryOutput is startQuery's answer.
type StartQueryOutput struct {
	QueryExecutionId string `json:"QueryExecutionId"`
}

// QueryExecution is a query execution as Athena's GetQueryExecution
// shows it.
type QueryExecution = query.Execution

// QueryList is a page of listQueries.
type QueryList struct {
	QueryExecutions []*QueryExecution `json:"queryExecutions"`
	NextToken       string            `json:"nextToken,omitempty"`
}

// QueryResults is a page of a result set; a NULL is a null cell.
type QueryResults struct {
	Columns     []query.ColumnInfo `json:"Columns"`
	Rows        [][]*string        `json:"Rows"`
	UpdateCount int64              `json:"UpdateCount"`
	NextToken   string             `json:"nextToken,omitempty"`
}

func (s *Server) queries() (Queries, error) {
	if s.svc.Queries == nil {
		return nil, unavailable("query executions")
	}
	return s.svc.Queries, nil
}

func (s *Server) startQuery(w http.ResponseWriter, r *http.Request) error {
	q, err := s.queries()
	if err != nil {
		return err
	}
	var in StartQueryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	start, err := in.start()
	if err != nil {
		return err
	}
	id, err := q.Start(r.Context(), start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, StartQueryOutput{QueryExecutionId: id})
	return nil
}

func (s *Server) listQueries(w http.ResponseWriter, r *http.Request) error {
	q, err := s.queries()
	if err != nil {
		return err
	}
	max, err := maxResults(r, 50, 1000)
	if err != nil {
		return err
	}
	opts := query.ListOptions{Limit: max, NextToken: r.URL.Query().Get("nextToken")}
	for _, st := range r.URL.Query()["state"] {
		state := query.State(strings.ToUpper(st))
		switch state {
		case query.StateQueued, query.StateRunning, query.StateSucceeded, query.StateFailed, query.StateCancelled:
		default:
			return invalid("state " + st + " is not a query state: use QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED")
		}
		opts.States = append(opts.States, state)
	}
	xs, next, err := q.List(r.Context(), opts)
	if err != nil {
		return err
	}
	if xs == nil {
		xs = []*query.Execution{}
	}
	writeJSON(w, http.StatusOK, QueryList{QueryExecutions: xs, NextToken: next})
	return nil
}

func (s *Server) getQuery(w http.ResponseWriter, r *http.Request) error {
	q, err := s.queries()
	if err != nil {
		return err
	}
	x, err := q.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *Server) getQueryResults(w http.ResponseWriter, r *http.Request) error {
	q, err := s.queries()
	if err != nil {
		return err
	}
	max, err := maxResults(r, query.MaxResultsPerPage, query.MaxResultsPerPage)
	if err != nil {
		return err
	}
	p, err := q.Results(r.Context(), r.PathValue("id"), r.URL.Query().Get("nextToken"), max)
	if err != nil {
		return err
	}
	out := QueryResults{Columns: p.Columns, Rows: p.Rows, UpdateCount: p.UpdateCount, NextToken: p.NextToken}
	if out.Columns == nil {
		out.Columns = []query.ColumnInfo{}
	}
	if out.Rows == nil {
		out.Rows = [][]*string{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) cancelQuery(w http.ResponseWriter, r *http.Request) error {
	q, err := s.queries()
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := q.Cancel(r.Context(), id); err != nil {
		return err
	}
	x, err := q.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}
