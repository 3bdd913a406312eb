package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
)

// SendTaskSuccessInput answers a task token: Output is the task's result
// as JSON text, as in Step Functions' SendTaskSuccess.
type SendTaskSuccessInput struct {
	TaskToken string `json:"taskToken"`
	Output    string `json:"output"`
}

// SendTaskFailureInput fails the task waiting for a token with an error
// name (States.TaskFailed when empty) and cause.
type SendTaskFailureInput struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error,omitempty"`
	Cause     string `json:"cause,omitempty"`
}

// SendTaskHeartbeatInput names the token of a task whose work goes on.
type SendTaskHeartbeatInput struct {
	TaskToken string `json:"taskToken"`
}

func (s *Server) sendTaskSuccess(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	var in SendTaskSuccessInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.TaskToken == "" {
		return invalid("taskToken is required")
	}
	dec := json.NewDecoder(strings.NewReader(in.Output))
	dec.UseNumber()
	var output any
	if err := dec.Decode(&output); err != nil || dec.More() {
		return invalid("output must be JSON text, e.g. \"{\\\"approved\\\": true}\"")
	}
	if err := runs.SendTaskSuccess(r.Context(), in.TaskToken, output); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) sendTaskFailure(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	var in SendTaskFailureInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.TaskToken == "" {
		return invalid("taskToken is required")
	}
	if err := runs.SendTaskFailure(r.Context(), in.TaskToken, in.Error, in.Cause); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) sendTaskHeartbeat(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs()
	if err != nil {
		return err
	}
	var in SendTaskHeartbeatInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.TaskToken == "" {
		return invalid("taskToken is required")
	}
	if err := runs.SendTaskHeartbeat(r.Context(), in.TaskToken); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
