package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/crawler"
	"github.com/weirdata/weir/internal/query"
	"github.com/weirdata/weir/internal/trigger"
	"github.com/weirdata/weir/internal/workflow"
)

// This file implements trigger.Watcher over the query, execution and
// crawler tables, and shapes their end states as the events the AWS
// services send to EventBridge (simplified; see docs/triggers.md).

// Since implements trigger.Watcher.
func (s *Triggers) Since(ctx context.Context, kind trigger.SourceKind, name string, seq int64, limit int) ([]trigger.RunState, error) {
	var q string
	args := []any{seq}
	switch kind {
	case trigger.SourceQuery:
		q = `SELECT seq, record, cancel_requested FROM query_executions WHERE seq > ? ORDER BY seq LIMIT ?`
	case trigger.SourceExecution:
		q = `SELECT seq, record, stop_requested FROM executions WHERE seq > ? AND (? = '*' OR machine = ?) ORDER BY seq LIMIT ?`
		args = append(args, name, name)
	default:
		return nil, fmt.Errorf("metastore: no sequence of %ss", kind)
	}
	rows, err := s.db.read.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("metastore: read new %ss: %w", kind, err)
	}
	defer rows.Close()
	var out []trigger.RunState
	for rows.Next() {
		var n int64
		var rec string
		var flag int
		if err := rows.Scan(&n, &rec, &flag); err != nil {
			return nil, err
		}
		rs, err := runState(kind, rec, flag)
		if err != nil {
			return nil, err
		}
		rs.Seq = n
		out = append(out, rs)
	}
	return out, rows.Err()
}

// Lookup implements trigger.Watcher.
func (s *Triggers) Lookup(ctx context.Context, kind trigger.SourceKind, ids []string) ([]trigger.RunState, error) {
	var out []trigger.RunState
	for _, id := range ids {
		var rec string
		var flag int
		var err error
		switch kind {
		case trigger.SourceQuery:
			err = s.db.read.QueryRowContext(ctx, `SELECT record, cancel_requested FROM query_executions WHERE id = ?`, id).Scan(&rec, &flag)
		case trigger.SourceExecution:
			err = s.db.read.QueryRowContext(ctx, `SELECT record, stop_requested FROM executions WHERE arn = ?`, id).Scan(&rec, &flag)
		case trigger.SourceCrawler:
			var c *crawler.Crawler
			c, err = scanCrawler(s.db.read.QueryRowContext(ctx, `SELECT record, folders FROM crawlers WHERE name = ?`, id))
			if errors.Is(err, crawler.ErrCrawlerNotFound) {
				continue
			}
			if err == nil && c.LastCrawl != nil {
				out = append(out, crawlState(c.Name, c.LastCrawl))
			}
			if err != nil {
				return nil, fmt.Errorf("metastore: read crawler %s: %w", id, err)
			}
			continue
		default:
			return nil, fmt.Errorf("metastore: cannot look up %ss", kind)
		}
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("metastore: read %s %s: %w", kind, id, err)
		}
		rs, err := runState(kind, rec, flag)
		if err != nil {
			return nil, err
		}
		out = append(out, rs)
	}
	return out, nil
}

// Head implements trigger.Watcher.
func (s *Triggers) Head(ctx context.Context, kind trigger.SourceKind, name string) (int64, []string, error) {
	var seqQ, openQ string
	var args []any
	switch kind {
	case trigger.SourceQuery:
		seqQ = `SELECT coalesce(max(seq), 0) FROM query_executions`
		openQ = `SELECT id FROM query_executions WHERE state IN ('QUEUED', 'RUNNING') ORDER BY seq`
	case trigger.SourceExecution:
		seqQ = `SELECT coalesce(max(seq), 0) FROM executions`
		openQ = `SELECT arn FROM executions WHERE status = 'RUNNING' AND (? = '*' OR machine = ?) ORDER BY seq`
		args = []any{name, name}
	default:
		return 0, nil, fmt.Errorf("metastore: no sequence of %ss", kind)
	}
	var seq int64
	if err := s.db.read.QueryRowContext(ctx, seqQ).Scan(&seq); err != nil {
		return 0, nil, fmt.Errorf("metastore: read %ss: %w", kind, err)
	}
	open, err := queryAll(ctx, s.db.read, func(s scanner) (string, error) {
		var id string
		return id, s.Scan(&id)
	}, openQ, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("metastore: read open %ss: %w", kind, err)
	}
	return seq, open, nil
}

// runState decodes a query or execution record into its state and the
// event its end sends.
func runState(kind trigger.SourceKind, rec string, flag int) (trigger.RunState, error) {
	if kind == trigger.SourceQuery {
		e, err := decodeExecution(rec, flag)
		if err != nil {
			return trigger.RunState{}, err
		}
		return queryState(e), nil
	}
	x, err := decodeWorkflowExecution(rec, flag)
	if err != nil {
		return trigger.RunState{}, err
	}
	return executionState(x), nil
}

// queryState is Athena's "Athena Query State Change" event.
func queryState(e *query.Execution) trigger.RunState {
	prev := "RUNNING"
	if e.StartTime.IsZero() {
		prev = "QUEUED"
	}
	detail := map[string]any{
		"currentState":     string(e.State),
		"previousState":    prev,
		"queryExecutionId": e.ID,
		"statementType":    e.StatementType,
		"versionId":        "0",
		"workgroupName":    e.WorkGroup,
		"database":         e.Database,
		"outputLocation":   e.OutputLocation,
	}
	if e.Error != nil {
		detail["athenaError"] = map[string]any{"errorCategory": e.Error.ErrorCategory, "errorType": e.Error.ErrorType, "errorMessage": e.Error.ErrorMessage, "retryable": e.Error.Retryable}
	}
	at := e.CompletionTime
	if at.IsZero() {
		at = e.SubmissionTime
	}
	return trigger.RunState{ID: e.ID, Name: e.Database, State: string(e.State), Time: at,
		Event: trigger.Event{DetailType: "Athena Query State Change", Source: "aws.athena", Detail: detail}}
}

// executionState is Step Functions' "Step Functions Execution Status
// Change" event.
func executionState(x *workflow.Execution) trigger.RunState {
	jsonText := func(v any) any {
		if v == nil {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		return string(b)
	}
	millis := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UnixMilli()
	}
	detail := map[string]any{
		"executionArn":    x.ARN,
		"stateMachineArn": x.StateMachineARN,
		"name":            x.Name,
		"status":          string(x.Status),
		"startDate":       millis(x.StartDate),
		"stopDate":        millis(x.StopDate),
		"input":           jsonText(x.Input),
		"output":          jsonText(x.Output),
		"error":           nilIfEmpty(x.Error),
		"cause":           nilIfEmpty(x.Cause),
	}
	at := x.StopDate
	if at.IsZero() {
		at = x.StartDate
	}
	return trigger.RunState{ID: x.ARN, Name: x.Machine, State: string(x.Status), Time: at,
		Event: trigger.Event{DetailType: "Step Functions Execution Status Change", Source: "aws.states", Resources: []string{x.ARN}, Detail: detail}}
}

// crawlState is Glue's "Glue Crawler State Change" event of a finished
// crawl; its state is written as Glue writes it (Succeeded, Failed,
// Cancelled).
func crawlState(name string, lc *crawler.LastCrawl) trigger.RunState {
	st := string(lc.Status)
	detail := map[string]any{
		"crawlerName":       name,
		"state":             strings.ToUpper(st[:1]) + strings.ToLower(st[1:]),
		"startTime":         lc.StartTime.UTC().Format(time.RFC3339),
		"completionTime":    lc.EndTime.UTC().Format(time.RFC3339),
		"accountId":         "000000000000",
		"tablesCreated":     fmt.Sprint(lc.TablesCreated),
		"tablesUpdated":     fmt.Sprint(lc.TablesUpdated),
		"tablesDeleted":     fmt.Sprint(lc.TablesDeleted),
		"partitionsCreated": fmt.Sprint(lc.PartitionsAdded),
		"partitionsUpdated": fmt.Sprint(lc.PartitionsUpdated),
		"partitionsDeleted": fmt.Sprint(lc.PartitionsRemoved),
	}
	if lc.ErrorMessage != "" {
		detail["errorMessage"] = lc.ErrorMessage
	}
	id := lc.CrawlID
	if id == "" {
		id = name + "@" + lc.StartTime.UTC().Format(time.RFC3339Nano)
	}
	return trigger.RunState{ID: id, Name: name, State: st, Time: lc.EndTime,
		Event: trigger.Event{DetailType: "Glue Crawler State Change", Source: "aws.glue", Detail: detail}}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var _ trigger.Watcher = (*Triggers)(nil)
