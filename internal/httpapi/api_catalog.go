package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/weirdata/weir/internal/catalog"
)

// Database is a catalog database, with Glue's field names.
type Database struct {
	Name        string            `json:"Name"`
	Description string            `json:"Description,omitempty"`
	LocationUri string            `json:"LocationUri,omitempty"`
	Parameters  map[string]string `json:"Parameters,omitempty"`
	CreateTime  time.Time         `json:"CreateTime"`
}

// DatabaseList is a page of listDatabases.
type DatabaseList struct {
	Databases []Database `json:"databases"`
	NextToken string     `json:"nextToken,omitempty"`
}

// Column is a table column with its Athena/Hive type.
type Column struct {
	Name    string `json:"Name"`
	Type    string `json:"Type"`
	Comment string `json:"Comment,omitempty"`
}

// SerdeInfo is a table's SerDe, as Glue's StorageDescriptor holds it.
type SerdeInfo struct {
	SerializationLibrary string            `json:"SerializationLibrary,omitempty"`
	Parameters           map[string]string `json:"Parameters,omitempty"`
}

// StorageDescriptor says where a table's or partition's files are and
// how to read them (Glue's StorageDescriptor).
type StorageDescriptor struct {
	Columns      []Column  `json:"Columns,omitempty"`
	Location     string    `json:"Location"`
	InputFormat  string    `json:"InputFormat,omitempty"`
	OutputFormat string    `json:"OutputFormat,omitempty"`
	SerdeInfo    SerdeInfo `json:"SerdeInfo"`
}

// Table is a catalog table, with Glue's field names.
type Table struct {
	DatabaseName      string            `json:"DatabaseName"`
	Name              string            `json:"Name"`
	Description       string            `json:"Description,omitempty"`
	TableType         string            `json:"TableType"`
	StorageDescriptor StorageDescriptor `json:"StorageDescriptor"`
	PartitionKeys     []Column          `json:"PartitionKeys"`
	Parameters        map[string]string `json:"Parameters,omitempty"`
	CreateTime        time.Time         `json:"CreateTime"`
	UpdateTime        time.Time         `json:"UpdateTime"`
}

// TableList is a page of listTables.
type TableList struct {
	Tables    []Table `json:"tables"`
	NextToken string  `json:"nextToken,omitempty"`
}

// Partition is one partition of a table, with Glue's field names.
type Partition struct {
	Values            []string          `json:"Values"`
	StorageDescriptor StorageDescriptor `json:"StorageDescriptor"`
	Parameters        map[string]string `json:"Parameters,omitempty"`
	CreationTime      time.Time         `json:"CreationTime"`
}

// PartitionList is a page of listPartitions.
type PartitionList struct {
	Partitions []Partition `json:"partitions"`
	NextToken  string      `json:"nextToken,omitempty"`
}

func (s *Server) catalog() (Catalog, error) {
	if s.svc.Catalog == nil {
		return nil, unavailable("the catalog's databases and tables")
	}
	return s.svc.Catalog, nil
}

func databaseOf(d *catalog.Database) Database {
	return Database{Name: d.Name, Description: d.Description, LocationUri: d.LocationURI, Parameters: d.Parameters, CreateTime: d.CreateTime.UTC()}
}

func columnsOf(cs []catalog.Column) []Column {
	out := []Column{}
	for _, c := range cs {
		out = append(out, Column{Name: c.Name, Type: c.Type.String(), Comment: c.Comment})
	}
	return out
}

func tableOf(t *catalog.Table) Table {
	return Table{
		DatabaseName: t.Database, Name: t.Name, Description: t.Description, TableType: t.TableType,
		StorageDescriptor: StorageDescriptor{Columns: columnsOf(t.Columns), Location: t.Location,
			InputFormat: t.Storage.InputFormat, OutputFormat: t.Storage.OutputFormat,
			SerdeInfo: SerdeInfo{SerializationLibrary: t.Storage.SerDe, Parameters: t.Storage.SerDeParameters}},
		PartitionKeys: columnsOf(t.PartitionKeys), Parameters: t.Parameters,
		CreateTime: t.CreateTime.UTC(), UpdateTime: t.UpdateTime.UTC(),
	}
}

func (s *Server) listDatabases(w http.ResponseWriter, r *http.Request) error {
	c, err := s.catalog()
	if err != nil {
		return err
	}
	dbs, err := c.ListDatabases(r.Context())
	if err != nil {
		return err
	}
	out := DatabaseList{}
	if out.Databases, out.NextToken, err = listPage(r, dbs, func(d *catalog.Database) string { return d.Name }, databaseOf); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getDatabase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.catalog()
	if err != nil {
		return err
	}
	d, err := c.GetDatabase(r.Context(), r.PathValue("database"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, databaseOf(d))
	return nil
}

func (s *Server) listTables(w http.ResponseWriter, r *http.Request) error {
	c, err := s.catalog()
	if err != nil {
		return err
	}
	ts, err := c.ListTables(r.Context(), r.PathValue("database"))
	if err != nil {
		return err
	}
	out := TableList{}
	if out.Tables, out.NextToken, err = listPage(r, ts, func(t *catalog.Table) string { return t.Name }, tableOf); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getTable(w http.ResponseWriter, r *http.Request) error {
	c, err := s.catalog()
	if err != nil {
		return err
	}
	t, err := c.GetTable(r.Context(), r.PathValue("database"), r.PathValue("table"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tableOf(t))
	return nil
}

func (s *Server) listPartitions(w http.ResponseWriter, r *http.Request) error {
	c, err := s.catalog()
	if err != nil {
		return err
	}
	ps, err := c.ListPartitions(r.Context(), r.PathValue("database"), r.PathValue("table"))
	if err != nil {
		return err
	}
	out := PartitionList{}
	out.Partitions, out.NextToken, err = listPage(r, ps, func(p *catalog.Partition) string { return strings.Join(p.Values, "\x00") },
		func(p *catalog.Partition) Partition {
			return Partition{Values: p.Values, StorageDescriptor: StorageDescriptor{Location: p.Location}, Parameters: p.Parameters, CreationTime: p.CreateTime.UTC()}
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
