package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/workflow"
)

// arnPrefix is the ARN prefix of weir's state machines and executions.
const arnPrefix = "arn:aws:states:us-east-1:000000000000:"

// StateMachineArn returns the ARN weir gives the state machine name.
func StateMachineArn(name string) string { return arnPrefix + "stateMachine:" + name }

// ExecutionArn returns the ARN weir gives an execution of machine.
func ExecutionArn(machine, name string) string {
	return arnPrefix + "execution:" + machine + ":" + name
}

// ResolveExecution reads an execution reference: its ARN or MACHINE:NAME.
func ResolveExecution(ref string) (string, error) {
	if strings.HasPrefix(ref, "arn:") {
		return ref, nil
	}
	machine, name, ok := strings.Cut(ref, ":")
	if !ok || machine == "" || name == "" {
		return "", errs.Errorf("httpapi.ResolveExecution", errs.Invalid, "%q is not an execution: give its ARN or MACHINE:NAME", ref)
	}
	return ExecutionArn(machine, name), nil
}

// StateMachine is a stored state machine, with Step Functions' field
// names (DescribeStateMachine).
type StateMachine struct {
	Name            string    `json:"name"`
	StateMachineArn string    `json:"stateMachineArn"`
	Definition      string    `json:"definition,omitempty"`
	Type            string    `json:"type"`
	Status          string    `json:"status"`
	CreationDate    time.Time `json:"creationDate"`
	UpdateDate      time.Time `json:"updateDate"`
}

// StateMachineInput stores a definition (JSON or YAML text). ${NAME} and
// #{NAME} placeholders are replaced with Substitutions (and AWS::Region,
// AWS::AccountId, AWS::Partition with weir's) before it is validated.
type StateMachineInput struct {
	Name          string            `json:"name,omitempty"`
	Definition    string            `json:"definition"`
	Substitutions map[string]string `json:"substitutions,omitempty"`
}

// StateMachineList is a page of listStateMachines (without definitions).
type StateMachineList struct {
	StateMachines []StateMachine `json:"stateMachines"`
	NextToken     string         `json:"nextToken,omitempty"`
}

// ValidateInput is validateStateMachine's body.
type ValidateInput struct {
	Definition string `json:"definition"`
}

// ValidateOutput lists a definition's problems, errors first, as
// ValidateStateMachineDefinition does; Result is OK or FAIL.
type ValidateOutput struct {
	Result      string           `json:"result"`
	Diagnostics []asl.Diagnostic `json:"diagnostics"`
}

func (s *Server) stateMachines() (StateMachines, error) {
	if s.svc.StateMachines == nil {
		return nil, unavailable("state machines")
	}
	return s.svc.StateMachines, nil
}

func stateMachineOf(m *StoredStateMachine, definition bool) StateMachine {
	out := StateMachine{Name: m.Name, StateMachineArn: StateMachineArn(m.Name), Type: "STANDARD", Status: "ACTIVE",
		CreationDate: m.Created.UTC(), UpdateDate: m.Updated.UTC()}
	if definition {
		out.Definition = m.Definition
	}
	return out
}

// putStateMachine substitutes and validates a definition and stores it.
func (s *Server) putStateMachine(w http.ResponseWriter, r *http.Request, name string, replace bool) error {
	sms, err := s.stateMachines()
	if err != nil {
		return err
	}
	var in StateMachineInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if name == "" {
		name = in.Name
	} else if in.Name != "" && in.Name != name {
		return invalid("a state machine cannot be renamed: name " + in.Name + " differs from " + name + " in the path")
	}
	if name == "" {
		return invalid("the state machine's name is missing: give \"name\"")
	}
	if strings.TrimSpace(in.Definition) == "" {
		return invalid("the definition is missing: give \"definition\", the state machine's JSON or YAML text")
	}
	text := workflow.Substitute(in.Definition, in.Substitutions)
	if _, err := asl.Parse([]byte(text)); err != nil {
		return err
	}
	if err := sms.PutStateMachine(r.Context(), name, text, replace); err != nil {
		return err
	}
	m, err := sms.GetStateMachine(r.Context(), name)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !replace {
		status = http.StatusCreated
	}
	writeJSON(w, status, stateMachineOf(m, true))
	return nil
}

func (s *Server) createStateMachine(w http.ResponseWriter, r *http.Request) error {
	return s.putStateMachine(w, r, "", false)
}

func (s *Server) updateStateMachine(w http.ResponseWriter, r *http.Request) error {
	return s.putStateMachine(w, r, r.PathValue("name"), true)
}

func (s *Server) listStateMachines(w http.ResponseWriter, r *http.Request) error {
	sms, err := s.stateMachines()
	if err != nil {
		return err
	}
	list, err := sms.ListStateMachines(r.Context())
	if err != nil {
		return err
	}
	out := StateMachineList{}
	out.StateMachines, out.NextToken, err = listPage(r, list, func(m *StoredStateMachine) string { return m.Name },
		func(m *StoredStateMachine) StateMachine { return stateMachineOf(m, false) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getStateMachine(w http.ResponseWriter, r *http.Request) error {
	sms, err := s.stateMachines()
	if err != nil {
		return err
	}
	m, err := sms.GetStateMachine(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stateMachineOf(m, true))
	return nil
}

func (s *Server) deleteStateMachine(w http.ResponseWriter, r *http.Request) error {
	sms, err := s.stateMachines()
	if err != nil {
		return err
	}
	if err := sms.DeleteStateMachine(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) validateStateMachine(w http.ResponseWriter, r *http.Request) error {
	var in ValidateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	_, diags := asl.Validate([]byte(in.Definition))
	out := ValidateOutput{Result: "OK", Diagnostics: []asl.Diagnostic{}}
	for _, d := range diags {
		out.Diagnostics = append(out.Diagnostics, d)
		if d.Severity != "WARNING" {
			out.Result = "FAIL"
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Execution is an execution as DescribeExecution shows it, with its input
// and output as JSON values.
type Execution struct {
	ExecutionArn    string    `json:"executionArn"`
	StateMachineArn string    `json:"stateMachineArn"`
	StateMachine    string    `json:"stateMachine"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	StartDate       time.Time `json:"startDate"`
	StopDate        time.Time `json:"stopDate,omitzero"`
	Input           any       `json:"input"`
	Output          any       `json:"output,omitempty"`
	Error           string    `json:"error,omitempty"`
	Cause           string    `json:"cause,omitempty"`
	RedriveCount    int       `json:"redriveCount"`
}

// ExecutionOf converts a workflow execution.
func ExecutionOf(x *workflow.Execution) Execution {
	out := Execution{ExecutionArn: x.ARN, StateMachineArn: x.StateMachineARN, StateMachine: x.Machine, Name: x.Name,
		Status: string(x.Status), StartDate: x.StartDate.UTC(), Input: x.Input, Error: x.Error, Cause: x.Cause, RedriveCount: x.RedriveCount}
	if !x.StopDate.IsZero() {
		out.StopDate = x.StopDate.UTC()
	}
	if x.Status == workflow.StatusSucceeded {
		out.Output = x.Output
	}
	return out
}

// StartExecutionInput is startExecution's body. StateMachine is a stored
// machine's name or ARN; Name defaults to a UUID; Input to {}.
type StartExecutionInput struct {
	StateMachine string `json:"stateMachine"`
	Name         string `json:"name,omitempty"`
	Input        any    `json:"input,omitempty"`
}

// StopExecutionInput is stopExecution's optional body.
type StopExecutionInput struct {
	Cause string `json:"cause,omitempty"`
}

// ExecutionList is a page of listExecutions.
type ExecutionList struct {
	Executions []Execution `json:"executions"`
	NextToken  string      `json:"nextToken,omitempty"`
}

// HistoryEvent is one history event, as GetExecutionHistory gives it:
// id, previousEventId, timestamp, type and a details object named after
// the type (e.g. stateEnteredEventDetails).
type HistoryEvent map[string]any

// History is a page of an execution's history.
type History struct {
	Events    []HistoryEvent `json:"events"`
	NextToken string         `json:"nextToken,omitempty"`
}

func (s *Server) executions() (Executions, error) {
	if s.svc.Executions == nil {
		return nil, unavailable("executions")
	}
	return s.svc.Executions, nil
}

func (s *Server) runs() (ExecutionRunner, error) {
	if s.svc.Runs == nil {
		return nil, unavailable("starting and steering executions")
	}
	return s.svc.Runs, nil
}

func (s *Server) startExecution(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	var in StartExecutionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	machine := in.StateMachine
	if i := strings.LastIndex(machine, ":stateMachine:"); strings.HasPrefix(machine, "arn:") && i >= 0 {
		machine = machine[i+len(":stateMachine:"):]
	}
	if machine == "" {
		return invalid("stateMachine is missing: give the name (or ARN) of a stored state machine")
	}
	if in.Input == nil {
		in.Input = map[string]any{}
	}
	x, created, err := runs.Start(r.Context(), machine, in.Name, in.Input)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, ExecutionOf(x))
	return nil
}

func (s *Server) listExecutions(w http.ResponseWriter, r *http.Request) error {
	xs, err := s.executions()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	status := workflow.Status(strings.ToUpper(q.Get("status")))
	switch status {
	case "", workflow.StatusRunning, workflow.StatusSucceeded, workflow.StatusFailed, workflow.StatusTimedOut, workflow.StatusAborted:
	default:
		return invalid(fmt.Sprintf("status %q is not an execution status: use RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED", q.Get("status")))
	}
	list, err := xs.ListExecutions(r.Context(), workflow.ListFilter{Machine: q.Get("stateMachine"), Status: status})
	if err != nil {
		return err
	}
	out := ExecutionList{}
	out.Executions, out.NextToken, err = listPage(r, list, func(x *workflow.Execution) string { return x.ARN }, func(x *workflow.Execution) Execution {
		e := ExecutionOf(x)
		e.Input, e.Output = nil, nil // as ListExecutions: describe an execution for them
		return e
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// execution resolves the execution a request's path names.
func (s *Server) execution(r *http.Request) (Executions, string, error) {
	xs, err := s.executions()
	if err != nil {
		return nil, "", err
	}
	arn, err := ResolveExecution(r.PathValue("execution"))
	return xs, arn, err
}

func (s *Server) describeExecution(w http.ResponseWriter, r *http.Request) error {
	xs, arn, err := s.execution(r)
	if err != nil {
		return err
	}
	x, err := xs.GetExecution(r.Context(), arn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ExecutionOf(x))
	return nil
}

func (s *Server) executionHistory(w http.ResponseWriter, r *http.Request) error {
	xs, arn, err := s.execution(r)
	if err != nil {
		return err
	}
	max, err := maxResults(r, 1000, 1000)
	if err != nil {
		return err
	}
	events, err := xs.History(r.Context(), arn)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("reverseOrder") == "true" {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	events, next, err := page(events, func(e workflow.Event) string { return strconv.FormatInt(e.ID, 10) }, r.URL.Query().Get("nextToken"), max)
	if err != nil {
		return err
	}
	out := History{Events: []HistoryEvent{}, NextToken: next}
	for _, e := range events {
		out.Events = append(out.Events, e.MarshalMap())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// MapRunList is the answer of listMapRuns.
type MapRunList struct {
	MapRuns []workflow.MapRun `json:"mapRuns"`
}

func (s *Server) listMapRuns(w http.ResponseWriter, r *http.Request) error {
	xs, arn, err := s.execution(r)
	if err != nil {
		return err
	}
	events, err := xs.History(r.Context(), arn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MapRunList{MapRuns: workflow.MapRuns(arn, events)})
	return nil
}

func (s *Server) stopExecution(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	var in StopExecutionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	arn, err := ResolveExecution(r.PathValue("execution"))
	if err != nil {
		return err
	}
	if in.Cause == "" {
		in.Cause = "Stopped through the API"
	}
	x, err := runs.Stop(r.Context(), arn, in.Cause)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ExecutionOf(x))
	return nil
}

func (s *Server) redriveExecution(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	arn, err := ResolveExecution(r.PathValue("execution"))
	if err != nil {
		return err
	}
	x, err := runs.Redrive(r.Context(), arn)
	if err != nil {
		if errors.Is(err, workflow.ErrExecutionNotRedrivable) {
			return err
		}
		return fmt.Errorf("redrive %s: %w", arn, err)
	}
	writeJSON(w, http.StatusOK, ExecutionOf(x))
	return nil
}
