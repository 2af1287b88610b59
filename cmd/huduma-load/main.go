// Command huduma-load seeds a Huduma database with many service requests and puts a running
// Huduma under load, so that anyone can rerun the figures in docs/BENCHMARKS.md:
//
//	huduma-load seed  --db DSN --n 1000000
//	huduma-load run   --url http://127.0.0.1:8080 --key hk_... --clients 16 --duration 30s --mix all
//	huduma-load bench --db DSN --n 1000000 --clients 16 --duration 30s [--pgbench]
//	huduma-load feedback --db DSN --ratings 10000000 --tablets 16 --duration 20s
//
// seed bulk-loads requests straight into the tables (COPY on PostgreSQL, multi-row INSERTs on
// SQLite); run is a closed-loop HTTP load generator against a server on this machine; bench does
// both and starts Huduma in-process, then prints a Markdown table ready for docs/BENCHMARKS.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Africa/Nairobi must resolve even on a machine without a zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "huduma-load:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// env is what a subcommand may touch of the outside world; tests pass their own.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

// usageError is bad input on the command line: the process exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `huduma-load — seed a Huduma database and measure a Huduma server under load.

Usage:
  huduma-load seed  --db DSN --n 1000000
  huduma-load run   --url http://127.0.0.1:PORT --key hk_... [--user admin --password karibu-huduma]
                    [--clients 16] [--duration 30s] [--mix create|status|inbox|all|create:16,status:4,inbox:4]
  huduma-load bench (--db DSN | --sqlite PATH) [--n 1000000] [--clients 16] [--duration 30s] [--pgbench]
  huduma-load feedback (--db DSN | --sqlite PATH) [--ratings 10000000] [--tablets 16] [--duration 20s]

DSN is a SQLite file path or a postgres:// URL (HUDUMA_DB). run talks to loopback addresses only.
See docs/BENCHMARKS.md, "Service requests (issue 3)" and "Feedback (issue 5)".
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return usagef("no command given")
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "seed":
		return runSeed(ctx, args, e)
	case "run":
		return runLoad(ctx, args, e)
	case "bench":
		return runBench(ctx, args, e)
	case "feedback":
		return runFeedback(ctx, args, e)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q; run 'huduma-load help'", cmd)
	}
}
