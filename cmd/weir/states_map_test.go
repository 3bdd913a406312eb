package main

import (
	"encoding/json"
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
