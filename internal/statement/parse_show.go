package statement

import (
	"fmt"
	"strings"
)

// show parses the statements that begin with SHOW.
func (p *parser) show() (Statement, error) {
	p.advance()
	t := p.peek()
	word := ""
	if t.Kind == TokenIdent {
		word = strings.ToUpper(t.Text)
	}
	switch word {
	case "DATABASES", "SCHEMAS":
		p.advance()
		pattern, err := p.likePattern("SHOW " + word)
		if err != nil {
			return nil, err
		}
		return finish(&ShowDatabases{Pattern: pattern}, p.expectEnd(""))
	case "TABLES":
		p.advance()
		st := &ShowTables{}
		if p.atWord("IN") || p.atWord("FROM") {
			in := strings.ToUpper(p.advance().Text)
			db, err := p.namePart("a database name", "SHOW TABLES "+in, true)
			if err != nil {
				return nil, err
			}
			st.Database = db.Name
		}
		var err error
		if st.Pattern, err = p.likePattern("SHOW TABLES"); err != nil {
			return nil, err
		}
		return finish(st, p.expectEnd(""))
	case "PARTITIONS":
		p.advance()
		table, err := p.qualifiedName("a table name", "SHOW PARTITIONS", true)
		if err != nil {
			return nil, err
		}
		return finish(&ShowPartitions{Table: table}, p.expectEnd(""))
	case "COLUMNS":
		p.advance()
		if !p.atWord("FROM") && !p.atWord("IN") {
			return nil, p.expected("FROM or IN", "SHOW COLUMNS")
		}
		p.advance()
		table, err := p.qualifiedName("a table name", "SHOW COLUMNS FROM", true)
		if err != nil {
			return nil, err
		}
		if p.atWord("FROM") || p.atWord("IN") {
			in := strings.ToUpper(p.advance().Text)
			dbTok := p.peek()
			db, err := p.namePart("a database name", "SHOW COLUMNS FROM "+table.Span.Text(p.src)+" "+in, true)
			if err != nil {
				return nil, err
			}
			if table.Database != "" {
				return nil, p.errorf(dbTok, "the database is given twice, as %s and as %s; give it once", table.Database, db.Name)
			}
			table.Database = db.Name
		}
		return finish(&ShowColumns{Table: table}, p.expectEnd("FROM db"))
	case "CREATE":
		p.advance()
		if _, err := p.expectWord("TABLE", "SHOW CREATE"); err != nil {
			return nil, err
		}
		table, err := p.qualifiedName("a table name", "SHOW CREATE TABLE", true)
		if err != nil {
			return nil, err
		}
		return finish(&ShowCreateTable{Table: table}, p.expectEnd(""))
	case "TBLPROPERTIES":
		p.advance()
		table, err := p.qualifiedName("a table name", "SHOW TBLPROPERTIES", true)
		if err != nil {
			return nil, err
		}
		st := &ShowTableProperties{Table: table}
		if p.acceptOp("(") {
			if st.Key, err = p.expectString("a quoted property name", "SHOW TBLPROPERTIES "+table.Span.Text(p.src)+" ("); err != nil {
				if t := p.peek(); t.Kind == TokenIdent {
					err.(*SyntaxError).Msg += fmt.Sprintf("; write '%s'", t.Text)
				}
				return nil, err
			}
			if _, err := p.expectOp(")", "the property name"); err != nil {
				return nil, err
			}
		}
		return finish(st, p.expectEnd(`("property")`))
	}
	return nil, p.expected("DATABASES, SCHEMAS, TABLES, PARTITIONS, COLUMNS, CREATE TABLE or TBLPROPERTIES", "SHOW",
		"DATABASES", "SCHEMAS", "TABLES", "PARTITIONS", "COLUMNS", "CREATE", "TBLPROPERTIES", "VIEWS")
}

// likePattern parses an optional [LIKE] 'pattern'.
func (p *parser) likePattern(after string) (string, error) {
	if p.acceptWord("LIKE") {
		return p.expectString("a quoted pattern such as 'sales*'", after+" LIKE")
	}
	if t := p.peek(); t.Kind == TokenString {
		p.advance()
		return t.Value, nil
	}
	return "", nil
}

// describeTable parses DESCRIBE [EXTENDED|FORMATTED] t [PARTITION (...)]
// [column].
func (p *parser) describeTable() (Statement, error) {
	after := strings.ToUpper(p.advance().Text)
	st := &Describe{}
	if (p.atWord("EXTENDED") || p.atWord("FORMATTED")) && p.isNameTok(p.peekN(1)) {
		after += " " + strings.ToUpper(p.advance().Text)
		st.Formatted = true
	}
	if p.atWord("TABLE") && p.isNameTok(p.peekN(1)) {
		t := p.advance()
		rest := p.restSpan().Text(p.src)
		return nil, p.errorf(t, "DESCRIBE takes no TABLE keyword in Athena; drop the word TABLE and write %s %s", after, rest)
	}
	var err error
	if st.Table, err = p.qualifiedName("a table name", after, true); err != nil {
		return nil, err
	}
	if p.atWord("PARTITION") && isOpTok(p.peekN(1), "(") {
		spec, err := p.partitionSpec(false)
		if err != nil {
			return nil, err
		}
		st.Partition = &spec
	}
	if p.isNameTok(p.peek()) {
		col, err := p.namePart("a column name", "", true)
		if err != nil {
			return nil, err
		}
		parts := []string{col.Name}
		for p.acceptOp(".") {
			t := p.peek()
			if t.Kind == TokenString {
				// col.'$elem$', col.'$key$', col.'$value$'
				p.advance()
				parts = append(parts, t.Value)
				continue
			}
			field, err := p.namePart("a field name", `"."`, true)
			if err != nil {
				return nil, err
			}
			parts = append(parts, field.Name)
		}
		st.Column = strings.Join(parts, ".")
		return finish(st, p.expectEnd(""))
	}
	if st.Partition != nil {
		return finish(st, p.expectEnd("a column name"))
	}
	return finish(st, p.expectEnd("PARTITION (...) or a column name"))
}
