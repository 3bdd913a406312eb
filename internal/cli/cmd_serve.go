package cli

import (
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/app"
)

func (e *env) serveCommand() *cobra.Command {
	var addr string
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
CLI's other verbs on that directory talk to it over HTTP instead of failing with
"data directory is in use"; --endpoint URL points them at any weir serve. SIGTERM or Ctrl-C stops it gracefully:
executions in flight stay RUNNING and resume at the next start; queued queries are
queued again.`,
		Example: `  weir serve
  weir serve --addr 127.0.0.1:0
  WEIR_AUTH_TOKEN=s3cret weir serve --addr 0.0.0.0:8337`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			token := e.token()
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
	return cmd
}
