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

// The escalation ladder runs on durable jobs (internal/jobs): each job's key names the request and
// the deadline it belongs to, so scheduling is idempotent, a changed deadline schedules fresh
// jobs (the old ones are cancelled), and a job that finds the deadline moved does nothing.

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

func timerPrefix(id int64) string { return fmt.Sprintf("sla:%d:", id) }

// timerKeys are the keys of request id's SLA jobs for the deadline due.
func timerKeys(id int64, due time.Time) []string {
	stamp := due.Unix()
	keys := []string{fmt.Sprintf("sla:%d:warn:%d", id, stamp)}
	for step := StepCentreManager; step <= StepSecretariat; step++ {
		keys = append(keys, fmt.Sprintf("sla:%d:esc%d:%d", id, step, stamp))
	}
	return keys
}

// scheduleTimers (re)schedules a request's warning and escalation jobs for its current deadline.
// before is the deadline the request had until now (nil for a new request, which has no jobs):
// its jobs are cancelled by key, through the key's unique index. (A job left behind would do
// nothing: current() finds its deadline gone.)
func (s *Store) scheduleTimers(ctx context.Context, tx *sql.Tx, r Request, before *time.Time, cal *worktime.Calendar) error {
	if before != nil {
		if _, err := jobs.Cancel(ctx, tx, timerKeys(r.ID, *before)...); err != nil {
			return err
		}
	}
	if r.ResolutionDue == nil || !r.Status.Open() || r.PausedAt != nil {
		return nil
	}
	due := *r.ResolutionDue
	stamp := due.Unix()
	var timers []jobs.New
	if r.WarnAt != nil && r.WarnAt.Before(due) && r.Escalation == 0 {
		timers = append(timers, jobs.New{Kind: JobWarn, Key: fmt.Sprintf("sla:%d:warn:%d", r.ID, stamp), RunAt: *r.WarnAt, Payload: timerPayload{RequestID: r.ID, Due: due}})
	}
	at := due
	for step := StepCentreManager; step <= StepSecretariat; step++ {
		if step > StepCentreManager {
			at = s.after(cal, at)
		}
		if step <= r.Escalation {
			continue
		}
		timers = append(timers, jobs.New{Kind: JobEscalate, Key: fmt.Sprintf("sla:%d:esc%d:%d", r.ID, step, stamp), RunAt: at, Payload: timerPayload{RequestID: r.ID, Due: due, Step: step}})
	}
	return jobs.ScheduleAll(ctx, tx, timers)
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
	return err
}

var stepWords = map[int]string{
	StepCentreManager: "the centre manager",
	StepAgencyAdmin:   "the agency administrator",
	StepSecretariat:   "the national secretariat",
}

func (s *Store) onEscalate(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
	r, p, live, err := s.current(ctx, tx, job)
	if err != nil || !live || r.Escalation >= p.Step {
		return err
	}
	now := s.now()
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, r.CalendarID)
	if err != nil {
		return err
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
	return err
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}
