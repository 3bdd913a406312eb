package httpapi

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/metrics"
)

// Prefix is the path prefix of the API.
const Prefix = "/api/v1"

// MaxJSONBytes bounds a JSON request body.
const MaxJSONBytes = 8 << 20

// Options configure a Server.
type Options struct {
	Services Services
	// AuthToken, when set, is the bearer token every /api/v1 and
	// /metrics request must carry (Authorization: Bearer TOKEN).
	AuthToken string
	// Metrics is exported at /metrics and records request durations;
	// nil serves no /metrics.
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Version is reported by /healthz.
	Version string
	// Now is the clock of /healthz's uptime; time.Now when nil.
	Now func() time.Time
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	opts    Options
	svc     Services
	mux     *http.ServeMux
	logger  *slog.Logger
	started time.Time
	openapi []byte
}

// handlerFunc is an API handler: it writes its answer, or returns an
// error for Server.serve to write.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// param is a query or path parameter, for the OpenAPI document.
type param struct {
	name, in, typ, doc string
}

// route is one row of the API's route table.
type route struct {
	method, path string // path relative to Prefix, with {name} wildcards
	id, tag      string // OpenAPI operationId and tag
	summary      string
	query        []param
	body         reflect.Type // request body (nil: none; rawType: bytes)
	resp         reflect.Type // success body (nil: none; rawType: bytes)
	status       int          // success status
	h            handlerFunc
}

// rawType marks a body of raw bytes (lake objects).
var rawType = reflect.TypeFor[[]byte]()

// typeOf is reflect.TypeFor for the route table.
func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// New returns a Server.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, svc: opts.Services, mux: http.NewServeMux(), logger: opts.Logger.With("component", "httpapi")}
	s.started = opts.Now()
	routes := s.routes()
	for _, rt := range routes {
		s.mux.Handle(rt.method+" "+Prefix+rt.path, s.serve(rt.h))
	}
	doc, err := openAPI(routes)
	if err != nil {
		return nil, fmt.Errorf("httpapi: build the OpenAPI document: %w", err)
	}
	s.openapi = doc
	s.mux.Handle("GET "+Prefix+"/openapi.json", s.serve(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.openapi)
		return nil
	}))
	s.mux.Handle("GET /healthz", s.serve(s.health))
	if opts.Metrics != nil {
		s.mux.Handle("GET /metrics", opts.Metrics.Handler())
	}
	return s, nil
}

// OpenAPI returns the API's OpenAPI 3 document.
func (s *Server) OpenAPI() []byte { return bytes.Clone(s.openapi) }

// ServeHTTP checks the bearer token, routes the request and records its
// duration.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	_, pattern := s.mux.Handler(r)
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	switch {
	case s.opts.AuthToken != "" && r.URL.Path != "/healthz" && !s.authorized(r):
		msg := "this weir serve requires a bearer token: send 'Authorization: Bearer TOKEN' (the CLI reads it from WEIR_AUTH_TOKEN)"
		if r.Header.Get("Authorization") != "" {
			msg = "the bearer token sent is not the one this weir serve requires (its --auth-token or WEIR_AUTH_TOKEN)"
		}
		writeError(sw, apiError(CodeUnauthorized, msg))
	case pattern == "":
		s.notFound(sw, r)
	default:
		s.mux.ServeHTTP(sw, r)
	}
	if pattern == "" {
		pattern = "unmatched"
	}
	s.opts.Metrics.ObserveHTTP(pattern, r.Method, sw.status, time.Since(start))
}

func (s *Server) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.opts.AuthToken)) == 1
}

// notFound answers a request no pattern matched: 405 when the path
// exists with other methods, 404 otherwise.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, apiError(CodeMethodNotAllowed, fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))))
		return
	}
	writeError(w, apiError(CodeNotFound, fmt.Sprintf("no route %s %s; the API is described at %s/openapi.json", r.Method, r.URL.Path, Prefix)))
}

// serve adapts a handlerFunc: its error becomes the {code, message} answer.
func (s *Server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w, status: http.StatusOK}
		}
		err := h(sw, r)
		if err == nil {
			return
		}
		if sw.wrote {
			s.logger.Warn("request failed after its answer began", "method", r.Method, "path", r.URL.Path, "err", err)
			return
		}
		status := writeError(sw, err)
		if status >= 500 {
			s.logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		}
	})
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Health is /healthz's answer.
type Health struct {
	Status        string  `json:"status"`
	Version       string  `json:"version"`
	UptimeSeconds float64 `json:"uptimeSeconds"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, Health{Status: "ok", Version: s.opts.Version, UptimeSeconds: s.opts.Now().Sub(s.started).Seconds()})
	return nil
}

// decode reads a JSON request body into v, strictly: unknown fields and
// trailing data are errors. An empty body leaves v as it is.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBytes))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return invalid(fmt.Sprintf("request body: %v; send a JSON object as described at %s/openapi.json", err, Prefix))
	}
	if dec.More() {
		return invalid("request body: data after the JSON value")
	}
	return nil
}

// unavailable answers for a service this server does not have.
func unavailable(what string) error {
	return apiError(CodeUnavailable, what+" are not available in this server")
}

// maxResults reads ?maxResults=, between 1 and limit, def when absent.
func maxResults(r *http.Request, def, limit int) (int, error) {
	v := r.URL.Query().Get("maxResults")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > limit {
		return 0, invalid(fmt.Sprintf("maxResults %q must be a number from 1 to %d", v, limit))
	}
	return n, nil
}

// page returns the items after the one whose key nextToken names, at
// most max of them, and the token of the next page ("" on the last).
func page[T any](items []T, key func(T) string, nextToken string, max int) ([]T, string, error) {
	start := 0
	if nextToken != "" {
		k, err := decodeToken(nextToken)
		if err != nil {
			return nil, "", err
		}
		start = -1
		for i, it := range items {
			if key(it) == k {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, "", invalid("nextToken names an item that no longer exists; list again without it")
		}
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = encodeToken(key(items[end-1]))
	}
	return items[start:end], next, nil
}

// encodeToken makes a nextToken of the last key of a page.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// decodeToken reads a nextToken back.
func decodeToken(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", invalid("nextToken is not a token this API gave; list again without it")
	}
	return string(b), nil
}

// listPage pages a whole list the way every list route does (maxResults
// up to 1000, default 100; nextToken after the item key names) and
// converts the page's items.
func listPage[T, U any](r *http.Request, items []T, key func(T) string, conv func(T) U) ([]U, string, error) {
	max, err := maxResults(r, 100, 1000)
	if err != nil {
		return nil, "", err
	}
	items, next, err := page(items, key, r.URL.Query().Get("nextToken"), max)
	if err != nil {
		return nil, "", err
	}
	out := make([]U, 0, len(items))
	for _, it := range items {
		out = append(out, conv(it))
	}
	return out, next, nil
}

// same is the identity conversion of listPage.
func same[T any](v T) T { return v }
