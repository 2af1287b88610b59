package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/demo"
	"github.com/huduma-ke/huduma/internal/queue/sim"
	"golang.org/x/crypto/bcrypt"
)

// runSimulate handles "huduma simulate": a day at one or many Huduma Centres played through the
// real queue code (internal/queue/sim), printed as a table of the day's figures.
func runSimulate(ctx context.Context, args []string, e env) error {
	var centres, day string
	var customers, counters int
	var speed float64
	var seed uint64
	var cpuProfile string
	c, _, err := parseConfig("simulate", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the simulation to this file")
		fs.StringVar(&centres, "centres", "HC-GPO", "centre codes, comma-separated; all (every Huduma Centre); or a number N (N centres, adding simulated ones like GPO if there are fewer)")
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
	if n, err := strconv.Atoi(centres); err == nil {
		if n < 1 || n > 500 {
			return usagef("--centres: give 1 to 500 centres")
		}
		if codes, err = simulatedCentres(ctx, a.charters, n); err != nil {
			return err
		}
	} else if centres == "all" {
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
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(e.stderr, "Playing %d customers at each of %d centres...\n", customers, len(codes))
	start := time.Now()
	// The simulated officers' accounts have random passwords nobody will type: hashed at bcrypt's
	// lowest cost, or making 800 of them would take minutes before the day starts.
	simUsers := auth.NewStore(a.db, time.Now, bcrypt.MinCost)
	reps, err := sim.Run(ctx, a.db, simUsers, sim.Options{Centres: codes, Customers: customers, Day: when, Speed: speed, Counters: counters, Seed: seed, Config: c.queue})
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

// simulatedCentres is n Huduma Centres: the ones there are, then as many more as needed, made
// like the GPO centre (its calendar, counters and services) and marked demo, named HC-SIM-01….
func simulatedCentres(ctx context.Context, cs *charter.Store, n int) ([]string, error) {
	list, err := cs.Centres(ctx, charter.CentreFilter{Kind: "huduma_centre"})
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, c := range list {
		if len(codes) < n {
			codes = append(codes, c.Code)
		}
	}
	if len(codes) == n {
		return codes, nil
	}
	model, err := cs.CentreByCode(ctx, "HC-GPO")
	if err != nil {
		return nil, fmt.Errorf("simulated centres are made like HC-GPO, which is missing: %w", err)
	}
	page, err := cs.Services(ctx, charter.ServiceFilter{CentreCode: model.Code, Limit: 500})
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, sv := range page.Services {
		ids = append(ids, sv.ID)
	}
	for i := 1; len(codes) < n; i++ {
		code := fmt.Sprintf("HC-SIM-%02d", i)
		if slices.Contains(codes, code) {
			continue
		}
		c, err := cs.CentreByCode(ctx, code)
		if err != nil {
			c, err = cs.SaveCentre(ctx, audit.Actor{Name: "simulator"}, charter.Centre{Code: code, Name: fmt.Sprintf("Simulated Huduma Centre %d", i),
				Kind: "huduma_centre", County: "Nairobi", Address: "Simulation", CalendarID: model.CalendarID, Counters: model.Counters, Demo: true})
			if err != nil {
				return nil, err
			}
			if err := cs.SetCentreServices(ctx, audit.Actor{Name: "simulator"}, c.ID, ids); err != nil {
				return nil, err
			}
		}
		codes = append(codes, c.Code)
	}
	return codes, nil
}
