package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/weirdata/weir/internal/yamlerr"
	yaml "go.yaml.in/yaml/v3"
)

// document is a decoded definition: the generic JSON value, and the order
// of each object's members (by JSON pointer), which maps lose.
type document struct {
	root  any
	order map[string][]string
}

// decodeDefinition reads a definition written in JSON or YAML. Duplicate
// member names are errors (encoding/json would keep the last silently).
func decodeDefinition(data []byte) (*document, *Diagnostic) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 {
		return nil, &Diagnostic{Code: "MISSING_DESCRIPTION", Message: "The definition is empty; write a state machine in JSON or YAML", Location: "/"}
	}
	doc := &document{order: map[string][]string{}}
	var err error
	if trimmed[0] == '{' {
		err = doc.decodeJSON(trimmed)
	} else {
		err = doc.decodeYAML(data)
	}
	if err != nil {
		return nil, &Diagnostic{Code: "INVALID_JSON_DESCRIPTION", Message: err.Error(), Location: "/"}
	}
	if _, ok := doc.root.(map[string]any); !ok {
		return nil, &Diagnostic{Code: "INVALID_JSON_DESCRIPTION", Message: "A state machine definition is a JSON object with StartAt and States", Location: "/"}
	}
	return doc, nil
}

func (doc *document) decodeJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := doc.jsonValue(dec, "")
	if err != nil {
		return jsonPosition(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return jsonPosition(data, dec, errors.New("unexpected data after the definition's closing brace"))
	}
	doc.root = v
	return nil
}

// jsonPosition adds the line and column where decoding stopped.
func jsonPosition(data []byte, dec *json.Decoder, err error) error {
	off := int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 {
		off = int(se.Offset) - 1 // Offset counts the offending byte
	}
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("line %d, column %d: %v", line, col, err)
}

func (doc *document) jsonValue(dec *json.Decoder, ptr string) (any, error) {
	t, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("unexpected end of the definition")
		}
		return nil, err
	}
	switch d := t.(type) {
	case json.Delim:
		switch d {
		case '{':
			m := map[string]any{}
			var keys []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("the member %q appears twice in the object at %s; names must be unique", k, pointerOrRoot(ptr))
				}
				v, err := doc.jsonValue(dec, ptr+"/"+escapePointer(k))
				if err != nil {
					return nil, err
				}
				m[k] = v
				keys = append(keys, k)
			}
			if _, err := dec.Token(); err != nil { // }
				return nil, err
			}
			doc.order[ptr] = keys
			return m, nil
		case '[':
			a := []any{}
			for i := 0; dec.More(); i++ {
				v, err := doc.jsonValue(dec, ptr+"/"+strconv.Itoa(i))
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil { // ]
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %q", d)
	}
	return t, nil
}

func (doc *document) decodeYAML(data []byte) error {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return yamlSyntaxError(data, err)
	}
	if n.Kind == 0 || len(n.Content) == 0 {
		return errors.New("the YAML document is empty")
	}
	v, err := doc.yamlValue(n.Content[0], "")
	if err != nil {
		return err
	}
	doc.root = v
	return nil
}

// yamlSyntaxError words a YAML syntax error with the line at fault.
func yamlSyntaxError(data []byte, err error) error {
	line, problem := yamlerr.Locate(data, err)
	if line == 0 {
		return fmt.Errorf("YAML: %s", problem)
	}
	return fmt.Errorf("YAML line %d: %s", line, problem)
}

func (doc *document) yamlValue(n *yaml.Node, ptr string) (any, error) {
	switch n.Kind {
	case yaml.AliasNode:
		return doc.yamlValue(n.Alias, ptr)
	case yaml.MappingNode:
		m := map[string]any{}
		var keys []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if kn.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: object member names must be plain strings", kn.Line)
			}
			if kn.Tag == "!!merge" {
				return nil, fmt.Errorf("line %d: YAML merge keys (<<) are not supported in definitions", kn.Line)
			}
			k := kn.Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: the member %q appears twice in the object at %s; names must be unique", kn.Line, k, pointerOrRoot(ptr))
			}
			v, err := doc.yamlValue(vn, ptr+"/"+escapePointer(k))
			if err != nil {
				return nil, err
			}
			m[k] = v
			keys = append(keys, k)
		}
		doc.order[ptr] = keys
		return m, nil
	case yaml.SequenceNode:
		a := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := doc.yamlValue(c, ptr+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			return b, nil
		case "!!int":
			var i int64
			if err := n.Decode(&i); err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			return json.Number(strconv.FormatInt(i, 10)), nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, fmt.Errorf("line %d: %s is not a JSON number", n.Line, n.Value)
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
		case "!!str", "":
			return n.Value, nil
		case "!!timestamp":
			return n.Value, nil // a timestamp is a string in JSON
		}
		return nil, fmt.Errorf("line %d: the YAML type %s has no JSON equivalent", n.Line, n.Tag)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// escapePointer escapes a member name for a JSON pointer (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func pointerOrRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}
