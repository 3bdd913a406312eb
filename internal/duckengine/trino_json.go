package duckengine

// JSON functions of Trino.
var jsonFunctions = functionSet{
	rules: map[string]funcRule{},
}
