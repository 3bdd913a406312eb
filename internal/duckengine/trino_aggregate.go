package duckengine

// Aggregate functions of Trino.
var aggregateFunctions = functionSet{
	rules: map[string]funcRule{},
}
