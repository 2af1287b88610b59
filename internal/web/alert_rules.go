package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/feedback"
)

// The alert rules: what makes an alert open. A centre's managers see the rules that apply at their
// centre — the secretariat's, for every centre, and their own — add rules for their centre and
// switch their own off and on. The secretariat (national admins) sees and changes the rules for
// every centre, and a centre's with ?centre=CODE; auditors read. Switching a rule off closes its
// live alerts, so it is asked first, as removing a holiday is.

type rulesPage struct {
	Centre    charter.Centre // the centre shown; zero for the rules for every centre
	Rules     []ruleItem
	CanAdd    bool             // the viewer may add a rule here
	Centres   []charter.Centre // for the secretariat and auditors: a centre's rules
	Scopes    []string
	Form      ruleForm
	Errors    map[string]string
	HasFields bool // Errors has per-field messages (not only "action")
}

// ruleItem is a rule with its words in the reader's language and what the reader may do with it.
type ruleItem struct {
	feedback.RuleSetting
	Words     string
	CanSwitch bool
}

// ruleForm is the add form as typed, to show again when refused.
type ruleForm struct {
	Scope, Measure, Window, MinResponses, Threshold string
}

// defaultRuleForm starts the form at the default counter rule.
var defaultRuleForm = ruleForm{Scope: "counter", Measure: feedback.MeasureUnhappyShare, Window: "15", MinResponses: "4", Threshold: "50"}

// ruleWords says a rule in the reader's language: "At least 50% unhappy within 15 minutes, with at
// least 4 responses, at each counter".
func (s *Server) ruleWords(lang string, r feedback.Rule) string {
	what := s.tr.T(lang, "At least %d%% unhappy", r.Threshold)
	if r.Measure == feedback.MeasureIndex {
		what = s.tr.T(lang, "Happiness index below %d", r.Threshold)
	}
	window := s.tr.Plural(lang, r.WindowMinutes, "within %d minute", "within %d minutes")
	if r.WindowMinutes == 0 {
		window = s.tr.T(lang, "today")
	}
	responses := s.tr.Plural(lang, r.MinResponses, "with at least %d response", "with at least %d responses")
	var where string
	switch r.Scope {
	case "counter":
		where = s.tr.T(lang, "at each counter")
	case "service":
		where = s.tr.T(lang, "for each service")
	default:
		where = s.tr.T(lang, "for the whole centre")
	}
	return what + " " + window + ", " + responses + ", " + where
}

// canSwitchRule reports whether u may switch r off or on: the rules for every centre are the
// secretariat's; a centre's are its managers' (and the secretariat's).
func canSwitchRule(u auth.User, r feedback.Rule) bool {
	if r.National() {
		return u.Can(auth.ManageQueue) && u.Role == auth.NationalAdmin
	}
	return u.CanCentre(auth.ManageQueue, r.CentreID)
}

// rulesCentre is the centre whose rules a page shows: the one named by code, the user's own, or
// none (the rules for every centre) for the secretariat and auditors.
func (s *Server) rulesCentre(r *http.Request, code string, p auth.Permission) (charter.Centre, error) {
	u := info(r).user
	switch {
	case code != "":
		c, err := s.charters.CentreByCode(r.Context(), code)
		if err != nil {
			return charter.Centre{}, err
		}
		if !u.CanCentre(p, c.ID) {
			return charter.Centre{}, apperr.New(apperr.Forbidden, "You work at another centre.")
		}
		return c, nil
	case u.CentreID != 0:
		return s.charters.CentreByID(r.Context(), u.CentreID)
	}
	return charter.Centre{}, nil
}

// rulesURL is the rules page, for one centre when code is set, with a notice.
func rulesURL(code, notice string) string {
	q := url.Values{}
	if code != "" {
		q.Set("centre", code)
	}
	if notice != "" {
		q.Set("notice", notice)
	}
	if len(q) == 0 {
		return "/staff/alerts/rules"
	}
	return "/staff/alerts/rules?" + q.Encode()
}

func (s *Server) alertRules(w http.ResponseWriter, r *http.Request) error {
	return s.showRules(w, r, http.StatusOK, strings.TrimSpace(r.URL.Query().Get("centre")), defaultRuleForm, nil)
}

func (s *Server) showRules(w http.ResponseWriter, r *http.Request, status int, code string, form ruleForm, errs map[string]string) error {
	ctx := r.Context()
	ri := info(r)
	u := ri.user
	c, err := s.rulesCentre(r, code, auth.MonitorQueue)
	if err != nil {
		return err
	}
	p := rulesPage{Centre: c, Scopes: feedback.RuleScopes, Form: form, Errors: errs}
	for k := range errs {
		if k != "action" {
			p.HasFields = true
		}
	}
	list, err := s.feedback.AllRules(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, rule := range list {
		p.Rules = append(p.Rules, ruleItem{RuleSetting: rule, Words: s.ruleWords(ri.lang, rule.Rule), CanSwitch: canSwitchRule(u, rule.Rule)})
	}
	if c.ID != 0 {
		p.CanAdd = u.CanCentre(auth.ManageQueue, c.ID)
	} else {
		p.CanAdd = canSwitchRule(u, feedback.Rule{})
	}
	if u.CentreID == 0 {
		if p.Centres, err = s.charters.Centres(ctx, charter.CentreFilter{}); err != nil {
			return err
		}
	}
	s.render(w, r, status, "staff_alert_rules", "Alert rules", p)
	return nil
}

// formInt reads a whole number from a form; -1 (out of every rule's range) for anything else, so
// the rule's own check says what is wanted.
func formInt(r *http.Request, name string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	if err != nil {
		return -1
	}
	return n
}

// alertRuleCreate adds a rule: for the manager's centre, or for the centre named in the form; a
// national admin with no centre adds one for every centre.
func (s *Server) alertRuleCreate(w http.ResponseWriter, r *http.Request) error {
	u := info(r).user
	code := strings.TrimSpace(r.PostFormValue("centre"))
	c, err := s.rulesCentre(r, code, auth.ManageQueue)
	if err != nil {
		return err
	}
	if c.ID == 0 && !canSwitchRule(u, feedback.Rule{}) {
		return apperr.New(apperr.Forbidden, "Only the national secretariat can change the rules for every centre.")
	}
	form := ruleForm{Scope: r.PostFormValue("scope"), Measure: r.PostFormValue("measure"), Window: r.PostFormValue("window_minutes"),
		MinResponses: r.PostFormValue("min_responses"), Threshold: r.PostFormValue("threshold")}
	rule := feedback.Rule{CentreID: c.ID, Scope: form.Scope, Measure: form.Measure, WindowMinutes: formInt(r, "window_minutes"),
		MinResponses: formInt(r, "min_responses"), Threshold: formInt(r, "threshold")}
	_, err = s.feedback.AddRule(r.Context(), u.Actor(clientIP(r)), rule)
	if apperr.Is(err, apperr.Invalid) || apperr.Is(err, apperr.Conflict) {
		status := http.StatusUnprocessableEntity
		if apperr.Is(err, apperr.Conflict) {
			status = http.StatusConflict
		}
		return s.showRules(w, r, status, code, form, s.messageErrors(r, err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, rulesURL(code, "created"), http.StatusSeeOther)
	return nil
}

// ruleByPath finds the rule in the path and checks that the user may switch it.
func (s *Server) ruleByPath(r *http.Request) (feedback.RuleSetting, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return feedback.RuleSetting{}, apperr.New(apperr.NotFound, "No such alert rule.")
	}
	rule, err := s.feedback.RuleByID(r.Context(), id)
	if err != nil {
		return feedback.RuleSetting{}, err
	}
	u := info(r).user
	switch {
	case rule.National() && !canSwitchRule(u, rule.Rule):
		return feedback.RuleSetting{}, apperr.New(apperr.Forbidden, "Only the national secretariat can change the rules for every centre.")
	case !canSwitchRule(u, rule.Rule):
		return feedback.RuleSetting{}, apperr.New(apperr.Forbidden, "You work at another centre.")
	}
	return rule, nil
}

// ruleBack is the centre code of the rules page to come back to: the page's own filter, else the
// rule's centre for the secretariat (a manager's page is their centre anyway).
func (s *Server) ruleBack(r *http.Request, back string, rule feedback.RuleSetting) string {
	if back != "" || rule.National() || info(r).user.CentreID != 0 {
		return back
	}
	if c, err := s.charters.CentreByID(r.Context(), rule.CentreID); err == nil {
		return c.Code
	}
	return ""
}

// alertRuleOffConfirm asks before switching a rule off: its live alerts close with it.
func (s *Server) alertRuleOffConfirm(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.ruleByPath(r)
	if err != nil {
		return err
	}
	back := s.ruleBack(r, strings.TrimSpace(r.URL.Query().Get("centre")), rule)
	if !rule.Active {
		http.Redirect(w, r, rulesURL(back, ""), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "staff_alert_rule_off", "Switch off alert rule", map[string]any{
		"Rule": rule, "Words": s.ruleWords(info(r).lang, rule.Rule), "Back": back, "BackURL": rulesURL(back, ""),
	})
	return nil
}

// alertRuleActive switches a rule off (after the confirmation) or on again.
func (s *Server) alertRuleActive(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.ruleByPath(r)
	if err != nil {
		return err
	}
	var active bool
	switch r.PostFormValue("active") {
	case "on":
		active = true
	case "off":
	default:
		return apperr.New(apperr.Invalid, "Say whether to switch the rule on or off.")
	}
	if _, err := s.feedback.SetRuleActive(r.Context(), info(r).user.Actor(clientIP(r)), rule.ID, active); err != nil {
		return err
	}
	back := s.ruleBack(r, strings.TrimSpace(r.PostFormValue("centre")), rule)
	http.Redirect(w, r, rulesURL(back, "saved"), http.StatusSeeOther)
	return nil
}
