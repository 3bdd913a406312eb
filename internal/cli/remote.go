package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/datadir"
)

// token is the bearer token of weir serve's API: --auth-token, else
// $WEIR_AUTH_TOKEN.
func (e *env) token() string {
	if e.authToken != "" {
		return e.authToken
	}
	return e.getenv("WEIR_AUTH_TOKEN")
}

// endpointURL is --endpoint, else $WEIR_ENDPOINT.
func (e *env) endpointURL() string {
	if e.endpoint != "" {
		return e.endpoint
	}
	return e.getenv("WEIR_ENDPOINT")
}

// server returns the client of the weir serve a verb talks to (STYLE
// rule 3): the one --endpoint (or $WEIR_ENDPOINT) names, which must
// answer, or else the one holding the data directory (its address is in
// the lock file). It returns nil when there is none: the verb then works
// in-process.
func (e *env) server(ctx context.Context) (*apiclient.Client, error) {
	if u := e.endpointURL(); u != "" {
		c := apiclient.New(u, apiclient.Options{Token: e.token()})
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := c.Health(pctx); err != nil {
			return nil, &ExitError{Code: ExitUnavailable, Err: fmt.Errorf("no weir serve answers at %s (--endpoint or WEIR_ENDPOINT): %v; start one with 'weir serve', or fix the URL", c.Base(), err)}
		}
		return c, nil
	}
	if _, err := e.config(); err != nil {
		return nil, err
	}
	h, ok := e.holder()
	if !ok || h.Address == "" {
		return nil, nil
	}
	c := apiclient.New(h.Address, apiclient.Options{Token: e.token()})
	// A server killed without cleaning up leaves its address behind:
	// only one that answers counts.
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := c.Health(pctx); err != nil {
		return nil, nil
	}
	return c, nil
}

// holder reads who holds the data directory, as its lock file says;
// false when none does or the file cannot be read.
func (e *env) holder() (datadir.Holder, bool) {
	var h datadir.Holder
	cfg, err := e.config()
	if err != nil {
		return h, false
	}
	root := cfg.DataDir
	if root == "" {
		root = datadir.DefaultPath
	}
	b, err := os.ReadFile(filepath.Join(root, "weir.lock"))
	if err != nil || json.Unmarshal(b, &h) != nil {
		return h, false
	}
	return h, true
}

// remoteError explains an error a weir serve answered where the bare
// answer would not say what to do.
func remoteError(err error) error {
	var ae *apiclient.Error
	if !errors.As(err, &ae) || !errors.Is(err, apiclient.ErrUnauthorized) {
		return err
	}
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf("weir serve refused the request (%s): give its token with --auth-token or WEIR_AUTH_TOKEN", ae.Message)}
}
