package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/notify"
)

// StaffFilter selects accounts for the staff list. Every value is checked: an unknown role or
// state is an error, not silently "all".
type StaffFilter struct {
	Query    string // part of a name or username
	Role     Role   // "" for any
	CentreID int64  // 0 for any
	AgencyID int64  // 0 for any
	State    string // "" for any, "active" or "disabled"
	Page     int    // from 1
	PerPage  int    // 1 to 200; 0 for 50
}

// StaffPage is one page of the staff list.
type StaffPage struct {
	Staff []Staff
	Total int
	Page  int
	Pages int
}

const staffColumns = `u.id, u.username, u.name, u.email, u.phone, u.role, COALESCE(u.centre_id, 0), COALESCE(u.agency_id, 0), u.language,
	u.active, u.integrity_officer, u.created_at, COALESCE(c.agency_id, 0), COALESCE(c.name, ''), COALESCE(a.name, ''), u.password_hash = ''`

const staffFrom = ` FROM users u LEFT JOIN centres c ON c.id = u.centre_id LEFT JOIN agencies a ON a.id = u.agency_id`

func scanStaff(row db.Scanner) (Staff, error) {
	var st Staff
	var role string
	err := row.Scan(&st.ID, &st.Username, &st.Name, &st.Email, &st.Phone, &role, &st.CentreID, &st.AgencyID, &st.Language,
		&st.Active, &st.IntegrityOfficer, &st.CreatedAt, &st.CentreRunBy, &st.CentreName, &st.AgencyName, &st.Invited)
	st.Role = Role(role)
	return st, err
}

// likePattern is a search term as a LIKE pattern that matches the characters typed, wildcards
// included (used with ESCAPE '\').
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// ListStaff lists the accounts the viewer manages (and their own), filtered and paged, by name.
func (s *Store) ListStaff(ctx context.Context, viewer User, f StaffFilter) (StaffPage, error) {
	return s.listStaff(ctx, viewer.staffScope(), f)
}

// ListAllStaff lists every account, for the operator's shell (huduma user list).
func (s *Store) ListAllStaff(ctx context.Context, f StaffFilter) (StaffPage, error) {
	return s.listStaff(ctx, staffScope{all: true}, f)
}

func (s *Store) listStaff(ctx context.Context, sc staffScope, f StaffFilter) (StaffPage, error) {
	fields := map[string]string{}
	if f.Role != "" && !f.Role.Valid() {
		fields["role"] = "Choose one of the listed roles."
	}
	if f.State != "" && f.State != "active" && f.State != "disabled" {
		fields["state"] = "Choose active or disabled."
	}
	if len(f.Query) > 100 {
		fields["q"] = "Search for at most 100 characters."
	}
	if len(fields) > 0 {
		return StaffPage{}, apperr.InvalidFields(fields)
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if sc.none {
		return StaffPage{Page: 1, Pages: 1}, nil
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// The scope, as staffScope.covers decides it for one account.
	if !sc.all {
		var roles []string
		for _, r := range sc.roles {
			roles = append(roles, arg(string(r)))
		}
		where = append(where, "u.role IN ("+strings.Join(roles, ", ")+")")
		if sc.agencyID != 0 {
			p := arg(sc.agencyID)
			where = append(where, fmt.Sprintf("(u.agency_id = %[1]s OR (c.agency_id = %[1]s AND u.role IN ('officer', 'centre_manager')))", p))
		} else {
			where = append(where, "u.centre_id = "+arg(sc.centreID))
		}
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg(likePattern(q))
		where = append(where, fmt.Sprintf(`(LOWER(u.name) LIKE %[1]s ESCAPE '\' OR u.username LIKE %[1]s ESCAPE '\')`, p))
	}
	if f.Role != "" {
		where = append(where, "u.role = "+arg(string(f.Role)))
	}
	if f.CentreID != 0 {
		where = append(where, "u.centre_id = "+arg(f.CentreID))
	}
	if f.AgencyID != 0 {
		where = append(where, "u.agency_id = "+arg(f.AgencyID))
	}
	switch f.State {
	case "active":
		where = append(where, "u.active = TRUE")
	case "disabled":
		where = append(where, "u.active = FALSE")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page := StaffPage{Page: f.Page}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+staffFrom+cond, args...).Scan(&page.Total); err != nil {
		return page, err
	}
	page.Pages = max(1, (page.Total+f.PerPage-1)/f.PerPage)
	rows, err := s.db.QueryContext(ctx, `SELECT `+staffColumns+staffFrom+cond+
		fmt.Sprintf(` ORDER BY LOWER(u.name), u.id LIMIT %d OFFSET %d`, f.PerPage, (f.Page-1)*f.PerPage), args...)
	page.Staff, err = db.Collect(rows, err, scanStaff)
	return page, err
}

// StaffByUsername finds an account for the administration screens.
func (s *Store) StaffByUsername(ctx context.Context, username string) (Staff, error) {
	return staffWhere(ctx, s.db, "u.username = $1", strings.ToLower(strings.TrimSpace(username)))
}

func staffWhere(ctx context.Context, q db.Querier, cond string, args ...any) (Staff, error) {
	st, err := scanStaff(q.QueryRowContext(ctx, `SELECT `+staffColumns+staffFrom+` WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return st, apperr.New(apperr.NotFound, "No such staff account.")
	}
	return st, err
}

// ManagedStaff finds an account the user may manage. One outside their care is "not found",
// as if it did not exist: an agency admin learns nothing of another agency's staff.
func (s *Store) ManagedStaff(ctx context.Context, by User, username string) (Staff, error) {
	st, err := s.StaffByUsername(ctx, username)
	if err != nil {
		return st, err
	}
	if !by.CanManageUser(st) {
		return Staff{}, apperr.New(apperr.NotFound, "No such staff account.")
	}
	return st, nil
}

// StaffChange is what an administrator sets on an account.
type StaffChange struct {
	Name             string
	Email            string
	Phone            string
	Role             Role
	CentreID         int64
	AgencyID         int64
	Language         string
	IntegrityOfficer bool
}

// checkStaff validates and normalises a change for account before (zero for a new one), and
// checks it against what by may grant. It returns the account as it would be.
func (s *Store) checkStaff(ctx context.Context, q db.Querier, by User, before Staff, c StaffChange) (Staff, error) {
	after := before
	after.Name, after.Email, after.Role = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email), c.Role
	after.CentreID, after.AgencyID, after.IntegrityOfficer = c.CentreID, c.AgencyID, c.IntegrityOfficer
	after.Language = c.Language
	f := profileErrors(&after.User, c.Phone, c.Language)
	if after.Email != "" && (len(after.Email) > 200 || !strings.Contains(after.Email, "@") || strings.ContainsAny(after.Email, " <>,;\r\n")) {
		f["email"] = "Enter a valid email address, such as name@example.com."
	}
	if !after.Role.Valid() {
		f["role"] = "Choose one of the listed roles."
	}
	if after.Role != Officer && after.Role != CentreManager {
		after.CentreID = 0 // only officers and managers belong to a centre
	}
	if after.Role == NationalAdmin || after.Role == Auditor {
		after.AgencyID = 0
	}
	if (after.Role == Officer || after.Role == CentreManager) && after.CentreID == 0 {
		f["centre"] = "Officers and centre managers belong to a centre."
	}
	if after.Role == AgencyAdmin && after.AgencyID == 0 {
		f["agency"] = "Agency admins belong to an agency."
	}
	after.CentreRunBy, after.CentreName = 0, ""
	if after.CentreID != 0 {
		var runBy sql.NullInt64
		err := q.QueryRowContext(ctx, `SELECT agency_id, name FROM centres WHERE id = $1`, after.CentreID).Scan(&runBy, &after.CentreName)
		if errors.Is(err, sql.ErrNoRows) {
			f["centre"] = "Choose one of the listed centres."
		} else if err != nil {
			return after, err
		}
		after.CentreRunBy = runBy.Int64
	}
	if after.AgencyID != 0 {
		err := q.QueryRowContext(ctx, `SELECT name FROM agencies WHERE id = $1`, after.AgencyID).Scan(&after.AgencyName)
		if errors.Is(err, sql.ErrNoRows) {
			f["agency"] = "Choose one of the listed agencies."
		} else if err != nil {
			return after, err
		}
	} else {
		after.AgencyName = ""
	}
	if len(f) == 0 {
		// Only a change that is itself well formed is weighed against the user's powers.
		for k, v := range by.GrantErrors(before, after) {
			f[k] = v
		}
	}
	if len(f) > 0 {
		return after, apperr.InvalidFields(f)
	}
	return after, nil
}

// profileErrors validates the fields a person may change about themselves (name, phone,
// language) into u, normalising the phone as the outbox will (+254…).
func profileErrors(u *User, phone, language string) map[string]string {
	f := map[string]string{}
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		f["name"] = "This field is required."
	} else if len([]rune(u.Name)) > 100 {
		f["name"] = "Use at most 100 characters."
	}
	u.Phone = ""
	if p := strings.TrimSpace(phone); p != "" {
		n, err := notify.NormalisePhone(p)
		if err != nil {
			f["phone"] = "Enter a Kenyan mobile number, such as 0712 345 678."
		}
		u.Phone = n
		if err != nil {
			u.Phone = p // keep what was typed, to show it again
		}
	}
	if language != "en" && language != "sw" {
		f["language"] = "Choose English or Kiswahili."
	}
	u.Language = language
	return f
}

// snapshot is an account as the audit trail records it: no secrets, nothing but the facts.
func snapshot(st Staff) map[string]any {
	return map[string]any{"username": st.Username, "name": st.Name, "email": st.Email, "phone": st.Phone, "role": st.Role,
		"centre_id": st.CentreID, "agency_id": st.AgencyID, "language": st.Language, "active": st.Active, "integrity_officer": st.IntegrityOfficer}
}

// InviteStaff creates an account with no password and sends it an invitation: a one-time link,
// valid InvitationLifetime, to set its own (nobody else ever knows it). base is the public
// address the link starts with. The account, the link and the message are one transaction.
func (s *Store) InviteStaff(ctx context.Context, by User, ip, username string, c StaffChange, base string) (Staff, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	var st Staff
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		after, err := s.checkStaff(ctx, tx, by, Staff{}, c)
		f := apperr.FieldsOf(err)
		if err != nil && f == nil {
			return err
		}
		if f == nil {
			f = map[string]string{}
		}
		if !usernamePattern.MatchString(username) {
			f["username"] = "Use 2 to 40 lower-case letters, digits, dots, hyphens or underscores."
		}
		if after.Email == "" && after.Phone == "" && f["phone"] == "" {
			f["email"] = "Give an e-mail address or a mobile number: the invitation goes there."
		}
		if len(f) > 0 {
			return apperr.InvalidFields(f)
		}
		now := s.now().UTC()
		after.Username, after.Active, after.Invited, after.CreatedAt = username, true, true, now
		err = tx.QueryRowContext(ctx, `INSERT INTO users (username, name, email, phone, password_hash, role, centre_id, agency_id, language, active,
			integrity_officer, created_at, updated_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, TRUE, $9, $10, $10)
			ON CONFLICT (username) DO NOTHING RETURNING id`,
			after.Username, after.Name, after.Email, after.Phone, string(after.Role), nullID(after.CentreID), nullID(after.AgencyID), after.Language,
			after.IntegrityOfficer, now).Scan(&after.ID)
		if errors.Is(err, sql.ErrNoRows) {
			msg := "That username is taken."
			return &apperr.Error{Code: apperr.Conflict, Message: msg, Fields: map[string]string{"username": msg}}
		} else if err != nil {
			return db.MapError(s.db.Kind(), err)
		}
		if err := audit.Record(ctx, tx, now, by.Actor(ip), "create", "user", after.Username,
			fmt.Sprintf("Invited %s account %s", after.Role, after.Username), nil, snapshot(after), after.AgencyID, after.CentreID); err != nil {
			return err
		}
		st = after
		return s.sendPasswordLink(ctx, tx, by.Actor(ip), by.ID, after.User, PurposeInvite, base, now)
	})
	return st, err
}

// UpdateStaff changes an account the user manages, within what they may grant. A new e-mail
// address or mobile number ends the account's unused password links — they went to the old one,
// perhaps a mistyped one, where someone else could take the account — and an account still
// invited gets a fresh invitation at the new address (base is the links' public address).
func (s *Store) UpdateStaff(ctx context.Context, by User, ip, username string, c StaffChange, base string) (Staff, error) {
	var st Staff
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := staffWhere(ctx, tx, "u.username = $1", strings.ToLower(strings.TrimSpace(username)))
		if err != nil {
			return err
		}
		if !by.CanManageUser(before) {
			return apperr.New(apperr.NotFound, "No such staff account.")
		}
		after, err := s.checkStaff(ctx, tx, by, before, c)
		if err != nil {
			return err
		}
		st = after
		if snapshotEqual(before, after) {
			return nil // nothing changed: nothing to write or record
		}
		now := s.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, email = $2, phone = $3, role = $4, centre_id = $5, agency_id = $6,
			language = $7, integrity_officer = $8, updated_at = $9 WHERE id = $10`,
			after.Name, after.Email, after.Phone, string(after.Role), nullID(after.CentreID), nullID(after.AgencyID), after.Language,
			after.IntegrityOfficer, now, after.ID); err != nil {
			return db.MapError(s.db.Kind(), err)
		}
		if err := audit.Record(ctx, tx, now, by.Actor(ip), "update", "user", after.Username, "Changed account "+after.Username,
			snapshot(before), snapshot(after), after.AgencyID, after.CentreID); err != nil {
			return err
		}
		if after.Email == before.Email && after.Phone == before.Phone {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, after.ID); err != nil {
			return err
		}
		if after.Invited && after.Active && (after.Email != "" || after.Phone != "") {
			return s.sendPasswordLink(ctx, tx, by.Actor(ip), by.ID, after.User, PurposeInvite, base, now)
		}
		return nil
	})
	return st, err
}

func snapshotEqual(a, b Staff) bool { return fmt.Sprint(snapshot(a)) == fmt.Sprint(snapshot(b)) }

// Releaser frees whatever an account holds when it is disabled, in the same transaction: the
// queue's counter (queue.Store.ReleaseOfficer). It lets auth end a counter session without
// knowing about queues.
type Releaser func(ctx context.Context, tx *sql.Tx, userID int64, actor audit.Actor, now time.Time) error

// DisableStaff stops an account at once: its sessions end, its unused password links die, and
// release frees its counter, all in one transaction with the audit record. Disabling a disabled
// account changes nothing.
func (s *Store) DisableStaff(ctx context.Context, by User, ip, username string, release Releaser) (Staff, error) {
	return s.setActive(ctx, by, ip, username, false, release)
}

// EnableStaff lets a disabled account sign in again (with its old password, or a reset).
func (s *Store) EnableStaff(ctx context.Context, by User, ip, username string) (Staff, error) {
	return s.setActive(ctx, by, ip, username, true, nil)
}

func (s *Store) setActive(ctx context.Context, by User, ip, username string, active bool, release Releaser) (Staff, error) {
	var st Staff
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = staffWhere(ctx, tx, "u.username = $1", strings.ToLower(strings.TrimSpace(username))); err != nil {
			return err
		}
		if !by.CanManageUser(st) {
			st = Staff{}
			return apperr.New(apperr.NotFound, "No such staff account.")
		}
		return s.setActiveTx(ctx, tx, by.Actor(ip), &st, active, release)
	})
	return st, err
}

func (s *Store) setActiveTx(ctx context.Context, tx *sql.Tx, actor audit.Actor, st *Staff, active bool, release Releaser) error {
	if st.Active == active {
		return nil // already so: a repeated submission is not a second change
	}
	now := s.now().UTC()
	before := snapshot(*st)
	if _, err := tx.ExecContext(ctx, `UPDATE users SET active = $1, updated_at = $2 WHERE id = $3`, active, now, st.ID); err != nil {
		return err
	}
	action, summary := "enable", "Re-enabled account "+st.Username
	if !active {
		action, summary = "disable", "Disabled account "+st.Username
		// Off duty too: re-enabled, they take requests in turn again only when they say so.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET on_duty = FALSE WHERE id = $1`, st.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, st.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, now, st.ID); err != nil {
			return err
		}
		if release != nil {
			if err := release(ctx, tx, st.ID, actor, now); err != nil {
				return err
			}
		}
	}
	st.Active = active
	return audit.Record(ctx, tx, now, actor, action, "user", st.Username, summary, before, snapshot(*st), st.AgencyID, st.CentreID)
}

// DisableByUsername is DisableStaff for the operator's shell (huduma user disable), who is
// trusted with every account; EnableByUsername its opposite.
func (s *Store) DisableByUsername(ctx context.Context, actor audit.Actor, username string, release Releaser) (Staff, error) {
	return s.setActiveAsOperator(ctx, actor, username, false, release)
}

// EnableByUsername re-enables an account from the shell.
func (s *Store) EnableByUsername(ctx context.Context, actor audit.Actor, username string) (Staff, error) {
	return s.setActiveAsOperator(ctx, actor, username, true, nil)
}

func (s *Store) setActiveAsOperator(ctx context.Context, actor audit.Actor, username string, active bool, release Releaser) (Staff, error) {
	var st Staff
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if st, err = staffWhere(ctx, tx, "u.username = $1", strings.ToLower(strings.TrimSpace(username))); err != nil {
			return apperr.New(apperr.NotFound, "No account with username %q.", username)
		}
		return s.setActiveTx(ctx, tx, actor, &st, active, release)
	})
	return st, err
}
