package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSeedReferencesAreDistinctAndWellFormed(t *testing.T) {
	form := regexp.MustCompile(`^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$`)
	seen := map[string]int64{}
	for id := int64(1); id <= 200_000; id++ {
		ref := seedReference(id)
		if !form.MatchString(ref) {
			t.Fatalf("id %d: reference %q is not of the form XXXX-XXXX", id, ref)
		}
		if other, ok := seen[ref]; ok {
			t.Fatalf("ids %d and %d share reference %s", other, id, ref)
		}
		seen[ref] = id
	}
}

func TestParseMix(t *testing.T) {
	for _, c := range []struct {
		in      string
		clients int
		want    string
	}{
		{"create", 16, "create:16"},
		{"inbox", 4, "inbox:4"},
		{"all", 16, "create:8,status:4,inbox:4"},
		{"all", 2, "create:1,status:1,inbox:1"},
		{"create:16,status:4,inbox:4", 99, "create:16,status:4,inbox:4"},
		{"create:16,status:4@25,inbox:2@0.5", 99, "create:16,status:4@25,inbox:2@0.5"},
	} {
		m, p, err := parseMix(c.in, c.clients)
		if err != nil || m.with(p) != c.want {
			t.Errorf("parseMix(%q, %d) = %v, %v; want %s", c.in, c.clients, m, err, c.want)
		}
	}
	for _, bad := range []string{"create:x", "delete:3", "create:0", "status:4@x", "status:4@-1"} {
		if _, _, err := parseMix(bad, 4); err == nil {
			t.Errorf("parseMix(%q) accepted", bad)
		}
	}
}

func TestSummariseCountsEachOperationOnce(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	for i := range 10 {
		a.add(opCreate, "", time.Duration(i+1)*time.Millisecond, "")
		b.add(opInbox, "status=new", time.Millisecond, "")
		b.add(opInbox, "all=1", 3*time.Millisecond, "")
	}
	a.add(opCreate, "", 0, "500")
	got := map[string]series{}
	for _, s := range summarise([]*recorder{a, b}, mix{opCreate: 1, opInbox: 1}) {
		got[s.Op.String()+"/"+s.Label] = s
	}
	if s := got["create/"]; s.OK != 10 || s.Errors["500"] != 1 || s.quantile(0.5) != 5*time.Millisecond || s.max() != 10*time.Millisecond {
		t.Errorf("create: %d ok, errors %v, p50 %s, max %s; want 10, 1×500, 5ms, 10ms", s.OK, s.Errors, s.quantile(0.5), s.max())
	}
	if s := got["inbox/"]; s.OK != 20 {
		t.Errorf("inbox total: %d ok, want 20 (its two filters)", s.OK)
	}
	if s := got["inbox/all=1"]; s.OK != 10 || s.quantile(0.99) != 3*time.Millisecond {
		t.Errorf("inbox all=1: %d ok, p99 %s", s.OK, s.quantile(0.99))
	}
}

func TestRunRefusesOtherMachines(t *testing.T) {
	for _, u := range []string{"http://example.org", "http://10.0.0.1:8080", "ftp://127.0.0.1"} {
		if _, err := checkLoopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"} {
		if _, err := checkLoopback(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}

// TestBenchOnSQLite seeds a small SQLite database, serves it in-process and runs every phase
// briefly: every operation succeeds and the table has a row for each. (No timing is asserted.)
func TestBenchOnSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and loads it for a few seconds")
	}
	var out, errs bytes.Buffer
	path := filepath.Join(t.TempDir(), "load.db")
	err := run(context.Background(), []string{"bench", "--sqlite", path, "--n", "500", "--duration", "1s", "--clients", "2",
		"--mixed", "create:1,status:1,inbox:1"}, func(string) string { return "" }, &out, &errs)
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errs.String())
	}
	table := out.String()
	for _, row := range []string{"| create | **create** | 2 |", "| status | **status** | 2 |", "| inbox | **inbox** | 2 |",
		"| mixed | **create** | 1 |", "| mixed | **status** | 1 |", "| mixed | **inbox** | 1 |", "500 requests stored"} {
		if !strings.Contains(table, row) {
			t.Errorf("no %q in\n%s", row, table)
		}
	}
	for line := range strings.SplitSeq(table, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "**") && !strings.HasSuffix(line, "| 0 |") {
			t.Errorf("errors: %s", line)
		}
	}
}

// TestFeedbackOnSQLite seeds a few thousand ratings and runs every phase of the feedback
// benchmark briefly, twice on one database (a second run must find its own visits and counters
// without a live alert): every press joins its visit (the phase fails otherwise), every alert
// opens, and the report has its rows. (No timing is asserted.)
func TestFeedbackOnSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and presses tablets for a few seconds")
	}
	path := filepath.Join(t.TempDir(), "feedback.db")
	for run1 := range 2 {
		var out, errs bytes.Buffer
		err := run(context.Background(), []string{"feedback", "--sqlite", path, "--ratings", "3000", "--duration", "500ms",
			"--tablets", "4", "--pages", "2", "--alerts", "2"}, func(string) string { return "" }, &out, &errs)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run1+1, err, errs.String())
		}
		for _, row := range []string{"| press: 4 tablets at once", "| press: 4 tablets flat out", "| press → alert open | 2 |",
			"| national page, 30d | 2 |", "Targets:"} {
			if !strings.Contains(out.String(), row) {
				t.Errorf("run %d: no %q in\n%s", run1+1, row, out.String())
			}
		}
	}
}
