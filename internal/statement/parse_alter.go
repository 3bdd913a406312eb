package statement

import (
	"fmt"
	"strings"
)

// reasonAlterLater is the reason for ALTER TABLE actions weir does not run.
const reasonAlterLater = "%s is not supported by weir yet; " +
	"recreate the table instead: DROP TABLE keeps its files, then CREATE EXTERNAL TABLE with the new definition"

// alter parses ALTER TABLE statements. ALTER DATABASE and ALTER VIEW are
// refused before this is called.
func (p *parser) alter() (Statement, error) {
	p.advance()
	if _, err := p.expectWord("TABLE", "ALTER"); err != nil {
		return nil, err
	}
	table, err := p.qualifiedName("a table name", "ALTER TABLE", true)
	if err != nil {
		return nil, err
	}
	after := "ALTER TABLE " + table.Span.Text(p.src)
	t := p.peek()
	switch {
	case isWordTok(t, "ADD"):
		p.advance()
		if p.atWord("COLUMNS") {
			return p.alterColumns(table, false, after+" ADD")
		}
		return p.addPartitions(table, after+" ADD")
	case isWordTok(t, "DROP"):
		p.advance()
		return p.dropPartitions(table, after+" DROP")
	case isWordTok(t, "PARTITION"):
		spec, err := p.partitionSpec(false)
		if err != nil {
			return nil, err
		}
		if p.atWord("SET") && isWordTok(p.peekN(1), "LOCATION") {
			p.advance()
			return p.setLocation(table, &spec)
		}
		switch {
		case p.atWord("RENAME"):
			return p.unsupportedStmt("ALTER TABLE ... PARTITION ... RENAME TO", TypeDDL,
				"renaming a partition is not supported by weir yet; "+
					"drop the partition (ALTER TABLE ... DROP PARTITION) and add it again with the new values"), nil
		case p.atWord("ADD"), p.atWord("REPLACE"), p.atWord("CHANGE"), p.atWord("SET"):
			what := fmt.Sprintf("ALTER TABLE ... PARTITION (...) %s", strings.ToUpper(p.peek().Text))
			return p.unsupportedStmt(what, TypeDDL, fmt.Sprintf(reasonAlterLater, what)), nil
		}
		return nil, p.expected("SET LOCATION", "PARTITION (...)")
	case isWordTok(t, "SET"):
		p.advance()
		switch {
		case p.atWord("LOCATION"):
			return p.setLocation(table, nil)
		case p.atWord("TBLPROPERTIES"):
			p.advance()
			props, err := p.kvList("SET TBLPROPERTIES")
			if err != nil {
				return nil, err
			}
			return finish(&AlterTableSetProperties{Table: table, Properties: props}, p.expectEnd(""))
		case p.atWord("SERDEPROPERTIES"), p.atWord("SERDE"), p.atWord("FILEFORMAT"):
			what := "ALTER TABLE ... SET " + strings.ToUpper(p.peek().Text)
			return p.unsupportedStmt(what, TypeDDL, fmt.Sprintf(reasonAlterLater, what)), nil
		}
		return nil, p.expected("LOCATION or TBLPROPERTIES", after+" SET",
			"LOCATION", "TBLPROPERTIES", "SERDEPROPERTIES", "FILEFORMAT")
	case isWordTok(t, "REPLACE"):
		p.advance()
		if !p.atWord("COLUMNS") {
			return nil, p.expected("COLUMNS", after+" REPLACE")
		}
		return p.alterColumns(table, true, after+" REPLACE")
	case isWordTok(t, "RENAME"):
		return p.unsupportedStmt("ALTER TABLE ... RENAME TO", TypeDDL,
			"Athena does not support renaming Hive tables; create the table again under the new name "+
				"(CREATE EXTERNAL TABLE over the same LOCATION), then DROP TABLE the old one (its files stay)"), nil
	case isWordTok(t, "CHANGE"):
		return p.unsupportedStmt("ALTER TABLE ... CHANGE COLUMN", TypeDDL,
			"ALTER TABLE ... CHANGE COLUMN is not supported by weir yet; use ALTER TABLE ... REPLACE COLUMNS with the full new column list"), nil
	case isWordTok(t, "UNSET"), isWordTok(t, "TOUCH"), isWordTok(t, "ARCHIVE"), isWordTok(t, "UNARCHIVE"):
		what := "ALTER TABLE ... " + strings.ToUpper(t.Text)
		return p.unsupportedStmt(what, TypeDDL, fmt.Sprintf(reasonAlterLater, what)), nil
	}
	return nil, p.expected("ADD, DROP, PARTITION, SET or REPLACE COLUMNS", after,
		"ADD", "DROP", "PARTITION", "SET", "REPLACE", "RENAME", "CHANGE")
}

// alterColumns parses COLUMNS (...) after ADD or REPLACE.
func (p *parser) alterColumns(table QualifiedName, replace bool, after string) (Statement, error) {
	p.advance() // COLUMNS
	if !p.atOp("(") {
		return nil, p.expected(`"("`, after+" COLUMNS")
	}
	cols, err := p.columnDefs("column")
	if err != nil {
		return nil, err
	}
	if err := p.checkColumnNames(cols, nil); err != nil {
		return nil, err
	}
	return finish(&AlterTableColumns{Table: table, Replace: replace, Columns: cols}, p.expectEnd(""))
}

// addPartitions parses [IF NOT EXISTS] PARTITION (...) [LOCATION '...'] ...
// after ALTER TABLE t ADD.
func (p *parser) addPartitions(table QualifiedName, after string) (Statement, error) {
	st := &AlterTableAddPartitions{Table: table}
	var err error
	if st.IfNotExists, err = p.ifExists(true, after); err != nil {
		return nil, err
	}
	if st.IfNotExists {
		after += " IF NOT EXISTS"
	}
	if !p.atWord("PARTITION") {
		return nil, p.expected("PARTITION or COLUMNS", after, "PARTITION", "COLUMNS")
	}
	for p.atWord("PARTITION") {
		spec, err := p.partitionSpec(true)
		if err != nil {
			return nil, err
		}
		st.Partitions = append(st.Partitions, spec)
		if p.atOp(",") && isWordTok(p.peekN(1), "PARTITION") {
			return nil, p.errorf(p.peek(), "ADD PARTITION takes no commas between partitions; separate them with spaces")
		}
	}
	return finish(st, p.expectEnd("PARTITION (...)"))
}

// dropPartitions parses [IF EXISTS] PARTITION (...) [, PARTITION (...)]
// after ALTER TABLE t DROP.
func (p *parser) dropPartitions(table QualifiedName, after string) (Statement, error) {
	st := &AlterTableDropPartitions{Table: table}
	var err error
	if st.IfExists, err = p.ifExists(false, after); err != nil {
		return nil, err
	}
	if st.IfExists {
		after += " IF EXISTS"
	}
	if p.atWord("COLUMN") || p.atWord("COLUMNS") {
		return p.unsupportedStmt("ALTER TABLE ... DROP COLUMN", TypeDDL,
			"Athena does not support ALTER TABLE ... DROP COLUMN for Hive tables; use ALTER TABLE ... REPLACE COLUMNS with the columns to keep"), nil
	}
	for {
		if !p.atWord("PARTITION") {
			return nil, p.expected("PARTITION", after, "PARTITION", "COLUMN")
		}
		spec, err := p.partitionSpec(false)
		if err != nil {
			return nil, err
		}
		st.Partitions = append(st.Partitions, spec)
		if !p.acceptOp(",") {
			break
		}
		after = ","
	}
	p.acceptWord("PURGE")
	return finish(st, p.expectEnd(`", PARTITION (...)"`))
}

// setLocation parses LOCATION '...' after [PARTITION (...)] SET.
func (p *parser) setLocation(table QualifiedName, spec *PartitionSpec) (Statement, error) {
	p.advance() // LOCATION
	loc, err := p.expectString("a quoted location such as 's3://bucket/prefix/'", "SET LOCATION")
	if err != nil {
		return nil, err
	}
	return finish(&AlterTableSetLocation{Table: table, Partition: spec, Location: loc}, p.expectEnd(""))
}

// partitionSpec parses PARTITION (k = v, ...) and, when withLocation is
// set, an optional LOCATION '...'. The next token is PARTITION.
func (p *parser) partitionSpec(withLocation bool) (PartitionSpec, error) {
	start := p.advance()
	if _, err := p.expectOp("(", "PARTITION"); err != nil {
		return PartitionSpec{}, err
	}
	var spec PartitionSpec
	seen := map[string]bool{}
	for {
		key, err := p.namePart("a partition column name", "", true)
		if err != nil {
			return PartitionSpec{}, err
		}
		if _, err := p.expectOp("=", "partition column "+key.Name); err != nil {
			return PartitionSpec{}, err
		}
		value, err := p.partitionValue(key.Name)
		if err != nil {
			return PartitionSpec{}, err
		}
		lower := strings.ToLower(key.Name)
		if seen[lower] {
			return PartitionSpec{}, syntaxErrorf(p.src, key.Span.Start, "partition column %s is given twice", doubleQuote(key.Name))
		}
		seen[lower] = true
		spec.Values = append(spec.Values, PartitionValue{Key: key, Value: value, Span: Span{key.Span.Start, p.prevEnd()}})
		if p.acceptOp(",") {
			continue
		}
		if _, err := p.expectOp(")", fmt.Sprintf("partition value %s", p.toks[p.pos-1].Text)); err != nil {
			return PartitionSpec{}, err
		}
		break
	}
	if withLocation && p.acceptWord("LOCATION") {
		var err error
		if spec.Location, err = p.expectString("a quoted location such as 's3://bucket/prefix/'", "LOCATION"); err != nil {
			return PartitionSpec{}, err
		}
	}
	spec.Span = Span{start.Span.Start, p.prevEnd()}
	return spec, nil
}

// partitionValue parses a partition value: 'text', a number (maybe
// negative), or a bare word, and returns its literal text.
func (p *parser) partitionValue(key string) (string, error) {
	t := p.peek()
	switch t.Kind {
	case TokenString:
		p.advance()
		return t.Value, nil
	case TokenNumber, TokenIdent:
		p.advance()
		return t.Text, nil
	case TokenOp:
		if t.Text == "-" && p.peekN(1).Kind == TokenNumber && p.peekN(1).Span.Start == t.Span.End {
			p.advance()
			return "-" + p.advance().Text, nil
		}
	}
	return "", p.expected("a partition value ('text' or a number)", "partition column "+key+" =")
}
