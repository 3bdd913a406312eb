package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/app"
	"github.com/weirdata/weir/internal/datadir"
)

func (e *env) serveCommand() *cobra.Command {
	var addr, token string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run weir as a server: the HTTP API, executions, queries, crawls and schedules",
		Long: `serve holds the data directory and runs everything in one process: the HTTP API
(/api/v1, described at /api/v1/openapi.json), /healthz and /metrics (Prometheus), the
query workers, the durable-executions runner (every RUNNING execution resumes at
start), crawls started through the API, and the scheduler.

It listens on loopback by default (` + app.DefaultAddr + `); --addr 127.0.0.1:0 picks a free
port and prints it. With --auth-token (or WEIR_AUTH_TOKEN) every /api/v1 and /metrics
request must carry 'Authorization: Bearer TOKEN'; /healthz stays open.

While it runs, its address is recorded in the data directory's lock file, and the
CLI's verbs that support it (executions, query) talk to it over HTTP instead of
failing with "data directory is in use". SIGTERM or Ctrl-C stops it gracefully:
executions in flight stay RUNNING and resume at the next start; queued queries are
queued again.`,
		Example: `  weir serve
  weir serve --addr 127.0.0.1:0
  WEIR_AUTH_TOKEN=s3cret weir serve --addr 0.0.0.0:8337`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if token == "" {
				token = e.getenv("WEIR_AUTH_TOKEN")
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usageError("--addr %q must be HOST:PORT, e.g. 127.0.0.1:8337 (port 0 picks a free one)", addr)
			}
			a, err := e.open(ctx, "weir serve")
			if err != nil {
				return err
			}
			defer a.Close()
			return a.Serve(ctx, app.ServeOptions{Addr: addr, AuthToken: token, Version: Version, Ready: func(addr string) {
				fmt.Fprintf(e.stdout, "weir serve listening on http://%s (API http://%s/api/v1, data directory %s)\n", addr, addr, a.Dir.Root)
			}})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", app.DefaultAddr, "address to listen on, HOST:PORT (port 0 picks a free one)")
	cmd.Flags().StringVar(&token, "auth-token", "", "bearer token the API requires (or $WEIR_AUTH_TOKEN); none by default")
	return cmd
}

// server returns a client of the weir serve that holds the data
// directory (its address is in the lock file), or nil when none answers:
// the verb then works in-process (STYLE rule 3).
func (e *env) server(ctx context.Context) (*apiclient.Client, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	root := cfg.DataDir
	if root == "" {
		root = datadir.DefaultPath
	}
	b, err := os.ReadFile(filepath.Join(root, "weir.lock"))
	if err != nil {
		return nil, nil
	}
	var h datadir.Holder
	if json.Unmarshal(b, &h) != nil || h.Address == "" {
		return nil, nil
	}
	c := apiclient.New(h.Address, apiclient.Options{Token: e.getenv("WEIR_AUTH_TOKEN")})
	// A server killed without cleaning up leaves its address behind:
	// only one that answers counts.
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := c.Health(pctx); err != nil {
		return nil, nil
	}
	return c, nil
}
