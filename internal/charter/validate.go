package charter

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/worktime"
)

var (
	codePattern      = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,31}$`)
	fieldCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// Field messages are English and double as translation keys.
const (
	msgRequired  = "This field is required."
	msgCode      = "Use 2 to 32 capital letters, digits and hyphens, e.g. KRA or HC-GPO."
	msgKind      = "Choose one of the listed kinds."
	msgEmail     = "Enter a valid e-mail address."
	msgCounters  = "Enter a number of counters from 0 to 500."
	msgCost      = "Enter an amount in KES, e.g. 1050 or 1050.50."
	msgTimeline  = "Enter a working duration: a whole number followed by m, h, d or w, e.g. 30m, 2h, 10d, 6w."
	msgChannel   = "Choose channels from the list."
	msgDay       = "Enter a date as YYYY-MM-DD."
	msgOneOwner  = "A charter belongs to exactly one agency or one centre."
	msgTooLong   = "This is too long."
	msgCalendar  = "Choose a calendar."
	msgAgencyRef = "Choose an agency."
	msgFieldCode = "Each form field needs a distinct code of lower-case letters, digits and underscores."
)

type fieldErrors map[string]string

func (f fieldErrors) check(ok bool, field, msg string) {
	if !ok {
		if _, seen := f[field]; !seen {
			f[field] = msg
		}
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return apperr.InvalidFields(f)
}

func clean(s string) string { return strings.TrimSpace(s) }

func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (a *Agency) normalise() error {
	a.Code = strings.ToUpper(clean(a.Code))
	a.Name, a.NameSw, a.County = clean(a.Name), clean(a.NameSw), clean(a.County)
	a.Email, a.Phone, a.Address = clean(a.Email), clean(a.Phone), clean(a.Address)
	f := fieldErrors{}
	f.check(a.Code != "", "code", msgRequired)
	f.check(codePattern.MatchString(a.Code), "code", msgCode)
	f.check(a.Name != "", "name", msgRequired)
	f.check(len(a.Name) <= 200, "name", msgTooLong)
	f.check(slices.Contains(AgencyKinds, a.Kind), "kind", msgKind)
	if a.Email != "" {
		_, err := mail.ParseAddress(a.Email)
		f.check(err == nil, "email", msgEmail)
	}
	return f.err()
}

func (c *Centre) normalise() error {
	c.Code = strings.ToUpper(clean(c.Code))
	c.Name, c.County, c.Address = clean(c.Name), clean(c.County), clean(c.Address)
	f := fieldErrors{}
	f.check(c.Code != "", "code", msgRequired)
	f.check(codePattern.MatchString(c.Code), "code", msgCode)
	f.check(c.Name != "", "name", msgRequired)
	f.check(c.County != "", "county", msgRequired)
	f.check(slices.Contains(CentreKinds, c.Kind), "kind", msgKind)
	f.check(c.Counters >= 0 && c.Counters <= 500, "counters", msgCounters)
	f.check(c.CalendarID != 0, "calendar", msgCalendar)
	return f.err()
}

func (s *Service) normalise() error {
	s.Code = strings.ToUpper(clean(s.Code))
	s.Name, s.NameSw, s.Description = clean(s.Name), clean(s.NameSw), clean(s.Description)
	s.Requirements = cleanList(s.Requirements)
	s.Channels = cleanList(s.Channels)
	s.Cost.Text = clean(s.Cost.Text)
	s.Timeline.Span, s.Timeline.Text = clean(s.Timeline.Span), clean(s.Timeline.Text)
	f := fieldErrors{}
	f.check(s.Code != "", "code", msgRequired)
	f.check(codePattern.MatchString(s.Code), "code", msgCode)
	f.check(s.Name != "", "name", msgRequired)
	f.check(s.AgencyID != 0, "agency", msgAgencyRef)
	switch s.Cost.Kind {
	case CostFree:
		s.Cost.Cents, s.Cost.Text = 0, ""
	case CostAmount:
		f.check(s.Cost.Cents > 0, "cost", msgCost)
		s.Cost.Text = ""
	case CostText:
		s.Cost.Cents = 0
	default:
		f.check(false, "cost_kind", msgKind)
	}
	switch s.Timeline.Kind {
	case TimelineDuration:
		span, err := worktime.ParseSpan(s.Timeline.Span)
		f.check(err == nil, "timeline", msgTimeline)
		if err == nil {
			s.Timeline.Span = span.String()
		}
	case TimelineContinuous, TimelineText:
		s.Timeline.Span = ""
		if s.Timeline.Kind == TimelineText {
			f.check(s.Timeline.Text != "", "timeline_text", msgRequired)
		}
	default:
		f.check(false, "timeline_kind", msgKind)
	}
	for _, ch := range s.Channels {
		f.check(slices.Contains(Channels, ch), "channels", msgChannel)
	}
	if s.ResponseTimeline = clean(s.ResponseTimeline); s.ResponseTimeline != "" {
		span, err := worktime.ParseSpan(s.ResponseTimeline)
		f.check(err == nil, "response_timeline", msgTimeline)
		if err == nil {
			s.ResponseTimeline = span.String()
		}
	}
	seen := map[string]bool{}
	for i := range s.Fields {
		fd := &s.Fields[i]
		fd.Code, fd.Label = strings.ToLower(clean(fd.Code)), clean(fd.Label)
		f.check(fieldCodePattern.MatchString(fd.Code) && !seen[fd.Code], "fields", msgFieldCode)
		f.check(fd.Label != "", "fields", msgRequired)
		seen[fd.Code] = true
	}
	return f.err()
}

func (c *Charter) normalise() error {
	c.Title = clean(c.Title)
	for _, l := range []*[]string{&c.CoreValues, &c.CoreFunctions, &c.Legislation, &c.Commitments, &c.Clients,
		&c.Standards, &c.Conduct, &c.ClientObligations, &c.ClientRights} {
		*l = cleanList(*l)
	}
	f := fieldErrors{}
	f.check(c.Title != "", "title", msgRequired)
	f.check((c.AgencyID == 0) != (c.CentreID == 0), "owner", msgOneOwner)
	return f.err()
}

func (h *Holiday) normalise() error {
	h.Day, h.Name, h.GazetteNotice = clean(h.Day), clean(h.Name), clean(h.GazetteNotice)
	f := fieldErrors{}
	_, err := worktime.ParseDate(h.Day)
	f.check(err == nil, "day", msgDay)
	f.check(h.Name != "", "name", msgRequired)
	f.check(len(h.Name) <= 120, "name", msgTooLong)
	return f.err()
}
