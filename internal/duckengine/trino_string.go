package duckengine

// String, regular expression and binary functions of Trino.
var stringFunctions = functionSet{
	rules: map[string]funcRule{},
}
