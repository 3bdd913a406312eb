package duckengine

// Math functions of Trino.
var mathFunctions = functionSet{
	rules: map[string]funcRule{},
}
