package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// The escalation ladder runs on durable jobs (internal/jobs), one at a time: a request's clock
// has a single pending job, its next step — the warning, then each escalation — and a step that
// runs schedules the one after it in the same transaction. Each job's key names the request, the
// step and the deadline it belongs to, so scheduling is idempotent, a changed deadline schedules a
// fresh chain (the old job is cancelled), and a job that finds the deadline moved does nothing.
// One job rather than four per request keeps intake's write small: the jobs table and its
// indexes take a quarter of the rows they would.

// Job kinds.
const (
	JobWarn     = "request.sla.warn"
	JobEscalate = "request.sla.escalate"
)

// Ladder steps after a breach.
const (
	StepCentreManager = 1
	StepAgencyAdmin   = 2
	StepSecretariat   = 3
)

type timerPayload struct {
	RequestID int64     `json:"request_id"`
	Due       time.Time `json:"due"`
	Step      int       `json:"step,omitempty"`
}

// timerKeys are the keys of request id's SLA jobs for the deadline due.
func timerKeys(id int64, due time.Time) []string {
	stamp := due.Unix()
	keys := []string{fmt.Sprintf("sla:%d:warn:%d", id, stamp)}
	for step := StepCentreManager; step <= StepSecretariat; step++ {
		keys = append(keys, fmt.Sprintf("sla:%d:esc%d:%d", id, step, stamp))
	}
	return keys
}

// scheduleTimers (re)schedules a request's next SLA step for its current deadline. before is
// the deadline the request had until now (nil for a new request, which has no jobs): its job is
// cancelled by key, through the key's unique index. (A job left behind would do nothing:
// current() finds its deadline gone.)
func (s *Store) scheduleTimers(ctx context.Context, tx *sql.Tx, r Request, before *time.Time, cal *worktime.Calendar) error {
	if before != nil {
		if _, err := jobs.Cancel(ctx, tx, timerKeys(r.ID, *before)...); err != nil {
			return err
		}
	}
	if next := s.nextTimer(r, cal); next != nil {
		return jobs.ScheduleAll(ctx, tx, []jobs.New{*next})
	}
	return nil
}

// nextTimer is the job a request's clock needs now: the warning, or the next ladder step; nil when
// the clock is stopped, finished or has no deadline, or the ladder is at its top.
func (s *Store) nextTimer(r Request, cal *worktime.Calendar) *jobs.New {
	if r.ResolutionDue == nil || !r.Status.Open() || r.PausedAt != nil {
		return nil
	}
	due := *r.ResolutionDue
	if r.WarnAt != nil && r.WarnAt.Before(due) && r.Escalation == 0 {
		return &jobs.New{Kind: JobWarn, Key: fmt.Sprintf("sla:%d:warn:%d", r.ID, due.Unix()),
			RunAt: *r.WarnAt, Payload: timerPayload{RequestID: r.ID, Due: due}}
	}
	return s.stepJob(r.ID, due, r.Escalation+1, cal)
}

// stepJob is ladder step (1 to 3) for the deadline due; nil past the last step.
func (s *Store) stepJob(id int64, due time.Time, step int, cal *worktime.Calendar) *jobs.New {
	if step > StepSecretariat {
		return nil
	}
	return &jobs.New{Kind: JobEscalate, Key: fmt.Sprintf("sla:%d:esc%d:%d", id, step, due.Unix()),
		RunAt: s.stepAt(cal, due, step), Payload: timerPayload{RequestID: id, Due: due, Step: step}}
}

// scheduleStep schedules ladder step (1 to 3) for the deadline due; past the last step, nothing.
func (s *Store) scheduleStep(ctx context.Context, tx *sql.Tx, id int64, due time.Time, step int, cal *worktime.Calendar) error {
	if j := s.stepJob(id, due, step, cal); j != nil {
		return jobs.ScheduleAll(ctx, tx, []jobs.New{*j})
	}
	return nil
}

// stepAt is when ladder step is due for the deadline due: the centre manager at the breach, each
// further step EscalateAfter later.
func (s *Store) stepAt(cal *worktime.Calendar, due time.Time, step int) time.Time {
	at := due
	for n := StepCentreManager; n < step; n++ {
		at = s.after(cal, at)
	}
	return at
}

// after is when the next ladder step is due: EscalateAfter of working time later (so nobody is
// escalated to at night), or of wall-clock time when OutOfHours is set.
func (s *Store) after(cal *worktime.Calendar, t time.Time) time.Time {
	sp, err := worktime.ParseSpan(s.cfg.EscalateAfter)
	if err != nil {
		sp = worktime.Span{N: 4, Unit: worktime.Hour}
	}
	if s.cfg.OutOfHours && (sp.Unit == worktime.Minute || sp.Unit == worktime.Hour) {
		unit := time.Minute
		if sp.Unit == worktime.Hour {
			unit = time.Hour
		}
		return t.Add(time.Duration(sp.N) * unit)
	}
	return cal.Due(t, sp)
}

// RegisterJobs gives the job runner the ladder's handlers.
func (s *Store) RegisterJobs(r *jobs.Runner) {
	r.Handle(JobWarn, s.onWarn)
	r.Handle(JobEscalate, s.onEscalate)
}

// current loads the request a timer is for and reports whether the timer still applies: the
// request is open, its clock is running, and its deadline is the one the timer was set for.
func (s *Store) current(ctx context.Context, tx *sql.Tx, job jobs.Job) (Request, timerPayload, bool, error) {
	var p timerPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return Request{}, p, false, fmt.Errorf("timer payload: %w", err)
	}
	r, err := getRequest(ctx, tx, "r.id = $1", p.RequestID)
	if err != nil {
		return r, p, false, err
	}
	live := r.Status.Open() && r.PausedAt == nil && r.ResolutionDue != nil && r.ResolutionDue.Equal(p.Due)
	return r, p, live, nil
}

func (s *Store) onWarn(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
	r, p, live, err := s.current(ctx, tx, job)
	if err != nil || !live {
		return err
	}
	now := s.now()
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, r.CalendarID)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("At risk: %.0f%% of the committed time has passed; due %s.", s.cfg.WarnShare*100, fmtTime(&p.Due, cal.Location()))
	if _, err := addEvent(ctx, tx, r.ID, now, Actor{Name: "Huduma"}, "sla", false, body, map[string]string{"sla": "at_risk"}); err != nil {
		return err
	}
	subject := fmt.Sprintf("[Huduma] %s at risk: due %s", r.Reference, fmtTime(&p.Due, cal.Location()))
	text := fmt.Sprintf("Request %s (%s) for %s is due %s.\n%s/staff/requests/%s", r.Reference, r.ServiceName, r.Citizen.Name,
		fmtTime(&p.Due, cal.Location()), s.cfg.PublicURL, r.Reference)
	if r.AssigneeID != 0 {
		_, err = s.tellStaff(ctx, tx, r, fmt.Sprintf("warn:%d", p.Due.Unix()), subject, text, "u.id = $1", r.AssigneeID)
	} else {
		_, err = s.tellStaff(ctx, tx, r, fmt.Sprintf("warn:%d", p.Due.Unix()), subject, text, "u.role = 'centre_manager' AND u.centre_id = $1", r.CentreID)
	}
	if err != nil {
		return err
	}
	return s.scheduleStep(ctx, tx, r.ID, p.Due, StepCentreManager, cal)
}

var stepWords = map[int]string{
	StepCentreManager: "the centre manager",
	StepAgencyAdmin:   "the agency administrator",
	StepSecretariat:   "the national secretariat",
}

func (s *Store) onEscalate(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
	r, p, live, err := s.current(ctx, tx, job)
	if err != nil || !live {
		return err
	}
	now := s.now()
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, r.CalendarID)
	if err != nil {
		return err
	}
	if r.Escalation >= p.Step { // already taken: only make sure the chain goes on
		return s.scheduleStep(ctx, tx, r.ID, p.Due, r.Escalation+1, cal)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE requests SET escalation_level = $1, updated_at = $2 WHERE id = $3 AND escalation_level < $1`,
		p.Step, now.UTC(), r.ID); err != nil {
		return err
	}
	body := fmt.Sprintf("Deadline %s missed: escalated to %s.", fmtTime(&p.Due, cal.Location()), stepWords[p.Step])
	if _, err := addEvent(ctx, tx, r.ID, now, Actor{Name: "Huduma"}, "escalated", false, body, map[string]string{"step": fmt.Sprint(p.Step)}); err != nil {
		return err
	}
	subject := fmt.Sprintf("[Huduma] Escalated: %s missed its deadline", r.Reference)
	text := fmt.Sprintf("Request %s (%s) at %s was due %s and is not resolved. Status: %s; assignee: %s.\n%s/staff/requests/%s",
		r.Reference, r.ServiceName, r.CentreName, fmtTime(&p.Due, cal.Location()), r.Status, orNobody(r.Assignee), s.cfg.PublicURL, r.Reference)
	key := fmt.Sprintf("esc%d:%d", p.Step, p.Due.Unix())
	switch p.Step {
	case StepCentreManager:
		_, err = s.tellStaff(ctx, tx, r, key, subject, text, "u.role = 'centre_manager' AND u.centre_id = $1", r.CentreID)
	case StepAgencyAdmin:
		_, err = s.tellStaff(ctx, tx, r, key, subject, text, "u.role = 'agency_admin' AND u.agency_id = $1", r.AgencyID)
	default:
		_, err = s.tellStaff(ctx, tx, r, key, subject, text, "u.role = 'national_admin'")
	}
	if err != nil {
		return err
	}
	return s.scheduleStep(ctx, tx, r.ID, p.Due, p.Step+1, cal)
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}
