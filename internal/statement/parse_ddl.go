package statement

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/catalog"
)

// create parses the statements that begin with CREATE.
func (p *parser) create() (Statement, error) {
	p.advance()
	t := p.peek()
	switch {
	case isWordTok(t, "DATABASE"), isWordTok(t, "SCHEMA"):
		p.advance()
		return p.createDatabase("CREATE " + strings.ToUpper(t.Text))
	case isWordTok(t, "EXTERNAL"):
		p.advance()
		if _, err := p.expectWord("TABLE", "CREATE EXTERNAL"); err != nil {
			return nil, err
		}
		return p.createTable(true, "CREATE EXTERNAL TABLE")
	case isWordTok(t, "TABLE"):
		p.advance()
		if p.mode == ModeTrino {
			return p.createTableAs()
		}
		return p.createTable(false, "CREATE TABLE")
	case isWordTok(t, "OR"):
		p.advance()
		if _, err := p.expectWord("REPLACE", "CREATE OR"); err != nil {
			return nil, err
		}
		return nil, p.expected("VIEW", "CREATE OR REPLACE")
	}
	return nil, p.expected("TABLE, EXTERNAL TABLE, DATABASE, SCHEMA or VIEW", "CREATE",
		"TABLE", "EXTERNAL", "DATABASE", "SCHEMA", "VIEW")
}

// createDatabase parses the rest of CREATE {DATABASE|SCHEMA}.
func (p *parser) createDatabase(after string) (Statement, error) {
	st := &CreateDatabase{}
	var err error
	if st.IfNotExists, err = p.ifExists(true, after); err != nil {
		return nil, err
	}
	if st.IfNotExists {
		after += " IF NOT EXISTS"
	}
	if st.Name, err = p.namePart("a database name", after, false); err != nil {
		return nil, err
	}
	c := newClauses(p)
	for !p.atEnd() {
		t := p.peek()
		switch {
		case isWordTok(t, "COMMENT"):
			err = c.once("COMMENT", func() (err error) {
				st.Comment, err = p.expectString("a quoted comment", "COMMENT")
				return err
			})
		case isWordTok(t, "LOCATION"):
			err = c.once("LOCATION", func() (err error) {
				st.Location, err = p.expectString("a quoted location such as 's3://bucket/prefix/'", "LOCATION")
				return err
			})
		case isWordTok(t, "WITH"):
			err = c.once("WITH DBPROPERTIES", func() (err error) {
				if _, err := p.expectWord("DBPROPERTIES", "WITH"); err != nil {
					return err
				}
				st.Properties, err = p.kvList("WITH DBPROPERTIES")
				return err
			})
		default:
			return nil, p.expectEnd("COMMENT, LOCATION, WITH DBPROPERTIES", "COMMENT", "LOCATION", "WITH")
		}
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// clauses tracks which clauses of a statement were given, so that each is
// given at most once.
type clauses struct {
	p    *parser
	seen map[string]int // clause name → offset of its first use
}

func newClauses(p *parser) clauses { return clauses{p: p, seen: map[string]int{}} }

// once consumes the clause's leading keyword (the next token) and runs
// parse, unless the clause was given before.
func (c clauses) once(name string, parse func() error) error {
	t := c.p.peek()
	if off, ok := c.seen[name]; ok {
		line, col := LineCol(c.p.src, off)
		return c.p.errorf(t, "%s is given twice; the first is at line %d:%d", name, line, col)
	}
	c.seen[name] = t.Span.Start
	c.p.advance()
	return parse()
}

// hiveTableClauses names the clauses of CREATE EXTERNAL TABLE that may
// follow the column list, for error messages.
const hiveTableClauses = "COMMENT, PARTITIONED BY, CLUSTERED BY, ROW FORMAT, STORED AS, WITH SERDEPROPERTIES, LOCATION, TBLPROPERTIES"

var hiveTableKeywords = []string{
	"COMMENT", "PARTITIONED", "CLUSTERED", "ROW", "STORED", "WITH", "LOCATION", "TBLPROPERTIES",
}

// createTable parses the rest of Hive's CREATE [EXTERNAL] TABLE.
func (p *parser) createTable(external bool, after string) (Statement, error) {
	st := &CreateTable{External: external}
	var err error
	if st.IfNotExists, err = p.ifExists(true, after); err != nil {
		return nil, err
	}
	if st.IfNotExists {
		after += " IF NOT EXISTS"
	}
	if st.Table, err = p.qualifiedName("a table name", after, false); err != nil {
		return nil, err
	}
	if p.atOp("(") {
		if st.Columns, err = p.columnDefs("column"); err != nil {
			return nil, err
		}
	}
	var serdeProps []KV
	c := newClauses(p)
	for !p.atEnd() {
		t := p.peek()
		switch strings.ToUpper(t.Text) {
		case "COMMENT":
			err = c.once("COMMENT", func() (err error) {
				st.Comment, err = p.expectString("a quoted comment", "COMMENT")
				return err
			})
		case "PARTITIONED":
			err = c.once("PARTITIONED BY", func() (err error) {
				if _, err := p.expectWord("BY", "PARTITIONED"); err != nil {
					return err
				}
				if !p.atOp("(") {
					return p.expected(`"("`, "PARTITIONED BY")
				}
				st.PartitionedBy, err = p.columnDefs("partition column")
				return err
			})
		case "CLUSTERED":
			err = c.once("CLUSTERED BY", func() (err error) {
				st.ClusteredBy, st.Buckets, err = p.clusteredBy()
				return err
			})
		case "ROW":
			err = c.once("ROW FORMAT", func() (err error) {
				st.RowFormat, err = p.rowFormat(c)
				return err
			})
		case "STORED":
			err = c.once("STORED AS", func() (err error) {
				st.StoredAs, err = p.storedAs()
				return err
			})
		case "WITH":
			if p.peekN(1).Kind == TokenOp && p.peekN(1).Text == "(" {
				return nil, p.errorf(t, "CREATE TABLE ... WITH (...) needs AS SELECT; "+
					"to define a table over files in the lake use CREATE EXTERNAL TABLE with STORED AS, LOCATION and TBLPROPERTIES")
			}
			err = c.once("WITH SERDEPROPERTIES", func() (err error) {
				if _, err := p.expectWord("SERDEPROPERTIES", "WITH"); err != nil {
					return err
				}
				serdeProps, err = p.kvList("WITH SERDEPROPERTIES")
				return err
			})
		case "LOCATION":
			err = c.once("LOCATION", func() (err error) {
				st.Location, err = p.expectString("a quoted location such as 's3://bucket/prefix/'", "LOCATION")
				return err
			})
		case "TBLPROPERTIES":
			err = c.once("TBLPROPERTIES", func() (err error) {
				st.TableProperties, err = p.kvList("TBLPROPERTIES")
				return err
			})
		case "AS":
			return nil, p.errorf(t, "%s cannot take AS SELECT; to create a table from a query, "+
				"use CREATE TABLE t WITH (external_location = 's3://...', format = 'PARQUET') AS SELECT ...", after)
		default:
			return nil, p.expectEnd(hiveTableClauses, hiveTableKeywords...)
		}
		if err != nil {
			return nil, err
		}
	}
	if serdeProps != nil {
		if st.RowFormat == nil {
			st.RowFormat = &RowFormat{}
		}
		st.RowFormat.SerDeProperties = serdeProps
	}
	if err := p.checkColumnNames(st.Columns, st.PartitionedBy); err != nil {
		return nil, err
	}
	return st, nil
}

// checkColumnNames rejects a column defined twice, or a partition column
// that repeats a data column (Athena rejects both).
func (p *parser) checkColumnNames(cols, parts []ColumnDef) error {
	seen := map[string]bool{}
	for _, c := range cols {
		key := strings.ToLower(c.Name.Name)
		if seen[key] {
			return syntaxErrorf(p.src, c.Name.Span.Start, "column %s is defined twice", doubleQuote(c.Name.Name))
		}
		seen[key] = true
	}
	partSeen := map[string]bool{}
	for _, c := range parts {
		key := strings.ToLower(c.Name.Name)
		if seen[key] {
			return syntaxErrorf(p.src, c.Name.Span.Start,
				"partition column %s repeats a data column; a partition column must not be in the column list", doubleQuote(c.Name.Name))
		}
		if partSeen[key] {
			return syntaxErrorf(p.src, c.Name.Span.Start, "partition column %s is defined twice", doubleQuote(c.Name.Name))
		}
		partSeen[key] = true
	}
	return nil
}

// clusteredBy parses BY (cols) INTO n BUCKETS after CLUSTERED.
func (p *parser) clusteredBy() ([]Ident, int, error) {
	if _, err := p.expectWord("BY", "CLUSTERED"); err != nil {
		return nil, 0, err
	}
	if _, err := p.expectOp("(", "CLUSTERED BY"); err != nil {
		return nil, 0, err
	}
	var cols []Ident
	for {
		col, err := p.namePart("a column name", "", false)
		if err != nil {
			return nil, 0, err
		}
		cols = append(cols, col)
		if p.acceptOp(",") {
			continue
		}
		if _, err := p.expectOp(")", "CLUSTERED BY (... "+col.Name); err != nil {
			return nil, 0, err
		}
		break
	}
	if _, err := p.expectWord("INTO", "CLUSTERED BY (...)"); err != nil {
		return nil, 0, err
	}
	t := p.peek()
	n, err := strconv.Atoi(t.Text)
	if t.Kind != TokenNumber || err != nil || n < 1 {
		return nil, 0, p.expected("a positive whole number of buckets", "INTO")
	}
	p.advance()
	if _, err := p.expectWord("BUCKETS", "INTO "+t.Text); err != nil {
		return nil, 0, err
	}
	return cols, n, nil
}

// rowFormat parses FORMAT {SERDE ... | DELIMITED ...} after ROW.
func (p *parser) rowFormat(c clauses) (*RowFormat, error) {
	if _, err := p.expectWord("FORMAT", "ROW"); err != nil {
		return nil, err
	}
	rf := &RowFormat{}
	switch {
	case p.acceptWord("SERDE"):
		var err error
		if rf.SerDe, err = p.expectString("a quoted SerDe class name", "ROW FORMAT SERDE"); err != nil {
			return nil, err
		}
		if p.atWord("WITH") && isWordTok(p.peekN(1), "SERDEPROPERTIES") {
			err = c.once("WITH SERDEPROPERTIES", func() (err error) {
				p.advance() // SERDEPROPERTIES
				rf.SerDeProperties, err = p.kvList("WITH SERDEPROPERTIES")
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		return rf, nil
	case p.acceptWord("DELIMITED"):
		d, err := p.delimited()
		if err != nil {
			return nil, err
		}
		rf.Delimited = d
		return rf, nil
	}
	return nil, p.expected("SERDE or DELIMITED", "ROW FORMAT", "SERDE", "DELIMITED")
}

// delimited parses the sub-clauses of ROW FORMAT DELIMITED, in any order.
func (p *parser) delimited() (*Delimited, error) {
	d := &Delimited{}
	c := newClauses(p)
	for {
		var err error
		t := p.peek()
		switch {
		case isWordTok(t, "FIELDS"):
			err = c.once("FIELDS TERMINATED BY", func() error {
				if err := p.terminatedBy(&d.FieldsTerminatedBy, "FIELDS"); err != nil {
					return err
				}
				if !p.atWord("ESCAPED") {
					return nil
				}
				p.advance()
				if _, err := p.expectWord("BY", "ESCAPED"); err != nil {
					return err
				}
				s, err := p.expectString("a quoted character", "ESCAPED BY")
				d.EscapedBy = &s
				return err
			})
		case isWordTok(t, "COLLECTION"):
			err = c.once("COLLECTION ITEMS TERMINATED BY", func() error {
				if _, err := p.expectWord("ITEMS", "COLLECTION"); err != nil {
					return err
				}
				return p.terminatedBy(&d.CollectionItemsTerminatedBy, "COLLECTION ITEMS")
			})
		case isWordTok(t, "MAP"):
			err = c.once("MAP KEYS TERMINATED BY", func() error {
				if _, err := p.expectWord("KEYS", "MAP"); err != nil {
					return err
				}
				return p.terminatedBy(&d.MapKeysTerminatedBy, "MAP KEYS")
			})
		case isWordTok(t, "LINES"):
			err = c.once("LINES TERMINATED BY", func() error {
				return p.terminatedBy(&d.LinesTerminatedBy, "LINES")
			})
		case isWordTok(t, "NULL"):
			err = c.once("NULL DEFINED AS", func() error {
				if err := p.expectWords("NULL", "DEFINED", "AS"); err != nil {
					return err
				}
				s, err := p.expectString("a quoted string", "NULL DEFINED AS")
				d.NullDefinedAs = &s
				return err
			})
		default:
			return d, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// terminatedBy parses TERMINATED BY 'c' into *dst.
func (p *parser) terminatedBy(dst **string, after string) error {
	if err := p.expectWords(after, "TERMINATED", "BY"); err != nil {
		return err
	}
	s, err := p.expectString("a quoted character such as ','", after+" TERMINATED BY")
	*dst = &s
	return err
}

// fileFormats are the STORED AS formats Athena accepts.
var fileFormats = []string{"AVRO", "ION", "ORC", "PARQUET", "RCFILE", "SEQUENCEFILE", "TEXTFILE"}

// storedAs parses AS {format | INPUTFORMAT 'c' OUTPUTFORMAT 'c'} after
// STORED.
func (p *parser) storedAs() (*StoredAs, error) {
	if _, err := p.expectWord("AS", "STORED"); err != nil {
		return nil, err
	}
	sa := &StoredAs{}
	if p.acceptWord("INPUTFORMAT") {
		var err error
		if sa.InputFormat, err = p.expectString("a quoted input format class name", "INPUTFORMAT"); err != nil {
			return nil, err
		}
		if _, err := p.expectWord("OUTPUTFORMAT", "STORED AS INPUTFORMAT '...'"); err != nil {
			return nil, err
		}
		if sa.OutputFormat, err = p.expectString("a quoted output format class name", "OUTPUTFORMAT"); err != nil {
			return nil, err
		}
		return sa, nil
	}
	t := p.peek()
	what := "a file format (" + strings.Join(fileFormats, ", ") + ") or INPUTFORMAT '...' OUTPUTFORMAT '...'"
	if t.Kind != TokenIdent {
		return nil, p.expected(what, "STORED AS")
	}
	format := strings.ToUpper(t.Text)
	for _, f := range fileFormats {
		if f == format {
			p.advance()
			sa.Format = format
			return sa, nil
		}
	}
	msg := fmt.Sprintf("unknown file format %s after STORED AS; use one of %s, or INPUTFORMAT '...' OUTPUTFORMAT '...'",
		describe(t), strings.Join(fileFormats, ", "))
	if s := suggest(t.Text, fileFormats); s != "" {
		msg += "; did you mean " + s + "?"
	}
	return nil, p.errorf(t, "%s", msg)
}

// columnDefs parses "(name type [COMMENT 'c'], ...)"; the "(" is next.
// what names a column in messages ("column", "partition column").
func (p *parser) columnDefs(what string) ([]ColumnDef, error) {
	p.advance() // (
	var cols []ColumnDef
	for {
		col, err := p.columnDef(what)
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
		if p.acceptOp(",") {
			continue
		}
		if p.acceptOp(")") {
			return cols, nil
		}
		return nil, p.expected(`"," or ")"`, what+" "+col.Name.Name)
	}
}

// columnDef parses name type [COMMENT 'c'].
func (p *parser) columnDef(what string) (ColumnDef, error) {
	name, err := p.namePart("a "+what+" name", "", false)
	if err != nil {
		return ColumnDef{}, err
	}
	typ, err := p.columnType(what, name.Name)
	if err != nil {
		return ColumnDef{}, err
	}
	col := ColumnDef{Name: name, Type: typ}
	if p.acceptWord("COMMENT") {
		if col.Comment, err = p.expectString("a quoted comment", "COMMENT"); err != nil {
			return ColumnDef{}, err
		}
	}
	col.Span = Span{name.Span.Start, p.prevEnd()}
	return col, nil
}

// typeWords are the words that may continue a type after its first word
// outside brackets: double precision, timestamp with time zone, interval
// day to second.
var typeWords = map[string]bool{
	"PRECISION": true, "WITH": true, "TIME": true, "ZONE": true,
	"DAY": true, "TO": true, "SECOND": true, "YEAR": true, "MONTH": true,
}

// typeNames are Hive's type names, for suggestions.
var typeNames = []string{
	"BOOLEAN", "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL",
	"CHAR", "VARCHAR", "STRING", "BINARY", "DATE", "TIMESTAMP", "ARRAY", "MAP", "STRUCT",
}

// columnType reads the tokens of a column type (balancing <...> and (...))
// and parses them with catalog.ParseType.
func (p *parser) columnType(what, column string) (catalog.Type, error) {
	start := p.pos
	depth := 0
	for {
		t := p.peek()
		if t.Kind == TokenEOF {
			break
		}
		if depth == 0 && p.pos > start {
			if t.Kind == TokenOp && t.Text != "<" && t.Text != "(" {
				break
			}
			if t.Kind == TokenIdent && !typeWords[strings.ToUpper(t.Text)] {
				break
			}
			if t.Kind != TokenOp && t.Kind != TokenIdent {
				break
			}
		}
		if depth == 0 && p.pos == start && (t.Kind != TokenIdent || isWordTok(t, "COMMENT")) {
			break
		}
		switch t.Text {
		case "<", "(":
			depth++
		case ">", ")":
			depth--
		}
		p.advance()
		if depth < 0 {
			break
		}
	}
	if p.pos == start {
		err := p.expected("a type", what+" "+column).(*SyntaxError)
		if what == "partition column" {
			err.Msg += "; Hive DDL declares partition columns with their types, e.g. PARTITIONED BY (dt string)"
		}
		return catalog.Type{}, err
	}
	// Rebuild the type's text with the same byte offsets, comments blanked.
	var b strings.Builder
	for i := start; i < p.pos; i++ {
		if i > start {
			b.WriteString(strings.Repeat(" ", p.toks[i].Span.Start-p.toks[i-1].Span.End))
		}
		b.WriteString(p.toks[i].Text)
	}
	base := p.toks[start].Span.Start
	typ, err := catalog.ParseType(b.String())
	if err != nil {
		var te *catalog.TypeError
		if !errors.As(err, &te) {
			return catalog.Type{}, syntaxErrorf(p.src, base, "%s %s: %v", what, column, err)
		}
		msg := fmt.Sprintf("%s %s: %s", what, column, te.Msg)
		if strings.HasPrefix(te.Msg, "unknown type") {
			if s := suggest(p.toks[start].Text, typeNames); s != "" {
				msg += "; did you mean " + strings.ToLower(s) + "?"
			}
		}
		return catalog.Type{}, syntaxErrorf(p.src, base+te.Offset, "%s", msg)
	}
	if !typ.IsStorable() {
		instead := "string"
		if typ.Kind == catalog.TimestampTZ {
			instead = "timestamp"
		}
		return catalog.Type{}, syntaxErrorf(p.src, base, "%s %s: type %s cannot be stored in a table; use %s",
			what, column, typ.String(), instead)
	}
	return typ, nil
}

// kvList parses "('k' = 'v', ...)".
func (p *parser) kvList(after string) ([]KV, error) {
	if _, err := p.expectOp("(", after); err != nil {
		return nil, err
	}
	var kvs []KV
	seen := map[string]bool{}
	for {
		kt := p.peek()
		if kt.Kind != TokenString {
			err := p.expected("a quoted property name such as 'classification'", "").(*SyntaxError)
			if kt.Kind == TokenIdent || kt.Kind == TokenNumber {
				err.Msg += fmt.Sprintf("; write '%s'", kt.Text)
			}
			return nil, err
		}
		p.advance()
		if _, err := p.expectOp("=", fmt.Sprintf("property %q", kt.Value)); err != nil {
			return nil, err
		}
		vt := p.peek()
		if vt.Kind != TokenString {
			err := p.expected("a quoted string value", fmt.Sprintf("property %q", kt.Value)).(*SyntaxError)
			if vt.Kind == TokenIdent || vt.Kind == TokenNumber {
				err.Msg += fmt.Sprintf("; write '%s'", vt.Text)
			}
			return nil, err
		}
		p.advance()
		if seen[kt.Value] {
			return nil, p.errorf(kt, "property %q is given twice", kt.Value)
		}
		seen[kt.Value] = true
		kvs = append(kvs, KV{Key: kt.Value, Value: vt.Value, Span: Span{kt.Span.Start, vt.Span.End}})
		if p.acceptOp(",") {
			continue
		}
		if p.acceptOp(")") {
			return kvs, nil
		}
		return nil, p.expected(`"," or ")"`, fmt.Sprintf("property %q", kt.Value))
	}
}

// drop parses the statements that begin with DROP.
func (p *parser) drop() (Statement, error) {
	p.advance()
	t := p.peek()
	switch {
	case isWordTok(t, "DATABASE"), isWordTok(t, "SCHEMA"):
		p.advance()
		after := "DROP " + strings.ToUpper(t.Text)
		st := &DropDatabase{}
		var err error
		if st.IfExists, err = p.ifExists(false, after); err != nil {
			return nil, err
		}
		if st.IfExists {
			after += " IF EXISTS"
		}
		if st.Name, err = p.namePart("a database name", after, true); err != nil {
			return nil, err
		}
		if p.acceptWord("CASCADE") {
			st.Cascade = true
		} else {
			p.acceptWord("RESTRICT")
		}
		return finish(st, p.expectEnd("CASCADE, RESTRICT", "CASCADE", "RESTRICT"))
	case isWordTok(t, "TABLE"):
		p.advance()
		after := "DROP TABLE"
		st := &DropTable{}
		var err error
		if st.IfExists, err = p.ifExists(false, after); err != nil {
			return nil, err
		}
		if st.IfExists {
			after += " IF EXISTS"
		}
		if st.Table, err = p.qualifiedName("a table name", after, true); err != nil {
			return nil, err
		}
		if p.acceptWord("PURGE") {
			return finish(st, p.expectEnd(""))
		}
		return finish(st, p.expectEnd("PURGE"))
	}
	return nil, p.expected("TABLE, DATABASE, SCHEMA or VIEW", "DROP", "TABLE", "DATABASE", "SCHEMA", "VIEW")
}

// msck parses MSCK REPAIR TABLE t.
func (p *parser) msck() (Statement, error) {
	p.advance()
	if err := p.expectWords("MSCK", "REPAIR", "TABLE"); err != nil {
		return nil, err
	}
	table, err := p.qualifiedName("a table name", "MSCK REPAIR TABLE", true)
	if err != nil {
		return nil, err
	}
	return finish(&MsckRepairTable{Table: table}, p.expectEnd(""))
}
