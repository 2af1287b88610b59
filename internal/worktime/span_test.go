package worktime

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSpan(t *testing.T) {
	good := []struct {
		in   string
		want Span
		str  string
	}{
		{"30m", Span{30, Minute}, "30m"},
		{"2h", Span{2, Hour}, "2h"},
		{"1d", Span{1, Day}, "1d"},
		{"10d", Span{10, Day}, "10d"},
		{"6w", Span{6, Week}, "6w"},
		{" 4w ", Span{4, Week}, "4w"},
		{"010d", Span{10, Day}, "10d"},
		{"3650d", Span{3650, Day}, "3650d"},
		{"520w", Span{520, Week}, "520w"},
		{"87600h", Span{87600, Hour}, "87600h"},
		{"5256000m", Span{5256000, Minute}, "5256000m"},
	}
	for _, tt := range good {
		got, err := ParseSpan(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseSpan(%q) = %v (%q), %v; want %v", tt.in, got, got.String(), err, tt.want)
		}
		if back, err := ParseSpan(got.String()); err != nil || back != got {
			t.Errorf("round trip of %v: %v, %v", got, back, err)
		}
	}

	bad := []struct{ in, reason string }{
		{"", "empty"},
		{"   ", "empty"},
		{"0m", "at least 1"},
		{"00d", "at least 1"},
		{"-1d", "negative"},
		{"+1d", "no number"},
		{"10x", `unknown unit "x"`},
		{"10 d", `unknown unit " d"`},
		{"10D", `unknown unit "D"`},
		{"1M", `unknown unit "M"`},
		{"10days", `unknown unit "days"`},
		{"1.5h", "not a whole number"},
		{"d", "no number"},
		{"30", "no unit"},
		{"3651d", "at most 3650d"},
		{"521w", "at most 520w"},
		{"87601h", "at most 87600h"},
		{"5256001m", "at most 5256000m"},
		{"99999999999999999999999d", "at most 3650d"},
	}
	for _, tt := range bad {
		_, err := ParseSpan(tt.in)
		var se *SpanError
		if !errors.As(err, &se) {
			t.Errorf("ParseSpan(%q) error %v is not a *SpanError", tt.in, err)
			continue
		}
		if se.Input != tt.in || !strings.Contains(se.Reason, tt.reason) {
			t.Errorf("ParseSpan(%q) = %+v; want reason %q", tt.in, se, tt.reason)
		}
		if !strings.Contains(err.Error(), SpanSyntax) {
			t.Errorf("ParseSpan(%q) error %q does not say what is accepted", tt.in, err)
		}
	}
}

func TestUnitString(t *testing.T) {
	for u, want := range map[Unit]string{Minute: "minute", Hour: "hour", Day: "day", Week: "week", 0: "Unit(0)"} {
		if u.String() != want {
			t.Errorf("%d: %q", int(u), u.String())
		}
	}
}
