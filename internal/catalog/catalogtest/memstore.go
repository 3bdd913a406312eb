package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

// MemStore is an in-memory catalog.Store for tests. It behaves like the
// durable store in internal/metastore, down to truncating times to the
// millisecond, so that code tested against it does not change behaviour in
// production. The zero value is not usable; call NewMemStore.
type MemStore struct {
	mu  sync.RWMutex
	dbs map[string]*memDatabase
}

type memDatabase struct {
	db     *catalog.Database
	tables map[string]*memTable
}

type memTable struct {
	t     *catalog.Table
	parts []*catalog.Partition // in insertion order
	keys  map[string]bool      // partitionKey of every element of parts
}

// NewMemStore returns an empty MemStore holding only the default database.
func NewMemStore() *MemStore {
	return &MemStore{dbs: map[string]*memDatabase{
		catalog.DefaultDatabase: {
			db: &catalog.Database{
				Name:        catalog.DefaultDatabase,
				Description: "Default Hive database",
				CreateTime:  normTime(time.Now()),
			},
			tables: map[string]*memTable{},
		},
	}}
}

var errDropDefault = errs.E("", errs.Invalid, errors.New("the default database cannot be dropped"))

// CreateDatabase adds a database, or fails with catalog.ErrDatabaseExists.
func (s *MemStore) CreateDatabase(ctx context.Context, db *catalog.Database) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dbs[db.Name]; ok {
		return fmt.Errorf("catalogtest: create database %s: %w", db.Name, catalog.ErrDatabaseExists)
	}
	s.dbs[db.Name] = &memDatabase{db: cloneDatabase(db), tables: map[string]*memTable{}}
	return nil
}

// GetDatabase returns a database, or fails with catalog.ErrDatabaseNotFound.
func (s *MemStore) GetDatabase(ctx context.Context, name string) (*catalog.Database, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.dbs[name]
	if !ok {
		return nil, fmt.Errorf("catalogtest: get database %s: %w", name, catalog.ErrDatabaseNotFound)
	}
	return cloneDatabase(d.db), nil
}

// ListDatabases returns all databases sorted by name.
func (s *MemStore) ListDatabases(ctx context.Context) ([]*catalog.Database, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*catalog.Database, 0, len(s.dbs))
	for _, name := range slices.Sorted(maps.Keys(s.dbs)) {
		out = append(out, cloneDatabase(s.dbs[name].db))
	}
	return out, nil
}

// DropDatabase removes an empty database, or with cascade a database and
// everything in it.
func (s *MemStore) DropDatabase(ctx context.Context, name string, cascade bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == catalog.DefaultDatabase {
		return fmt.Errorf("catalogtest: drop database %s: %w", name, errDropDefault)
	}
	d, ok := s.dbs[name]
	if !ok {
		return fmt.Errorf("catalogtest: drop database %s: %w", name, catalog.ErrDatabaseNotFound)
	}
	if len(d.tables) > 0 && !cascade {
		return fmt.Errorf("catalogtest: drop database %s: %w", name, catalog.ErrDatabaseNotEmpty)
	}
	delete(s.dbs, name)
	return nil
}

// CreateTable adds a table to an existing database.
func (s *MemStore) CreateTable(ctx context.Context, t *catalog.Table) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.dbs[t.Database]
	if !ok {
		return fmt.Errorf("catalogtest: create table %s: %w", t.QualifiedName(), catalog.ErrDatabaseNotFound)
	}
	if _, ok := d.tables[t.Name]; ok {
		return fmt.Errorf("catalogtest: create table %s: %w", t.QualifiedName(), catalog.ErrTableExists)
	}
	d.tables[t.Name] = &memTable{t: cloneTable(t), keys: map[string]bool{}}
	return nil
}

// GetTable returns a table.
func (s *MemStore) GetTable(ctx context.Context, db, name string) (*catalog.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	mt, err := s.table(db, name)
	if err != nil {
		return nil, fmt.Errorf("catalogtest: get table %s.%s: %w", db, name, err)
	}
	return cloneTable(mt.t), nil
}

// ListTables returns the tables of a database sorted by name.
func (s *MemStore) ListTables(ctx context.Context, db string) ([]*catalog.Table, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.dbs[db]
	if !ok {
		return nil, fmt.Errorf("catalogtest: list tables of %s: %w", db, catalog.ErrDatabaseNotFound)
	}
	out := make([]*catalog.Table, 0, len(d.tables))
	for _, name := range slices.Sorted(maps.Keys(d.tables)) {
		out = append(out, cloneTable(d.tables[name].t))
	}
	return out, nil
}

// UpdateTable replaces the definition of an existing table, keeping its
// partitions.
func (s *MemStore) UpdateTable(ctx context.Context, t *catalog.Table) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mt, err := s.table(t.Database, t.Name)
	if err != nil {
		return fmt.Errorf("catalogtest: update table %s: %w", t.QualifiedName(), err)
	}
	mt.t = cloneTable(t)
	return nil
}

// DropTable removes a table and its partitions.
func (s *MemStore) DropTable(ctx context.Context, db, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.table(db, name); err != nil {
		return fmt.Errorf("catalogtest: drop table %s.%s: %w", db, name, err)
	}
	delete(s.dbs[db].tables, name)
	return nil
}

// AddPartitions adds partitions to a table, all or none.
func (s *MemStore) AddPartitions(ctx context.Context, db, table string, parts []*catalog.Partition, ifNotExists bool) ([]*catalog.Partition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mt, err := s.table(db, table)
	if err != nil {
		return nil, fmt.Errorf("catalogtest: add partitions to %s.%s: %w", db, table, err)
	}
	for _, p := range parts {
		if err := checkArity(mt.t, p.Values); err != nil {
			return nil, fmt.Errorf("catalogtest: add partitions to %s.%s: %w", db, table, err)
		}
	}
	batch := map[string]bool{}
	var added []*catalog.Partition
	for _, p := range parts {
		k := partitionKey(p.Values)
		if mt.keys[k] || batch[k] {
			if ifNotExists {
				continue
			}
			return nil, fmt.Errorf("catalogtest: add partition %q to %s.%s: %w", p.Values, db, table, catalog.ErrPartitionExists)
		}
		batch[k] = true
		added = append(added, clonePartition(p))
	}
	out := make([]*catalog.Partition, len(added))
	for i, p := range added {
		mt.parts = append(mt.parts, p)
		mt.keys[partitionKey(p.Values)] = true
		out[i] = clonePartition(p)
	}
	return out, nil
}

// DropPartitions removes partitions by their values, all or none.
func (s *MemStore) DropPartitions(ctx context.Context, db, table string, values [][]string, ifExists bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mt, err := s.table(db, table)
	if err != nil {
		return fmt.Errorf("catalogtest: drop partitions of %s.%s: %w", db, table, err)
	}
	drop := map[string]bool{}
	for _, v := range values {
		k := partitionKey(v)
		if !mt.keys[k] || drop[k] {
			if ifExists {
				continue
			}
			return fmt.Errorf("catalogtest: drop partition %q of %s.%s: %w", v, db, table, catalog.ErrPartitionNotFound)
		}
		drop[k] = true
	}
	mt.parts = slices.DeleteFunc(mt.parts, func(p *catalog.Partition) bool { return drop[partitionKey(p.Values)] })
	for k := range drop {
		delete(mt.keys, k)
	}
	return nil
}

// ListPartitions returns a table's partitions in the order they were added.
func (s *MemStore) ListPartitions(ctx context.Context, db, table string) ([]*catalog.Partition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	mt, err := s.table(db, table)
	if err != nil {
		return nil, fmt.Errorf("catalogtest: list partitions of %s.%s: %w", db, table, err)
	}
	out := make([]*catalog.Partition, len(mt.parts))
	for i, p := range mt.parts {
		out[i] = clonePartition(p)
	}
	return out, nil
}

// UpdatePartition replaces a partition's location and parameters.
func (s *MemStore) UpdatePartition(ctx context.Context, db, table string, p *catalog.Partition) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mt, err := s.table(db, table)
	if err != nil {
		return fmt.Errorf("catalogtest: update partition of %s.%s: %w", db, table, err)
	}
	k := partitionKey(p.Values)
	for _, have := range mt.parts {
		if partitionKey(have.Values) == k {
			have.Location = p.Location
			have.Parameters = maps.Clone(p.Parameters)
			return nil
		}
	}
	return fmt.Errorf("catalogtest: update partition %q of %s.%s: %w", p.Values, db, table, catalog.ErrPartitionNotFound)
}

// table looks a table up; the caller holds s.mu.
func (s *MemStore) table(db, name string) (*memTable, error) {
	d, ok := s.dbs[db]
	if !ok {
		return nil, catalog.ErrDatabaseNotFound
	}
	mt, ok := d.tables[name]
	if !ok {
		return nil, catalog.ErrTableNotFound
	}
	return mt, nil
}

// checkArity checks that a table is partitioned and a partition has one
// value per partition key, in UTF-8.
func checkArity(t *catalog.Table, values []string) error {
	if !t.IsPartitioned() {
		return errs.E("", errs.Invalid, fmt.Errorf("table %s is not partitioned", t.QualifiedName()))
	}
	if len(values) != len(t.PartitionKeys) {
		return errs.E("", errs.Invalid, fmt.Errorf("partition %q has %d values but table %s has %d partition keys",
			values, len(values), t.QualifiedName(), len(t.PartitionKeys)))
	}
	for _, v := range values {
		if !utf8.ValidString(v) {
			return errs.E("", errs.Invalid, fmt.Errorf("partition value %q is not valid UTF-8", v))
		}
	}
	return nil
}

// partitionKey turns partition values into a map key; %q keeps distinct
// value lists distinct.
func partitionKey(values []string) string { return fmt.Sprintf("%q", values) }

// normTime is how both stores keep times: UTC, to the millisecond.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

func cloneDatabase(db *catalog.Database) *catalog.Database {
	c := *db
	c.Parameters = maps.Clone(db.Parameters)
	c.CreateTime = normTime(db.CreateTime)
	return &c
}

func cloneTable(t *catalog.Table) *catalog.Table {
	c := t.Clone()
	c.CreateTime = normTime(t.CreateTime)
	c.UpdateTime = normTime(t.UpdateTime)
	return c
}

func clonePartition(p *catalog.Partition) *catalog.Partition {
	c := p.Clone()
	c.CreateTime = normTime(p.CreateTime)
	return c
}

// Interface guards.
var (
	_ catalog.Store = (*MemStore)(nil)
)
