// Command weir runs the AWS serverless ETL stack (S3 data lake, Glue
// catalog, Athena SQL, ...) as one self-hosted program. See the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // time zones for schedules and SQL, without system files

	"github.com/weirdata/weir/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
