package main

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	// The calendar loads Africa/Nairobi by name; without a system zone database it would fall
	// back to a fixed +03:00, which prints the same but is not the zone under test.
	_ "time/tzdata"
)

// runCalendarCmd runs `huduma calendar args...` as main would.
func runCalendarCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"calendar"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCalendarDue(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"due", "--from", "2026-11-23T12:50:00+03:00", "--within", "30m"}, "2026-11-23T14:20:00+03:00\n"},
		{[]string{"due", "--within", "30m", "--from", "2026-11-23T09:50:00Z"}, "2026-11-23T14:20:00+03:00\n"},
		{[]string{"due", "--from=2026-11-27T18:00:00+03:00", "--within=30m"}, "2026-11-30T08:30:00+03:00\n"},
		{[]string{"due", "--from", "2026-11-23T10:00:00+03:00", "--within", "10d"}, "2026-12-07T10:00:00+03:00\n"},
		{[]string{"due", "--from", "2026-11-23T12:50:00+03:00", "--within", "6w"}, "2027-01-06T12:50:00+03:00\n"},
		{[]string{"due", "--from", "2022-12-23T10:00:00+03:00", "--within", "1d"}, "2022-12-28T10:00:00+03:00\n"},
		{[]string{"due", "--from", "2026-11-23T12:50:30.25+03:00", "--within", "30m"}, "2026-11-23T14:20:30.25+03:00\n"},
		{[]string{"due", "--from", "2026-11-23T12:50", "--within", "30m"}, "2026-11-23T14:20:00+03:00\n"},
	}
	for _, tt := range tests {
		out, errOut, err := runCalendarCmd(t, tt.args...)
		if err != nil || out != tt.want {
			t.Errorf("calendar %s = %q, %v (stderr %q); want %q", strings.Join(tt.args, " "), out, err, errOut, tt.want)
		}
	}
}

// TestCalendarDueFromNow checks that --from defaults to the present: the deadline of 1d lies
// within the next few weeks and is printed in Nairobi time.
func TestCalendarDueFromNow(t *testing.T) {
	before := time.Now()
	out, _, err := runCalendarCmd(t, "due", "--within", "1d")
	if err != nil {
		t.Fatal(err)
	}
	got, err := time.Parse(time.RFC3339, strings.TrimSuffix(out, "\n"))
	if err != nil || !strings.HasSuffix(out, "+03:00\n") {
		t.Fatalf("output %q: %v", out, err)
	}
	if !got.After(before) || got.After(before.Add(21*24*time.Hour)) {
		t.Errorf("1d from now is %s", got)
	}
}

func TestCalendarHolidays(t *testing.T) {
	out, _, err := runCalendarCmd(t, "holidays", "--year", "2026")
	if err != nil {
		t.Fatal(err)
	}
	want := `2026-01-01 New Year's Day
2026-04-03 Good Friday
2026-04-06 Easter Monday
2026-05-01 Labour Day
2026-06-01 Madaraka Day
2026-10-10 Mazingira Day
2026-10-20 Mashujaa Day
2026-12-12 Jamhuri Day
2026-12-25 Christmas Day
2026-12-26 Boxing Day
`
	if out != want {
		t.Errorf("holidays 2026:\n%s\nwant:\n%s", out, want)
	}

	out, _, err = runCalendarCmd(t, "holidays", "--year=2022")
	if err != nil || !strings.Contains(out, "2022-12-26 Boxing Day\n2022-12-27 Christmas Day (observed)\n") {
		t.Errorf("holidays 2022: %q, %v", out, err)
	}

	// Without --year: this year, in Nairobi.
	out, _, err = runCalendarCmd(t, "holidays")
	year := strconv.Itoa(time.Now().In(time.FixedZone("EAT", 3*3600)).Year())
	if err != nil || !strings.HasPrefix(out, year+"-01-01 New Year's Day\n") {
		t.Errorf("holidays (this year): %q, %v", out, err)
	}
}

func TestCalendarHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"due", "-h"}, {"holidays", "--help"}} {
		out, errOut, err := runCalendarCmd(t, args...)
		if err != nil || !strings.Contains(out+errOut, "huduma calendar due") {
			t.Errorf("calendar %v: %v, stdout %q, stderr %q", args, err, out, errOut)
		}
	}
}

func TestCalendarUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the whole message
	}{
		{nil, "calendar: missing subcommand; use 'huduma calendar due' or 'huduma calendar holidays'"},
		{[]string{"dues"}, `calendar: unknown subcommand "dues"; use 'huduma calendar due' or 'huduma calendar holidays'`},
		{[]string{"due", "--from", "2026-11-23T12:50:00+03:00", "--within", "10x"},
			`--within "10x": unknown unit "x"; a duration is a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w`},
		{[]string{"due", "--within", "0m"},
			`--within "0m": must be at least 1; a duration is a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w`},
		{[]string{"due", "--within", "-1d"},
			`--within "-1d": negative; a duration is a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w`},
		{[]string{"due", "--from", "2026-11-23T12:50:00+03:00"},
			"calendar due: --within is required; a duration is a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w"},
		{[]string{"due", "--from", "23/11/2026 12:50", "--within", "30m"},
			`--from "23/11/2026 12:50": an instant is RFC 3339, e.g. 2026-11-23T12:50:00+03:00, or 2026-11-23T12:50 in the calendar's zone`},
		{[]string{"due", "--from", "2026-11-31T12:50:00+03:00", "--within", "30m"},
			`--from "2026-11-31T12:50:00+03:00": an instant is RFC 3339, e.g. 2026-11-23T12:50:00+03:00, or 2026-11-23T12:50 in the calendar's zone`},
		{[]string{"due", "--within", "30m", "now"}, `calendar due: unexpected argument "now"; flags are --db, --from, --within`},
		{[]string{"due", "--in", "30m"}, "calendar due: flag provided but not defined: -in"},
		{[]string{"holidays", "--year", "twenty"}, `--year "twenty": a year is a whole number from 1583 to 9999, e.g. 2026`},
		{[]string{"holidays", "--year", "1066"}, `--year "1066": a year is a whole number from 1583 to 9999, e.g. 2026`},
		{[]string{"holidays", "--year", "10000"}, `--year "10000": a year is a whole number from 1583 to 9999, e.g. 2026`},
		{[]string{"holidays", "2026"}, `calendar holidays: unexpected argument "2026"; flags are --db, --year`},
	}
	for _, tt := range tests {
		out, _, err := runCalendarCmd(t, tt.args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("calendar %v: error %v is not a usage error", tt.args, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("calendar %v:\n got %s\nwant %s", tt.args, err, tt.want)
		}
		if out != "" {
			t.Errorf("calendar %v printed %q", tt.args, out)
		}
	}
}
