package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/queue"
)

// userUsage lists the user subcommands and their flags.
const userUsage = `usage:
  huduma user add --username U --name N --role ROLE [--centre CODE] [--agency CODE] [--email E] [--phone P] [--integrity]   (password on standard input)
  huduma user list [--role ROLE] [--centre CODE] [--agency CODE] [--state active|disabled] [--q TEXT]
  huduma user passwd --username U   (new password on standard input; the account's sessions end)
  huduma user disable --username U  (signs the account out everywhere and frees its counter)
  huduma user enable --username U`

// userCommands are the user subcommands, by name.
var userCommands = map[string]func(ctx context.Context, args []string, e env) error{
	"add":     runUserAdd,
	"list":    runUserList,
	"passwd":  runUserPasswd,
	"disable": runUserDisable,
	"enable":  runUserEnable,
}

// runUser handles "huduma user add|list|passwd|disable|enable": staff accounts from the shell,
// for the first national admin and for an operator who must act without the web screens.
func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return usagef("%s", userUsage)
	}
	run, ok := userCommands[args[0]]
	if !ok {
		return usagef("unknown user command %q\n%s", args[0], userUsage)
	}
	return run(ctx, args[1:], e)
}

// runUserAdd creates a staff account from the shell, reading the password from standard input so
// it never appears in the process list or shell history.
func runUserAdd(ctx context.Context, args []string, e env) error {
	var username, name, role, centre, agency, email, phone string
	var integrity bool
	c, _, err := parseConfig("user add", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "sign-in name")
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&role, "role", "", "officer, centre_manager, agency_admin, national_admin or auditor")
		fs.StringVar(&centre, "centre", "", "centre code (officers and centre managers)")
		fs.StringVar(&agency, "agency", "", "agency code (agency admins)")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&phone, "phone", "", "mobile number for alerts (07XXXXXXXX or +2547XXXXXXXX)")
		fs.BoolVar(&integrity, "integrity", false, "give the account the integrity officer's duty: it receives corruption reports")
	})
	if err != nil {
		return err
	}
	if !auth.Role(role).Valid() {
		return usagef("--role %q: use one of officer, centre_manager, agency_admin, national_admin, auditor", role)
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}

	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.db.Close()
	n := auth.NewUser{Username: username, Name: name, Email: email, Phone: phone, Role: auth.Role(role), Password: password, IntegrityOfficer: integrity}
	if centre != "" {
		ct, err := a.charters.CentreByCode(ctx, centre)
		if err != nil {
			return usagef("--centre: %s", msg(err))
		}
		n.CentreID = ct.ID
	}
	if agency != "" {
		ag, err := a.charters.AgencyByCode(ctx, agency)
		if err != nil {
			return usagef("--agency: %s", msg(err))
		}
		n.AgencyID = ag.ID
	}
	u, err := a.auth.CreateUser(ctx, audit.Actor{Name: "cli"}, n)
	if err != nil {
		// The store names its fields as the web form does; the password is read from standard input.
		return fieldUsage(err, map[string]string{"password": "password on standard input"})
	}
	fmt.Fprintf(e.stdout, "Created %s account %q (id %d).\n", u.Role, u.Username, u.ID)
	return nil
}

func msg(err error) string {
	m, args := apperr.MessageOf(err)
	return fmt.Sprintf(m, args...)
}

// readPassword reads one line from standard input: the password, never a flag (flags show in the
// process list and the shell's history).
func readPassword(e env) (string, error) {
	fmt.Fprint(e.stderr, "Password (at least 10 characters): ")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("no password given on standard input")
	}
	fmt.Fprintln(e.stderr)
	return strings.TrimRight(line, "\r\n"), nil
}

// fieldUsage turns a validation error into a usage error naming the flags at fault.
func fieldUsage(err error, flags map[string]string) error {
	f := apperr.FieldsOf(err)
	if len(f) == 0 {
		return usagef("%s", msg(err))
	}
	var parts []string
	for k, v := range f {
		name := "--" + k
		if n, ok := flags[k]; ok {
			name = n
		}
		parts = append(parts, name+": "+v)
	}
	sort.Strings(parts)
	return usagef("%s", strings.Join(parts, "; "))
}

// runUserList prints the accounts, one a line.
func runUserList(ctx context.Context, args []string, e env) error {
	var role, centre, agency, state, q string
	c, _, err := parseConfig("user list", args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "only this role: officer, centre_manager, agency_admin, national_admin or auditor")
		fs.StringVar(&centre, "centre", "", "only the staff of this centre (code)")
		fs.StringVar(&agency, "agency", "", "only the staff of this agency (code)")
		fs.StringVar(&state, "state", "", "only active or disabled accounts")
		fs.StringVar(&q, "q", "", "part of a name or username")
	})
	if err != nil {
		return err
	}
	if role != "" && !auth.Role(role).Valid() {
		return usagef("--role %q: use one of officer, centre_manager, agency_admin, national_admin, auditor", role)
	}
	if state != "" && state != "active" && state != "disabled" {
		return usagef("--state %q: use active or disabled", state)
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	f := auth.StaffFilter{Query: q, Role: auth.Role(role), State: state, PerPage: 200}
	if centre != "" {
		ct, err := a.charters.CentreByCode(ctx, centre)
		if err != nil {
			return usagef("--centre: %s", msg(err))
		}
		f.CentreID = ct.ID
	}
	if agency != "" {
		ag, err := a.charters.AgencyByCode(ctx, agency)
		if err != nil {
			return usagef("--agency: %s", msg(err))
		}
		f.AgencyID = ag.ID
	}
	w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tROLE\tNAME\tCENTRE\tAGENCY\tSTATE")
	total := 0
	for f.Page = 1; ; f.Page++ {
		page, err := a.auth.ListAllStaff(ctx, f)
		if err != nil {
			return fieldUsage(err, nil)
		}
		for _, st := range page.Staff {
			state := "active"
			switch {
			case !st.Active:
				state = "disabled"
			case st.Invited:
				state = "invited"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", st.Username, st.Role, st.Name, dash(st.CentreName), dash(st.AgencyName), state)
		}
		total = page.Total
		if f.Page >= page.Pages {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if total == 1 {
		fmt.Fprintln(e.stdout, "1 account")
	} else {
		fmt.Fprintf(e.stdout, "%d accounts\n", total)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// usernameFlag parses the one flag the passwd, disable and enable commands take.
func usernameFlag(name string, args []string, e env) (config, string, error) {
	var username string
	c, _, err := parseConfig(name, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "the account's sign-in name")
	})
	if err != nil {
		return c, "", err
	}
	if strings.TrimSpace(username) == "" {
		return c, "", usagef("--username is required")
	}
	return c, username, nil
}

// runUserPasswd sets an account's password, read from standard input; its sessions end.
func runUserPasswd(ctx context.Context, args []string, e env) error {
	c, username, err := usernameFlag("user passwd", args, e)
	if err != nil {
		return err
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	u, err := a.auth.SetPassword(ctx, audit.Actor{Name: "cli"}, username, password)
	if apperr.Is(err, apperr.NotFound) {
		return usagef("--username: %s", msg(err))
	} else if apperr.Is(err, apperr.Invalid) {
		return usagef("password on standard input: %s", fieldMessages(err))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Password of %q set; its sessions are signed out.\n", u.Username)
	return nil
}

func fieldMessages(err error) string {
	f := apperr.FieldsOf(err)
	if len(f) == 0 {
		return msg(err)
	}
	var parts []string
	for _, v := range f {
		parts = append(parts, v)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// runUserDisable stops an account at once: sessions ended, counter freed (its ticket back to
// the front of the queue), password links void.
func runUserDisable(ctx context.Context, args []string, e env) error {
	c, username, err := usernameFlag("user disable", args, e)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	q := queue.NewStore(a.db, time.Now, a.charters, a.requests, queue.Config{})
	st, err := a.auth.DisableByUsername(ctx, audit.Actor{Name: "cli"}, username, q.ReleaseOfficer)
	if apperr.Is(err, apperr.NotFound) {
		return usagef("--username: %s", msg(err))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Account %q disabled: signed out everywhere.\n", st.Username)
	return nil
}

// runUserEnable lets a disabled account sign in again.
func runUserEnable(ctx context.Context, args []string, e env) error {
	c, username, err := usernameFlag("user enable", args, e)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	st, err := a.auth.EnableByUsername(ctx, audit.Actor{Name: "cli"}, username)
	if apperr.Is(err, apperr.NotFound) {
		return usagef("--username: %s", msg(err))
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Account %q enabled.\n", st.Username)
	return nil
}
