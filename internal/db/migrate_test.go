package db_test

import (
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// TestTwoNodesMigrateOnce: two nodes started at once on one fresh PostgreSQL database both come up,
// and every migration is applied exactly once (one of them waits for the other's lock).
func TestTwoNodesMigrateOnce(t *testing.T) {
	dsn := dbtest.PostgresEmpty(t)
	nodes := make([]*db.DB, 2)
	for i := range nodes {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		nodes[i] = d
	}
	applied := make([][]string, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, d := range nodes {
		wg.Go(func() { applied[i], errs[i] = d.Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	ms, err := db.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(applied[0]), applied[1]...)
	if len(all) != len(ms) {
		t.Errorf("applied %d migrations between the two nodes (%v and %v), want each of %d once", len(all), applied[0], applied[1], len(ms))
	}
	var n, distinct int
	if err := nodes[0].QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || distinct != len(ms) {
		t.Errorf("schema_migrations has %d rows (%d versions), want %d", n, distinct, len(ms))
	}
}

// TestMigrationOutsideTransaction: a migration whose first line is the no-transaction directive
// runs its statements one by one outside any transaction, so PostgreSQL's CREATE INDEX
// CONCURRENTLY (refused inside a transaction block) can be a migration; it is recorded like any other.
func TestMigrationOutsideTransaction(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_things.sql": {Data: []byte(`CREATE TABLE things (id {{ID}}, name TEXT NOT NULL);
INSERT INTO things (name) VALUES ('one');`)},
		"migrations/0002_things_name.postgres.sql": {Data: []byte(`-- huduma:no-transaction
-- Built without locking writers out of things.
CREATE INDEX CONCURRENTLY IF NOT EXISTS things_name ON things (name);
CREATE INDEX CONCURRENTLY IF NOT EXISTS things_id_name ON things (id, name);
`)},
		"migrations/0003_things_more.sql": {Data: []byte(`-- huduma:no-transaction
CREATE INDEX IF NOT EXISTS things_name_id ON things (name, id);
`)},
	}
	for _, dsn := range []string{filepath.Join(t.TempDir(), "x.db"), dbtest.PostgresEmpty(t)} {
		d, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		t.Run(string(d.Engine), func(t *testing.T) {
			applied, err := db.MigrateFS(d, ctx, fsys)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"0001_things.sql", "0002_things_name.postgres.sql", "0003_things_more.sql"}; !slices.Equal(applied, want) {
				t.Errorf("applied %v, want %v", applied, want)
			}
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != 3 {
				t.Errorf("%d migrations recorded (%v), want 3", n, err)
			}
			want := map[db.Engine][]string{db.Postgres: {"things_name", "things_id_name", "things_name_id"}, db.SQLite: {"things_name_id"}}[d.Engine]
			for _, idx := range want {
				var found int
				q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1`
				if d.Engine == db.Postgres {
					q = `SELECT COUNT(*) FROM pg_indexes WHERE indexname = $1`
				}
				if err := d.QueryRowContext(ctx, q, idx).Scan(&found); err != nil || found != 1 {
					t.Errorf("index %s: found %d (%v)", idx, found, err)
				}
			}
			if again, err := db.MigrateFS(d, ctx, fsys); err != nil || len(again) != 0 {
				t.Errorf("second run applied %v, %v", again, err)
			}
		})
	}
}
