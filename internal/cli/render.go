package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/dustin/go-humanize"

	"github.com/weirdata/weir/internal/query"
)

// Output formats.
const (
	outputTable = "table"
	outputCSV   = "csv"
	outputJSON  = "json"
)

func checkOutput(format string) error {
	switch format {
	case outputTable, outputCSV, outputJSON:
		return nil
	}
	return usageError("--output %q must be table, csv or json", format)
}

// maxCell is the widest a cell is printed in table output.
const maxCell = 60

// renderTable prints rows as an aligned table with a header.
func renderTable(w io.Writer, cols []query.ColumnInfo, rows [][]*string) {
	if len(cols) == 0 {
		return
	}
	cells := make([][]string, len(rows))
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = utf8.RuneCountInString(c.Name)
	}
	for r, row := range rows {
		cells[r] = make([]string, len(cols))
		for i := range cols {
			s := "NULL"
			if i < len(row) && row[i] != nil {
				s = cellText(*row[i], len(cols) > 1)
			}
			cells[r][i] = s
			if n := utf8.RuneCountInString(s); n > widths[i] {
				widths[i] = n
			}
		}
	}
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(pad(c.Name, widths[i], false))
	}
	writeLine(w, &b)
	for i := range cols {
		if i > 0 {
			b.WriteString("-+-")
		}
		b.WriteString(strings.Repeat("-", widths[i]))
	}
	writeLine(w, &b)
	for _, row := range cells {
		for i, s := range row {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(pad(s, widths[i], isNumeric(cols[i].Type)))
		}
		writeLine(w, &b)
	}
}

func writeLine(w io.Writer, b *strings.Builder) {
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	b.Reset()
}

// cellText makes a value fit on one line of a table, cut to maxCell
// when other columns share the line (a single column, such as SHOW
// CREATE TABLE's statement, is printed whole, to be copied).
func cellText(s string, cut bool) string {
	s = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
	if cut && utf8.RuneCountInString(s) > maxCell {
		r := []rune(s)
		s = string(r[:maxCell-1]) + "…"
	}
	return s
}

func pad(s string, width int, right bool) string {
	n := width - utf8.RuneCountInString(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

func isNumeric(t string) bool {
	switch t {
	case "tinyint", "smallint", "integer", "bigint", "real", "double", "decimal":
		return true
	}
	return false
}

// renderCSV prints rows in Athena's result CSV: a header, every value
// quoted, NULL as an empty unquoted field.
func renderCSV(w io.Writer, cols []query.ColumnInfo, rows [][]*string, header bool) {
	var b strings.Builder
	if header {
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(csvQuote(c.Name))
		}
		fmt.Fprintln(w, b.String())
	}
	for _, row := range rows {
		b.Reset()
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			if v != nil {
				b.WriteString(csvQuote(*v))
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// jsonResult is one statement's outcome in --output json.
type jsonResult struct {
	QueryExecutionID string         `json:"query_execution_id"`
	State            string         `json:"state"`
	StatementType    string         `json:"statement_type"`
	SubstatementType string         `json:"substatement_type"`
	Error            *jsonError     `json:"error,omitempty"`
	Columns          []jsonColumn   `json:"columns,omitempty"`
	Rows             [][]*string    `json:"rows,omitzero"` // [] for a read with no rows
	UpdateCount      *int64         `json:"update_count,omitempty"`
	Statistics       jsonStatistics `json:"statistics"`
	OutputLocation   string         `json:"output_location,omitempty"`
}

// jsonStatistics are an execution's statistics in --output json.
type jsonStatistics struct {
	QueueTimeMillis      int64  `json:"queue_time_ms"`
	EngineTimeMillis     int64  `json:"engine_time_ms"`
	TotalTimeMillis      int64  `json:"total_time_ms"`
	DataScannedBytes     int64  `json:"data_scanned_bytes"`
	ResultRows           int64  `json:"result_rows"`
	DataManifestLocation string `json:"data_manifest_location,omitempty"`
}

type jsonError struct {
	Message  string `json:"message"`
	Category int    `json:"category"`
	Type     int    `json:"type"`
}

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func newJSONResult(e *query.Execution) *jsonResult {
	r := &jsonResult{
		QueryExecutionID: e.ID, State: string(e.State), StatementType: e.StatementType,
		SubstatementType: e.SubstatementType, OutputLocation: e.OutputLocation,
		Statistics: jsonStatistics{
			QueueTimeMillis: e.Statistics.QueryQueueTimeMillis, EngineTimeMillis: e.Statistics.EngineExecutionTimeMillis,
			TotalTimeMillis: e.Statistics.TotalExecutionTimeMillis, DataScannedBytes: e.Statistics.DataScannedInBytes,
			ResultRows: e.Statistics.ResultRows, DataManifestLocation: e.Statistics.DataManifestLocation,
		},
	}
	if e.Error != nil {
		r.Error = &jsonError{Message: e.Error.ErrorMessage, Category: e.Error.ErrorCategory, Type: e.Error.ErrorType}
	}
	return r
}

// writeList writes a list in -o json as the HTTP API answers one: one
// document, {"<key>": [...]}, with [] for none.
func writeList[T any](w io.Writer, key string, items []T) error {
	if items == nil {
		items = []T{}
	}
	return writeJSON(w, map[string]any{key: items})
}

func writeJSON(w io.Writer, v any) error {
	// Not HTML: a command's '>' or an input's '<aws.scheduler...>' stay
	// as written.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// humanBytes prints a byte count like "1.2 MB".
func humanBytes(n int64) string { return humanize.Bytes(uint64(max(n, 0))) }

// humanDuration prints a duration with a sensible precision.
func humanDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// groupDigits prints 1234567 as "1,234,567".
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fieldWriter prints "Name:  value" lines aligned, skipping empty values
// (the shape of 'queries get' and 'crawlers get').
type fieldWriter struct{ tw *tabwriter.Writer }

func newFieldWriter(w io.Writer) fieldWriter {
	return fieldWriter{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
}

func (f fieldWriter) row(k, v string) {
	if v != "" {
		fmt.Fprintf(f.tw, "%s:\t%s\n", k, v)
	}
}

func (f fieldWriter) flush() { f.tw.Flush() }

// isoMillis prints a time as Glue and Athena do, UTC with milliseconds;
// the zero time is empty.
func isoMillis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
