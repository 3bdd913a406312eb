package query

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/lake"
)

// written is a staged write waiting to be published.
type written struct {
	create        *catalog.Table // CTAS: the table to create
	table         *catalog.Table // the table whose partitions the files fill, if any
	location      string         // folder the files go to when they have no partition
	files         []WrittenFile
	partitionKeys []catalog.Column // UNLOAD: keys naming the partition folders
	published     []string         // the files' final URIs, once published
	committed     bool             // the catalog changes and moves are committed
}

// publishWrite makes a staged write visible: the catalog changes and the
// list of file moves are committed in one metadata transaction, then the
// files are renamed into place. Queries never see a partial write: they
// list files under a read lock this holds for writing. If the process dies
// after the commit, Run finishes the moves on the next start.
func (s *Service) publishWrite(ctx context.Context, queryID string, w *written) error {
	s.publish.Lock()
	defer s.publish.Unlock()

	commit := &WriteCommit{QueryID: queryID, CreateTable: w.create}
	keys := w.partitionKeys
	if w.table != nil {
		commit.Database, commit.Table = w.table.Database, w.table.Name
		keys = w.table.PartitionKeys
	}
	existing := map[string]string{} // partition values -> location
	if w.table != nil && w.create == nil && w.table.IsPartitioned() {
		parts, err := s.opts.Catalog.ListPartitions(ctx, w.table.Database, w.table.Name)
		if err != nil {
			return err
		}
		for _, p := range parts {
			existing[strings.Join(p.Values, "\x00")] = asFolder(p.Location)
		}
	}
	added := map[string]bool{}
	for _, f := range w.files {
		folder := asFolder(w.location)
		if len(f.Partition) > 0 {
			values := make([]string, len(f.Partition))
			for i, v := range f.Partition {
				if v == "" {
					v = catalog.NullPartitionValue
				}
				values[i] = v
			}
			key := strings.Join(values, "\x00")
			if loc, ok := existing[key]; ok {
				folder = loc
			} else {
				folder = asFolder(w.location) + catalog.PartitionName(keys, values) + "/"
				if w.table != nil && !added[key] {
					added[key] = true
					commit.AddPartitions = append(commit.AddPartitions, &catalog.Partition{Values: values, Location: folder, CreateTime: s.opts.Now()})
				}
			}
		}
		to := folder + filepath.Base(f.Path)
		commit.Moves = append(commit.Moves, FileMove{From: f.Path, To: to})
	}
	if w.create != nil {
		// Re-check under the lock: another query may have written there.
		if _, err := s.opts.Catalog.GetTable(ctx, w.create.Database, w.create.Name); err == nil {
			return Errorf("ALREADY_EXISTS", "Table 'awsdatacatalog.%s.%s' already exists", w.create.Database, w.create.Name)
		}
	}
	if err := s.opts.Store.CommitWrite(ctx, commit); err != nil {
		if errors.Is(err, catalog.ErrTableExists) {
			return Errorf("ALREADY_EXISTS", "Table 'awsdatacatalog.%s.%s' already exists", w.create.Database, w.create.Name)
		}
		return Errorf("HIVE_METASTORE_ERROR", "cannot record the write: %v", err)
	}
	w.committed = true
	// Committed: the moves must happen now, whatever happens to the
	// statement (a cancellation must not leave half the files in place).
	ctx = context.WithoutCancel(ctx)
	if err := s.moveFiles(ctx, commit.Moves); err != nil {
		s.mu.Lock()
		s.unfinished = true
		s.mu.Unlock()
		return Errorf("HIVE_FILESYSTEM_ERROR", "the write is committed but its files could not all be moved into place (%v); weir retries before the next statement and when it next starts", err)
	}
	if err := s.opts.Store.FinishWrite(ctx, queryID); err != nil {
		return Errorf("HIVE_METASTORE_ERROR", "cannot record the write as finished: %v", err)
	}
	for _, m := range commit.Moves {
		w.published = append(w.published, m.To)
	}
	return nil
}

// moveFiles moves staged files into the lake. A move whose source is gone
// was done before (by a process that then died), so it is skipped; this
// makes moves safe to repeat.
func (s *Service) moveFiles(ctx context.Context, moves []FileMove) error {
	buckets := map[string]lake.Bucket{}
	for i, m := range moves {
		if s.opts.AfterMove != nil && i > 0 {
			s.opts.AfterMove(i)
		}
		u, err := lake.ParseURI(m.To)
		if err != nil {
			return err
		}
		b, ok := buckets[u.Bucket]
		if !ok {
			if b, err = s.opts.Lake.Bucket(ctx, u.Bucket); err != nil {
				return err
			}
			buckets[u.Bucket] = b
		}
		if _, err := os.Stat(m.From); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if _, err := lake.Publish(ctx, b, m.From, u.Key); err != nil {
			if errors.Is(err, lake.ErrPublishConflict) {
				// Copied by an earlier attempt that died before removing
				// the source.
				os.Remove(m.From)
				continue
			}
			return fmt.Errorf("move %s to %s: %w", m.From, m.To, err)
		}
	}
	return nil
}

// finishPending moves the files of committed writes that are not yet in
// place: after a crash, or after a move failed (s.unfinished).
func (s *Service) finishPending(ctx context.Context) ([]*WriteCommit, error) {
	s.publish.Lock()
	defer s.publish.Unlock()
	pending, err := s.opts.Store.PendingWrites(ctx)
	if err != nil {
		return nil, fmt.Errorf("query: read pending writes: %w", err)
	}
	for _, c := range pending {
		if err := s.moveFiles(ctx, c.Moves); err != nil {
			return nil, fmt.Errorf("query: finish write of %s: %w", c.QueryID, err)
		}
		if err := s.opts.Store.FinishWrite(ctx, c.QueryID); err != nil {
			return nil, fmt.Errorf("query: finish write of %s: %w", c.QueryID, err)
		}
		s.logger.Info("finished moving the files of a committed write", "query", c.QueryID, "files", len(c.Moves))
	}
	s.mu.Lock()
	s.unfinished = false
	s.mu.Unlock()
	return pending, nil
}

// recover finishes interrupted work before Run starts its workers.
func (s *Service) recover(ctx context.Context) error {
	pending, err := s.finishPending(ctx)
	if err != nil {
		return err
	}
	published := map[string]bool{} // executions whose committed write was finished here
	for _, c := range pending {
		published[c.QueryID] = true
	}
	if s.opts.StagingDir != "" {
		entries, err := os.ReadDir(s.opts.StagingDir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("query: sweep staging: %w", err)
		}
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(s.opts.StagingDir, e.Name())); err != nil {
				return fmt.Errorf("query: sweep staging: %w", err)
			}
		}
		if len(entries) > 0 {
			s.logger.Info("removed files of unfinished writes", "count", len(entries))
		}
	}
	token := ""
	for {
		execs, next, err := s.opts.Store.ListExecutions(ctx, ListOptions{Limit: 500, NextToken: token, States: []State{StateQueued, StateRunning}})
		if err != nil {
			return fmt.Errorf("query: list unfinished executions: %w", err)
		}
		for i := len(execs) - 1; i >= 0; i-- { // oldest first
			e := execs[i]
			switch e.State {
			case StateRunning:
				if published[e.ID] {
					// Its data is in place: running it again would write it twice.
					s.finish(ctx, e, EventFail, Errorf("SERVER_SHUTTING_DOWN", "weir stopped after the query's write was committed (the process exited); the written files were published when weir next started, so do not run it again"), nil)
					continue
				}
				s.finish(ctx, e, EventFail, Errorf("SERVER_SHUTTING_DOWN", "weir stopped while the query was running (the process exited); run it again"), nil)
			case StateQueued:
				s.mu.Lock()
				if _, ok := s.done[e.ID]; !ok {
					s.done[e.ID] = make(chan struct{})
				}
				s.mu.Unlock()
				s.enqueue(e.ID)
			}
		}
		if next == "" {
			return nil
		}
		token = next
	}
}
