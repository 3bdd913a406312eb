// Package apiclient is a typed Go client of weir's HTTP API, /api/v1 (see
// internal/httpapi). The CLI uses it when a weir serve holds the data
// directory; tests and scripts use it directly:
//
//	c := apiclient.New("http://127.0.0.1:8080", apiclient.Options{Token: os.Getenv("WEIR_AUTH_TOKEN")})
//	x, err := c.DescribeExecution(ctx, "pipeline:day-1")
//	if errors.Is(err, errs.NotFound) { ... }
//
// Errors the server answers are *Error values carrying its code and
// message; they match the errs kind of their code with errors.Is.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/errs"
	"github.com/weirdata/weir/internal/httpapi"
)

// Options configure a Client.
type Options struct {
	// Token is the bearer token of a server started with --auth-token.
	Token string
	// HTTPClient is the client to use; http.DefaultClient when nil.
	HTTPClient *http.Client
}

// Client calls one weir server.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// New returns a client of the server at base, e.g. "http://127.0.0.1:8080"
// (a bare host:port gets http://).
func New(base string, opts Options) *Client {
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimSuffix(base, "/"), token: opts.Token, http: hc}
}

// Base returns the server's base URL.
func (c *Client) Base() string { return c.base }

// Error is an error answer of the server.
type Error struct {
	Status  int          // the HTTP status
	Code    httpapi.Code // the API error code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is matches the errs.Kind of the code (errors.Is(err, errs.NotFound)),
// and an *Error target with the same Code.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case errs.Kind:
		return t != errs.Other && httpapi.KindOf(e.Code) == t
	case *Error:
		return t.Code == e.Code
	}
	return false
}

// ErrUnauthorized matches (errors.Is) the answer to a missing or wrong token.
var ErrUnauthorized = &Error{Code: httpapi.CodeUnauthorized, Message: "unauthorized"}

// do sends a request and decodes a JSON answer into out (unless nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("apiclient: encode the request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	resp, err := c.send(ctx, method, path, query, body, "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("apiclient: %s %s: read the answer: %w", method, path, err)
	}
	return nil
}

// send sends a request and returns a successful response; an error
// answer becomes an *Error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string) (*http.Response, error) {
	u := c.base + httpapi.Prefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("apiclient: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, errs.E("apiclient", errs.Unavailable, fmt.Errorf("weir serve at %s: %w", c.base, err))
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{Status: resp.StatusCode}
	var ae httpapi.Error
	if json.Unmarshal(b, &ae) == nil && ae.Code != "" {
		e.Code, e.Message = ae.Code, ae.Message
	} else {
		e.Code, e.Message = httpapi.CodeInternal, fmt.Sprintf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return nil, e
}

// Health calls /healthz.
func (c *Client) Health(ctx context.Context) (*httpapi.Health, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/healthz", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, errs.E("apiclient", errs.Unavailable, fmt.Errorf("weir serve at %s: %w", c.base, err))
	}
	defer resp.Body.Close()
	var h httpapi.Health
	if resp.StatusCode != http.StatusOK {
		return nil, errs.Errorf("apiclient", errs.Unavailable, "weir serve at %s: /healthz answered %s", c.base, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return nil, fmt.Errorf("apiclient: /healthz: %w", err)
	}
	return &h, nil
}

// Page selects a page of a list.
type Page struct {
	MaxResults int    // 0 for the server's default
	NextToken  string // from the previous page
}

func (p Page) values() url.Values {
	v := url.Values{}
	if p.MaxResults > 0 {
		v.Set("maxResults", strconv.Itoa(p.MaxResults))
	}
	if p.NextToken != "" {
		v.Set("nextToken", p.NextToken)
	}
	return v
}

func esc(s string) string { return url.PathEscape(s) }

// escKey escapes an object key, keeping its slashes.
func escKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// WaitExecution polls an execution until it is no longer RUNNING or ctx
// ends.
func (c *Client) WaitExecution(ctx context.Context, execution string, poll time.Duration) (*httpapi.Execution, error) {
	if poll <= 0 {
		poll = 100 * time.Millisecond
	}
	for {
		x, err := c.DescribeExecution(ctx, execution)
		if err != nil {
			return nil, err
		}
		if x.Status != "RUNNING" {
			return x, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// WaitQuery polls a query execution until it has finished or ctx ends.
func (c *Client) WaitQuery(ctx context.Context, id string, poll time.Duration) (*httpapi.QueryExecution, error) {
	if poll <= 0 {
		poll = 50 * time.Millisecond
	}
	for {
		x, err := c.GetQuery(ctx, id)
		if err != nil {
			return nil, err
		}
		if x.State.Terminal() {
			return x, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}
