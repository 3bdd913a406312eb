package demo

// MachineName is the state machine the demo stores and runs.
const MachineName = "traffic-etl"

// Machine is seed 000's batch step as a state machine, in YAML with AWS
// ARNs as the seed writes it: the repartitioning INSERT INTO (its SQL in
// the execution's input) as an Athena task that waits for the query,
// retried on Athena's internal errors, then the number of rows written
// from the query's results.
const Machine = `Comment: Seed 000's batch ETL step - repartition the raw traffic events by event time
StartAt: Repartition
States:
  Repartition:
    Type: Task
    Resource: arn:aws:states:::athena:startQueryExecution.sync
    Parameters:
      QueryString.$: $.insert
      QueryExecutionContext:
        Database: traffic
    ResultSelector:
      id.$: $.QueryExecution.QueryExecutionId
      scanned.$: $.QueryExecution.Statistics.DataScannedInBytes
    ResultPath: $.repartition
    Retry:
      - ErrorEquals: [Athena.InternalServerException]
        IntervalSeconds: 1
        MaxAttempts: 2
    Catch:
      - ErrorEquals: [States.ALL]
        ResultPath: $.error
        Next: Failed
    Next: Written
  Written:
    Type: Task
    Resource: arn:aws:states:::athena:getQueryResults
    Parameters:
      QueryExecutionId.$: $.repartition.id
    ResultSelector:
      rows.$: $.UpdateCount
    ResultPath: $.written
    OutputPath: $.written
    End: true
  Failed:
    Type: Fail
    Error: Repartition.Failed
    CausePath: $.error.Cause
`
