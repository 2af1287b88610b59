package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/charter"
	"github.com/huduma-ke/huduma/internal/complaints"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/feedback"
	"github.com/huduma-ke/huduma/internal/queue"
	"github.com/huduma-ke/huduma/internal/requests"
)

// Feedback plays the GPO centre's last five working days before now through the real code, so
// that the quality screens, the centre monitor's panel and the public figures have something to
// show on a new demo: two officers serve at counters 1 and 2, each citizen presses the counter's
// feedback tablet (counter 2 has a worse day on Wednesday), and a few complaints and a compliment
// are lodged, one of them answered. It does nothing on a database that has ratings already. Only
// `huduma serve` calls it, after Install; tests that load the demo start with no ratings.
func Feedback(ctx context.Context, d *db.DB, charters *charter.Store, users *auth.Store, reqs *requests.Store, now time.Time) error {
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ratings`).Scan(&n); err != nil || n > 0 {
		return err
	}
	at := now
	clock := func() time.Time { return at }
	q := queue.NewStore(d, clock, charters, reqs, queue.Config{})
	fb := feedback.NewStore(d, clock, feedback.Config{})
	gpo, err := charters.CentreByCode(ctx, "HC-GPO")
	if err != nil {
		return err
	}
	counters, err := q.Counters(ctx, gpo.ID)
	if err != nil || len(counters) < 2 {
		return fmt.Errorf("GPO counters: %v", err)
	}
	service, err := charters.ServiceByCode(ctx, "NRB-01")
	if err != nil {
		return err
	}
	var officers [2]queue.Officer
	var devices [2]feedback.Device
	for i, name := range []string{"gpo.officer", "gpo.manager"} {
		u, err := users.UserByUsername(ctx, name)
		if err != nil {
			return err
		}
		officers[i] = queue.Officer{ID: u.ID, Name: u.Name, CentreID: gpo.ID}
		dev, key, err := fb.AddDevice(ctx, audit.System, counters[i].ID, fmt.Sprintf("Counter %d tablet", counters[i].Number))
		if err != nil {
			return err
		}
		if devices[i], err = fb.DeviceByKey(ctx, dev.ID, key); err != nil {
			return err
		}
	}
	// Scores by counter, a round at a time: counter 1 steady, counter 2 mixed (and worse on the
	// third day).
	scores := [2][]int{{4, 4, 3, 4, 3, 4, 4, 2, 4, 3, 4, 4}, {3, 4, 2, 3, 4, 1, 3, 4, 2, 4, 3, 3}}
	bad := []int{2, 1, 2, 3, 1, 2}
	reasons := map[int]string{1: "waiting_time", 2: "information", 4: "staff_attitude"}
	nairobi := time.FixedZone("EAT", 3*60*60)
	local := now.In(nairobi)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, nairobi)
	var days []time.Time
	for day := today.AddDate(0, 0, -1); len(days) < 5; day = day.AddDate(0, 0, -1) {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append([]time.Time{day}, days...)
		}
	}
	var lastTicket int64
	for dayNo, day := range days {
		at = day.Add(8*time.Hour + 20*time.Minute).UTC()
		open := true
		for i := range officers {
			if _, err := q.SignIn(ctx, officers[i], counters[i].ID, []int64{service.ID}); err != nil {
				return fmt.Errorf("sign in %s: %w", officers[i].Name, err)
			}
		}
		for round := range 22 { // 08:20 to about 12:00, a citizen every 10 minutes at each counter
			var tickets [2]int64
			for i := range officers {
				is, err := q.Issue(ctx, audit.Actor{Name: "kiosk"}, queue.NewTicket{CentreCode: "HC-GPO", ServiceCode: service.Code})
				if apperr.Is(err, apperr.Invalid) && round == 0 && i == 0 { // a holiday: the centre is closed
					open = false
					break
				} else if err != nil {
					return fmt.Errorf("issue: %w", err)
				}
				tickets[i] = is.Ticket.ID
			}
			if !open {
				break
			}
			at = at.Add(time.Duration(3+round%4) * time.Minute)
			for i := range officers {
				if _, err := q.CallNext(ctx, officers[i], counters[i].ID); err != nil {
					return fmt.Errorf("call: %w", err)
				}
			}
			at = at.Add(time.Duration(4+round%3) * time.Minute)
			for i := range officers {
				if _, _, err := q.Complete(ctx, officers[i], tickets[i], queue.Completion{}); err != nil {
					return fmt.Errorf("complete: %w", err)
				}
			}
			at = at.Add(30 * time.Second)
			for i := range officers {
				score := scores[i][(round+dayNo)%len(scores[i])]
				if i == 1 && dayNo == 2 {
					score = bad[round%len(bad)]
				}
				p := feedback.Press{Score: score}
				if round%3 == 0 {
					p.Reason = reasons[score]
				}
				if _, err := fb.Press(ctx, devices[i], p); err != nil {
					return fmt.Errorf("press: %w", err)
				}
			}
			lastTicket = tickets[1]
		}
		for i := range officers {
			if err := q.SignOut(ctx, officers[i]); err != nil {
				return fmt.Errorf("sign out: %w", err)
			}
		}
	}
	if _, err := fb.Fold(ctx); err != nil {
		return err
	}

	// Complaints and a compliment, lodged the day before now at 11:00.
	at = today.AddDate(0, 0, -1).Add(11 * time.Hour).UTC()
	cs := complaints.NewStore(d, clock, charters, complaints.Config{PublicURL: "http://localhost:8080"})
	citizen := audit.Actor{Name: "citizen"}
	delay, err := cs.Create(ctx, citizen, complaints.NewComplaint{Category: complaints.Delay, Channel: "web", CentreCode: "HC-GPO",
		ServiceCode: service.Code, Description: "I waited two hours for a certificate of good conduct, and the queue did not move for the last forty minutes.",
		Contact: complaints.Contact{Name: "Wanjiku Njoroge", Phone: "+254712000301"}})
	if err != nil {
		return fmt.Errorf("demo complaint: %w", err)
	}
	if _, err := cs.Create(ctx, citizen, complaints.NewComplaint{Category: complaints.Facilities, Channel: "counter", CentreCode: "HC-GPO",
		Description: "There is no ramp at the side entrance; a wheelchair user had to be carried up the stairs.",
		Contact:     complaints.Contact{Name: "Otieno Ouma", Email: "otieno.ouma@example.com"}}); err != nil {
		return fmt.Errorf("demo complaint: %w", err)
	}
	if _, err := cs.Create(ctx, citizen, complaints.NewComplaint{Kind: complaints.KindCompliment, Channel: "web", CentreCode: "HC-GPO",
		TicketID: lastTicket, Description: "The officer at counter 2 explained every requirement patiently and checked my forms before I queued again.",
		Contact: complaints.Contact{Name: "Amina Hassan", Phone: "+254733000302"}}); err != nil {
		return fmt.Errorf("demo compliment: %w", err)
	}
	manager, err := users.UserByUsername(ctx, "gpo.manager")
	if err != nil {
		return err
	}
	at = at.Add(3 * time.Hour)
	if _, err := cs.Answer(ctx, manager.Actor(""), delay.Complaint.ID,
		"The printer for good-conduct certificates failed at 10:20; a second printer is now on standby and the queue is told at once when a service stops.",
		"sms"); err != nil {
		return fmt.Errorf("demo answer: %w", err)
	}
	return nil
}
