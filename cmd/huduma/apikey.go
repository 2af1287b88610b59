package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/huduma-ke/huduma/internal/audit"
)

// runAPIKey handles "huduma apikey create|revoke": keys for systems that lodge requests through
// the JSON API or Open311. The key is printed once; only its hash is kept.
func runAPIKey(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return usagef("usage: huduma apikey create --name NAME [--agency CODE] | huduma apikey revoke --prefix hk_XXXXXXXX")
	}
	var name, agency, prefix string
	c, _, err := parseConfig("apikey "+args[0], args[1:], e, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the system that will use the key")
		fs.StringVar(&agency, "agency", "", "limit the key to one agency's requests (code)")
		fs.StringVar(&prefix, "prefix", "", "with revoke: the key's first 11 characters, as listed")
	})
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.db.Close()
	actor := audit.Actor{Name: "cli"}
	if args[0] == "revoke" {
		if err := a.auth.RevokeAPIKey(ctx, actor, prefix); err != nil {
			return usagef("%s", msg(err))
		}
		fmt.Fprintf(e.stdout, "Revoked API key %s.\n", prefix)
		return nil
	}
	var agencyID int64
	if agency != "" {
		ag, err := a.charters.AgencyByCode(ctx, agency)
		if err != nil {
			return usagef("--agency: %s", msg(err))
		}
		agencyID = ag.ID
	}
	k, secret, err := a.auth.CreateAPIKey(ctx, actor, name, agencyID)
	if err != nil {
		return usagef("--name: %s", msg(err))
	}
	fmt.Fprintf(e.stdout, "API key for %s (shown once; store it now):\n%s\n", k.Name, secret)
	return nil
}
