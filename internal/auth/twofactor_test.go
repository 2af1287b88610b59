package auth_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/audit"
	"github.com/huduma-ke/huduma/internal/auth"
	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
	"golang.org/x/crypto/bcrypt"
)

const testPassword = "correct horse battery"

func newAccount(t *testing.T, s *auth.Store, name string) auth.User {
	t.Helper()
	u, err := s.CreateUser(ctx, audit.System, auth.NewUser{Username: name, Name: "Test " + name, Email: name + "@example.go.ke", Phone: "0712 345 678",
		Role: auth.Auditor, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func auditCount(t *testing.T, d *db.DB, action, entityID string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity_id = $2`, action, entityID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// enrol turns two-step sign-in on for u and returns the secret and the recovery codes.
func enrol(t *testing.T, s *auth.Store, u auth.User, now time.Time) (string, []string) {
	t.Helper()
	secret, err := s.BeginTwoFactor(ctx, u, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := auth.TOTPCode(secret, now)
	codes, err := s.ConfirmTwoFactor(ctx, u, code, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return secret, codes
}

func TestTwoFactorEnrolment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "enrol.me")
		secret, err := s.BeginTwoFactor(ctx, u, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		tf, _ := s.TwoFactorOf(ctx, u.ID)
		if tf.Enabled || tf.Pending != secret {
			t.Fatalf("after beginning: %+v, want pending %s", tf, secret)
		}
		// Not in effect until confirmed: signing in needs no second step yet.
		if tf.Enabled {
			t.Error("enabled before confirmation")
		}
		// A wrong code is refused on the code field, and nothing changes.
		if _, err := s.ConfirmTwoFactor(ctx, u, "000000", "127.0.0.1"); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("a wrong code confirmed: %v", err)
		}
		old, _ := auth.TOTPCode(secret, now.Add(-2*auth.TOTPStep))
		if _, err := s.ConfirmTwoFactor(ctx, u, old, "127.0.0.1"); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("a code two steps old confirmed: %v", err)
		}
		code, _ := auth.TOTPCode(secret, now)
		codes, err := s.ConfirmTwoFactor(ctx, u, code[:3]+" "+code[3:], "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != auth.RecoveryCodeCount {
			t.Fatalf("%d recovery codes", len(codes))
		}
		seen := map[string]bool{}
		for _, c := range codes {
			if len(c) != 11 || seen[c] {
				t.Errorf("recovery code %q is malformed or repeated", c)
			}
			seen[c] = true
			var n int
			d.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE $1`, "%"+strings.ReplaceAll(c, "-", "")+"%").Scan(&n)
			if n != 0 {
				t.Errorf("recovery code %s is stored in clear", c)
			}
		}
		tf, _ = s.TwoFactorOf(ctx, u.ID)
		if !tf.Enabled || tf.Pending != "" || tf.RecoveryLeft != 10 {
			t.Errorf("after confirming: %+v (the secret must not be shown again)", tf)
		}
		if _, err := s.BeginTwoFactor(ctx, u, ""); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("beginning again while on (which would replace the secret): %v", err)
		}
		if auditCount(t, d, "two_factor_on", "enrol.me") != 1 {
			t.Error("enrolment not audited")
		}
	})
}

func TestTwoFactorSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "two.step")
		secret, codes := enrol(t, s, u, now)
		token, err := s.StartChallenge(ctx, u, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM sign_in_challenges WHERE token_hash = $1`, token).Scan(&n)
		if n != 0 {
			t.Error("the challenge token is stored in clear")
		}
		// The code used to confirm the enrolment cannot be used again.
		same, _ := auth.TOTPCode(secret, now)
		if _, _, err := s.CompleteChallenge(ctx, token, same, "test", "127.0.0.1"); err != auth.ErrBadCode {
			t.Fatalf("the enrolment's code reused: %v", err)
		}
		// The half-signed-in state is not a session.
		if _, _, err := s.SessionUser(ctx, token); !apperr.Is(err, apperr.Unauthorised) {
			t.Fatalf("the challenge token opened a session: %v", err)
		}
		now = now.Add(auth.TOTPStep)
		next, _ := auth.TOTPCode(secret, now)
		got, sess, err := s.CompleteChallenge(ctx, token, next, "test", "127.0.0.1")
		if err != nil || got.ID != u.ID {
			t.Fatalf("the right code: %v", err)
		}
		if su, _, err := s.SessionUser(ctx, sess.Token); err != nil || su.ID != u.ID {
			t.Fatalf("the session after the second step: %v", err)
		}
		if s.ChallengeOpen(ctx, token) {
			t.Error("the challenge is still open after it was completed")
		}
		// The same code in a second sign-in (someone who watched it typed) is refused.
		token2, _ := s.StartChallenge(ctx, u, "127.0.0.1")
		if _, _, err := s.CompleteChallenge(ctx, token2, next, "test", "127.0.0.1"); err != auth.ErrBadCode {
			t.Fatalf("a used code replayed: %v", err)
		}
		// A recovery code works once.
		if _, _, err := s.CompleteChallenge(ctx, token2, strings.ToLower(codes[3]), "test", "127.0.0.1"); err != nil {
			t.Fatalf("a recovery code: %v", err)
		}
		token3, _ := s.StartChallenge(ctx, u, "127.0.0.1")
		if _, _, err := s.CompleteChallenge(ctx, token3, codes[3], "test", "127.0.0.1"); err != auth.ErrBadCode {
			t.Fatalf("a recovery code used twice: %v", err)
		}
		if tf, _ := s.TwoFactorOf(ctx, u.ID); tf.RecoveryLeft != 9 {
			t.Errorf("%d recovery codes left, want 9", tf.RecoveryLeft)
		}
		if auditCount(t, d, "recovery_code_used", "two.step") != 1 {
			t.Error("the recovery code's use is not audited")
		}
		// Tries run out: after ChallengeAttempts wrong codes even the right one is refused.
		token4, _ := s.StartChallenge(ctx, u, "127.0.0.1")
		for range auth.ChallengeAttempts - 1 { // token3 already used one try of its own
			s.CompleteChallenge(ctx, token4, "000000", "test", "127.0.0.1")
		}
		s.CompleteChallenge(ctx, token4, "000000", "test", "127.0.0.1")
		now = now.Add(auth.TOTPStep)
		right, _ := auth.TOTPCode(secret, now)
		if _, _, err := s.CompleteChallenge(ctx, token4, right, "test", "127.0.0.1"); err != auth.ErrChallengeEnded {
			t.Fatalf("after %d wrong codes: %v", auth.ChallengeAttempts, err)
		}
		// And it expires.
		token5, _ := s.StartChallenge(ctx, u, "127.0.0.1")
		now = now.Add(auth.ChallengeLifetime + time.Second)
		right, _ = auth.TOTPCode(secret, now)
		if _, _, err := s.CompleteChallenge(ctx, token5, right, "test", "127.0.0.1"); err != auth.ErrChallengeEnded {
			t.Fatalf("an expired challenge: %v", err)
		}
	})
}

func TestTwoFactorDisable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "turn.off")
		secret, _ := enrol(t, s, u, now)
		now = now.Add(auth.TOTPStep)
		code, _ := auth.TOTPCode(secret, now)
		err := s.DisableTwoFactor(ctx, u, "wrong password!", code, "127.0.0.1")
		if e, ok := err.(*apperr.Error); !ok || e.Fields["password"] == "" {
			t.Fatalf("a wrong password: %v", err)
		}
		err = s.DisableTwoFactor(ctx, u, testPassword, "123456", "127.0.0.1")
		if e, ok := err.(*apperr.Error); !ok || e.Fields["code"] == "" {
			t.Fatalf("a wrong code: %v", err)
		}
		if tf, _ := s.TwoFactorOf(ctx, u.ID); !tf.Enabled {
			t.Fatal("turned off without the password and a code")
		}
		if err := s.DisableTwoFactor(ctx, u, testPassword, code, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		tf, _ := s.TwoFactorOf(ctx, u.ID)
		var left int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1`, u.ID).Scan(&left)
		if tf.Enabled || tf.Pending != "" || left != 0 {
			t.Errorf("after turning off: %+v, %d recovery codes kept", tf, left)
		}
		if auditCount(t, d, "two_factor_off", "turn.off") != 1 {
			t.Error("turning off not audited")
		}
	})
}

func TestAccountLockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "lock.me")
		if _, err := d.ExecContext(ctx, `UPDATE users SET language = 'sw' WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		fail := func(k int) {
			t.Helper()
			for range k {
				if _, err := s.SignIn(ctx, "lock.me", "wrong password", "10.0.0.1"); err == nil {
					t.Fatal("a wrong password accepted")
				}
				now = now.Add(time.Second)
			}
		}
		// Failures spread beyond the window do not add up.
		fail(9)
		now = now.Add(auth.FailureWindow)
		fail(1)
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != nil {
			t.Fatalf("locked by failures outside the window: %v", err)
		}
		// A completed sign-in clears the count.
		if _, err := s.StartSession(ctx, u, "test", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		fail(9)
		if _, err := s.StartSession(ctx, u, "test", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		fail(9)
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != nil {
			t.Fatalf("locked although a sign-in cleared the count: %v", err)
		}
		// The tenth failure within the window locks the account.
		fail(0)
		if _, err := s.SignIn(ctx, "lock.me", "wrong password", "10.0.0.1"); err != auth.ErrLocked {
			t.Fatalf("the tenth failure: %v, want the lock", err)
		}
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != auth.ErrLocked {
			t.Fatalf("the right password while locked: %v, want the same refusal", err)
		}
		if _, err := s.SignIn(ctx, "lock.me", "another wrong one", "10.0.0.1"); err != auth.ErrLocked {
			t.Fatalf("a wrong password while locked: %v, want the same refusal", err)
		}
		if a, err := s.LockState(ctx, u.ID); err != nil || a.LockedUntil.IsZero() {
			t.Errorf("LockState does not show the lock: %v", err)
		}
		// The holder is told, once, by SMS and e-mail, in their language.
		rows, err := d.QueryContext(ctx, `SELECT channel, recipient, body FROM outbox WHERE dedupe_key LIKE $1 ORDER BY channel`, "user:%:locked:%")
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for rows.Next() {
			var ch, to, body string
			rows.Scan(&ch, &to, &body)
			msgs = append(msgs, ch+" "+to+" "+body)
		}
		rows.Close()
		if len(msgs) != 2 || !strings.HasPrefix(msgs[0], "email lock.me@example.go.ke") || !strings.HasPrefix(msgs[1], "sms +254712345678") ||
			!strings.Contains(msgs[1], "imefungwa kwa dakika 15") {
			t.Errorf("messages about the lock: %q", msgs)
		}
		if auditCount(t, d, "lock", "lock.me") != 1 {
			t.Error("the lock is not audited once")
		}
		// It ends by itself after the lock's time.
		now = now.Add(auth.LockDuration)
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != nil {
			t.Fatalf("still locked after %v: %v", auth.LockDuration, err)
		}
		// Or when an administrator unlocks it, which also forgets the failures before it.
		fail(10)
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != auth.ErrLocked {
			t.Fatalf("not locked again: %v", err)
		}
		if err := s.Unlock(ctx, audit.Actor{ID: 1, Name: "admin"}, u.ID); err != nil {
			t.Fatal(err)
		}
		fail(1)
		if _, err := s.SignIn(ctx, "lock.me", testPassword, "10.0.0.1"); err != nil {
			t.Fatalf("after the unlock: %v", err)
		}
		if auditCount(t, d, "unlock", "lock.me") != 1 {
			t.Error("the unlock is not audited")
		}
		// Unlocking an account that is not locked records nothing.
		if err := s.Unlock(ctx, audit.Actor{ID: 1, Name: "admin"}, u.ID); err != nil || auditCount(t, d, "unlock", "lock.me") != 1 {
			t.Errorf("a second unlock: %v", err)
		}
	})
}

// TestWrongCodesCountTowardsTheLock: guessing the second step is throttled like guessing passwords.
func TestWrongCodesCountTowardsTheLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "guess.codes")
		secret, _ := enrol(t, s, u, now)
		var err error
		for i := 0; i < auth.LockAfterFailures; i++ {
			token, _ := s.StartChallenge(ctx, u, "10.0.0.2")
			_, _, err = s.CompleteChallenge(ctx, token, "999999", "test", "10.0.0.2")
		}
		if err != auth.ErrLocked {
			t.Fatalf("after %d wrong codes: %v, want the lock", auth.LockAfterFailures, err)
		}
		token, _ := s.StartChallenge(ctx, u, "10.0.0.2")
		now = now.Add(auth.TOTPStep)
		right, _ := auth.TOTPCode(secret, now)
		if _, _, err := s.CompleteChallenge(ctx, token, right, "test", "10.0.0.2"); err != auth.ErrLocked {
			t.Fatalf("the right code while locked: %v", err)
		}
	})
}

func TestCanUnlock(t *testing.T) {
	national := auth.User{ID: 1, Active: true, Role: auth.NationalAdmin}
	kakamega := auth.User{ID: 2, Active: true, Role: auth.AgencyAdmin, AgencyID: 7}
	manager := auth.User{ID: 3, Active: true, Role: auth.CentreManager, CentreID: 5}
	officer := auth.User{ID: 4, Active: true, Role: auth.Officer, CentreID: 5}
	auditor := auth.User{ID: 5, Active: true, Role: auth.Auditor}
	lock := func(u auth.User, centreAgency int64) auth.AccountLock {
		return auth.AccountLock{User: u, CentreAgencyID: centreAgency}
	}
	for _, c := range []struct {
		name  string
		by    auth.User
		of    auth.AccountLock
		allow bool
	}{
		{"national admin, anyone", national, lock(auditor, 0), true},
		{"agency admin, an officer at an office their agency runs", kakamega, lock(auth.User{Role: auth.Officer, CentreID: 9}, 7), true},
		{"agency admin, an officer at a Huduma Centre", kakamega, lock(officer, 0), false},
		{"agency admin, another admin of their agency", kakamega, lock(auth.User{Role: auth.AgencyAdmin, AgencyID: 7}, 0), true},
		{"agency admin, another agency's admin", kakamega, lock(auth.User{Role: auth.AgencyAdmin, AgencyID: 8}, 0), false},
		{"agency admin, the national admin", kakamega, lock(national, 0), false},
		{"centre manager, an officer of their centre", manager, lock(officer, 0), true},
		{"centre manager, an officer elsewhere", manager, lock(auth.User{Role: auth.Officer, CentreID: 6}, 0), false},
		{"centre manager, another manager of their centre", manager, lock(auth.User{Role: auth.CentreManager, CentreID: 5}, 0), false},
		{"officer, a colleague", officer, lock(auth.User{Role: auth.Officer, CentreID: 5}, 0), false},
		{"auditor, anyone", auditor, lock(officer, 0), false},
		{"a disabled national admin", auth.User{ID: 1, Role: auth.NationalAdmin}, lock(officer, 0), false},
	} {
		if got := c.by.CanUnlock(c.of); got != c.allow {
			t.Errorf("%s: %v, want %v", c.name, got, c.allow)
		}
	}
}

// TestLockoutCountsAcrossNodes: two servers on one database (two Stores) share the count, so an
// attacker spreading guesses over the nodes behind a load balancer is locked out all the same.
func TestLockoutCountsAcrossNodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		node1, node2 := auth.NewStore(d, clock, bcrypt.MinCost), auth.NewStore(d, clock, bcrypt.MinCost)
		newAccount(t, node1, "two.nodes")
		for i := range auth.LockAfterFailures - 1 {
			node := node1
			if i%2 == 1 {
				node = node2
			}
			if _, err := node.SignIn(ctx, "two.nodes", "wrong", "10.0.0.3"); err != auth.ErrBadCredentials {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if _, err := node2.SignIn(ctx, "two.nodes", "wrong", "10.0.0.3"); err != auth.ErrLocked {
			t.Fatalf("the tenth failure, on the other node: %v", err)
		}
		if _, err := node1.SignIn(ctx, "two.nodes", testPassword, "10.0.0.3"); err != auth.ErrLocked {
			t.Fatalf("the right password on the first node: %v", err)
		}
	})
}

// TestOneCodeRacingTwoSignIns: a code seen over a shoulder and typed at once in other browsers —
// second steps with the same code at the same moment, on any nodes — lets exactly one in. On
// PostgreSQL the test holds the account's row while they start, so all of them are under way
// together when it lets go (SQLite runs writers one at a time).
func TestOneCodeRacingTwoSignIns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		s := auth.NewStore(d, func() time.Time { return now }, bcrypt.MinCost)
		u := newAccount(t, s, "race.code")
		secret, _ := enrol(t, s, u, now.Add(-auth.TOTPStep))
		code, _ := auth.TOTPCode(secret, now)
		const n = 4
		tokens := make([]string, n)
		for i := range tokens {
			tokens[i], _ = s.StartChallenge(ctx, u, "10.0.0.4")
		}
		var hold *sql.Tx
		if d.Kind() == db.Postgres {
			var err error
			if hold, err = d.DB.BeginTx(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := hold.ExecContext(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		results := make(chan error, n)
		for _, tok := range tokens {
			go func() {
				_, _, err := s.CompleteChallenge(ctx, tok, code, "test", "10.0.0.4")
				results <- err
			}()
		}
		if hold != nil {
			// Let go once every one of them waits on the row.
			for waiting := 0; waiting < n && len(results) == 0; time.Sleep(10 * time.Millisecond) {
				if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
			}
			hold.Rollback()
		}
		var ok, refused int
		for range n {
			switch err := <-results; err {
			case nil:
				ok++
			case auth.ErrBadCode:
				refused++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || refused != n-1 {
			t.Errorf("%d sign-ins with one code, %d refused; want 1 and %d", ok, refused, n-1)
		}
	})
}

// TestTOTPKeysSealedAtRest: with HUDUMA_2FA_KEY set, the database holds no TOTP key in clear; the
// sealed value needs that key and opens only for its own account.
func TestTOTPKeysSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		key := []byte("0123456789abcdef0123456789abcdef")
		s := auth.NewStore(d, clock, bcrypt.MinCost)
		if err := s.SetSecretKey(key); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSecretKey([]byte("short")); err == nil {
			t.Error("a key of the wrong length was accepted")
		}
		s.SetSecretKey(key)
		u := newAccount(t, s, "sealed.key")
		other := newAccount(t, s, "other.row")
		secret, _ := enrol(t, s, u, now)
		var stored string
		if err := d.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "sealed1:") || strings.Contains(stored, secret) {
			t.Fatalf("stored %q for the key %s", stored, secret)
		}
		now = now.Add(auth.TOTPStep)
		code, _ := auth.TOTPCode(secret, now)
		token, _ := s.StartChallenge(ctx, u, "10.0.0.5")
		if _, _, err := s.CompleteChallenge(ctx, token, code, "test", "10.0.0.5"); err != nil {
			t.Fatalf("signing in with a sealed key: %v", err)
		}
		// Without the key, or with another, the sealed value gives nothing (and says so).
		plain := auth.NewStore(d, clock, bcrypt.MinCost)
		wrong := auth.NewStore(d, clock, bcrypt.MinCost)
		wrong.SetSecretKey([]byte("fedcba9876543210fedcba9876543210"))
		for name, st := range map[string]*auth.Store{"no key": plain, "another key": wrong} {
			token, _ := st.StartChallenge(ctx, u, "10.0.0.5")
			now = now.Add(auth.TOTPStep)
			code, _ := auth.TOTPCode(secret, now)
			if _, _, err := st.CompleteChallenge(ctx, token, code, "test", "10.0.0.5"); err == nil || err == auth.ErrBadCode {
				t.Errorf("%s: %v, want an error that names the missing key", name, err)
			}
		}
		// Copied into another account's row, it does not open.
		if _, err := d.ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled_at = NULL WHERE id = $2`, stored, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TwoFactorOf(ctx, other.ID); err == nil {
			t.Error("a sealed key opened for another account")
		}
	})
}
