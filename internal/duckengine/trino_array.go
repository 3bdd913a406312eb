package duckengine

// Array, map and row functions of Trino.
var arrayFunctions = functionSet{
	rules: map[string]funcRule{},
}
