package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/weirdata/weir/internal/workflow"
)

// RegisterTasks registers Step Functions' Glue crawler integrations on
// reg: arn:aws:states:::aws-sdk:glue:startCrawler, getCrawler and
// stopCrawler, with the Glue API's request and response shapes and
// error names (Glue.CrawlerRunningException, Glue.EntityNotFoundException,
// ...). startCrawler returns at once, as Glue's does, and the crawl runs
// in this process; state machines poll getCrawler until the crawler is
// READY again, as they do on AWS.
func (s *Service) RegisterTasks(reg *workflow.Registry) error {
	for name, h := range map[string]workflow.TaskHandlerFunc{
		"startCrawler": s.taskStart,
		"getCrawler":   s.taskGet,
		"stopCrawler":  s.taskStop,
	} {
		if err := reg.Register("arn:aws:states:::aws-sdk:glue:"+name, h); err != nil {
			return err
		}
	}
	return nil
}

// glueError names a crawler error as the Glue SDK integration does.
func glueError(err error) error {
	name := "Glue.InternalServiceException"
	switch {
	case errors.Is(err, ErrCrawlerRunning):
		name = "Glue.CrawlerRunningException"
	case errors.Is(err, ErrCrawlerNotRunning):
		name = "Glue.CrawlerNotRunningException"
	case errors.Is(err, ErrCrawlerStopping):
		name = "Glue.CrawlerStoppingException"
	case errors.Is(err, ErrCrawlerNotFound):
		name = "Glue.EntityNotFoundException"
	}
	return &workflow.TaskError{Name: name, Cause: err.Error()}
}

func crawlerName(req *workflow.TaskRequest) (string, error) {
	m, _ := req.Input.(map[string]any)
	name, _ := m["Name"].(string)
	if name == "" {
		return "", &workflow.TaskError{Name: "Glue.InvalidInputException", Cause: fmt.Sprintf("%s needs the crawler's Name in its Parameters", req.Resource)}
	}
	return name, nil
}

func (s *Service) taskStart(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	name, err := crawlerName(req)
	if err != nil {
		return nil, err
	}
	if _, err := s.Start(ctx, name); err != nil {
		return nil, glueError(err)
	}
	// The crawl outlives the task, as a Glue crawl does; a process that
	// stops first leaves the crawler for Recover to finish as FAILED.
	go func() {
		if _, err := s.Crawl(context.WithoutCancel(ctx), name); err != nil {
			s.logger.Error("crawl started by a state machine failed", "crawler", name, "err", err)
		}
	}()
	return map[string]any{}, nil
}

func (s *Service) taskGet(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	name, err := crawlerName(req)
	if err != nil {
		return nil, err
	}
	c, err := s.Get(ctx, name)
	if err != nil {
		return nil, glueError(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return map[string]any{"Crawler": v}, nil
}

func (s *Service) taskStop(ctx context.Context, req *workflow.TaskRequest) (any, error) {
	name, err := crawlerName(req)
	if err != nil {
		return nil, err
	}
	if err := s.Stop(ctx, name); err != nil {
		return nil, glueError(err)
	}
	return map[string]any{}, nil
}
