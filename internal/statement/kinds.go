package statement

import "fmt"

// Athena's StatementType values.
const (
	TypeDDL     = "DDL"
	TypeDML     = "DML"
	TypeUtility = "UTILITY"
)

var kindNames = [...]string{
	KindQuery:       "query",
	KindInsert:      "insert",
	KindCTAS:        "ctas",
	KindUnload:      "unload",
	KindExplain:     "explain",
	KindDDL:         "ddl",
	KindUtility:     "utility",
	KindUnsupported: "unsupported",
}

// String returns the kind's lower-case name, e.g. "ctas".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

var valueKindNames = [...]string{
	ValueString:     "string",
	ValueNumber:     "number",
	ValueBool:       "bool",
	ValueArray:      "array",
	ValueIdentifier: "identifier",
}

// String returns the value kind's lower-case name, e.g. "array".
func (k ValueKind) String() string {
	if int(k) < len(valueKindNames) && valueKindNames[k] != "" {
		return valueKindNames[k]
	}
	return fmt.Sprintf("ValueKind(%d)", k)
}

// Kind returns KindQuery.
func (*Query) Kind() Kind { return KindQuery }

// Type returns ("DML", "SELECT").
func (*Query) Type() (string, string) { return TypeDML, "SELECT" }

// Kind returns KindInsert.
func (*Insert) Kind() Kind { return KindInsert }

// Type returns ("DML", "INSERT").
func (*Insert) Type() (string, string) { return TypeDML, "INSERT" }

// Kind returns KindCTAS.
func (*CreateTableAs) Kind() Kind { return KindCTAS }

// Type returns ("DML", "CREATE_TABLE_AS_SELECT").
func (*CreateTableAs) Type() (string, string) { return TypeDML, "CREATE_TABLE_AS_SELECT" }

// Kind returns KindUnload.
func (*Unload) Kind() Kind { return KindUnload }

// Type returns ("DML", "UNLOAD").
func (*Unload) Type() (string, string) { return TypeDML, "UNLOAD" }

// Kind returns KindExplain.
func (*Explain) Kind() Kind { return KindExplain }

// Type returns ("UTILITY", "EXPLAIN").
func (*Explain) Type() (string, string) { return TypeUtility, "EXPLAIN" }

// Kind returns KindDDL.
func (*CreateDatabase) Kind() Kind { return KindDDL }

// Type returns ("DDL", "CREATE_DATABASE").
func (*CreateDatabase) Type() (string, string) { return TypeDDL, "CREATE_DATABASE" }

// Kind returns KindDDL.
func (*DropDatabase) Kind() Kind { return KindDDL }

// Type returns ("DDL", "DROP_DATABASE").
func (*DropDatabase) Type() (string, string) { return TypeDDL, "DROP_DATABASE" }

// Kind returns KindDDL.
func (*CreateTable) Kind() Kind { return KindDDL }

// Type returns ("DDL", "CREATE_TABLE").
func (*CreateTable) Type() (string, string) { return TypeDDL, "CREATE_TABLE" }

// Kind returns KindDDL.
func (*DropTable) Kind() Kind { return KindDDL }

// Type returns ("DDL", "DROP_TABLE").
func (*DropTable) Type() (string, string) { return TypeDDL, "DROP_TABLE" }

// Kind returns KindDDL.
func (*MsckRepairTable) Kind() Kind { return KindDDL }

// Type returns ("DDL", "MSCK_REPAIR_TABLE").
func (*MsckRepairTable) Type() (string, string) { return TypeDDL, "MSCK_REPAIR_TABLE" }

// Kind returns KindDDL.
func (*AlterTableAddPartitions) Kind() Kind { return KindDDL }

// Type returns ("DDL", "ALTER_TABLE_ADD_PARTITION").
func (*AlterTableAddPartitions) Type() (string, string) {
	return TypeDDL, "ALTER_TABLE_ADD_PARTITION"
}

// Kind returns KindDDL.
func (*AlterTableDropPartitions) Kind() Kind { return KindDDL }

// Type returns ("DDL", "ALTER_TABLE_DROP_PARTITION").
func (*AlterTableDropPartitions) Type() (string, string) {
	return TypeDDL, "ALTER_TABLE_DROP_PARTITION"
}

// Kind returns KindDDL.
func (*AlterTableSetLocation) Kind() Kind { return KindDDL }

// Type returns ("DDL", "ALTER_TABLE_SET_LOCATION").
func (*AlterTableSetLocation) Type() (string, string) { return TypeDDL, "ALTER_TABLE_SET_LOCATION" }

// Kind returns KindDDL.
func (*AlterTableSetProperties) Kind() Kind { return KindDDL }

// Type returns ("DDL", "ALTER_TABLE_SET_TBLPROPERTIES").
func (*AlterTableSetProperties) Type() (string, string) {
	return TypeDDL, "ALTER_TABLE_SET_TBLPROPERTIES"
}

// Kind returns KindDDL.
func (*AlterTableColumns) Kind() Kind { return KindDDL }

// Type returns ("DDL", "ALTER_TABLE_ADD_COLUMNS") or, for REPLACE COLUMNS,
// ("DDL", "ALTER_TABLE_REPLACE_COLUMNS").
func (s *AlterTableColumns) Type() (string, string) {
	if s.Replace {
		return TypeDDL, "ALTER_TABLE_REPLACE_COLUMNS"
	}
	return TypeDDL, "ALTER_TABLE_ADD_COLUMNS"
}

// Kind returns KindUtility.
func (*ShowDatabases) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_DATABASES").
func (*ShowDatabases) Type() (string, string) { return TypeUtility, "SHOW_DATABASES" }

// Kind returns KindUtility.
func (*ShowTables) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_TABLES").
func (*ShowTables) Type() (string, string) { return TypeUtility, "SHOW_TABLES" }

// Kind returns KindUtility.
func (*ShowPartitions) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_PARTITIONS").
func (*ShowPartitions) Type() (string, string) { return TypeUtility, "SHOW_PARTITIONS" }

// Kind returns KindUtility.
func (*ShowColumns) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_COLUMNS").
func (*ShowColumns) Type() (string, string) { return TypeUtility, "SHOW_COLUMNS" }

// Kind returns KindUtility.
func (*ShowCreateTable) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_CREATE_TABLE").
func (*ShowCreateTable) Type() (string, string) { return TypeUtility, "SHOW_CREATE_TABLE" }

// Kind returns KindUtility.
func (*ShowTableProperties) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "SHOW_TBLPROPERTIES").
func (*ShowTableProperties) Type() (string, string) { return TypeUtility, "SHOW_TBLPROPERTIES" }

// Kind returns KindUtility.
func (*Describe) Kind() Kind { return KindUtility }

// Type returns ("UTILITY", "DESCRIBE_TABLE").
func (*Describe) Type() (string, string) { return TypeUtility, "DESCRIBE_TABLE" }

// Kind returns KindUnsupported.
func (*Unsupported) Kind() Kind { return KindUnsupported }

// Type returns the statement's StatementType ("DML" when unset) and
// "UNSUPPORTED".
func (s *Unsupported) Type() (string, string) {
	if s.StatementType == "" {
		return TypeDML, "UNSUPPORTED"
	}
	return s.StatementType, "UNSUPPORTED"
}

// Interface guards.
var (
	_ Statement = (*Query)(nil)
	_ Statement = (*Insert)(nil)
	_ Statement = (*CreateTableAs)(nil)
	_ Statement = (*Unload)(nil)
	_ Statement = (*Explain)(nil)
	_ Statement = (*CreateDatabase)(nil)
	_ Statement = (*DropDatabase)(nil)
	_ Statement = (*CreateTable)(nil)
	_ Statement = (*DropTable)(nil)
	_ Statement = (*MsckRepairTable)(nil)
	_ Statement = (*AlterTableAddPartitions)(nil)
	_ Statement = (*AlterTableDropPartitions)(nil)
	_ Statement = (*AlterTableSetLocation)(nil)
	_ Statement = (*AlterTableSetProperties)(nil)
	_ Statement = (*AlterTableColumns)(nil)
	_ Statement = (*ShowDatabases)(nil)
	_ Statement = (*ShowTables)(nil)
	_ Statement = (*ShowPartitions)(nil)
	_ Statement = (*ShowColumns)(nil)
	_ Statement = (*ShowCreateTable)(nil)
	_ Statement = (*ShowTableProperties)(nil)
	_ Statement = (*Describe)(nil)
	_ Statement = (*Unsupported)(nil)
)
