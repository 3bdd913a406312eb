package duckengine

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if a goroutine is still running when
// they end (every engine and service a test starts must stop).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
