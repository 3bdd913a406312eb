package httpapi

import "net/http"

// Common parameters.
var (
	pMax   = param{"maxResults", "query", "integer", "the most items to return"}
	pToken = param{"nextToken", "query", "string", "the nextToken of the previous page"}
)

// routes is the API's route table: the ServeMux and the OpenAPI document
// are built from it.
func (s *Server) routes() []route {
	return []route{
		// Lake (S3).
		{method: "GET", path: "/lake/buckets", id: "listBuckets", tag: "lake", summary: "List buckets",
			resp: typeOf[BucketList](), status: http.StatusOK, h: s.listBuckets},
		{method: "PUT", path: "/lake/buckets/{bucket}", id: "createBucket", tag: "lake", summary: "Create a bucket",
			resp: typeOf[Bucket](), status: http.StatusCreated, h: s.createBucket},
		{method: "DELETE", path: "/lake/buckets/{bucket}", id: "deleteBucket", tag: "lake", summary: "Delete an empty bucket",
			status: http.StatusNoContent, h: s.deleteBucket},
		{method: "GET", path: "/lake/buckets/{bucket}/objects", id: "listObjects", tag: "lake",
			summary: "List objects under a prefix; without recursive=true, keys are grouped at the next / as commonPrefixes",
			query:   []param{{"prefix", "query", "string", "only keys starting with this"}, {"recursive", "query", "boolean", "list every key under the prefix"}, pMax, pToken},
			resp:    typeOf[ObjectList](), status: http.StatusOK, h: s.listObjects},
		{method: "GET", path: "/lake/buckets/{bucket}/objects/{key...}", id: "getObject", tag: "lake", summary: "Read an object",
			resp: rawType, status: http.StatusOK, h: s.getObject},
		{method: "PUT", path: "/lake/buckets/{bucket}/objects/{key...}", id: "putObject", tag: "lake", summary: "Store an object (the body), replacing any object under the key",
			body: rawType, resp: typeOf[Object](), status: http.StatusOK, h: s.putObject},
		{method: "DELETE", path: "/lake/buckets/{bucket}/objects/{key...}", id: "deleteObject", tag: "lake", summary: "Delete an object (a missing object is not an error, as in S3)",
			status: http.StatusNoContent, h: s.deleteObject},

		// Catalog (Glue Data Catalog), read.
		{method: "GET", path: "/catalog/databases", id: "listDatabases", tag: "catalog", summary: "List databases",
			query: []param{pMax, pToken}, resp: typeOf[DatabaseList](), status: http.StatusOK, h: s.listDatabases},
		{method: "GET", path: "/catalog/databases/{database}", id: "getDatabase", tag: "catalog", summary: "Get a database",
			resp: typeOf[Database](), status: http.StatusOK, h: s.getDatabase},
		{method: "GET", path: "/catalog/databases/{database}/tables", id: "listTables", tag: "catalog", summary: "List a database's tables",
			query: []param{pMax, pToken}, resp: typeOf[TableList](), status: http.StatusOK, h: s.listTables},
		{method: "GET", path: "/catalog/databases/{database}/tables/{table}", id: "getTable", tag: "catalog", summary: "Get a table",
			resp: typeOf[Table](), status: http.StatusOK, h: s.getTable},
		{method: "GET", path: "/catalog/databases/{database}/tables/{table}/partitions", id: "listPartitions", tag: "catalog", summary: "List a table's partitions in the order they were added",
			query: []param{pMax, pToken}, resp: typeOf[PartitionList](), status: http.StatusOK, h: s.listPartitions},

		// Queries (Athena).
		{method: "POST", path: "/queries", id: "startQuery", tag: "queries", summary: "Start a query execution (StartQueryExecution); it runs in the background",
			body: typeOf[StartQueryInput](), resp: typeOf[StartQueryOutput](), status: http.StatusCreated, h: s.startQuery},
		{method: "GET", path: "/queries", id: "listQueries", tag: "queries", summary: "List query executions, newest first",
			query: []param{{"state", "query", "string", "only executions in this state (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED); repeatable"}, pMax, pToken},
			resp:  typeOf[QueryList](), status: http.StatusOK, h: s.listQueries},
		{method: "GET", path: "/queries/{id}", id: "getQuery", tag: "queries", summary: "Get a query execution (GetQueryExecution)",
			resp: typeOf[QueryExecution](), status: http.StatusOK, h: s.getQuery},
		{method: "GET", path: "/queries/{id}/results", id: "getQueryResults", tag: "queries", summary: "Get a page of a succeeded query's results (GetQueryResults)",
			query: []param{pMax, pToken}, resp: typeOf[QueryResults](), status: http.StatusOK, h: s.getQueryResults},
		{method: "POST", path: "/queries/{id}/cancel", id: "cancelQuery", tag: "queries", summary: "Cancel a queued or running query (StopQueryExecution); a finished one is left as it is",
			resp: typeOf[QueryExecution](), status: http.StatusOK, h: s.cancelQuery},

		// Crawlers (Glue).
		{method: "POST", path: "/crawlers", id: "createCrawler", tag: "crawlers", summary: "Create a crawler (CreateCrawler)",
			body: typeOf[CrawlerInput](), resp: typeOf[Crawler](), status: http.StatusCreated, h: s.createCrawler},
		{method: "GET", path: "/crawlers", id: "listCrawlers", tag: "crawlers", summary: "List crawlers by name",
			query: []param{pMax, pToken}, resp: typeOf[CrawlerList](), status: http.StatusOK, h: s.listCrawlers},
		{method: "GET", path: "/crawlers/{name}", id: "getCrawler", tag: "crawlers", summary: "Get a crawler with its last crawl",
			resp: typeOf[Crawler](), status: http.StatusOK, h: s.getCrawler},
		{method: "PUT", path: "/crawlers/{name}", id: "updateCrawler", tag: "crawlers", summary: "Change a crawler's definition: fields present in the body replace the stored ones",
			body: typeOf[CrawlerInput](), resp: typeOf[Crawler](), status: http.StatusOK, h: s.updateCrawler},
		{method: "DELETE", path: "/crawlers/{name}", id: "deleteCrawler", tag: "crawlers", summary: "Delete a crawler that is not running (its tables stay)",
			status: http.StatusNoContent, h: s.deleteCrawler},
		{method: "POST", path: "/crawlers/{name}/start", id: "startCrawler", tag: "crawlers", summary: "Start a crawl; it runs in the server in the background",
			resp: typeOf[Crawler](), status: http.StatusAccepted, h: s.startCrawler},
		{method: "POST", path: "/crawlers/{name}/stop", id: "stopCrawler", tag: "crawlers", summary: "Stop a running crawl; it ends CANCELLED without changing the catalog",
			resp: typeOf[Crawler](), status: http.StatusOK, h: s.stopCrawler},

		// Functions (Lambda).
		{method: "POST", path: "/functions", id: "createFunction", tag: "functions", summary: "Create a function",
			body: typeOf[FunctionInput](), resp: typeOf[Function](), status: http.StatusCreated, h: s.createFunction},
		{method: "GET", path: "/functions", id: "listFunctions", tag: "functions", summary: "List functions by name",
			query: []param{pMax, pToken}, resp: typeOf[FunctionList](), status: http.StatusOK, h: s.listFunctions},
		{method: "GET", path: "/functions/{name}", id: "getFunction", tag: "functions", summary: "Get a function",
			resp: typeOf[Function](), status: http.StatusOK, h: s.getFunction},
		{method: "PUT", path: "/functions/{name}", id: "updateFunction", tag: "functions", summary: "Change a function: fields present in the body replace the stored ones",
			body: typeOf[FunctionInput](), resp: typeOf[Function](), status: http.StatusOK, h: s.updateFunction},
		{method: "DELETE", path: "/functions/{name}", id: "deleteFunction", tag: "functions", summary: "Delete a function",
			status: http.StatusNoContent, h: s.deleteFunction},
		{method: "POST", path: "/functions/{name}/invoke", id: "invokeFunction", tag: "functions", summary: "Invoke a function with the body as its event and wait for it; a failing function answers 200 with functionError set, as Lambda does",
			body: typeOf[any](), resp: typeOf[InvokeOutput](), status: http.StatusOK, h: s.invokeFunction},
		{method: "GET", path: "/functions/{name}/logs", id: "functionLogs", tag: "functions", summary: "A function's invocation logs, oldest first, as CloudWatch Logs keeps a Lambda function's: START, standard error, the error, END and REPORT of each invocation",
			query: []param{{"since", "query", "string", "only events at or after this time (RFC 3339)"}, {"requestId", "query", "string", "only the events of this invocation"},
				{"limit", "query", "integer", "at most this many events, the newest (default 10000)"}},
			resp: typeOf[FunctionLogs](), status: http.StatusOK, h: s.functionLogs},

		// State machines (Step Functions).
		{method: "POST", path: "/state-machines", id: "createStateMachine", tag: "states", summary: "Store a state machine (CreateStateMachine)",
			body: typeOf[StateMachineInput](), resp: typeOf[StateMachine](), status: http.StatusCreated, h: s.createStateMachine},
		{method: "GET", path: "/state-machines", id: "listStateMachines", tag: "states", summary: "List state machines by name",
			query: []param{pMax, pToken}, resp: typeOf[StateMachineList](), status: http.StatusOK, h: s.listStateMachines},
		{method: "POST", path: "/state-machines/validate", id: "validateStateMachine", tag: "states", summary: "Validate a definition (ValidateStateMachineDefinition); problems are the answer, not an error",
			body: typeOf[ValidateInput](), resp: typeOf[ValidateOutput](), status: http.StatusOK, h: s.validateStateMachine},
		{method: "GET", path: "/state-machines/{name}", id: "getStateMachine", tag: "states", summary: "Get a state machine with its definition (DescribeStateMachine)",
			resp: typeOf[StateMachine](), status: http.StatusOK, h: s.getStateMachine},
		{method: "PUT", path: "/state-machines/{name}", id: "updateStateMachine", tag: "states", summary: "Replace a state machine's definition; running executions keep theirs",
			body: typeOf[StateMachineInput](), resp: typeOf[StateMachine](), status: http.StatusOK, h: s.updateStateMachine},
		{method: "DELETE", path: "/state-machines/{name}", id: "deleteStateMachine", tag: "states", summary: "Delete a state machine (its executions stay)",
			status: http.StatusNoContent, h: s.deleteStateMachine},

		// Executions (Step Functions).
		{method: "POST", path: "/executions", id: "startExecution", tag: "executions",
			summary: "Start an execution (StartExecution); the same name and input returns the running execution with 200; a closed one, or another input, fails with AlreadyExists",
			body:    typeOf[StartExecutionInput](), resp: typeOf[Execution](), status: http.StatusCreated, h: s.startExecution},
		{method: "GET", path: "/executions", id: "listExecutions", tag: "executions", summary: "List executions, newest first",
			query: []param{{"stateMachine", "query", "string", "only executions of this state machine"}, {"status", "query", "string", "only executions in this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)"}, pMax, pToken},
			resp:  typeOf[ExecutionList](), status: http.StatusOK, h: s.listExecutions},
		{method: "GET", path: "/executions/{execution}", id: "describeExecution", tag: "executions", summary: "Describe an execution, named by its ARN or MACHINE:NAME (DescribeExecution)",
			resp: typeOf[Execution](), status: http.StatusOK, h: s.describeExecution},
		{method: "GET", path: "/executions/{execution}/history", id: "getExecutionHistory", tag: "executions", summary: "Page through an execution's history events (GetExecutionHistory)",
			query: []param{{"reverseOrder", "query", "boolean", "newest events first"}, pMax, pToken},
			resp:  typeOf[History](), status: http.StatusOK, h: s.executionHistory},
		{method: "GET", path: "/executions/{execution}/map-runs", id: "listMapRuns", tag: "executions", summary: "The execution's distributed Map Runs, in the order they started, each as DescribeMapRun tells of it (ListMapRuns)",
			resp: typeOf[MapRunList](), status: http.StatusOK, h: s.listMapRuns},
		{method: "POST", path: "/executions/{execution}/stop", id: "stopExecution", tag: "executions", summary: "Stop a running execution; it ends ABORTED (StopExecution)",
			body: typeOf[StopExecutionInput](), resp: typeOf[Execution](), status: http.StatusOK, h: s.stopExecution},
		{method: "POST", path: "/executions/{execution}/redrive", id: "redriveExecution", tag: "executions", summary: "Run a FAILED, TIMED_OUT or ABORTED execution again from the state that did not succeed (RedriveExecution)",
			resp: typeOf[Execution](), status: http.StatusOK, h: s.redriveExecution},

		// Task tokens of callback tasks (.waitForTaskToken).
		{method: "POST", path: "/tasks/success", id: "sendTaskSuccess", tag: "executions", summary: "Answer a task token with the task's result (SendTaskSuccess)",
			body: typeOf[SendTaskSuccessInput](), status: http.StatusNoContent, h: s.sendTaskSuccess},
		{method: "POST", path: "/tasks/failure", id: "sendTaskFailure", tag: "executions", summary: "Fail the task waiting for a token (SendTaskFailure)",
			body: typeOf[SendTaskFailureInput](), status: http.StatusNoContent, h: s.sendTaskFailure},
		{method: "POST", path: "/tasks/heartbeat", id: "sendTaskHeartbeat", tag: "executions", summary: "Tell the task waiting for a token that its work goes on (SendTaskHeartbeat)",
			body: typeOf[SendTaskHeartbeatInput](), status: http.StatusNoContent, h: s.sendTaskHeartbeat},

		// Schedules (EventBridge Scheduler).
		{method: "POST", path: "/schedules", id: "createSchedule", tag: "schedules", summary: "Create a schedule (CreateSchedule)",
			body: typeOf[ScheduleInput](), resp: typeOf[Schedule](), status: http.StatusCreated, h: s.createSchedule},
		{method: "GET", path: "/schedules", id: "listSchedules", tag: "schedules", summary: "List schedules by name, with their next fire times",
			query: []param{pMax, pToken}, resp: typeOf[ScheduleList](), status: http.StatusOK, h: s.listSchedules},
		{method: "GET", path: "/schedules/{name}", id: "getSchedule", tag: "schedules", summary: "Get a schedule with its next five fire times",
			resp: typeOf[Schedule](), status: http.StatusOK, h: s.getSchedule},
		{method: "PUT", path: "/schedules/{name}", id: "updateSchedule", tag: "schedules", summary: "Change a schedule: fields present in the body replace the stored ones",
			body: typeOf[ScheduleInput](), resp: typeOf[Schedule](), status: http.StatusOK, h: s.updateSchedule},
		{method: "DELETE", path: "/schedules/{name}", id: "deleteSchedule", tag: "schedules", summary: "Delete a schedule (its runs stay)",
			status: http.StatusNoContent, h: s.deleteSchedule},
		{method: "POST", path: "/schedules/{name}/enable", id: "enableSchedule", tag: "schedules", summary: "Enable a schedule; it fires from now on",
			resp: typeOf[Schedule](), status: http.StatusOK, h: s.switchSchedule(true)},
		{method: "POST", path: "/schedules/{name}/disable", id: "disableSchedule", tag: "schedules", summary: "Disable a schedule",
			resp: typeOf[Schedule](), status: http.StatusOK, h: s.switchSchedule(false)},
		{method: "GET", path: "/schedules/{name}/history", id: "scheduleHistory", tag: "schedules", summary: "A schedule's runs, newest first: what each fire time started, or why not",
			query: []param{pMax, pToken}, resp: typeOf[ScheduleRunList](), status: http.StatusOK, h: s.scheduleHistory},

		// Triggers (EventBridge rules).
		{method: "POST", path: "/triggers", id: "createTrigger", tag: "triggers", summary: "Create a trigger; what its source holds now does not fire it",
			body: typeOf[TriggerInput](), resp: typeOf[Trigger](), status: http.StatusCreated, h: s.createTrigger},
		{method: "GET", path: "/triggers", id: "listTriggers", tag: "triggers", summary: "List triggers by name",
			query: []param{pMax, pToken}, resp: typeOf[TriggerList](), status: http.StatusOK, h: s.listTriggers},
		{method: "GET", path: "/triggers/{name}", id: "getTrigger", tag: "triggers", summary: "Get a trigger",
			resp: typeOf[Trigger](), status: http.StatusOK, h: s.getTrigger},
		{method: "DELETE", path: "/triggers/{name}", id: "deleteTrigger", tag: "triggers", summary: "Delete a trigger (runs it started go on)",
			status: http.StatusNoContent, h: s.deleteTrigger},
		{method: "POST", path: "/triggers/{name}/enable", id: "enableTrigger", tag: "triggers", summary: "Enable a trigger; it fires on what happens from now on",
			resp: typeOf[Trigger](), status: http.StatusOK, h: s.switchTrigger(true)},
		{method: "POST", path: "/triggers/{name}/disable", id: "disableTrigger", tag: "triggers", summary: "Disable a trigger",
			resp: typeOf[Trigger](), status: http.StatusOK, h: s.switchTrigger(false)},
		{method: "GET", path: "/triggers/{name}/history", id: "triggerHistory", tag: "triggers", summary: "A trigger's runs, newest first",
			query: []param{pMax, pToken}, resp: typeOf[TriggerRunList](), status: http.StatusOK, h: s.triggerHistory},
	}
}
