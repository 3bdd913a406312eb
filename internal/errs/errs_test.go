package errs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/weirdata/weir/internal/errs"
)

func TestKindMatching(t *testing.T) {
	base := errors.New("table traffic.raw does not exist")
	inner := errs.E("catalog.GetTable", errs.NotFound, base)
	err := fmt.Errorf("query: %w", inner)

	if !errors.Is(err, errs.NotFound) {
		t.Fatalf("errors.Is(%v, NotFound) = false", err)
	}
	if errors.Is(err, errs.Exists) {
		t.Fatalf("errors.Is(%v, Exists) = true", err)
	}
	if !errors.Is(err, base) {
		t.Fatalf("cause lost: %v", err)
	}
	if got := errs.KindOf(err); got != errs.NotFound {
		t.Fatalf("KindOf = %v, want NotFound", got)
	}
	if got := errs.Message(inner); got != base.Error() {
		t.Errorf("Message = %q, want %q", got, base.Error())
	}
	// Details added around a sentinel are kept.
	sentinel := errs.E("", errs.NotFound, errors.New("object does not exist"))
	detailed := fmt.Errorf("s3://b/k: %w", sentinel)
	if got := errs.Message(detailed); got != "s3://b/k: object does not exist" {
		t.Errorf("Message = %q", got)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"nil", nil, errs.Other},
		{"plain", errors.New("x"), errs.Other},
		{"canceled", errs.E("q", errs.Canceled, context.Canceled), errs.Canceled},
		{"outer unclassified", errs.E("outer", errs.Other, errs.E("inner", errs.Conflict, nil)), errs.Conflict},
		{"outermost wins", errs.E("outer", errs.Invalid, errs.E("inner", errs.NotFound, nil)), errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errs.KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	if got := errs.E("lake.Put", errs.Invalid, errors.New(`key "../x" escapes the bucket`)).Error(); got != `lake.Put: key "../x" escapes the bucket` {
		t.Errorf("got %q", got)
	}
	if got := errs.E("", errs.Unavailable, nil).Error(); got != "unavailable" {
		t.Errorf("got %q", got)
	}
}
