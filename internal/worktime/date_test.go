package worktime

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		err  string // substring of the error; "" for success
	}{
		{"2026-12-25", Date{2026, time.December, 25}, ""},
		{"2024-02-29", Date{2024, time.February, 29}, ""},
		{"0001-01-01", Date{1, time.January, 1}, ""},
		{"2026-02-29", Date{}, "February 2026 has 28 days"},
		{"2100-02-29", Date{}, "February 2100 has 28 days"},
		{"2026-04-31", Date{}, "April 2026 has 30 days"},
		{"2026-13-01", Date{}, "month 13"},
		{"2026-00-10", Date{}, "month 0"},
		{"0000-01-01", Date{}, "year 0000"},
		{"2026-1-01", Date{}, "YYYY-MM-DD"},
		{"26-12-25", Date{}, "YYYY-MM-DD"},
		{"2026/12/25", Date{}, "YYYY-MM-DD"},
		{"+026-12-25", Date{}, "YYYY-MM-DD"},
		{"", Date{}, "YYYY-MM-DD"},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseDate(%q) error = %v; want it to mention %q", tt.in, err, tt.err)
		}
	}
}

// TestDayNumbers checks the integer date arithmetic against the time package, day by day, over
// more than four centuries on either side of the epoch.
func TestDayNumbers(t *testing.T) {
	start := time.Date(1600, time.January, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 800*366; i++ {
		tm := start.AddDate(0, 0, i)
		d := DateOf(tm)
		dn := d.dayNumber()
		if want := floorDiv(int(tm.Unix()), 86400); dn != want {
			t.Fatalf("%s: day number %d, want %d", d, dn, want)
		}
		if back := dateOf(dn); back != d {
			t.Fatalf("dateOf(%d) = %s, want %s", dn, back, d)
		}
		if d.Weekday() != tm.Weekday() {
			t.Fatalf("%s: weekday %s, want %s", d, d.Weekday(), tm.Weekday())
		}
	}
}

func TestDateHelpers(t *testing.T) {
	d := Date{2026, time.December, 31}
	if got := d.AddDays(1); got != (Date{2027, time.January, 1}) {
		t.Errorf("AddDays(1) = %s", got)
	}
	if got := d.AddDays(-365); got != (Date{2025, time.December, 31}) {
		t.Errorf("AddDays(-365) = %s", got)
	}
	if d.Compare(d.AddDays(1)) != -1 || d.Compare(d) != 0 || d.AddDays(1).Compare(d) != 1 {
		t.Error("Compare is wrong")
	}
	if (Date{2026, time.February, 29}).Valid() || !(Date{2028, time.February, 29}).Valid() || (Date{}).Valid() {
		t.Error("Valid is wrong")
	}
	b, err := json.Marshal(struct{ D Date }{d})
	if err != nil || string(b) != `{"D":"2026-12-31"}` {
		t.Errorf("json = %s, %v", b, err)
	}
	var v struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2024-02-29"}`), &v); err != nil || v.D != (Date{2024, time.February, 29}) {
		t.Errorf("unmarshal = %v, %v", v.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2023-02-29"}`), &v); err == nil {
		t.Error("unmarshal of a date that does not exist succeeded")
	}
}
