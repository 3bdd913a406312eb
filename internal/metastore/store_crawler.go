package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/crawler"
)

// This file implements crawler.Store on the table of migration 0003.

// CreateCrawler adds a crawler, or fails with crawler.ErrCrawlerExists.
func (db *DB) CreateCrawler(ctx context.Context, c *crawler.Crawler) error {
	rec, folders, err := encodeCrawler(c)
	if err != nil {
		return err
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO crawlers (name, record, folders) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			c.Name, rec, folders)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = crawler.ErrCrawlerExists
			}
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("metastore: create crawler %s: %w", c.Name, err)
	}
	return nil
}

// GetCrawler returns a crawler, or fails with crawler.ErrCrawlerNotFound.
func (db *DB) GetCrawler(ctx context.Context, name string) (*crawler.Crawler, error) {
	c, err := scanCrawler(db.read.QueryRowContext(ctx, `SELECT record, folders FROM crawlers WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("metastore: get crawler %s: %w", name, err)
	}
	return c, nil
}

// ListCrawlers returns all crawlers sorted by name.
func (db *DB) ListCrawlers(ctx context.Context) ([]*crawler.Crawler, error) {
	list, err := queryAll(ctx, db.read, scanCrawler, `SELECT record, folders FROM crawlers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list crawlers: %w", err)
	}
	return list, nil
}

// UpdateCrawler changes a crawler with fn in one transaction.
func (db *DB) UpdateCrawler(ctx context.Context, name string, fn func(c *crawler.Crawler) error) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return updateCrawlerTx(ctx, tx, name, fn) })
	if err != nil {
		return fmt.Errorf("metastore: update crawler %s: %w", name, err)
	}
	return nil
}

// DeleteCrawler removes a crawler, if fn (when given) allows it.
func (db *DB) DeleteCrawler(ctx context.Context, name string, fn func(c *crawler.Crawler) error) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		c, err := scanCrawler(tx.QueryRowContext(ctx, `SELECT record, folders FROM crawlers WHERE name = ?`, name))
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(c); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM crawlers WHERE name = ?`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: delete crawler %s: %w", name, err)
	}
	return nil
}

// CommitCrawl applies a crawl's catalog changes and the crawler's new
// state in one transaction.
func (db *DB) CommitCrawl(ctx context.Context, name string, ch *crawler.Changes, fn func(c *crawler.Crawler) error) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if err := applyChangesTx(ctx, tx, ch); err != nil {
			return err
		}
		return updateCrawlerTx(ctx, tx, name, fn)
	})
	if err != nil {
		return fmt.Errorf("metastore: commit crawl of %s: %w", name, err)
	}
	return nil
}

// applyChangesTx applies catalog changes in crawler.Changes' order.
func applyChangesTx(ctx context.Context, tx *sql.Tx, ch *crawler.Changes) error {
	if ch == nil {
		return nil
	}
	if d := ch.Database; d != nil {
		params, err := encodeJSON(d.Parameters)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO databases (name, description, location_uri, parameters, create_time)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			d.Name, d.Description, d.LocationURI, params, toMillis(d.CreateTime)); err != nil {
			return err
		}
	}
	for _, t := range ch.CreateTables {
		if err := createTableTx(ctx, tx, t); err != nil {
			return fmt.Errorf("create table %s: %w", t.QualifiedName(), err)
		}
	}
	for _, u := range ch.UpdateTables {
		if u.DropAllPartitions {
			if _, err := tx.ExecContext(ctx, `DELETE FROM partitions WHERE table_id = (SELECT id FROM tables WHERE db = ? AND name = ?)`,
				u.Table.Database, u.Table.Name); err != nil {
				return err
			}
		}
		if err := updateTableTx(ctx, tx, u.Table); err != nil {
			return fmt.Errorf("update table %s: %w", u.Table.QualifiedName(), err)
		}
	}
	for _, d := range ch.DropPartitions {
		if err := dropPartitionsTx(ctx, tx, d.Database, d.Table, d.Values, true); err != nil {
			return fmt.Errorf("drop partitions of %s.%s: %w", d.Database, d.Table, err)
		}
	}
	for _, a := range ch.AddPartitions {
		if _, err := addPartitionsTx(ctx, tx, a.Database, a.Table, a.Partitions, true); err != nil {
			return fmt.Errorf("add partitions to %s.%s: %w", a.Database, a.Table, err)
		}
	}
	for _, a := range ch.UpdatePartitions {
		for _, p := range a.Partitions {
			if err := updatePartitionTx(ctx, tx, a.Database, a.Table, p); err != nil {
				return fmt.Errorf("update partition of %s.%s: %w", a.Database, a.Table, err)
			}
		}
	}
	for _, t := range ch.DropTables {
		if err := dropTableTx(ctx, tx, t.Database, t.Name); err != nil && !errors.Is(err, catalog.ErrTableNotFound) {
			return fmt.Errorf("drop table %s: %w", t.QualifiedName(), err)
		}
	}
	return nil
}

// updateCrawlerTx reads a crawler, applies fn and writes it back.
func updateCrawlerTx(ctx context.Context, tx *sql.Tx, name string, fn func(c *crawler.Crawler) error) error {
	c, err := scanCrawler(tx.QueryRowContext(ctx, `SELECT record, folders FROM crawlers WHERE name = ?`, name))
	if err != nil {
		return err
	}
	if err := fn(c); err != nil {
		return err
	}
	rec, folders, err := encodeCrawler(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE crawlers SET record = ?, folders = ? WHERE name = ?`, rec, folders, name)
	return err
}

func encodeCrawler(c *crawler.Crawler) (rec, folders string, err error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", "", err
	}
	if folders, err = encodeJSON(c.Folders); err != nil {
		return "", "", err
	}
	return string(b), folders, nil
}

func scanCrawler(s scanner) (*crawler.Crawler, error) {
	var rec, folders string
	err := s.Scan(&rec, &folders)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, crawler.ErrCrawlerNotFound
	}
	if err != nil {
		return nil, err
	}
	var c crawler.Crawler
	if err := json.Unmarshal([]byte(rec), &c); err != nil {
		return nil, fmt.Errorf("decode crawler: %w", err)
	}
	if err := decodeJSON(folders, &c.Folders); err != nil {
		return nil, fmt.Errorf("decode crawler %s: folders: %w", c.Name, err)
	}
	return &c, nil
}

// Interface guards.
var (
	_ crawler.Store = (*DB)(nil)
)
