package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/worktime"
)

const calendarUsage = `Usage:
  huduma calendar due --within 30m|2h|1d|10d|6w [--from 2026-11-23T12:50:00+03:00] [--db DSN]
  huduma calendar holidays [--year 2026] [--db DSN]

due prints the deadline for a charter span starting at --from (default now), in the calendar's
time zone. holidays lists the year's public holidays, one "YYYY-MM-DD name" a line. With --db (or
HUDUMA_DB) the holidays entered in that database count too.
`

// The accepted forms, repeated in every error about them.
const (
	instantSyntax = "an instant is RFC 3339, e.g. 2026-11-23T12:50:00+03:00, or 2026-11-23T12:50 in the calendar's zone"
	yearSyntax    = "a year is a whole number from 1583 to 9999, e.g. 2026"
)

// runCalendar is `huduma calendar due|holidays`: working-time arithmetic from the command line.
func runCalendar(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usagef("calendar: missing subcommand; use 'huduma calendar due' or 'huduma calendar holidays'")
	}
	switch args[0] {
	case "due":
		return runCalendarDue(ctx, args[1:], e)
	case "holidays":
		return runCalendarHolidays(ctx, args[1:], e)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stdout, calendarUsage)
		return nil
	}
	return usagef("calendar: unknown subcommand %q; use 'huduma calendar due' or 'huduma calendar holidays'", args[0])
}

// calendarForCLI is the calendar the subcommands compute with: the built-in Kenyan calendar, or,
// when a database is named (--db or HUDUMA_DB), its default calendar with the holidays admins
// entered there (Idd-ul-Fitr, days gazetted at short notice).
func calendarForCLI(ctx context.Context, e env, dsn string) (*worktime.Calendar, error) {
	if dsn == "" {
		return worktime.Default(), nil
	}
	a, err := openApp(ctx, config{dsn: dsn, bcryptCost: 4}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	defer a.db.Close()
	cal, err := a.charters.CalendarByCode(ctx, charter.DefaultCalendarCode)
	if err != nil {
		return nil, err
	}
	return a.charters.WorkCalendar(ctx, cal.ID)
}

func runCalendarDue(ctx context.Context, args []string, e env) error {
	fs := newCalendarFlags("calendar due", e)
	dsn := fs.String("db", e.getenv("HUDUMA_DB"), "database whose holidays to include (HUDUMA_DB); default: statutory holidays only")
	from := fs.String("from", "", "start `instant`, RFC 3339 (default now)")
	within := fs.String("within", "", "charter `span`: a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w")
	if help, err := parseCalendarFlags(fs, args); help || err != nil {
		return err
	}
	if *within == "" {
		return usagef("calendar due: --within is required; %s", worktime.SpanSyntax)
	}
	span, err := worktime.ParseSpan(*within)
	if err != nil {
		var se *worktime.SpanError
		if errors.As(err, &se) {
			return usagef("--within %q: %s; %s", *within, se.Reason, worktime.SpanSyntax)
		}
		return usagef("--within %q: %v", *within, err)
	}
	cal, err := calendarForCLI(ctx, e, *dsn)
	if err != nil {
		return fmt.Errorf("calendar due: %w", err)
	}
	start := time.Now().Truncate(time.Second)
	if *from != "" {
		t, ok := parseInstant(*from, cal.Location())
		if !ok {
			return usagef("--from %q: %s", *from, instantSyntax)
		}
		start = t
	}
	_, err = fmt.Fprintln(e.stdout, cal.Due(start, span).Format(time.RFC3339Nano))
	return err
}

// parseInstant reads RFC 3339, or, for convenience at a terminal, a wall-clock time without an
// offset, taken in the calendar's zone.
func parseInstant(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func runCalendarHolidays(ctx context.Context, args []string, e env) error {
	fs := newCalendarFlags("calendar holidays", e)
	dsn := fs.String("db", e.getenv("HUDUMA_DB"), "database whose holidays to include (HUDUMA_DB); default: statutory holidays only")
	yearFlag := fs.String("year", "", "`year` to list (default this year)")
	if help, err := parseCalendarFlags(fs, args); help || err != nil {
		return err
	}
	cal, err := calendarForCLI(ctx, e, *dsn)
	if err != nil {
		return fmt.Errorf("calendar holidays: %w", err)
	}
	year := time.Now().In(cal.Location()).Year()
	if *yearFlag != "" {
		// Gregorian Easter, and so the list, is defined from 1583; four digits keep the dates
		// in YYYY-MM-DD.
		y, err := strconv.Atoi(strings.TrimSpace(*yearFlag))
		if err != nil || y < 1583 || y > 9999 {
			return usagef("--year %q: %s", *yearFlag, yearSyntax)
		}
		year = y
	}
	var b strings.Builder
	for _, h := range cal.Holidays(year) {
		fmt.Fprintf(&b, "%s %s\n", h.Date, h.Name)
	}
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

// newCalendarFlags is a flag set that reports to the command's stderr and returns errors rather
// than exiting, so run stays testable.
func newCalendarFlags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), calendarUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parseCalendarFlags parses and turns every complaint into a usage error (the flag package has
// already printed the details and the flags to stderr). help reports that -h printed the help,
// after which the subcommand does nothing and succeeds.
func parseCalendarFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usagef("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return false, usagef("%s: unexpected argument %q; flags are --%s", fs.Name(), fs.Arg(0), flagNames(fs))
	}
	return false, nil
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return strings.Join(names, ", --")
}
