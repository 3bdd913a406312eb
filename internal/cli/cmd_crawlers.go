package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/datadir"
	"github.com/weirdata/weir/internal/errs"
)

// crawlerFlags are the definition flags of create and update.
type crawlerFlags struct {
	database     string
	targets      []string
	excludes     []string
	tablePrefix  string
	tableLevel   int
	grouping     string
	schemaChange string
	deletes      string
	recrawl      string
	inferTypes   string
	sampleSize   int
}

func (f *crawlerFlags) register(fl *pflag.FlagSet) {
	fl.StringVarP(&f.database, "database", "d", "", "database the tables are written to (created if missing)")
	fl.StringArrayVar(&f.targets, "target", nil, "lake folder to crawl, s3://bucket/prefix/ (repeat for several)")
	fl.StringArrayVar(&f.excludes, "exclude", nil, "glob of keys to skip, relative to each target (repeat for several)")
	fl.StringVar(&f.tablePrefix, "table-prefix", "", "prefix added to the names of the tables created")
	fl.IntVar(&f.tableLevel, "table-level", 0, "absolute folder level where tables start (the bucket's top folders are level 1)")
	fl.StringVar(&f.grouping, "grouping", "", "combine-compatible: one table per target for all compatible folders, whatever their schemas")
	fl.StringVar(&f.schemaChange, "schema-change", "", "when a table's schema changed: update (default) or log")
	fl.StringVar(&f.deletes, "delete-behavior", "", "when a table's or partition's data is gone: deprecate (default), delete or log")
	fl.StringVar(&f.recrawl, "recrawl", "", "everything (default) or new-folders-only")
	fl.StringVar(&f.inferTypes, "infer-types", "", "glue (default: timestamps and dates are strings) or rich (ISO timestamps and dates typed)")
	fl.IntVar(&f.sampleSize, "sample-size", 0, fmt.Sprintf("files read per folder, 1 to 249 (default %d)", crawler.DefaultSampleSize))
}

// apply sets the flags the user gave on c.
func (f *crawlerFlags) apply(fl *pflag.FlagSet, c *crawler.Crawler) error {
	choice := func(flag, v string, m map[string]string) (string, error) {
		if out, ok := m[strings.ToLower(v)]; ok {
			return out, nil
		}
		var keys []string
		for k := range m {
			if !strings.Contains(k, "_") {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		return "", usageError("--%s %q must be one of %s", flag, v, strings.Join(keys, ", "))
	}
	var err error
	set := func(flag string, dst *string, m map[string]string) {
		if err == nil && fl.Changed(flag) {
			v := fl.Lookup(flag).Value.String()
			*dst, err = choice(flag, v, m)
		}
	}
	set("schema-change", &c.SchemaChangePolicy.UpdateBehavior, map[string]string{"update": crawler.UpdateInDatabase, "log": crawler.Log,
		"update_in_database": crawler.UpdateInDatabase})
	set("delete-behavior", &c.SchemaChangePolicy.DeleteBehavior, map[string]string{"delete": crawler.DeleteFromDatabase, "deprecate": crawler.DeprecateInDatabase,
		"log": crawler.Log, "delete_from_database": crawler.DeleteFromDatabase, "deprecate_in_database": crawler.DeprecateInDatabase})
	set("recrawl", &c.RecrawlPolicy.RecrawlBehavior, map[string]string{"everything": crawler.CrawlEverything, "new-folders-only": crawler.CrawlNewFoldersOnly,
		"crawl_everything": crawler.CrawlEverything, "crawl_new_folders_only": crawler.CrawlNewFoldersOnly})
	set("grouping", &c.Grouping.TableGroupingPolicy, map[string]string{"combine-compatible": crawler.CombineCompatibleSchemas, "none": "",
		"combine_compatible_schemas": crawler.CombineCompatibleSchemas})
	set("infer-types", &c.InferTypes, map[string]string{"glue": crawler.TypesGlue, "rich": crawler.TypesRich})
	if err != nil {
		return err
	}
	if fl.Changed("database") {
		c.DatabaseName = f.database
	}
	if fl.Changed("table-prefix") {
		c.TablePrefix = f.tablePrefix
	}
	if fl.Changed("table-level") {
		c.Grouping.TableLevelConfiguration = f.tableLevel
	}
	if fl.Changed("target") {
		c.Targets.S3Targets = nil
		for _, t := range f.targets {
			c.Targets.S3Targets = append(c.Targets.S3Targets, crawler.S3Target{Path: t})
		}
	}
	for i := range c.Targets.S3Targets {
		if fl.Changed("exclude") {
			c.Targets.S3Targets[i].Exclusions = append([]string(nil), f.excludes...)
		}
		if fl.Changed("sample-size") {
			c.Targets.S3Targets[i].SampleSize = f.sampleSize
		}
	}
	return nil
}

func (e *env) crawlersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "crawlers",
		Short: "Glue crawlers: discover tables and partitions in the lake",
		Long: `Crawlers read folders of the lake, infer schemas as Glue's crawlers do (Parquet,
JSON lines, CSV/TSV and other delimited text, gzip-compressed or not), and create
or update tables and partitions in the catalog, queryable at once with 'weir query'.

A crawl goes READY → RUNNING → READY (STOPPING when stopped) and leaves its outcome
in LastCrawl; see docs/crawlers.md for what is read and how folders become tables.`,
		Example: `  weir crawlers create traffic --database traffic --target s3://traffic-raw/
  weir crawlers start traffic --wait
  weir crawlers get traffic
  weir query "SELECT count(*) FROM traffic.traffic_raw"`,
	}
	var output string
	var f crawlerFlags
	create := &cobra.Command{
		Use:   "create NAME --database DB --target s3://bucket/prefix/ [flags]",
		Short: "Define a crawler",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := crawler.NewCrawler(args[0], "")
			if err := f.apply(cmd.Flags(), c); err != nil {
				return err
			}
			if err := c.Validate(); err != nil {
				return usageError("%s", errs.Message(err))
			}
			return e.changeCrawler(cmd.Context(), "create", c.Name, func(cs crawlers) error { return cs.Create(cmd.Context(), c) },
				"created; run it with 'weir crawlers start "+c.Name+" --wait'")
		},
	}
	f.register(create.Flags())

	var uf crawlerFlags
	update := &cobra.Command{
		Use:   "update NAME [flags]",
		Short: "Change a crawler's definition (the flags given replace the old values)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.changeCrawler(cmd.Context(), "update", args[0], func(cs crawlers) error {
				return cs.Update(cmd.Context(), args[0], func(c *crawler.Crawler) error { return uf.apply(cmd.Flags(), c) })
			}, "updated")
		},
	}
	uf.register(update.Flags())

	var wait bool
	start := &cobra.Command{
		Use:   "start NAME [--wait]",
		Short: "Start a crawl; it runs in the background unless --wait",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			return e.startCrawler(cmd.Context(), args[0], wait, output)
		},
	}
	start.Flags().BoolVar(&wait, "wait", false, "wait for the crawl to finish and print its outcome")
	start.Flags().StringVarP(&output, "output", "o", outputTable, "output format with --wait: table or json")

	get := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a crawler: definition, state, last crawl",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectCrawlers(cmd.Context(), output, func(cs crawlers) error {
				c, err := cs.Get(cmd.Context(), args[0])
				if err != nil {
					return kindError(err)
				}
				if output == outputJSON {
					return writeJSON(e.stdout, c)
				}
				e.printCrawler(c)
				return nil
			})
		},
	}
	get.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table or json")

	list := &cobra.Command{
		Use:   "list",
		Short: "List crawlers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.inspectCrawlers(cmd.Context(), output, func(cs crawlers) error {
				list, err := cs.List(cmd.Context())
				if err != nil {
					return err
				}
				return e.printCrawlers(list, output)
			})
		},
	}
	list.Flags().StringVarP(&output, "output", "o", outputTable, "output format: table, csv or json")

	stop := &cobra.Command{
		Use:   "stop NAME",
		Short: "Stop a running crawl; it ends CANCELLED and changes nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.stopCrawler(cmd.Context(), args[0])
		},
	}
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a crawler (the tables it made stay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.changeCrawler(cmd.Context(), "delete", args[0], func(cs crawlers) error { return cs.Delete(cmd.Context(), args[0]) }, "deleted")
		},
	}
	cmd.AddCommand(create, start, get, list, stop, update, del)
	return cmd
}

// inspectCrawlers checks an --output value and runs fn on the crawlers,
// read-only in-process.
func (e *env) inspectCrawlers(ctx context.Context, output string, fn func(cs crawlers) error) error {
	if err := checkOutput(output); err != nil {
		return err
	}
	cs, _, release, err := e.crawlerService(ctx, "", false)
	if err != nil {
		return err
	}
	defer release()
	return fn(cs)
}

// changeCrawler runs fn on the crawlers (in-process, opening the data
// directory without the SQL engine) and reports "crawler NAME done".
func (e *env) changeCrawler(ctx context.Context, verb, name string, fn func(cs crawlers) error, done string) error {
	cs, _, release, err := e.crawlerService(ctx, "weir crawlers "+verb, true)
	if err != nil {
		if verb == "create" {
			return err
		}
		return e.runningElsewhere(ctx, name, err)
	}
	defer release()
	if err := fn(cs); err != nil {
		return kindError(err)
	}
	fmt.Fprintf(e.stdout, "crawler %s %s\n", name, done)
	return nil
}

// runningElsewhere turns err, the data directory being locked, into
// Glue's CrawlerRunningException when the process holding it is running
// the crawler NAME — what starting, updating or deleting a running
// crawler answers — and returns err as it is otherwise.
func (e *env) runningElsewhere(ctx context.Context, name string, err error) error {
	if name == "" || !errors.Is(err, datadir.ErrLocked) {
		return err
	}
	ro, rerr := e.openReadOnly(ctx)
	if rerr != nil {
		return err
	}
	defer ro.Close()
	if c, rerr := ro.Crawlers.Get(ctx, name); rerr == nil && c.State != crawler.StateReady {
		return kindError(fmt.Errorf("crawler %s: %w", name, crawler.ErrCrawlerRunning))
	}
	return err
}

// startCrawler starts a crawl: in the weir serve the verb talks to;
// otherwise with wait in this process, without in a background runner
// that takes the data directory over.
func (e *env) startCrawler(ctx context.Context, name string, wait bool, output string) error {
	srv, err := e.server(ctx)
	if err != nil {
		return err
	}
	var c *crawler.Crawler
	switch {
	case srv != nil:
		if c, err = remoteCrawl(ctx, srv, name, wait); err != nil {
			return kindError(err)
		}
	case wait:
		a, err := e.openWork(ctx, "weir crawlers start", true)
		if err != nil {
			return err
		}
		defer a.Close()
		if c, err = a.Crawlers.Run(ctx, name); err != nil {
			return kindError(err)
		}
	default:
		a, err := e.openWork(ctx, "weir crawlers start", true)
		if err != nil {
			return e.runningElsewhere(ctx, name, err)
		}
		if _, err := a.Crawlers.Start(ctx, name); err != nil {
			a.Close()
			return kindError(err)
		}
		if err := e.handOver(a, "__run-crawler", name); err != nil {
			return err
		}
	}
	if !wait {
		fmt.Fprintf(e.stdout, "crawler %s RUNNING; follow it with 'weir crawlers get %s'\n", name, name)
		return nil
	}
	if output == outputJSON {
		if err := writeJSON(e.stdout, c); err != nil {
			return err
		}
	} else {
		e.printOutcome(c)
	}
	if c.LastCrawl.Status != crawler.StatusSucceeded {
		return &ExitError{Code: ExitFailure, Err: errAlreadyReported}
	}
	return nil
}

// runCrawlerCommand is the background runner started by crawlers start.
func (e *env) runCrawlerCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "__run-crawler NAME",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.openWork(cmd.Context(), "weir (background crawler "+args[0]+")", true)
			e.signalReady()
			if err != nil {
				return err
			}
			defer a.Close()
			_, err = a.Crawlers.Crawl(cmd.Context(), args[0])
			return err
		},
	}
}

// stopCrawler asks a crawl to stop. A crawl running in another process
// (a weir serve, or another process holding the data directory) is asked
// through the API or the metadata and stops within a fraction of a
// second.
func (e *env) stopCrawler(ctx context.Context, name string) error {
	srv, err := e.server(ctx)
	if err != nil {
		return err
	}
	if srv != nil {
		return e.stopElsewhere(ctx, remoteCrawlers{srv}, name)
	}
	a, err := e.openWork(ctx, "weir crawlers stop", true)
	if err == nil {
		// Nothing runs here: opening finished any abandoned crawl.
		defer a.Close()
		if err := a.Crawlers.Stop(ctx, name); err != nil {
			return kindError(err)
		}
		return nil
	}
	if !errors.Is(err, datadir.ErrLocked) {
		return err
	}
	ro, err := e.openReadOnly(ctx)
	if err != nil {
		return err
	}
	defer ro.Close()
	return e.stopElsewhere(ctx, ro.Crawlers, name)
}

// stopElsewhere asks the process running a crawl to stop it and waits a
// while for it to end.
func (e *env) stopElsewhere(ctx context.Context, cs crawlers, name string) error {
	if err := cs.Stop(ctx, name); err != nil {
		return kindError(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := cs.Get(ctx, name)
		if err != nil {
			return err
		}
		if c.State == crawler.StateReady {
			fmt.Fprintf(e.stdout, "crawler %s READY; last crawl %s\n", name, c.LastCrawl.Status)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Fprintf(e.stdout, "crawler %s STOPPING; the process running it will stop it\n", name)
	return nil
}

// printOutcome prints a finished crawl briefly.
func (e *env) printOutcome(c *crawler.Crawler) {
	lc := c.LastCrawl
	fmt.Fprintf(e.stdout, "crawler %s: %s in %s\n", c.Name, lc.Status, humanDuration(lc.DurationMillis))
	if lc.ErrorMessage != "" {
		fmt.Fprintf(e.stdout, "  error: %s\n", lc.ErrorMessage)
	}
	if lc.Status == crawler.StatusSucceeded {
		fmt.Fprintf(e.stdout, "  tables: %d created, %d updated, %d deleted; partitions: %d added, %d updated, %d removed\n",
			lc.TablesCreated, lc.TablesUpdated, lc.TablesDeleted, lc.PartitionsAdded, lc.PartitionsUpdated, lc.PartitionsRemoved)
	}
	if len(lc.Warnings) > 0 {
		fmt.Fprintf(e.stdout, "  warnings:\n")
		for _, w := range lc.Warnings {
			fmt.Fprintf(e.stdout, "    %s\n", w)
		}
	}
}

func (e *env) printCrawler(c *crawler.Crawler) {
	fw := newFieldWriter(e.stdout)
	row, ts := fw.row, isoMillis
	row("Name", c.Name)
	row("State", string(c.State))
	if c.State != crawler.StateReady && !c.RunStart.IsZero() {
		row("CrawlElapsedTime", humanDuration(time.Since(c.RunStart).Milliseconds()))
	}
	row("DatabaseName", c.DatabaseName)
	for _, t := range c.Targets.S3Targets {
		s := t.Path
		if len(t.Exclusions) > 0 {
			s += " (exclude " + strings.Join(t.Exclusions, ", ") + ")"
		}
		if t.SampleSize > 0 {
			s += fmt.Sprintf(" (sample %d files per folder)", t.SampleSize)
		}
		row("S3Target", s)
	}
	row("TablePrefix", c.TablePrefix)
	row("UpdateBehavior", c.SchemaChangePolicy.UpdateBehavior)
	row("DeleteBehavior", c.SchemaChangePolicy.DeleteBehavior)
	row("RecrawlBehavior", c.RecrawlPolicy.RecrawlBehavior)
	row("TableGroupingPolicy", c.Grouping.TableGroupingPolicy)
	if c.Grouping.TableLevelConfiguration > 0 {
		row("TableLevelConfiguration", fmt.Sprint(c.Grouping.TableLevelConfiguration))
	}
	row("InferTypes", c.InferTypes)
	row("CreationTime", ts(c.CreateTime))
	row("LastUpdated", ts(c.LastUpdated))
	row("Version", fmt.Sprint(c.Version))
	if lc := c.LastCrawl; lc != nil {
		row("LastCrawl.Status", string(lc.Status))
		row("LastCrawl.ErrorMessage", lc.ErrorMessage)
		row("LastCrawl.StartTime", ts(lc.StartTime))
		row("LastCrawl.Duration", humanDuration(lc.DurationMillis))
		row("LastCrawl.Tables", fmt.Sprintf("%d created, %d updated, %d deleted", lc.TablesCreated, lc.TablesUpdated, lc.TablesDeleted))
		row("LastCrawl.Partitions", fmt.Sprintf("%d added, %d updated, %d removed", lc.PartitionsAdded, lc.PartitionsUpdated, lc.PartitionsRemoved))
		row("LastCrawl.CrawlId", lc.CrawlID)
	}
	fw.flush()
	if c.LastCrawl != nil && len(c.LastCrawl.Warnings) > 0 {
		fmt.Fprintln(e.stdout, "LastCrawl.Warnings:")
		for _, w := range c.LastCrawl.Warnings {
			fmt.Fprintf(e.stdout, "  %s\n", w)
		}
	}
}

func (e *env) printCrawlers(cs []*crawler.Crawler, output string) error {
	last := func(c *crawler.Crawler) (status, start, dur string) {
		if c.LastCrawl == nil {
			return "", "", ""
		}
		return string(c.LastCrawl.Status), c.LastCrawl.StartTime.UTC().Format(time.RFC3339), humanDuration(c.LastCrawl.DurationMillis)
	}
	targets := func(c *crawler.Crawler) string {
		var ps []string
		for _, t := range c.Targets.S3Targets {
			ps = append(ps, t.Path)
		}
		return strings.Join(ps, " ")
	}
	switch output {
	case outputJSON:
		return writeList(e.stdout, "crawlers", cs)
	case outputCSV:
		fmt.Fprintln(e.stdout, `"name","state","database","targets","last_status","last_start"`)
		for _, c := range cs {
			st, start, _ := last(c)
			fmt.Fprintf(e.stdout, "%s,%s,%s,%s,%s,%s\n", csvQuote(c.Name), csvQuote(string(c.State)), csvQuote(c.DatabaseName),
				csvQuote(targets(c)), csvQuote(st), csvQuote(start))
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tDATABASE\tTARGETS\tLAST CRAWL\tSTARTED\tTIME")
	for _, c := range cs {
		st, start, dur := last(c)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, c.State, c.DatabaseName, oneLine(targets(c), 60), st, start, dur)
	}
	return tw.Flush()
}
