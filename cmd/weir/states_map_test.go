package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestStatesRunDistributedMap puts a CSV in the lake, runs a machine
// whose distributed Map reads it in batches and writes its results
// back, and reads the results with weir lake.
func TestStatesRunDistributedMap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "mb", "s3://raw-in")
	mustWeir(t, dir, "lake", "mb", "s3://results")
	putFile(t, dir, "s3://raw-in/orders/2024-03-01.csv", "id,amount\n1,10\n2,20\n3,30\n")
	def := writeDefinition(t, `StartAt: Orders
States:
  Orders:
    Type: Map
    Label: Orders
    MaxConcurrency: 2
    ItemReader:
      Resource: arn:aws:states:::s3:getObject
      ReaderConfig:
        InputType: CSV
        CSVHeaderLocation: FIRST_ROW
      Parameters:
        Bucket: raw-in
        Key.$: States.Format('orders/{}.csv', $.day)
    ItemSelector:
      id.$: $$.Map.Item.Value.id
      amount.$: States.StringToJson($$.Map.Item.Value.amount)
    ItemBatcher:
      MaxItemsPerBatch: 2
      BatchInput:
        day.$: $.day
    ItemProcessor:
      ProcessorConfig:
        Mode: DISTRIBUTED
        ExecutionType: STANDARD
      StartAt: Count
      States:
        Count:
          Type: Pass
          Parameters:
            day.$: $.BatchInput.day
            n.$: States.ArrayLength($.Items)
          End: true
    ResultWriter:
      Resource: arn:aws:states:::s3:putObject
      Parameters:
        Bucket: results
        Prefix: orders
    End: true
`)
	stdout := mustWeir(t, dir, "states", "run", def, "--input", `{"day": "2024-03-01"}`, "--history", "-o", "json")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Status != "SUCCEEDED" {
		t.Fatalf("status %s: %s %s", out.Status, out.Error, out.Cause)
	}
	var result struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal(out.Output, &result); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(result.MapRunArn, ":mapRun:machine/Orders:") || result.ResultWriterDetails.Bucket != "results" ||
		!strings.HasPrefix(result.ResultWriterDetails.Key, "orders/") || !strings.HasSuffix(result.ResultWriterDetails.Key, "/manifest.json") {
		t.Fatalf("result %s", out.Output)
	}
	var types []string
	for _, e := range out.Events {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, " "); !strings.Contains(got, "MapStateEntered MapRunStarted") || !strings.Contains(got, "MapRunSucceeded MapStateExited ExecutionSucceeded") {
		t.Errorf("history: %s", got)
	}

	ls := mustWeir(t, dir, "lake", "ls", "--recursive", "s3://results/orders/")
	if !strings.Contains(ls, "manifest.json") || !strings.Contains(ls, "SUCCEEDED_0.json") || strings.Contains(ls, "FAILED_0") {
		t.Errorf("weir lake ls:\n%s", ls)
	}
	var manifest struct {
		DestinationBucket string
		MapRunArn         string
		ResultFiles       map[string][]struct {
			Key  string
			Size int
		}
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "lake", "cat", "s3://results/"+result.ResultWriterDetails.Key)), &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.DestinationBucket != "results" || manifest.MapRunArn != result.MapRunArn || len(manifest.ResultFiles["SUCCEEDED"]) != 1 ||
		len(manifest.ResultFiles["FAILED"]) != 0 || len(manifest.ResultFiles["PENDING"]) != 0 {
		t.Fatalf("manifest %+v", manifest)
	}
	var children []struct {
		Status, Input, Output, ExecutionArn string
	}
	succeeded := mustWeir(t, dir, "lake", "cat", "s3://results/"+manifest.ResultFiles["SUCCEEDED"][0].Key)
	if err := json.Unmarshal([]byte(succeeded), &children); err != nil {
		t.Fatalf("%v\n%s", err, succeeded)
	}
	if len(children) != 2 || children[0].Output != `{"day":"2024-03-01","n":2}` || children[1].Output != `{"day":"2024-03-01","n":1}` ||
		children[0].Input != `{"BatchInput":{"day":"2024-03-01"},"Items":[{"amount":10,"id":"1"},{"amount":20,"id":"2"}]}` {
		t.Errorf("SUCCEEDED_0.json:\n%s", succeeded)
	}

	// A missing object fails the Map with States.ItemReaderFailed.
	stdout, stderr, code := weir(t, dir, "", "states", "run", def, "--input", `{"day": "2024-03-02"}`, "-o", "json")
	wantRun(t, "missing object", stdout, stderr, code, 1)
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Error != "States.ItemReaderFailed" || !strings.Contains(out.Cause, "s3://raw-in/orders/2024-03-02.csv") {
		t.Errorf("missing object: %s: %s", out.Error, out.Cause)
	}
}

// TestStatesRunOverAthenaUnload runs AWS's Athena-to-Map pattern: a
// query UNLOADs rows as Parquet and as GZIP JSON, and distributed Maps
// read them back through the query's data manifest (ATHENA_DATA) and by
// listing the Parquet files (LOAD_AND_FLATTEN).
func TestStatesRunOverAthenaUnload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, b := range []string{"s3://unloaded", "s3://results"} {
		mustWeir(t, dir, "lake", "mb", b)
	}
	const rows = `SELECT * FROM (VALUES (1, 'a', DATE '2024-03-01', 2.5e0), (2, 'b', NULL, NULL), (3, 'c', DATE '2024-03-03', 0.125e0)) AS t(id, name, day, score)`
	processor := `
            ItemProcessor:
              ProcessorConfig: {Mode: DISTRIBUTED}
              StartAt: %s
              States:
                %s: {Type: Pass, End: true}`
	def := writeDefinition(t, `StartAt: Unload
States:
  Unload:
    Type: Parallel
    Branches:
      - StartAt: Parquet
        States:
          Parquet:
            Type: Task
            Resource: arn:aws:states:::athena:startQueryExecution.sync
            Parameters:
              QueryString: "UNLOAD (`+rows+`) TO 's3://unloaded/parquet/' WITH (format = 'PARQUET')"
              ResultConfiguration: {OutputLocation: "s3://results/q/"}
            End: true
      - StartAt: Json
        States:
          Json:
            Type: Task
            Resource: arn:aws:states:::athena:startQueryExecution.sync
            Parameters:
              QueryString: "UNLOAD (`+rows+`) TO 's3://unloaded/json/' WITH (format = 'JSON')"
              ResultConfiguration: {OutputLocation: "s3://results/q/"}
            End: true
    Next: Read
  Read:
    Type: Parallel
    End: true
    Branches:
`+manifestBranch("FromParquetManifest", "PARQUET", 0)+manifestBranch("FromJsonManifest", "JSONL", 1)+`
      - StartAt: FromParquetFiles
        States:
          FromParquetFiles:
            Type: Map
            End: true
            ItemReader:
              Resource: arn:aws:states:::s3:listObjectsV2
              ReaderConfig: {InputType: PARQUET, Transformation: LOAD_AND_FLATTEN}
              Parameters: {Bucket: unloaded, Prefix: parquet/}`+
		strings.ReplaceAll(processor, "%s", "C")+`
`)
	stdout := mustWeir(t, dir, "states", "run", def, "-o", "json")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if out.Status != "SUCCEEDED" {
		t.Fatalf("status %s: %s %s", out.Status, out.Error, out.Cause)
	}
	var branches [][]map[string]any
	if err := json.Unmarshal(out.Output, &branches); err != nil || len(branches) != 3 {
		t.Fatalf("output %s: %v", out.Output, err)
	}
	// Parquet and JSON keep the query's types: numbers are numbers, dates
	// are their text, NULL is null.
	const want = `[{"day":"2024-03-01","id":1,"name":"a","score":2.5},{"day":null,"id":2,"name":"b","score":null},{"day":"2024-03-03","id":3,"name":"c","score":0.125}]`
	for i, items := range branches {
		// UNLOAD writes files in parallel, with no order across them.
		sort.Slice(items, func(a, b int) bool { return items[a]["id"].(float64) < items[b]["id"].(float64) })
		got, _ := json.Marshal(items)
		if string(got) != want {
			t.Errorf("branch %d read:\n%s\nwant:\n%s", i, got, want)
		}
	}
}

// manifestBranch is a Parallel branch (in YAML, at the indentation of
// TestStatesRunOverAthenaUnload's) whose distributed Map reads the files
// in the data manifest of the query whose result is $[query].
func manifestBranch(name, inputType string, query int) string {
	return fmt.Sprintf(`      - StartAt: %[1]s
        States:
          %[1]s:
            Type: Map
            End: true
            ItemReader:
              Resource: arn:aws:states:::s3:getObject
              ReaderConfig: {ManifestType: ATHENA_DATA, InputType: %[2]s}
              Parameters:
                Bucket: results
                Key.$: States.Format('q/{}-manifest.csv', $[%[3]d].QueryExecution.QueryExecutionId)
            ItemProcessor:
              ProcessorConfig: {Mode: DISTRIBUTED}
              StartAt: %[1]sItem
              States:
                %[1]sItem: {Type: Pass, End: true}
`, name, inputType, query)
}

// TestStatesRunParquetItems reads the Parquet files of an UNLOAD with a
// machine that has no Athena task: weir states run starts the engine
// for Parquet items (it once did only for Athena tasks), and a file
// that is not Parquet fails the reader, naming it.
func TestStatesRunParquetItems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "lake", "mb", "s3://unloaded")
	mustWeir(t, dir, "query", "UNLOAD (SELECT x AS n, x * x AS sq FROM (VALUES 1, 2, 3) AS t(x)) TO 's3://unloaded/sq/' WITH (format = 'PARQUET')")
	putFile(t, dir, "s3://unloaded/bad/not.parquet", "id,n\n1,2\n")
	def := writeDefinition(t, `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
		"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"InputType": "PARQUET", "Transformation": "LOAD_AND_FLATTEN"},
		               "Parameters": {"Bucket": "unloaded", "Prefix.$": "$.prefix"}},
		"ItemSelector": {"sq.$": "$$.Map.Item.Value.sq"},
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "OutputPath": "$.sq", "End": true}}}}}}`)
	stdout := mustWeir(t, dir, "states", "run", def, "--input", `{"prefix": "sq/"}`, "-o", "json")
	var out runOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out.Status != "SUCCEEDED" {
		t.Fatalf("%v %s", err, stdout)
	}
	var squares []int
	if err := json.Unmarshal(out.Output, &squares); err != nil {
		t.Fatal(err)
	}
	sort.Ints(squares)
	if fmt.Sprint(squares) != "[1 4 9]" {
		t.Errorf("squares %v", squares)
	}
	stdout, stderr, code := weir(t, dir, "", "states", "run", def, "--input", `{"prefix": "bad/"}`, "-o", "json")
	wantRun(t, "not Parquet", stdout, stderr, code, 1, "States.ItemReaderFailed")
	if !strings.Contains(stdout, "cannot read s3://unloaded/bad/not.parquet: not a readable Parquet file") {
		t.Errorf("the cause does not name the file:\n%s", stdout)
	}
}

// TestExecutionsMapRuns lists the Map Run of a stored execution's
// distributed Map: its status and children by status, as a table and
// as ListMapRuns's JSON.
func TestExecutionsMapRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWeir(t, dir, "states", "create", "batches", "--definition", writeDefinition(t, `{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
		"ItemsPath": "$.items", "Label": "Items", "ToleratedFailureCount": 1, "MaxConcurrency": 1,
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "C", "States": {
			"C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "P"},
			"P": {"Type": "Pass", "End": true}, "F": {"Type": "Fail", "Error": "Bad.Item"}}}}}}`))
	mustWeir(t, dir, "executions", "start", "batches", "--name", "b1", "--input", `{"items": [1, 2, 3]}`, "--wait")
	table := mustWeir(t, dir, "executions", "map-runs", "batches:b1")
	if !regexp.MustCompile(`(?m)^batches/Items:[0-9a-f-]{36} +SUCCEEDED +\S+ +\S+ +0 +2 +1 +0 +3 *$`).MatchString(table) {
		t.Errorf("map-runs table:\n%s", table)
	}
	var out struct {
		MapRuns []struct {
			MapRunArn, ExecutionArn, StateMachineArn, Status string
			ExecutionCounts                                  struct{ Running, Succeeded, Failed, Aborted, Total int }
		}
	}
	if err := json.Unmarshal([]byte(mustWeir(t, dir, "executions", "map-runs", "batches:b1", "-o", "json")), &out); err != nil || len(out.MapRuns) != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	r := out.MapRuns[0]
	if r.Status != "SUCCEEDED" || r.ExecutionArn != "arn:aws:states:us-east-1:000000000000:execution:batches:b1" ||
		r.StateMachineArn != "arn:aws:states:us-east-1:000000000000:stateMachine:batches/Items" || r.ExecutionCounts.Total != 3 || r.ExecutionCounts.Failed != 1 {
		t.Errorf("map run %+v", r)
	}
	_, stderr, code := weir(t, dir, "", "executions", "map-runs", "batches:none")
	wantRun(t, "map-runs of no execution", "", stderr, code, 1, "ExecutionDoesNotExist")
}
