package main

import "context"

func runCalendar(ctx context.Context, args []string, e env) error { return usagef("not yet") }
