package httpapi_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/asl"
	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/httpapi"
	"github.com/weirdata/weir/internal/lake"
	"github.com/weirdata/weir/internal/workflow"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.golden.json")

func TestOpenAPIGolden(t *testing.T) {
	srv, err := httpapi.New(httpapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := append(srv.OpenAPI(), '\n')
	const golden = "testdata/openapi.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (create it with go test ./internal/httpapi -run TestOpenAPIGolden -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("the OpenAPI document changed; review the API change and refresh %s with -update", golden)
	}
	// The document is served too.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 || rec.Body.String() != string(got[:len(got)-1]) {
		t.Errorf("GET /api/v1/openapi.json: %d", rec.Code)
	}
}

func TestErrorTable(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   httpapi.Code
		status int
	}{
		{"invalid kind", errs.E("x", errs.Invalid, errors.New("bad")), httpapi.CodeInvalidRequest, 400},
		{"not found sentinel wrapped", fmt.Errorf("table a.b: %w", catalog.ErrTableNotFound), httpapi.CodeNotFound, 404},
		{"exists", workflow.ErrExecutionAlreadyExists, httpapi.CodeAlreadyExists, 409},
		{"conflict", workflow.ErrExecutionNotRedrivable, httpapi.CodeConflict, 409},
		{"lake key", lake.ErrInvalidKey, httpapi.CodeInvalidRequest, 400},
		{"unavailable", errs.E("x", errs.Unavailable, nil), httpapi.CodeUnavailable, 503},
		{"internal", errs.E("x", errs.Internal, nil), httpapi.CodeInternal, 500},
		{"unclassified", errors.New("disk on fire"), httpapi.CodeInternal, 500},
		{"asl validation", &asl.ValidationError{}, httpapi.CodeInvalidRequest, 400},
		{"body too large", &http.MaxBytesError{Limit: 1}, httpapi.CodePayloadTooLarge, 413},
		{"deadline", fmt.Errorf("wait: %w", context.DeadlineExceeded), httpapi.CodeTimeout, 504},
		{"canceled", context.Canceled, httpapi.CodeCanceled, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := httpapi.CodeOf(tt.err)
			if code != tt.code || httpapi.Status(code) != tt.status {
				t.Errorf("CodeOf = %s (%d), want %s (%d)", code, httpapi.Status(code), tt.code, tt.status)
			}
			// Kinds survive the round trip through the client.
			if k := errs.KindOf(tt.err); k != errs.Other && k != errs.Internal {
				ce := &apiclient.Error{Code: code}
				if !errors.Is(ce, k) {
					t.Errorf("client error %s does not match kind %v", code, k)
				}
			}
		})
	}
}

// machines is an in-memory StateMachines.
type machines struct {
	mu sync.Mutex
	m  map[string]*httpapi.StoredStateMachine
}

func (s *machines) PutStateMachine(ctx context.Context, name, def string, replace bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[name]
	switch {
	case ok && !replace:
		return errs.Errorf("", errs.Exists, "state machine %s exists", name)
	case !ok && replace:
		return errs.Errorf("", errs.NotFound, "state machine %s does not exist", name)
	}
	s.m[name] = &httpapi.StoredStateMachine{Name: name, Definition: def, Created: time.Now(), Updated: time.Now()}
	return nil
}

func (s *machines) GetStateMachine(ctx context.Context, name string) (*httpapi.StoredStateMachine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.m[name]
	if !ok {
		return nil, errs.Errorf("", errs.NotFound, "state machine %s does not exist", name)
	}
	return m, nil
}

func (s *machines) ListStateMachines(ctx context.Context) ([]*httpapi.StoredStateMachine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*httpapi.StoredStateMachine
	for _, m := range s.m {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *machines) DeleteStateMachine(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, name)
	return nil
}

func newServer(t *testing.T, token string) (*apiclient.Client, *httptest.Server) {
	t.Helper()
	srv, err := httpapi.New(httpapi.Options{Services: httpapi.Services{StateMachines: &machines{m: map[string]*httpapi.StoredStateMachine{}}}, AuthToken: token})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return apiclient.New(ts.URL, apiclient.Options{Token: token}), ts
}

const passMachine = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`

func TestPagination(t *testing.T) {
	c, _ := newServer(t, "")
	ctx := context.Background()
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("m%d", i)
		want = append(want, name)
		if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: name, Definition: passMachine}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	p := apiclient.Page{MaxResults: 3}
	pages := 0
	for {
		l, err := c.ListStateMachines(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, m := range l.StateMachines {
			got = append(got, m.Name)
		}
		if l.NextToken == "" {
			break
		}
		p.NextToken = l.NextToken
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("paged %v in %d pages, want %v in 3", got, pages, want)
	}
	for _, bad := range []apiclient.Page{{MaxResults: 5000}, {NextToken: "!!"}, {NextToken: "eHl6"}} {
		if _, err := c.ListStateMachines(ctx, bad); !errors.Is(err, errs.Invalid) {
			t.Errorf("page %+v: %v, want an Invalid error", bad, err)
		}
	}
}

func TestErrorsOverHTTP(t *testing.T) {
	c, ts := newServer(t, "")
	ctx := context.Background()
	_, err := c.GetStateMachine(ctx, "missing")
	var ae *apiclient.Error
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != httpapi.CodeNotFound || !errors.Is(err, errs.NotFound) {
		t.Errorf("get a missing machine: %#v", err)
	}
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "bad", Definition: `{"StartAt": "X", "States": {}}`}); !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "SCHEMA_VALIDATION_FAILED") {
		t.Errorf("an invalid definition: %v", err)
	}
	c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "a", Definition: passMachine})
	if _, err := c.CreateStateMachine(ctx, httpapi.StateMachineInput{Name: "a", Definition: passMachine}); !errors.Is(err, errs.Exists) {
		t.Errorf("create twice: %v", err)
	}
	// Services the server lacks answer 503; unknown fields 400.
	if _, err := c.ListFunctions(ctx, apiclient.Page{}); !errors.Is(err, errs.Unavailable) {
		t.Errorf("functions without a service: %v", err)
	}
	resp, err := http.Post(ts.URL+"/api/v1/state-machines", "application/json", strings.NewReader(`{"name": "x", "definitoin": "{}"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a misspelt field: %d", resp.StatusCode)
	}
	v, err := c.ValidateStateMachine(ctx, `{"StartAt": "X", "States": {}}`)
	if err != nil || v.Result != "FAIL" || len(v.Diagnostics) == 0 {
		t.Errorf("validate: %+v %v", v, err)
	}
}

func TestAuth(t *testing.T) {
	c, ts := newServer(t, "s3cret")
	ctx := context.Background()
	if _, err := c.ListStateMachines(ctx, apiclient.Page{}); err != nil {
		t.Fatalf("with the token: %v", err)
	}
	anon := apiclient.New(ts.URL, apiclient.Options{})
	if _, err := anon.ListStateMachines(ctx, apiclient.Page{}); !errors.Is(err, apiclient.ErrUnauthorized) || !strings.Contains(err.Error(), "requires a bearer token") {
		t.Errorf("without a token: %v", err)
	}
	// A wrong token is told apart from a missing one (both said "requires
	// a bearer token").
	wrong := apiclient.New(ts.URL, apiclient.Options{Token: "guess"})
	if _, err := wrong.ListStateMachines(ctx, apiclient.Page{}); !errors.Is(err, apiclient.ErrUnauthorized) || !strings.Contains(err.Error(), "not the one this weir serve requires") {
		t.Errorf("with a wrong token: %v", err)
	}
	if _, err := anon.Health(ctx); err != nil {
		t.Errorf("/healthz stays open: %v", err)
	}
}
