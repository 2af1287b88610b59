package complaints

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/jobs"
	"github.com/huduma-ke/huduma/internal/worktime"
)

// The ladder runs on durable jobs (internal/jobs) as a request's does: a complaint has one pending
// job at a time — the owner's warning at WarnShare of the time, then the breach, then the national
// admins — and each step schedules the next in its own transaction. Keys name the complaint and
// its generation (how many times it has been reopened), so an answer cancels the chain by key, a
// reopening starts a fresh one that no old key can block, and a step never fires twice.

// Job kinds.
const (
	JobWarn     = "complaint.warn"
	JobEscalate = "complaint.escalate"
)

// Ladder steps after the deadline.
const (
	StepBreach   = 1 // the agency admin of the complaint's agency, else the national admins
	StepNational = 2 // the national admins
)

type timerPayload struct {
	ComplaintID int64     `json:"complaint_id"`
	Gen         int       `json:"gen"`
	Due         time.Time `json:"due"`
	Step        int       `json:"step,omitempty"`
}

func jobKey(id int64, gen int, step string) string {
	return fmt.Sprintf("complaint:%d:g%d:%s", id, gen, step)
}

// deadlines are the deadline and the warning point for a complaint (re)opened at from.
func (s *Store) deadlines(cal *worktime.Calendar, from time.Time) (due, warn *time.Time) {
	sp, err := worktime.ParseSpan(s.cfg.AnswerWithin)
	if err != nil {
		sp = worktime.Span{N: 5, Unit: worktime.Day}
	}
	d := cal.Due(from, sp).UTC()
	budget := cal.Elapsed(cal.NextOpening(from), d, nil)
	minutes := int(time.Duration(float64(budget)*s.cfg.WarnShare) / time.Minute)
	w := cal.NextOpening(from)
	if minutes > 0 {
		w = cal.Due(from, worktime.Span{N: minutes, Unit: worktime.Minute})
	}
	w = w.UTC()
	return &d, &w
}

// nextJob is the job a complaint's clock needs now; nil when it is answered, closed, a compliment,
// or at the top of the ladder.
func (s *Store) nextJob(c Complaint, cal *worktime.Calendar) *jobs.New {
	if c.Kind != KindComplaint || !c.Status.Open() || c.DueAt == nil {
		return nil
	}
	due := *c.DueAt
	if c.Escalation == 0 && c.WarnAt != nil && c.WarnAt.Before(due) {
		return &jobs.New{Kind: JobWarn, Key: jobKey(c.ID, c.Reopens, "warn"), RunAt: *c.WarnAt,
			Payload: timerPayload{ComplaintID: c.ID, Gen: c.Reopens, Due: due}}
	}
	return s.stepJob(c, c.Escalation+1, cal)
}

func (s *Store) stepJob(c Complaint, step int, cal *worktime.Calendar) *jobs.New {
	if step > StepNational || c.DueAt == nil {
		return nil
	}
	at := *c.DueAt
	if step == StepNational {
		sp, err := worktime.ParseSpan(s.cfg.EscalateAfter)
		if err != nil {
			sp = worktime.Span{N: 1, Unit: worktime.Day}
		}
		at = cal.Due(at, sp)
	}
	return &jobs.New{Kind: JobEscalate, Key: jobKey(c.ID, c.Reopens, fmt.Sprintf("esc%d", step)), RunAt: at,
		Payload: timerPayload{ComplaintID: c.ID, Gen: c.Reopens, Due: *c.DueAt, Step: step}}
}

func (s *Store) scheduleNext(ctx context.Context, tx *sql.Tx, c Complaint, cal *worktime.Calendar) error {
	if j := s.nextJob(c, cal); j != nil {
		return jobs.ScheduleAll(ctx, tx, []jobs.New{*j})
	}
	return nil
}

// cancelTimers cancels the pending step of the complaint's current generation, by key.
func cancelTimers(ctx context.Context, tx *sql.Tx, c Complaint) error {
	_, err := jobs.Cancel(ctx, tx, jobKey(c.ID, c.Reopens, "warn"), jobKey(c.ID, c.Reopens, "esc1"), jobKey(c.ID, c.Reopens, "esc2"))
	return err
}

// moveTimers moves the complaint's pending step to its deadline as it now stands (c carries the
// new due and warning times; its generation and escalation level are unchanged). The steps of the
// generation are cancelled by key and the one the clock needs is scheduled again — a cancelled key
// can be scheduled afresh. A warning that was no longer pending has been given (or was being given
// as this ran: on PostgreSQL cancelling it waits for that runner, and the breach it scheduled is
// cancelled next), so it is not given again: the breach comes next.
func (s *Store) moveTimers(ctx context.Context, tx *sql.Tx, c Complaint, cal *worktime.Calendar) error {
	if c.Kind != KindComplaint || !c.Status.Open() || c.DueAt == nil {
		return nil
	}
	warnPending, err := jobs.Cancel(ctx, tx, jobKey(c.ID, c.Reopens, "warn"))
	if err != nil {
		return err
	}
	if _, err := jobs.Cancel(ctx, tx, jobKey(c.ID, c.Reopens, "esc1"), jobKey(c.ID, c.Reopens, "esc2")); err != nil {
		return err
	}
	next := s.nextJob(c, cal)
	if c.Escalation == 0 && warnPending == 0 {
		next = s.stepJob(c, StepBreach, cal)
	}
	if next == nil {
		return nil
	}
	return jobs.ScheduleAll(ctx, tx, []jobs.New{*next})
}

// RegisterJobs gives the job runner the ladder's handlers.
func (s *Store) RegisterJobs(r *jobs.Runner) {
	r.Handle(JobWarn, s.onWarn)
	r.Handle(JobEscalate, s.onEscalate)
}

// current loads the complaint a job is for and reports whether the job still applies: the
// complaint is open, in the generation and with the deadline the job was set for.
func (s *Store) current(ctx context.Context, tx *sql.Tx, job jobs.Job) (Complaint, timerPayload, bool, error) {
	var p timerPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return Complaint{}, p, false, fmt.Errorf("complaint timer payload: %w", err)
	}
	c, err := getComplaint(ctx, tx, "k.id = $1", p.ComplaintID)
	if err != nil {
		return c, p, false, err
	}
	live := c.Status.Open() && c.Reopens == p.Gen && c.DueAt != nil && c.DueAt.Equal(p.Due)
	return c, p, live, nil
}

var huduma = audit.Actor{Name: "Huduma"}

func (s *Store) onWarn(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
	c, p, live, err := s.current(ctx, tx, job)
	if err != nil || !live {
		return err
	}
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, c.CalendarID)
	if err != nil {
		return err
	}
	due := p.Due.In(cal.Location()).Format("Mon 2 Jan 2006 15:04")
	if _, err := addEvent(ctx, tx, c.ID, s.now(), huduma, "sla", false,
		fmt.Sprintf("At risk: %.0f%% of the time to answer has passed; due %s.", s.cfg.WarnShare*100, due), map[string]string{"sla": "at_risk"}); err != nil {
		return err
	}
	subject := fmt.Sprintf("[Huduma] Complaint %s to be answered by %s", c.Reference, due)
	text := fmt.Sprintf("Complaint %s about %s is to be answered by %s.\n%s", c.Reference, c.CentreName, due, s.staffURL(c))
	if c.AssigneeID != 0 {
		err = s.tellStaff(ctx, tx, c, fmt.Sprintf("g%d:warn", c.Reopens), subject, text, "u.id = $1", c.AssigneeID)
	} else {
		cond, args := ownerCond(c)
		err = s.tellStaff(ctx, tx, c, fmt.Sprintf("g%d:warn", c.Reopens), subject, text, cond, args...)
	}
	if err != nil {
		return err
	}
	if j := s.stepJob(c, StepBreach, cal); j != nil {
		return jobs.ScheduleAll(ctx, tx, []jobs.New{*j})
	}
	return nil
}

func (s *Store) onEscalate(ctx context.Context, tx *sql.Tx, job jobs.Job) error {
	c, p, live, err := s.current(ctx, tx, job)
	if err != nil || !live {
		return err
	}
	cal, err := s.charters.WithTx(tx).WorkCalendar(ctx, c.CalendarID)
	if err != nil {
		return err
	}
	next := func() error {
		c.Escalation = p.Step
		if j := s.stepJob(c, p.Step+1, cal); j != nil {
			return jobs.ScheduleAll(ctx, tx, []jobs.New{*j})
		}
		return nil
	}
	if c.Escalation >= p.Step { // taken already: only make sure the chain goes on
		return next()
	}
	now := s.now().UTC()
	if _, err := tx.ExecContext(ctx, `UPDATE complaints SET escalation_level = $1, updated_at = $2 WHERE id = $3 AND escalation_level < $1`,
		p.Step, now, c.ID); err != nil {
		return err
	}
	// Who is told. A bribe report never leaves the integrity officers: at the breach they are all
	// told, then the national admins who are integrity officers too.
	var cond, who string
	var args []any
	agencyAdmins := 0
	if p.Step == StepBreach && c.AgencyID != 0 && !c.Integrity() {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE active = TRUE AND role = 'agency_admin' AND agency_id = $1`,
			c.AgencyID).Scan(&agencyAdmins); err != nil {
			return err
		}
	}
	switch {
	case c.Integrity() && p.Step == StepBreach:
		cond, who = "u.integrity_officer = TRUE", "the integrity officers"
	case c.Integrity():
		cond, who = "u.integrity_officer = TRUE AND u.role = 'national_admin'", "the national secretariat's integrity officers"
	case agencyAdmins > 0:
		cond, who, args = "u.role = 'agency_admin' AND u.agency_id = $1", "the agency administrator", []any{c.AgencyID}
	default:
		cond, who = "u.role = 'national_admin'", "the national secretariat"
	}
	due := p.Due.In(cal.Location()).Format("Mon 2 Jan 2006 15:04")
	if _, err := addEvent(ctx, tx, c.ID, now, huduma, "escalated", false, fmt.Sprintf("Not answered by %s: escalated to %s.", due, who),
		map[string]string{"step": fmt.Sprint(p.Step)}); err != nil {
		return err
	}
	subject := fmt.Sprintf("[Huduma] Escalated: complaint %s not answered in time", c.Reference)
	text := fmt.Sprintf("Complaint %s about %s was to be answered by %s and has not been. Assigned to: %s.\n%s",
		c.Reference, c.CentreName, due, orNobody(c.Assignee), s.staffURL(c))
	if c.Integrity() {
		text = fmt.Sprintf("Report %s was to be answered by %s and has not been.\n%s", c.Reference, due, s.staffURL(c))
	}
	if err := s.tellStaff(ctx, tx, c, fmt.Sprintf("g%d:esc%d", c.Reopens, p.Step), subject, text, cond, args...); err != nil {
		return err
	}
	return next()
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}
