package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/weirdata/weir/internal/asl"
)

// mapRun names a Map state's run of its items: the Map Run of a
// distributed Map, whose items are child executions. Its id is derived
// from the execution, the state and its attempt, so a resumed Map keeps
// the Map Run it had, and its result files keep their keys.
type mapRun struct {
	id           string
	arn          string
	childMachine string // the child executions' state machine ARN
	childExec    string // their execution ARNs, less the name
}

var mapRunNamespace = uuid.MustParse("5b1a3c64-8f7e-4f7e-9a53-6d1f0e2c9b10")

func (s *stateRun) newMapRun() *mapRun {
	attempt := fmt.Sprintf("%s/%s/%s#%d.%d", s.x.rec.ARN, s.t.rec.ID, s.st.Name, s.x.rec.RedriveCount, s.t.rec.Attempt)
	id := uuid.NewSHA1(mapRunNamespace, []byte(attempt)).String()
	label := s.st.Label
	if label == "" {
		label = s.st.Name
	}
	sm := s.x.rec.StateMachineARN
	swap := func(kind string) string {
		if i := strings.Index(sm, ":stateMachine:"); i >= 0 {
			return sm[:i] + ":" + kind + ":" + sm[i+len(":stateMachine:"):]
		}
		return sm + ":" + kind
	}
	return &mapRun{
		id:           id,
		arn:          swap("mapRun") + "/" + label + ":" + id,
		childMachine: sm + "/" + label,
		childExec:    swap("execution") + "/" + label + ":",
	}
}

// childName is the name of the child execution of item (or batch) i.
func (m *mapRun) childName(i int) string {
	return uuid.NewSHA1(mapRunNamespace, fmt.Appendf(nil, "%s/%d", m.id, i)).String()
}

// childOutcome is how one child execution of a Map Run ended.
type childOutcome struct {
	status           string // SUCCEEDED, FAILED, ABORTED or PENDING (never started)
	input, output    any
	err, cause       string
	started, stopped time.Time
}

// resultWriter is a Map state's ResultWriter, evaluated.
type resultWriter struct {
	export         bool // write to Bucket/Prefix (else only shape the state's result)
	bucket, prefix string
	dir            string // Prefix/<map run id>/
	transformation string // NONE, COMPACT or FLATTEN
	outputType     string // JSON or JSONL
}

func (s *stateRun) writerFailed(format string, args ...any) *failure {
	return &failure{asl.ErrNameResultWriterFailed, fmt.Sprintf("The ResultWriter of the Map state '%s' failed: ", s.st.Name) + fmt.Sprintf(format, args...)}
}

// resultWriter evaluates the state's ResultWriter on the effective
// input, before any item runs: a bad bucket fails the state at once.
func (s *stateRun) resultWriter(ctx context.Context, effective any, m *mapRun) (*resultWriter, *failure) {
	raw := s.st.ResultWriter
	if raw == nil {
		return nil, nil
	}
	w := &resultWriter{transformation: "COMPACT", outputType: "JSON"}
	if _, ok := raw["Resource"]; ok {
		resource, _ := raw["Resource"].(string)
		if resource != resourcePutObject {
			return nil, s.writerFailed("the Resource %q is not one weir writes with; use %s", resource, resourcePutObject)
		}
		if s.x.r.opts.Objects == nil {
			return nil, s.writerFailed("this runner has no object store (Options.Objects); run the machine with weir, which writes to the lake")
		}
		params, f := s.objectParams(raw, effective, "ResultWriter", asl.ErrNameResultWriterFailed)
		if f != nil {
			return nil, f
		}
		w.export, w.transformation = true, "NONE"
		w.bucket, _ = params["Bucket"].(string)
		if w.bucket == "" {
			return nil, s.writerFailed("Parameters.Bucket must be a bucket name, not %s", s.x.encode(params["Bucket"]))
		}
		if p, ok := params["Prefix"]; ok {
			if w.prefix, ok = p.(string); !ok {
				return nil, s.writerFailed("Parameters.Prefix must be a string, not %s", s.x.encode(p))
			}
		}
		w.dir = m.id + "/"
		if p := strings.TrimSuffix(w.prefix, "/"); p != "" {
			w.dir = p + "/" + w.dir
		}
		// The bucket must exist before the items run, not after.
		if _, err := s.x.r.opts.Objects.List(ctx, w.bucket, w.dir+"manifest.json"); err != nil {
			return nil, s.writerFailed("cannot write to s3://%s/%s: %v", w.bucket, w.dir, err)
		}
	}
	if cfg, ok := raw["WriterConfig"].(map[string]any); ok {
		if v, ok := cfg["Transformation"].(string); ok {
			if v != "NONE" && v != "COMPACT" && v != "FLATTEN" {
				return nil, s.writerFailed("WriterConfig.Transformation must be NONE, COMPACT or FLATTEN, not %q", v)
			}
			w.transformation = v
		}
		if v, ok := cfg["OutputType"].(string); ok {
			if v != "JSON" && v != "JSONL" {
				return nil, s.writerFailed("WriterConfig.OutputType must be JSON or JSONL, not %q", v)
			}
			w.outputType = v
		}
	}
	return w, nil
}

// entry is a child execution as result files describe it (the NONE
// transformation): DescribeExecution's fields.
func (m *mapRun) entry(i int, o childOutcome) map[string]any {
	name := m.childName(i)
	e := map[string]any{
		"ExecutionArn": m.childExec + name, "Name": name, "StateMachineArn": m.childMachine, "Status": o.status,
		"Input": encodeJSON(o.input), "InputDetails": map[string]any{"Included": true},
		"RedriveCount": json.Number("0"), "RedriveStatus": "NOT_REDRIVABLE",
	}
	if !o.started.IsZero() {
		e["StartDate"] = o.started.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if !o.stopped.IsZero() {
		e["StopDate"] = o.stopped.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	switch o.status {
	case "SUCCEEDED":
		e["Output"], e["OutputDetails"] = encodeJSON(o.output), map[string]any{"Included": true}
		e["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
	case "PENDING":
		e["RedriveStatusReason"] = "Execution did not start"
	default:
		e["Error"], e["Cause"] = o.err, o.cause
		e["RedriveStatusReason"] = "weir redrives a failed Map state whole, not its child executions"
	}
	return e
}

// shape gives the results of a status as the transformation asks:
// failed children always in the NONE form.
func (m *mapRun) shape(w *resultWriter, idx []int, outcomes []childOutcome) []any {
	out := []any{}
	for _, i := range idx {
		o := outcomes[i]
		switch {
		case o.status != "SUCCEEDED" || w.transformation == "NONE":
			out = append(out, m.entry(i, o))
		case w.transformation == "FLATTEN":
			if arr, ok := o.output.([]any); ok {
				out = append(out, arr...)
			} else {
				out = append(out, o.output)
			}
		default:
			out = append(out, o.output)
		}
	}
	return out
}

// preview is the state's result of a ResultWriter with only a
// WriterConfig: every child's result, shaped, in item order.
func (m *mapRun) preview(w *resultWriter, outcomes []childOutcome) any {
	idx := make([]int, len(outcomes))
	for i := range idx {
		idx[i] = i
	}
	return m.shape(w, idx, outcomes)
}

// write writes the Map Run's result files, SUCCEEDED_0, FAILED_0 and
// PENDING_0 (those with results), then manifest.json, under
// Prefix/<map run id>/, and returns the state's result. Each object is
// written whole (the lake's puts are atomic), the manifest last: a
// manifest names only files that were written. A resumed Map writes
// the same keys again.
func (s *stateRun) writeResults(ctx context.Context, w *resultWriter, m *mapRun, outcomes []childOutcome) (any, *failure) {
	objs, dir := s.x.r.opts.Objects, w.dir
	groups := map[string][]int{}
	for i, o := range outcomes {
		st := o.status
		if st == "ABORTED" {
			st = "FAILED"
		}
		groups[st] = append(groups[st], i)
	}
	ext := ".json"
	if w.outputType == "JSONL" {
		ext = ".jsonl"
	}
	files := map[string]any{}
	for _, st := range []string{"FAILED", "PENDING", "SUCCEEDED"} {
		list := []any{}
		if len(groups[st]) > 0 {
			var b bytes.Buffer
			results := m.shape(w, groups[st], outcomes)
			if w.outputType == "JSONL" {
				for _, r := range results {
					b.WriteString(encodeJSON(r))
					b.WriteByte('\n')
				}
			} else {
				b.WriteString(encodeJSON(results))
			}
			key := dir + st + "_0" + ext
			if err := objs.Put(ctx, w.bucket, key, b.Bytes()); err != nil {
				return nil, s.writerFailed("cannot write s3://%s/%s: %v", w.bucket, key, err)
			}
			list = append(list, map[string]any{"Key": key, "Size": json.Number(fmt.Sprint(b.Len()))})
		}
		files[st] = list
	}
	manifest := map[string]any{"DestinationBucket": w.bucket, "MapRunArn": m.arn, "ResultFiles": files}
	key := dir + "manifest.json"
	if err := objs.Put(ctx, w.bucket, key, []byte(encodeJSON(manifest))); err != nil {
		return nil, s.writerFailed("cannot write s3://%s/%s: %v", w.bucket, key, err)
	}
	return map[string]any{"MapRunArn": m.arn, "ResultWriterDetails": map[string]any{"Bucket": w.bucket, "Key": key}}, nil
}

// batcher is a Map state's ItemBatcher, evaluated.
type batcher struct {
	maxItems, maxBytes int // 0: no limit
	input              any // BatchInput, evaluated; nil if none
}

func (s *stateRun) batcher(effective any) (*batcher, *failure) {
	raw := s.st.ItemBatcher
	if raw == nil {
		return nil, nil
	}
	b := &batcher{}
	limit := func(name string, max int64) (int, *failure) {
		v, ok := raw[name]
		if p, isPath := raw[name+"Path"].(string); isPath {
			path, err := asl.ParseReferencePath(p)
			if err != nil {
				return 0, &failure{asl.ErrNameRuntime, fmt.Sprintf("ItemBatcher.%sPath of the Map state '%s': %v", name, s.st.Name, err)}
			}
			if v, err = path.Select(s.scope(effective, nil)); err != nil {
				return 0, failureOf(err, asl.ErrNameRuntime)
			}
			name, ok = name+"Path '"+p+"'", true
		}
		if !ok {
			return 0, nil
		}
		num, _ := v.(json.Number)
		n, err := num.Int64()
		if err != nil || n < 1 || n > max {
			return 0, &failure{asl.ErrNameRuntime, fmt.Sprintf("ItemBatcher.%s of the Map state '%s' gave %s, not an integer from 1 to %d", name, s.st.Name, s.x.encode(v), max)}
		}
		return int(n), nil
	}
	var f *failure
	if b.maxItems, f = limit("MaxItemsPerBatch", 1<<31-1); f != nil {
		return nil, f
	}
	if b.maxBytes, f = limit("MaxInputBytesPerBatch", MaxPayloadBytes); f != nil {
		return nil, f
	}
	if bi, ok := raw["BatchInput"]; ok {
		t, errs := asl.ParseTemplate(bi)
		if len(errs) > 0 {
			return nil, &failure{asl.ErrNameRuntime, fmt.Sprintf("ItemBatcher.BatchInput of the Map state '%s': %v", s.st.Name, errs[0])}
		}
		v, err := t.Eval(s.scope(effective, nil))
		if err != nil {
			return nil, failureOf(err, asl.ErrNameParameterPathFailure)
		}
		b.input = v
	}
	return b, nil
}

// split groups items (as ItemSelector made them) into batches of at most
// maxItems items whose child input, {"Items": [...], "BatchInput": ...},
// is at most maxBytes; it returns each batch's end index.
func (b *batcher) split(items []any) ([]int, error) {
	base := len(`{"Items":[]}`)
	if b.input != nil {
		base += len(`,"BatchInput":`) + len(encodeJSON(b.input))
	}
	var ends []int
	n, size := 0, base
	for i, it := range items {
		sz := len(encodeJSON(it))
		if b.maxBytes > 0 && base+sz > b.maxBytes {
			return nil, fmt.Errorf("item %d is %d bytes, more than MaxInputBytesPerBatch (%d) allows in a batch", i, sz, b.maxBytes)
		}
		if n > 0 {
			sz++ // the comma
		}
		if n > 0 && (b.maxItems > 0 && n >= b.maxItems || b.maxBytes > 0 && size+sz > b.maxBytes) {
			ends = append(ends, i)
			n, size, sz = 0, base, sz-1
		}
		n++
		size += sz
	}
	if n > 0 {
		ends = append(ends, len(items))
	}
	return ends, nil
}

// batchInput is the child input of a batch.
func (b *batcher) batchInput(items []any) any {
	in := map[string]any{"Items": items}
	if b.input != nil {
		in["BatchInput"] = b.input
	}
	return in
}
