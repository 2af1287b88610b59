package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/i18n"
	"github.com/huduma-ke/huduma/internal/worktime"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageSet holds every page template, parsed once per language so that {{t "..."}} needs no
// language argument, and once per time zone so that {{when .At}} shows an instant in the viewer's
// zone without one either (html/template cannot change a function once it has run). Kenya's zone
// is parsed at start; a centre whose calendar keeps another has its set parsed on first view.
type pageSet struct {
	tr     *i18n.Translator
	as     *assets
	mu     sync.Mutex
	byZone map[string]map[string]map[string]*template.Template // zone → language → page
}

// page is a page's template in a language, with instants shown in zone.
func (ps *pageSet) page(lang string, zone *time.Location, name string) (*template.Template, bool, error) {
	ps.mu.Lock()
	set, ok := ps.byZone[zone.String()]
	ps.mu.Unlock()
	if !ok {
		var err error
		if set, err = parsePages(ps.tr, ps.as, zone); err != nil {
			return nil, false, err
		}
		ps.mu.Lock()
		ps.byZone[zone.String()] = set
		ps.mu.Unlock()
	}
	t, ok := set[lang][name]
	return t, ok, nil
}

// view is what every page template receives.
type view struct {
	Lang    string
	Langs   []i18n.Lang
	User    auth.User
	CSRF    string
	Title   string
	Path    string
	Query   string
	Here    string // path and query: where the language switch comes back to
	Version string
	Notice  string
	Data    any
}

func loadPages(tr *i18n.Translator, as *assets) (*pageSet, error) {
	set, err := parsePages(tr, as, displayZone)
	if err != nil {
		return nil, err
	}
	return &pageSet{tr: tr, as: as, byZone: map[string]map[string]map[string]*template.Template{displayZone.String(): set}}, nil
}

func parsePages(tr *i18n.Translator, as *assets, zone *time.Location) (map[string]map[string]*template.Template, error) {
	entries, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	byLang := map[string]map[string]*template.Template{}
	for _, l := range i18n.Languages {
		lang := l.Code
		funcs := templateFuncs(tr, as, lang, zone)
		base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html")
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		byLang[lang] = map[string]*template.Template{}
		for _, e := range entries {
			name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html")
			if name == "layout" || strings.HasPrefix(name, "_") {
				continue
			}
			t, err := template.Must(base.Clone()).ParseFS(templateFiles, e)
			if err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
			byLang[lang][name] = t
		}
	}
	return byLang, nil
}

// displayZone is where times are shown to a viewer without a centre (Kenya's: Africa/Nairobi),
// built once: a calendar costs tens of microseconds and kilobytes.
var displayZone = worktime.Default().Location()

// instantLayouts are the ways {{when}} writes an instant: the default, and the named ones.
var instantLayouts = map[string]string{"": "2006-01-02 15:04", "long": "Mon 2 Jan 2006 15:04", "day": "Mon 2 Jan", "time": "15:04"}

func templateFuncs(tr *i18n.Translator, as *assets, lang string, zone *time.Location) template.FuncMap {
	t := func(msg string, args ...any) string { return tr.T(lang, msg, args...) }
	return template.FuncMap{
		"t":      t,
		"plural": tr.PluralFunc(lang),
		"static": func(name string) (string, error) {
			return as.url(name)
		},
		"cost": func(c charter.Cost) string {
			switch c.Kind {
			case charter.CostFree:
				return t("Free")
			case charter.CostAmount:
				return c.KES()
			}
			if c.Text == "" {
				return t("Not stated")
			}
			return c.Text
		},
		"timeline": func(tl charter.Timeline) string { return timelineText(tr, lang, tl) },
		"span":     func(s string) string { return spanWords(tr, lang, s) },
		"serviceName": func(s charter.Service) string {
			if lang == "sw" && s.NameSw != "" {
				return s.NameSw
			}
			return s.Name
		},
		"agencyName": func(a charter.Agency) string {
			if lang == "sw" && a.NameSw != "" {
				return a.NameSw
			}
			return a.Name
		},
		"can":   func(u auth.User, p string) bool { return u.Can(auth.Permission(p)) },
		"join":  strings.Join,
		"list":  func(v ...string) []string { return v },
		"add":   func(a, b int) int { return a + b },
		"mins":  func(d time.Duration) int { return int(d.Minutes()) },
		"hasID": func(ids []int64, id int64) bool { return slices.Contains(ids, id) },
		// when is the one way a page shows an instant: in the viewer's zone (their centre's
		// calendar's, else Kenya's; see Server.viewerZone), "—" for none. An optional layout
		// names a shorter or longer form ("long", "day", "time").
		"when": func(v any, layout ...string) (string, error) {
			var at time.Time
			switch t := v.(type) {
			case time.Time:
				at = t
			case *time.Time:
				if t == nil {
					return "—", nil
				}
				at = *t
			default:
				return "", fmt.Errorf("when: %T is not an instant", v)
			}
			if at.IsZero() {
				return "—", nil
			}
			name := ""
			if len(layout) > 0 {
				name = layout[0]
			}
			l, ok := instantLayouts[name]
			if !ok {
				return "", fmt.Errorf("when: no layout %q", name)
			}
			return at.In(zone).Format(l), nil
		},
		"itoa":     func(i int64) string { return strconv.FormatInt(i, 10) },
		"contains": slices.Contains[[]string],
		"field": func(errs map[string]string, name string) string {
			if m := errs[name]; m != "" {
				return t(m)
			}
			return ""
		},
		"lines": func(l []string) string { return strings.Join(l, "\n") },
		// initials hide a citizen's name from those who may not see personal data.
		"initials": func(name string) string {
			var out []string
			for _, w := range strings.Fields(name) {
				out = append(out, string([]rune(w)[:1])+".")
			}
			return strings.Join(out, " ")
		},
	}
}

// timelineText is how a service's committed time reads: the charter's own words where it has them.
func timelineText(tr *i18n.Translator, lang string, tl charter.Timeline) string {
	if lang == "en" && tl.Text != "" {
		return tl.Text
	}
	switch tl.Kind {
	case charter.TimelineContinuous:
		return tr.T(lang, "Continuous")
	case charter.TimelineDuration:
		return spanWords(tr, lang, tl.Span)
	}
	return tl.Text
}

// spanWords says a working duration in words: "Within 10 working days".
func spanWords(tr *i18n.Translator, lang, s string) string {
	sp, err := worktime.ParseSpan(s)
	if err != nil {
		return s
	}
	switch sp.Unit {
	case worktime.Minute:
		return tr.T(lang, "Within %d working minutes", sp.N)
	case worktime.Hour:
		if sp.N == 1 {
			return tr.T(lang, "Within 1 working hour")
		}
		return tr.T(lang, "Within %d working hours", sp.N)
	case worktime.Day:
		if sp.N == 1 {
			return tr.T(lang, "Within 1 working day")
		}
		return tr.T(lang, "Within %d working days", sp.N)
	default:
		if sp.N == 1 {
			return tr.T(lang, "Within 1 week (5 working days)")
		}
		return tr.T(lang, "Within %d weeks (5 working days each)", sp.N)
	}
}

// render writes a page. The page is rendered into a buffer first so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	ri := info(r)
	t, ok, err := s.pages.page(ri.lang, s.viewerZone(r), page)
	if err != nil {
		s.log.Error("page templates", "err", err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	if !ok {
		s.log.Error("no such page template", "page", page)
		http.Error(w, "missing template", http.StatusInternalServerError)
		return
	}
	v := view{Lang: ri.lang, Langs: i18n.Languages, User: ri.user, CSRF: ri.session.CSRF, Title: s.tr.T(ri.lang, title),
		Path: r.URL.Path, Query: r.URL.RawQuery, Here: r.URL.RequestURI(), Version: s.cfg.Version, Data: data}
	if n := r.URL.Query().Get("notice"); n != "" {
		if msg, ok := notices[n]; ok {
			v.Notice = s.tr.T(ri.lang, msg)
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, s.tr.T(ri.lang, "Something went wrong on our side. Please try again."), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// viewerZone is the time zone instants are shown in: the viewer's centre's calendar's, or Kenya's
// for a viewer without a centre (citizens, national and agency staff). Both the directory and the
// calendar are cached, so this costs two map reads.
func (s *Server) viewerZone(r *http.Request) *time.Location {
	u := info(r).user
	if u.CentreID == 0 {
		return displayZone
	}
	dir, err := s.charters.Directory(r.Context())
	if err != nil {
		return displayZone
	}
	c, ok := dir.CentreByID(u.CentreID)
	if !ok {
		return displayZone
	}
	cal, err := s.charters.WorkCalendar(r.Context(), c.CalendarID)
	if err != nil {
		return displayZone
	}
	return cal.Location()
}

// notices are the one-line confirmations shown after a change (?notice=saved).
var notices = map[string]string{
	"saved":          "Saved.",
	"created":        "Created.",
	"deleted":        "Removed.",
	"signed_out":     "You have signed out.",
	"two_factor_off": "Two-step sign-in is off.",
	"unlocked":       "The account is unlocked: it can sign in again.",
	"acknowledged":   "Alert acknowledged: it closes when the ratings recover.",
	// Staff administration and accounts.
	"invited":          "Account added: the invitation to set a password is on its way.",
	"disabled":         "Account disabled: it is signed out everywhere.",
	"enabled":          "Account re-enabled.",
	"reset_sent":       "A link to set a new password is on its way.",
	"password_set":     "Your password is set. Sign in with it.",
	"password_changed": "Password changed. Your other sessions are signed out.",
	"sessions_ended":   "Signed out.",
}
