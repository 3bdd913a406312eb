package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/workflow"
)

// RegisterTasks registers Step Functions' Athena integrations on reg:
// arn:aws:states:::athena:startQueryExecution (and .sync, which waits
// for the query), getQueryExecution, getQueryResults and
// stopQueryExecution, and their arn:aws:states:::aws-sdk:athena:
// equivalents. Requests and responses have the Athena API's shapes;
// invalid requests fail with Athena.InvalidRequestException.
func (s *Service) RegisterTasks(reg *workflow.Registry) error {
	for _, prefix := range []string{"arn:aws:states:::athena:", "arn:aws:states:::aws-sdk:athena:"} {
		for name, h := range map[string]workflow.TaskHandlerFunc{
			"startQueryExecution":      s.taskStart(false),
			"startQueryExecution.sync": s.taskStart(true),
			"getQueryExecution":        s.taskGet,
			"getQueryResults":          s.taskResults,
			"stopQueryExecution":       s.taskStop,
		} {
			if prefix == "arn:aws:states:::aws-sdk:athena:" && name == "startQueryExecution.sync" {
				continue // AWS SDK integrations have no .sync
			}
			if err := reg.Register(prefix+name, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// invalidRequest is Athena's error for a request it refuses.
func invalidRequest(format string, args ...any) error {
	return &workflow.TaskError{Name: "Athena.InvalidRequestException", Cause: fmt.Sprintf(format, args...)}
}

// taskError turns a service error into the task error Athena would give.
func taskError(err error) error {
	var te *workflow.TaskError
	if errors.As(err, &te) {
		return err
	}
	switch errs.KindOf(err) {
	case errs.Invalid, errs.NotFound, errs.Conflict:
		return &workflow.TaskError{Name: "Athena.InvalidRequestException", Cause: errs.Message(err)}
	}
	return &workflow.TaskError{Name: "Athena.InternalServerException", Cause: err.Error()}
}

// request reads a task's parameters as a JSON object.
func request(req *workflow.TaskRequest) (map[string]any, error) {
	m, ok := req.Input.(map[string]any)
	if !ok {
		return nil, invalidRequest("the parameters of %s must be a JSON object", req.Resource)
	}
	return m, nil
}

// executionRequest reads a request naming a query execution.
func executionRequest(req *workflow.TaskRequest) (map[string]any, string, error) {
	m, err := request(req)
	if err != nil {
		return nil, "", err
	}
	id := stringParam(m, "QueryExecutionId")
	if id == "" {
		return nil, "", invalidRequest("QueryExecutionId is required")
	}
	return m, id, nil
}

func stringParam(m map[string]any, path ...string) string {
	var cur any = m
	for _, p := range path {
		obj, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = obj[p]
	}
	s, _ := cur.(string)
	return s
}

func (s *Service) taskStart(sync bool) workflow.TaskHandlerFunc {
	return func(ctx context.Context, req *workflow.TaskRequest) (any, error) {
		m, err := request(req)
		if err != nil {
			return nil, err
		}
		q := stringParam(m, "QueryString")
		if q == "" {
			return nil, invalidRequest("QueryString is required")
		}
		id, err := s.Start(ctx, StartInput{
			Query:          q,
			Database:       stringParam(m, "QueryExecutionContext", "Database"),
			OutputLocation: stringParam(m, "ResultConfiguration", "OutputLocation"),
		})
		if err != nil {
			return nil, taskError(err)
		}
		if !sync {
			return map[string]any{"QueryExecutionId": id}, nil
		}
		stop := req.KeepAlive(time.Second) // the query runs: the task is alive
		e, err := s.Wait(ctx, id)
		stop()
		if err != nil {
			if ctx.Err() != nil {
				// The state timed out or the execution stopped: stop
				// the query too, as Step Functions does.
				s.Cancel(context.WithoutCancel(ctx), id)
			}
			return nil, taskError(err)
		}
		out := map[string]any{"QueryExecution": e.AthenaAPI()}
		if e.State != StateSucceeded {
			b, _ := json.Marshal(out)
			return nil, &workflow.TaskError{Name: "States.TaskFailed", Cause: string(b)}
		}
		return out, nil
	}
}

func (s *Service) taskGet(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	_, id, err := executionRequest(req)
	if err != nil {
		return nil, err
	}
	e, err := s.Get(ctx, id)
	if err != nil {
		return nil, taskError(err)
	}
	return map[string]any{"QueryExecution": e.AthenaAPI()}, nil
}

func (s *Service) taskStop(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	_, id, err := executionRequest(req)
	if err != nil {
		return nil, err
	}
	if err := s.Cancel(ctx, id); err != nil {
		return nil, taskError(err)
	}
	return map[string]any{}, nil
}

// taskResults answers GetQueryResults: for a query returning rows, the
// first page starts with a header row of the column names, as Athena's
// does.
func (s *Service) taskResults(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	m, id, err := executionRequest(req)
	if err != nil {
		return nil, err
	}
	max := 0
	if n, ok := m["MaxResults"].(json.Number); ok {
		i, err := n.Int64()
		if err != nil || i < 1 || i > MaxResultsPerPage {
			return nil, invalidRequest("MaxResults must be an integer from 1 to %d", MaxResultsPerPage)
		}
		max = int(i)
	}
	token := stringParam(m, "NextToken")
	page, err := s.Results(ctx, id, token, max)
	if err != nil {
		return nil, taskError(err)
	}
	var rows []any
	cell := func(v *string) any {
		if v == nil {
			return map[string]any{}
		}
		return map[string]any{"VarCharValue": *v}
	}
	if token == "" && len(page.Columns) > 0 {
		var hdr []any
		for _, c := range page.Columns {
			hdr = append(hdr, map[string]any{"VarCharValue": c.Name})
		}
		rows = append(rows, map[string]any{"Data": hdr})
	}
	for _, r := range page.Rows {
		var data []any
		for _, v := range r {
			data = append(data, cell(v))
		}
		rows = append(rows, map[string]any{"Data": data})
	}
	var cols []any
	for _, c := range page.Columns {
		cols = append(cols, map[string]any{
			"CatalogName": c.CatalogName, "SchemaName": c.SchemaName, "TableName": c.TableName, "Name": c.Name,
			"Label": c.Label, "Type": c.Type, "Precision": json.Number(strconv.Itoa(c.Precision)),
			"Scale": json.Number(strconv.Itoa(c.Scale)), "Nullable": c.Nullable, "CaseSensitive": c.CaseSensitive,
		})
	}
	if rows == nil {
		rows = []any{}
	}
	if cols == nil {
		cols = []any{}
	}
	out := map[string]any{
		"ResultSet":   map[string]any{"Rows": rows, "ResultSetMetadata": map[string]any{"ColumnInfo": cols}},
		"UpdateCount": json.Number(strconv.FormatInt(page.UpdateCount, 10)),
	}
	if page.NextToken != "" {
		out["NextToken"] = page.NextToken
	}
	return out, nil
}

// AthenaAPI returns e in the shape of Athena's GetQueryExecution
// QueryExecution, with JSON numbers as json.Number.
func (e *Execution) AthenaAPI() map[string]any {
	num := func(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }
	epoch := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	status := map[string]any{"State": string(e.State), "SubmissionDateTime": epoch(e.SubmissionTime)}
	if !e.CompletionTime.IsZero() {
		status["CompletionDateTime"] = epoch(e.CompletionTime)
	}
	if e.StateChangeReason != "" {
		status["StateChangeReason"] = e.StateChangeReason
	}
	if e.Error != nil {
		status["AthenaError"] = map[string]any{
			"ErrorCategory": num(int64(e.Error.ErrorCategory)), "ErrorType": num(int64(e.Error.ErrorType)),
			"Retryable": e.Error.Retryable, "ErrorMessage": e.Error.ErrorMessage,
		}
	}
	st := e.Statistics
	stats := map[string]any{
		"EngineExecutionTimeInMillis": num(st.EngineExecutionTimeMillis), "DataScannedInBytes": num(st.DataScannedInBytes),
		"TotalExecutionTimeInMillis": num(st.TotalExecutionTimeMillis), "QueryQueueTimeInMillis": num(st.QueryQueueTimeMillis),
		"QueryPlanningTimeInMillis": num(st.QueryPlanningTimeMillis),
	}
	if st.DataManifestLocation != "" {
		stats["DataManifestLocation"] = st.DataManifestLocation
	}
	out := map[string]any{
		"QueryExecutionId":      e.ID,
		"Query":                 e.Query,
		"StatementType":         e.StatementType,
		"ResultConfiguration":   map[string]any{"OutputLocation": e.OutputLocation},
		"QueryExecutionContext": map[string]any{"Database": e.Database, "Catalog": "AwsDataCatalog"},
		"Status":                status,
		"Statistics":            stats,
		"WorkGroup":             "primary",
		"EngineVersion":         map[string]any{"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
	}
	if e.SubstatementType != "" {
		out["SubstatementType"] = e.SubstatementType
	}
	return out
}
