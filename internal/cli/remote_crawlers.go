package cli

import (
	"context"
	"time"

	"github.com/weirdata/weir/internal/apiclient"
	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/httpapi"
)

// crawlers is what the crawlers verbs use: the crawler service of the
// data directory in this process, or that of the weir serve the verb
// talks to, through its API (STYLE rule 3).
type crawlers interface {
	Create(ctx context.Context, c *crawler.Crawler) error
	Get(ctx context.Context, name string) (*crawler.Crawler, error)
	List(ctx context.Context) ([]*crawler.Crawler, error)
	Update(ctx context.Context, name string, fn func(c *crawler.Crawler) error) error
	Delete(ctx context.Context, name string) error
	// Stop asks a running crawl to stop.
	Stop(ctx context.Context, name string) error
}

var (
	_ crawlers = (*crawler.Service)(nil)
	_ crawlers = remoteCrawlers{}
)

// crawlerService returns the crawlers a verb uses, the server's client
// (nil in-process) and a function that releases them. In-process, write
// opens the data directory to change it (taking its lock, without the
// SQL engine); otherwise it is opened read-only.
func (e *env) crawlerService(ctx context.Context, command string, write bool) (crawlers, *apiclient.Client, func(), error) {
	c, err := e.server(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if c != nil {
		return remoteCrawlers{c}, c, func() {}, nil
	}
	if !write {
		a, err := e.openReadOnly(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		return a.Crawlers, nil, func() { a.Close() }, nil
	}
	a, err := e.openWork(ctx, command, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return a.Crawlers, nil, func() { a.Close() }, nil
}

// remoteCrawlers are a weir serve's crawlers.
type remoteCrawlers struct{ c *apiclient.Client }

// crawlerInput is the whole definition of c as an API request.
func crawlerInput(c *crawler.Crawler) httpapi.CrawlerInput {
	return httpapi.CrawlerInput{Name: c.Name, DatabaseName: &c.DatabaseName, Targets: &c.Targets, TablePrefix: &c.TablePrefix,
		SchemaChangePolicy: &c.SchemaChangePolicy, RecrawlPolicy: &c.RecrawlPolicy, Grouping: &c.Grouping, InferTypes: &c.InferTypes}
}

func (r remoteCrawlers) Create(ctx context.Context, c *crawler.Crawler) error {
	_, err := r.c.CreateCrawler(ctx, crawlerInput(c))
	return err
}

func (r remoteCrawlers) Get(ctx context.Context, name string) (*crawler.Crawler, error) {
	return r.c.GetCrawler(ctx, name)
}

func (r remoteCrawlers) List(ctx context.Context) ([]*crawler.Crawler, error) {
	var all []*crawler.Crawler
	p := apiclient.Page{MaxResults: 1000}
	for {
		out, err := r.c.ListCrawlers(ctx, p)
		if err != nil {
			return nil, err
		}
		all = append(all, out.Crawlers...)
		if out.NextToken == "" {
			return all, nil
		}
		p.NextToken = out.NextToken
	}
}

// Update applies fn to the server's crawler and sends the result.
func (r remoteCrawlers) Update(ctx context.Context, name string, fn func(c *crawler.Crawler) error) error {
	c, err := r.c.GetCrawler(ctx, name)
	if err != nil {
		return err
	}
	if err := fn(c); err != nil {
		return err
	}
	in := crawlerInput(c)
	in.Name = ""
	_, err = r.c.UpdateCrawler(ctx, name, in)
	return err
}

func (r remoteCrawlers) Delete(ctx context.Context, name string) error {
	return r.c.DeleteCrawler(ctx, name)
}

func (r remoteCrawlers) Stop(ctx context.Context, name string) error {
	_, err := r.c.StopCrawler(ctx, name)
	return err
}

// remoteCrawl starts a crawl in the server and, with wait, waits for it
// to end and returns the crawler then.
func remoteCrawl(ctx context.Context, c *apiclient.Client, name string, wait bool) (*crawler.Crawler, error) {
	started, err := c.StartCrawler(ctx, name)
	if err != nil || !wait {
		return started, err
	}
	for {
		cur, err := c.GetCrawler(ctx, name)
		if err != nil {
			return nil, err
		}
		if cur.State == crawler.StateReady && cur.LastCrawl != nil && !cur.LastCrawl.StartTime.Before(started.RunStart) {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
