package metastore

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/weirdata/weir/internal/catalog"
	"github.com/weirdata/weir/internal/errs"
)

// This file implements catalog.Store on the tables of migration 0001.

var errDropDefault = errs.E("", errs.Invalid, errors.New("the default database cannot be dropped"))

// CreateDatabase adds a database, or fails with catalog.ErrDatabaseExists.
func (db *DB) CreateDatabase(ctx context.Context, d *catalog.Database) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		params, err := encodeJSON(d.Parameters)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO databases (name, description, location_uri, parameters, create_time)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			d.Name, d.Description, d.LocationURI, params, toMillis(d.CreateTime))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, catalog.ErrDatabaseExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("metastore: create database %s: %w", d.Name, err)
	}
	return nil
}

// GetDatabase returns a database, or fails with catalog.ErrDatabaseNotFound.
func (db *DB) GetDatabase(ctx context.Context, name string) (*catalog.Database, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+databaseColumns+` FROM databases WHERE name = ?`, name)
	d, err := scanDatabase(row)
	if errors.Is(err, sql.ErrNoRows) {
		err = catalog.ErrDatabaseNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("metastore: get database %s: %w", name, err)
	}
	return d, nil
}

// ListDatabases returns all databases sorted by name.
func (db *DB) ListDatabases(ctx context.Context) ([]*catalog.Database, error) {
	dbs, err := queryAll(ctx, db.read, scanDatabase, `SELECT `+databaseColumns+` FROM databases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("metastore: list databases: %w", err)
	}
	return dbs, nil
}

// DropDatabase removes an empty database, or with cascade a database and
// all its tables and partitions.
func (db *DB) DropDatabase(ctx context.Context, name string, cascade bool) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if name == catalog.DefaultDatabase {
			return errDropDefault
		}
		if err := databaseExists(ctx, tx, name); err != nil {
			return err
		}
		if !cascade {
			var tables bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tables WHERE db = ?)`, name).Scan(&tables); err != nil {
				return err
			}
			if tables {
				return catalog.ErrDatabaseNotEmpty
			}
		}
		// Foreign keys cascade to the tables and their partitions.
		_, err := tx.ExecContext(ctx, `DELETE FROM databases WHERE name = ?`, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("metastore: drop database %s: %w", name, err)
	}
	return nil
}

// CreateTable adds a table to an existing database.
func (db *DB) CreateTable(ctx context.Context, t *catalog.Table) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return createTableTx(ctx, tx, t) })
	if err != nil {
		return fmt.Errorf("metastore: create table %s: %w", t.QualifiedName(), err)
	}
	return nil
}

// createTableTx adds a table within tx.
func createTableTx(ctx context.Context, tx *sql.Tx, t *catalog.Table) error {
	r, err := encodeTable(t)
	if err != nil {
		return err
	}
	if err := databaseExists(ctx, tx, t.Database); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO tables (db, name, description, table_type, columns, partition_keys,
			location, storage, parameters, create_time, update_time)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (db, name) DO NOTHING`,
		t.Database, t.Name, t.Description, t.TableType, r.columns, r.partitionKeys,
		t.Location, r.storage, r.parameters, toMillis(t.CreateTime), toMillis(t.UpdateTime))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, catalog.ErrTableExists)
	}
	return nil
}

// GetTable returns a table.
func (db *DB) GetTable(ctx context.Context, dbName, name string) (*catalog.Table, error) {
	var t *catalog.Table
	err := db.withReadTx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+tableColumns+` FROM tables WHERE db = ? AND name = ?`, dbName, name)
		var err error
		t, err = scanTable(row)
		if errors.Is(err, sql.ErrNoRows) {
			return missingTable(ctx, tx, dbName)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("metastore: get table %s.%s: %w", dbName, name, err)
	}
	return t, nil
}

// ListTables returns the tables of a database sorted by name.
func (db *DB) ListTables(ctx context.Context, dbName string) ([]*catalog.Table, error) {
	var tables []*catalog.Table
	err := db.withReadTx(ctx, func(tx *sql.Tx) error {
		if err := databaseExists(ctx, tx, dbName); err != nil {
			return err
		}
		var err error
		tables, err = queryAll(ctx, tx, scanTable, `SELECT `+tableColumns+` FROM tables WHERE db = ? ORDER BY name`, dbName)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("metastore: list tables of %s: %w", dbName, err)
	}
	return tables, nil
}

// UpdateTable replaces the definition of an existing table, keeping its
// partitions.
func (db *DB) UpdateTable(ctx context.Context, t *catalog.Table) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return updateTableTx(ctx, tx, t) })
	if err != nil {
		return fmt.Errorf("metastore: update table %s: %w", t.QualifiedName(), err)
	}
	return nil
}

// updateTableTx replaces a table's definition within tx.
func updateTableTx(ctx context.Context, tx *sql.Tx, t *catalog.Table) error {
	r, err := encodeTable(t)
	if err != nil {
		return err
	}
	// An UPDATE, not a REPLACE: deleting the row would cascade to the
	// partitions.
	res, err := tx.ExecContext(ctx, `UPDATE tables SET description = ?, table_type = ?, columns = ?, partition_keys = ?,
			location = ?, storage = ?, parameters = ?, create_time = ?, update_time = ?
		WHERE db = ? AND name = ?`,
		t.Description, t.TableType, r.columns, r.partitionKeys, t.Location, r.storage, r.parameters,
		toMillis(t.CreateTime), toMillis(t.UpdateTime), t.Database, t.Name)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, missingTable(ctx, tx, t.Database))
	}
	return nil
}

// DropTable removes a table and its partitions.
func (db *DB) DropTable(ctx context.Context, dbName, name string) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return dropTableTx(ctx, tx, dbName, name) })
	if err != nil {
		return fmt.Errorf("metastore: drop table %s.%s: %w", dbName, name, err)
	}
	return nil
}

// dropTableTx removes a table within tx.
func dropTableTx(ctx context.Context, tx *sql.Tx, dbName, name string) error {
	// The foreign key cascades to the partitions.
	res, err := tx.ExecContext(ctx, `DELETE FROM tables WHERE db = ? AND name = ?`, dbName, name)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, missingTable(ctx, tx, dbName))
	}
	return nil
}

// AddPartitions adds partitions to a table in one transaction. With
// ifNotExists it skips partitions whose values exist, including ones
// repeated in parts; otherwise any such partition fails the call with
// catalog.ErrPartitionExists. It returns the partitions it added.
func (db *DB) AddPartitions(ctx context.Context, dbName, table string, parts []*catalog.Partition, ifNotExists bool) ([]*catalog.Partition, error) {
	var added []*catalog.Partition
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		added, err = addPartitionsTx(ctx, tx, dbName, table, parts, ifNotExists)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("metastore: add partitions to %s.%s: %w", dbName, table, err)
	}
	return added, nil
}

// addPartitionsTx adds partitions within tx.
func addPartitionsTx(ctx context.Context, tx *sql.Tx, dbName, table string, parts []*catalog.Partition, ifNotExists bool) ([]*catalog.Partition, error) {
	var added []*catalog.Partition
	id, keys, err := partitionedTable(ctx, tx, dbName, table)
	if err != nil {
		return nil, err
	}
	if keys == 0 {
		return nil, errs.E("", errs.Invalid, errors.New("the table is not partitioned"))
	}
	for _, p := range parts {
		if len(p.Values) != keys {
			return nil, errs.E("", errs.Invalid, fmt.Errorf("partition %q has %d values but the table has %d partition keys",
				p.Values, len(p.Values), keys))
		}
		// JSON would replace invalid bytes, and the stored values would
		// no longer match their key.
		for _, v := range p.Values {
			if !utf8.ValidString(v) {
				return nil, errs.E("", errs.Invalid, fmt.Errorf("partition value %q is not valid UTF-8", v))
			}
		}
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO partitions (table_id, value_key, value_list, location, parameters, create_time)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_id, value_key) DO NOTHING`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for _, p := range parts {
		values, err := encodeJSON(p.Values)
		if err != nil {
			return nil, err
		}
		params, err := encodeJSON(p.Parameters)
		if err != nil {
			return nil, err
		}
		res, err := stmt.ExecContext(ctx, id, partitionKey(p.Values), values, p.Location, params, toMillis(p.CreateTime))
		if err != nil {
			return nil, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			if ifNotExists {
				continue
			}
			return nil, fmt.Errorf("partition %q: %w", p.Values, catalog.ErrPartitionExists)
		}
		c := p.Clone()
		c.CreateTime = fromMillis(toMillis(p.CreateTime))
		added = append(added, c)
	}
	return added, nil
}

// UpdatePartition replaces the location and parameters of an existing
// partition, found by its values.
func (db *DB) UpdatePartition(ctx context.Context, dbName, table string, p *catalog.Partition) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return updatePartitionTx(ctx, tx, dbName, table, p) })
	if err != nil {
		return fmt.Errorf("metastore: update partition of %s.%s: %w", dbName, table, err)
	}
	return nil
}

// updatePartitionTx updates a partition within tx.
func updatePartitionTx(ctx context.Context, tx *sql.Tx, dbName, table string, p *catalog.Partition) error {
	id, _, err := partitionedTable(ctx, tx, dbName, table)
	if err != nil {
		return err
	}
	params, err := encodeJSON(p.Parameters)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE partitions SET location = ?, parameters = ? WHERE table_id = ? AND value_key = ?`,
		p.Location, params, id, partitionKey(p.Values))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, fmt.Errorf("partition %q: %w", p.Values, catalog.ErrPartitionNotFound))
	}
	return nil
}

// DropPartitions removes partitions by their values in one transaction.
// Without ifExists a missing partition fails the whole call.
func (db *DB) DropPartitions(ctx context.Context, dbName, table string, values [][]string, ifExists bool) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error { return dropPartitionsTx(ctx, tx, dbName, table, values, ifExists) })
	if err != nil {
		return fmt.Errorf("metastore: drop partitions of %s.%s: %w", dbName, table, err)
	}
	return nil
}

// dropPartitionsTx removes partitions within tx.
func dropPartitionsTx(ctx context.Context, tx *sql.Tx, dbName, table string, values [][]string, ifExists bool) error {
	id, _, err := partitionedTable(ctx, tx, dbName, table)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM partitions WHERE table_id = ? AND value_key = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, v := range values {
		res, err := stmt.ExecContext(ctx, id, partitionKey(v))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 && !ifExists {
			return fmt.Errorf("partition %q: %w", v, catalog.ErrPartitionNotFound)
		}
	}
	return nil
}

// ListPartitions returns a table's partitions in the order they were added.
func (db *DB) ListPartitions(ctx context.Context, dbName, table string) ([]*catalog.Partition, error) {
	var parts []*catalog.Partition
	err := db.withReadTx(ctx, func(tx *sql.Tx) error {
		id, _, err := partitionedTable(ctx, tx, dbName, table)
		if err != nil {
			return err
		}
		parts, err = queryAll(ctx, tx, scanPartition, `SELECT value_list, location, parameters, create_time
			FROM partitions WHERE table_id = ? ORDER BY id`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("metastore: list partitions of %s.%s: %w", dbName, table, err)
	}
	return parts, nil
}

// databaseExists returns nil if the database exists and
// catalog.ErrDatabaseNotFound if not.
func databaseExists(ctx context.Context, tx *sql.Tx, name string) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM databases WHERE name = ?)`, name).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return catalog.ErrDatabaseNotFound
	}
	return nil
}

// missingTable says why a table of database db was not found.
func missingTable(ctx context.Context, tx *sql.Tx, db string) error {
	if err := databaseExists(ctx, tx, db); err != nil {
		return err
	}
	return catalog.ErrTableNotFound
}

// partitionedTable returns a table's id and its number of partition keys.
func partitionedTable(ctx context.Context, tx *sql.Tx, db, table string) (id int64, keys int, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id, json_array_length(partition_keys) FROM tables WHERE db = ? AND name = ?`,
		db, table).Scan(&id, &keys)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, missingTable(ctx, tx, db)
	}
	return id, keys, err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const databaseColumns = `name, description, location_uri, parameters, create_time`

func scanDatabase(s scanner) (*catalog.Database, error) {
	var (
		d      catalog.Database
		params string
		create sql.NullInt64
	)
	if err := s.Scan(&d.Name, &d.Description, &d.LocationURI, &params, &create); err != nil {
		return nil, err
	}
	if err := decodeJSON(params, &d.Parameters); err != nil {
		return nil, fmt.Errorf("database %s: parameters: %w", d.Name, err)
	}
	d.CreateTime = fromMillis(create)
	return &d, nil
}

const tableColumns = `db, name, description, table_type, columns, partition_keys, location, storage, parameters,
	create_time, update_time`

func scanTable(s scanner) (*catalog.Table, error) {
	var (
		t              catalog.Table
		r              tableRow
		create, update sql.NullInt64
	)
	if err := s.Scan(&t.Database, &t.Name, &t.Description, &t.TableType, &r.columns, &r.partitionKeys,
		&t.Location, &r.storage, &r.parameters, &create, &update); err != nil {
		return nil, err
	}
	if err := r.decode(&t); err != nil {
		return nil, fmt.Errorf("table %s: %w", t.QualifiedName(), err)
	}
	t.CreateTime = fromMillis(create)
	t.UpdateTime = fromMillis(update)
	return &t, nil
}

func scanPartition(s scanner) (*catalog.Partition, error) {
	var (
		p              catalog.Partition
		values, params string
		create         sql.NullInt64
	)
	if err := s.Scan(&values, &p.Location, &params, &create); err != nil {
		return nil, err
	}
	if err := decodeJSON(values, &p.Values); err != nil {
		return nil, fmt.Errorf("partition values: %w", err)
	}
	if err := decodeJSON(params, &p.Parameters); err != nil {
		return nil, fmt.Errorf("partition %q: parameters: %w", p.Values, err)
	}
	p.CreateTime = fromMillis(create)
	return &p, nil
}

// tableRow holds the JSON columns of a row of tables.
type tableRow struct {
	columns, partitionKeys, storage, parameters string
}

// columnJSON is how a column is stored: its type in the Hive spelling.
type columnJSON struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	Comment string `json:"comment,omitempty"`
}

// storageJSON is how catalog.Storage is stored.
type storageJSON struct {
	InputFormat     string            `json:"input_format,omitempty"`
	OutputFormat    string            `json:"output_format,omitempty"`
	SerDe           string            `json:"serde,omitempty"`
	SerDeParameters map[string]string `json:"serde_parameters,omitempty"`
}

func encodeTable(t *catalog.Table) (tableRow, error) {
	var (
		r   tableRow
		err error
	)
	if r.columns, err = encodeColumns(t.Columns); err != nil {
		return r, err
	}
	if r.partitionKeys, err = encodeColumns(t.PartitionKeys); err != nil {
		return r, err
	}
	if r.storage, err = encodeJSON(storageJSON{t.Storage.InputFormat, t.Storage.OutputFormat, t.Storage.SerDe, t.Storage.SerDeParameters}); err != nil {
		return r, err
	}
	if r.parameters, err = encodeJSON(t.Parameters); err != nil {
		return r, err
	}
	return r, nil
}

func (r tableRow) decode(t *catalog.Table) error {
	var err error
	if t.Columns, err = decodeColumns(r.columns); err != nil {
		return fmt.Errorf("columns: %w", err)
	}
	if t.PartitionKeys, err = decodeColumns(r.partitionKeys); err != nil {
		return fmt.Errorf("partition keys: %w", err)
	}
	var s storageJSON
	if err := decodeJSON(r.storage, &s); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	t.Storage = catalog.Storage{InputFormat: s.InputFormat, OutputFormat: s.OutputFormat, SerDe: s.SerDe, SerDeParameters: s.SerDeParameters}
	if err := decodeJSON(r.parameters, &t.Parameters); err != nil {
		return fmt.Errorf("parameters: %w", err)
	}
	return nil
}

func encodeColumns(cols []catalog.Column) (string, error) {
	out := make([]columnJSON, len(cols))
	for i, c := range cols {
		typ := c.Type.String()
		// Refuse what could not be read back, rather than fail every read.
		if _, err := catalog.ParseType(typ); err != nil {
			return "", errs.E("", errs.Invalid, fmt.Errorf("column %s has a type that cannot be stored: %w", c.Name, err))
		}
		out[i] = columnJSON{c.Name, typ, c.Comment}
	}
	return encodeJSON(out)
}

func decodeColumns(s string) ([]catalog.Column, error) {
	var in []columnJSON
	if err := decodeJSON(s, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	cols := make([]catalog.Column, len(in))
	for i, c := range in {
		typ, err := catalog.ParseType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		cols[i] = catalog.Column{Name: c.Name, Type: typ, Comment: c.Comment}
	}
	return cols, nil
}

// encodeJSON marshals v without escaping <, > and &, so that types such as
// array<int> stay readable in the file. Nil maps and slices become empty
// ones.
func encodeJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	s := strings.TrimSuffix(b.String(), "\n")
	if s == "null" {
		if _, ok := v.(map[string]string); ok {
			return "{}", nil
		}
		return "[]", nil
	}
	return s, nil
}

// decodeJSON unmarshals s into v, a pointer to a map, slice or struct. An
// empty map or slice decodes as nil.
func decodeJSON[T any](s string, v *T) error {
	if s == "{}" || s == "[]" {
		var zero T
		*v = zero
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// partitionKey returns the canonical form of a partition's values, the
// column partitions are looked up by: the values joined with "/", with
// "%", "/" and control characters percent-encoded so that distinct value
// lists never share a key. It reads like the partition's path, e.g.
// "2020/05/12".
func partitionKey(values []string) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte('/')
		}
		for j := 0; j < len(v); j++ {
			c := v[j]
			if c == '%' || c == '/' || c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, "%%%02X", c)
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// toMillis converts a time to the stored form, Unix milliseconds; the zero
// time is stored as NULL.
func toMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMillis converts a stored time back, in UTC.
func fromMillis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

// Interface guards.
var (
	_ catalog.Store = (*DB)(nil)
)
