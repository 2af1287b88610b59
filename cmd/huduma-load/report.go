package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// phaseResult is one load phase and the server's memory at its end.
type phaseResult struct {
	Name string
	Load loadResult
	Mem  memory
	CPU  cpu
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func rate(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func mib(b uint64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func errorsText(s series) string {
	if len(s.Errors) == 0 {
		return "0"
	}
	var parts []string
	for _, k := range sortedKeys(s.Errors) {
		parts = append(parts, fmt.Sprintf("%d×%s", s.Errors[k], k))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }

// writeTable prints the phases as Markdown: rates and latencies per operation (the operation's
// total in bold, then its kinds), then memory.
func writeTable(w io.Writer, engine string, phases []phaseResult) {
	cols := []string{"phase", "operation", "clients", "ops/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"}
	if engine != "" {
		cols = append([]string{"engine"}, cols...)
	}
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
	for _, p := range phases {
		for _, s := range p.Load.Series {
			name, clients := "**"+s.Op.String()+"**", fmt.Sprint(s.Clients)
			if s.Op == opFeed {
				name, clients = "feed (`GET /api/v1/requests?status=new`, for status clients)", "–"
			}
			if s.Label != "" {
				name, clients = "  "+s.Label, ""
			}
			row := fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |", p.Name, name, clients, rate(s.rate(p.Load.Elapsed)),
				ms(s.quantile(0.50)), ms(s.quantile(0.95)), ms(s.quantile(0.99)), ms(s.max()), errorsText(s))
			if engine != "" {
				row = "| " + engine + " " + row
			}
			fmt.Fprintln(w, row)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| phase | heap in use, end | heap in use, peak | RSS, end | RSS, peak (VmHWM) | CPU: Huduma + load generator | CPU: PostgreSQL | CPU: whole machine |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, p := range phases {
		el := p.Load.Elapsed.Seconds()
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", p.Name, mib(p.Mem.HeapInuse), mib(p.Mem.HeapPeak), mib(p.Mem.RSS), mib(p.Mem.HWM),
			cores(p.CPU.Self, el), cores(p.CPU.Postgres, el), cores(p.CPU.Machine, el))
	}
}

// find returns an operation's total series in a result.
func (r loadResult) find(o op) (series, bool) {
	for _, s := range r.Series {
		if s.Op == o && s.Label == "" {
			return s, true
		}
	}
	return series{}, false
}

// targetLines says whether each of issue 3's targets is met. Creation is judged where it runs
// alone (create) and beside staff at work (staff: 16 clients creating flat out, status changes and
// inbox pages at a pace); the phases that run status changes or inbox pages flat out (status,
// inbox, mixed) measure capacity and are reported, not judged.
func targetLines(w io.Writer, engine string, phases []phaseResult, pgbenchTPS float64) {
	const p99 = 50 * time.Millisecond
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	for _, p := range phases {
		for _, o := range []op{opCreate, opStatus, opInbox} {
			s, ok := p.Load.find(o)
			if !ok || s.OK == 0 {
				continue
			}
			q := s.quantile(0.99)
			judged := p.Name == "create" || p.Name == "staff"
			line := fmt.Sprintf("- %s, %s phase, %s: p99 %s ms", engine, p.Name, o, ms(q))
			if judged {
				line += " (target ≤ 50): " + verdict(q <= p99)
			} else {
				line += " (capacity: no target)"
			}
			if o == opCreate && pgbenchTPS > 0 {
				rate := s.rate(p.Load.Elapsed)
				line += fmt.Sprintf("; %.0f/s against half of pgbench's %.0f tps = %.0f", rate, pgbenchTPS, pgbenchTPS/2)
				if p.Name == "create" {
					line += ": " + verdict(rate >= pgbenchTPS/2)
				}
				line += fmt.Sprintf(" (%.0f%% of pgbench)", 100*rate/pgbenchTPS)
			}
			fmt.Fprintln(w, line)
		}
	}
}

// cores is CPU seconds over a wall-clock interval, as cores busy.
func cores(secs, over float64) string {
	if secs <= 0 || over <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f cores", secs/over)
}
