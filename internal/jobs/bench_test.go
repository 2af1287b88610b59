package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"github.com/huduma-ke/huduma/internal/jobs"
)

// BenchmarkScheduleAndRun measures the whole path of a job: scheduled in a transaction of its own,
// then claimed, run (the handler writes one row) and marked done by runners. One op is one job;
// jobs/s counts both halves.
//
//	go test ./internal/jobs/ -run '^$' -bench ScheduleAndRun -benchtime 2000x
func BenchmarkScheduleAndRun(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		for _, runners := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/runners=%d", engine, runners), func(b *testing.B) {
				var d *db.DB
				if engine == db.SQLite {
					d = dbtest.SQLite(b)
				} else {
					d = dbtest.Postgres(b)
				}
				benchScheduleAndRun(b, d, runners)
			})
		}
	}
}

func benchScheduleAndRun(b *testing.B, d *db.DB, numRunners int) {
	workTable(b, d)
	c := newClock()
	c.set(t0.Add(time.Hour))
	rs := make([]*jobs.Runner, numRunners)
	for i := range rs {
		rs[i] = newRunner(b, d, c)
		rs[i].Handle("bench", func(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
			return writeWork(ctx, tx, job, "")
		})
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			return jobs.Schedule(ctx, tx, "bench", fmt.Sprintf("bench:%d", i), t0, map[string]int{"request": i})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	scheduled := time.Since(start)
	start = time.Now()
	var wg sync.WaitGroup
	errs := make([]error, numRunners)
	for i, r := range rs {
		wg.Go(func() { _, errs[i] = r.RunDue(ctx) })
	}
	wg.Wait()
	ran := time.Since(start)
	b.StopTimer()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	if n := workRows(b, d); n != b.N {
		b.Fatalf("ran %d of %d jobs", n, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(b.N)/scheduled.Seconds(), "scheduled/s")
	b.ReportMetric(float64(b.N)/ran.Seconds(), "run/s")
}
