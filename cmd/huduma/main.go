// Command huduma is the whole of Huduma in one binary: the web server and the operator's commands.
//
//	huduma [serve] [--addr HOST:PORT] [--db DSN]   serve (the default)
//	huduma migrate [--db DSN]                      apply migrations, do not serve
//	huduma user add ...                            create a staff account
//	huduma apikey create|revoke ...                keys for the requests API and Open311
//	huduma calendar due|holidays ...               working-time arithmetic
//	huduma simulate ...                            play a day at Huduma Centres through the queue
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "huduma:", err)
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
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError is bad input on the command line: the process exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `Huduma — integrated public service delivery.

Usage:
  huduma [serve] [--addr HOST:PORT] [--db DSN] [--demo=true]   run the server (default command)
  huduma migrate [--db DSN]                                   apply database migrations and exit
  huduma user add --username U --name N --role R [--centre CODE] [--agency CODE] [--email E] [--phone P] [--integrity] [--db DSN]
  huduma apikey create --name NAME [--agency CODE] [--db DSN]     print a new API key (once)
  huduma apikey revoke --prefix hk_XXXXXXXX [--db DSN]
  huduma calendar due --from RFC3339 --within 30m|2h|1d|10d|6w
  huduma calendar holidays --year 2026
  huduma simulate [--centres HC-GPO,...|all] [--customers 1000] [--day YYYY-MM-DD] [--speed 0] [--db DSN]

DSN is a SQLite file path (default huduma.db) or a postgres:// URL.
Environment: HUDUMA_ADDR, HUDUMA_DB, HUDUMA_DEMO, HUDUMA_SECURE_COOKIES, HUDUMA_LOG_LEVEL (see docs/configuration.md).
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, e)
	case "migrate":
		return runMigrate(ctx, args, e)
	case "user":
		return runUser(ctx, args, e)
	case "calendar":
		return runCalendar(ctx, args, e)
	case "apikey":
		return runAPIKey(ctx, args, e)
	case "simulate":
		return runSimulate(ctx, args, e)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q; run 'huduma help'", cmd)
	}
}
