package main

import "context"

// Temporary: replaced as the subcommands land.
func runServe(ctx context.Context, args []string, e env) error   { return usagef("not yet") }
func runMigrate(ctx context.Context, args []string, e env) error { return usagef("not yet") }
func runUser(ctx context.Context, args []string, e env) error    { return usagef("not yet") }
