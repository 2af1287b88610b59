package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue/sim"
)

// runSimulate handles "huduma simulate": a day at one or many Huduma Centres played through the
// real queue code (internal/queue/sim), printed as a table of the day's figures.
func runSimulate(ctx context.Context, args []string, e env) error {
	var centres, day string
	var customers, counters int
	var speed float64
	var seed uint64
	c, _, err := parseConfig("simulate", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&centres, "centres", "HC-GPO", "centre codes, comma-separated, or all (every Huduma Centre)")
		fs.IntVar(&customers, "customers", 1000, "customers a centre")
		fs.StringVar(&day, "day", "", "the day to play, YYYY-MM-DD (default: today, or the next working day)")
		fs.Float64Var(&speed, "speed", 0, "simulated seconds per second (60: an hour a minute); 0 as fast as possible")
		fs.IntVar(&counters, "counters", 0, "officers a centre (default: enough for the day, at most its counters)")
		fs.Uint64Var(&seed, "seed", 1, "random seed: the same seed plays the same day")
	})
	if err != nil {
		return err
	}
	if customers <= 0 || customers > 100_000 {
		return usagef("--customers: give 1 to 100000")
	}
	if speed < 0 {
		return usagef("--speed: give 0 (as fast as possible) or more")
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	if c.demo {
		if _, err := demo.Install(ctx, a.db, a.charters, a.auth, a.requests); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	var codes []string
	if centres == "all" {
		list, err := a.charters.Centres(ctx, charter.CentreFilter{Kind: "huduma_centre"})
		if err != nil {
			return err
		}
		for _, c := range list {
			codes = append(codes, c.Code)
		}
	} else {
		for code := range strings.SplitSeq(centres, ",") {
			if code = strings.ToUpper(strings.TrimSpace(code)); code != "" {
				codes = append(codes, code)
			}
		}
	}
	if len(codes) == 0 {
		return usagef("--centres: name at least one centre")
	}
	when := time.Now()
	if day != "" {
		if when, err = time.Parse(time.DateOnly, day); err != nil {
			return usagef("--day: give a date as YYYY-MM-DD")
		}
		when = when.Add(12 * time.Hour) // midday UTC is that date in every Kenyan and nearby zone
	} else {
		cal, err := a.charters.WorkCalendar(ctx, mustCentreCalendar(ctx, a.charters, codes[0]))
		if err == nil && !cal.IsOpen(when) {
			when = cal.NextOpening(when)
		}
	}
	fmt.Fprintf(e.stderr, "Playing %d customers at each of %d centres...\n", customers, len(codes))
	start := time.Now()
	reps, err := sim.Run(ctx, a.db, a.auth, sim.Options{Centres: codes, Customers: customers, Day: when, Speed: speed, Counters: counters, Seed: seed})
	took := time.Since(start)
	if err != nil {
		return usagef("%s", msg(err))
	}
	eat, err := time.LoadLocation("Africa/Nairobi") // the report's clock times
	if err != nil {
		eat = time.FixedZone("EAT", 3*3600)
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "centre\tcounters\tissued\tturned away\tserved\trequests\tno-shows\ttransfers\tavg wait\twithin 10 min\tlast served\t")
	var tot sim.Report
	var waitSum time.Duration
	for _, r := range reps {
		share := "–"
		if r.Calls > 0 {
			share = strconv.Itoa(r.WithinStd*100/r.Calls) + "%"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t\n", r.Centre, r.Counters, r.Issued, r.Refused, r.Served, r.Requests,
			r.NoShows, r.Transfers, r.AvgWait.Round(time.Second), share, r.LastServed.In(eat).Format("15:04"))
		tot.Counters += r.Counters
		tot.Issued += r.Issued
		tot.Refused += r.Refused
		tot.Served += r.Served
		tot.Requests += r.Requests
		tot.NoShows += r.NoShows
		tot.Transfers += r.Transfers
		tot.Calls += r.Calls
		tot.WithinStd += r.WithinStd
		waitSum += r.AvgWait * time.Duration(r.Calls)
	}
	if len(reps) > 1 && tot.Calls > 0 {
		fmt.Fprintf(tw, "all\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d%%\t\t\n", tot.Counters, tot.Issued, tot.Refused, tot.Served, tot.Requests,
			tot.NoShows, tot.Transfers, (waitSum / time.Duration(tot.Calls)).Round(time.Second), tot.WithinStd*100/tot.Calls)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\n%d customers at %d centres in %s of wall time (%.0f tickets a second).\n",
		tot.Issued, len(reps), took.Round(10*time.Millisecond), float64(tot.Issued)/took.Seconds())
	return nil
}

func mustCentreCalendar(ctx context.Context, cs *charter.Store, code string) int64 {
	c, err := cs.CentreByCode(ctx, code)
	if err != nil {
		return 0
	}
	return c.CalendarID
}
