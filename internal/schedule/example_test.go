package schedule_test

import (
	"fmt"
	"time"

	"github.com/weirdata/weir/internal/schedule"
)

// A schedule at 02:30 every night in Brussels skips the night the clocks
// spring forward, when 02:30 does not exist.
func ExampleSchedule_NextN() {
	s, err := schedule.New(schedule.Spec{
		Expression: "cron(30 2 * * ? *)",
		TimeZone:   "Europe/Brussels",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	from := time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC)
	for _, t := range s.NextN(from, 3) {
		fmt.Println(t.Format("Mon 2006-01-02 15:04 MST"))
	}
	// Output:
	// Sat 2026-03-28 02:30 CET
	// Mon 2026-03-30 02:30 CEST
	// Tue 2026-03-31 02:30 CEST
}

func ExampleParse() {
	_, err := schedule.Parse("rate(1 minutes)")
	fmt.Println(err)
	// Output:
	// schedule.Parse: "rate(1 minutes)": unit "minutes": a value of 1 takes the singular unit: write rate(1 minute)
}
