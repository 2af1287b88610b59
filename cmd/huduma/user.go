package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
)

// runUser handles "huduma user add": it creates a staff account from the shell, reading the
// password from standard input so it never appears in the process list or shell history.
func runUser(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: huduma user add --username U --name N --role ROLE [--centre CODE] [--agency CODE] [--email E] [--phone P] [--integrity] (password on standard input)")
	}
	var username, name, role, centre, agency, email, phone string
	var integrity bool
	c, _, err := parseConfig("user add", args[1:], e, func(fs *flag.FlagSet) {
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
	fmt.Fprint(e.stderr, "Password (at least 10 characters): ")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return usagef("no password given on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	fmt.Fprintln(e.stderr)

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
		if f := apperr.FieldsOf(err); len(f) > 0 {
			var parts []string
			for k, v := range f {
				parts = append(parts, "--"+k+": "+v)
			}
			return usagef("%s", strings.Join(parts, "; "))
		}
		return usagef("%s", msg(err))
	}
	fmt.Fprintf(e.stdout, "Created %s account %q (id %d).\n", u.Role, u.Username, u.ID)
	return nil
}

func msg(err error) string {
	m, args := apperr.MessageOf(err)
	return fmt.Sprintf(m, args...)
}
