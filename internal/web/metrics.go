package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, d *db.DB) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "huduma_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "huduma_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if d != nil {
		reg.MustRegister(collectors.NewDBStatsCollector(d.DB, string(d.Engine)), backlogCollector{d})
	}
	return m
}

// backlogCollector reports the work waiting in the background queues at scrape time: messages
// not yet handed to a provider, messages that failed, and timers due but not yet run. A growing
// backlog is the first sign of a stuck worker or an unreachable SMS gateway.
type backlogCollector struct{ d *db.DB }

var (
	backlogDesc = prometheus.NewDesc("huduma_backlog", "Items waiting in background queues, by queue and state.", []string{"queue", "state"}, nil)
)

func (c backlogCollector) Describe(ch chan<- *prometheus.Desc) { ch <- backlogDesc }

func (c backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, q := range []struct{ queue, state, sql string }{
		{"outbox", "waiting", `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`},
		{"outbox", "failed", `SELECT COUNT(*) FROM outbox WHERE status = 'failed'`},
		{"jobs", "due", `SELECT COUNT(*) FROM jobs WHERE status = 'pending' AND run_at <= $1`},
	} {
		var n float64
		args := []any{}
		if strings.Contains(q.sql, "$1") {
			args = append(args, time.Now().UTC())
		}
		if err := c.d.QueryRowContext(ctx, q.sql, args...).Scan(&n); err != nil {
			ch <- prometheus.NewInvalidMetric(backlogDesc, err)
			continue
		}
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, n, q.queue, q.state)
	}
}

// instrument counts and times requests under the route's pattern (never the raw path, which would
// make one series per service code).
func (m *metrics) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}
