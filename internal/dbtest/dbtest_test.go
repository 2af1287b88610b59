package dbtest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
)

func TestMain(m *testing.M) { Main(m) }

func TestEachRunsBothEnginesMigrated(t *testing.T) {
	var engines []db.Engine
	Each(t, func(t *testing.T, d *db.DB) {
		engines = append(engines, d.Engine)
		if !strings.HasSuffix(t.Name(), "/"+string(d.Engine)) {
			t.Errorf("subtest %s got a %s database", t.Name(), d.Engine)
		}
		ms, err := db.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRowContext(t.Context(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) || n == 0 {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		// A table from the first migration is there and empty.
		var agencies int
		if err := d.QueryRowContext(t.Context(), `SELECT count(*) FROM agencies`).Scan(&agencies); err != nil {
			t.Fatal(err)
		}
		if agencies != 0 {
			t.Errorf("a fresh database has %d agencies", agencies)
		}
		if d.Engine == db.Postgres {
			var version string
			if err := d.QueryRowContext(t.Context(), `SHOW server_version`).Scan(&version); err != nil {
				t.Fatal(err)
			}
			t.Logf("PostgreSQL %s at %s", version, d.Display)
		}
	})
	// A skipped postgres subtest never gets a database (and in CI it fails instead).
	if want := []db.Engine{db.SQLite, db.Postgres}; !slices.Equal(engines, want) && !slices.Equal(engines, want[:1]) {
		t.Errorf("engines run: %v, want %v", engines, want)
	}
}

// Two Each calls get databases that do not see each other's rows.
func TestEachDatabasesAreIndependent(t *testing.T) {
	insert := `INSERT INTO calendars (code, name, windows, created_at, updated_at)
		VALUES ('std', 'Standard', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`
	count := func(t *testing.T, d *db.DB) int {
		var n int
		if err := d.QueryRowContext(t.Context(), `SELECT count(*) FROM calendars`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var first []string
	Each(t, func(t *testing.T, d *db.DB) {
		if _, err := d.ExecContext(t.Context(), insert); err != nil {
			t.Fatal(err)
		}
		if n := count(t, d); n != 1 {
			t.Errorf("after one insert: %d calendars", n)
		}
		first = append(first, d.Display)
	})
	Each(t, func(t *testing.T, d *db.DB) {
		if n := count(t, d); n != 0 {
			t.Errorf("a second database sees %d calendars of the first", n)
		}
		if slices.Contains(first, d.Display) {
			t.Errorf("database %s handed out twice", d.Display)
		}
	})
}

// Parallel tests each get their own PostgreSQL database, cloned from the one template.
func TestPostgresParallel(t *testing.T) {
	for i := range 8 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			d := Postgres(t)
			if _, err := d.ExecContext(t.Context(), `INSERT INTO calendars (code, name, windows, created_at, updated_at)
				VALUES ($1, 'x', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, "c"); err != nil {
				t.Fatalf("insert %d: %v", i, err)
			}
		})
	}
}

// A dropped database is gone from the server once its test ends.
func TestPostgresDroppedAtCleanup(t *testing.T) {
	var name string
	t.Run("use", func(t *testing.T) {
		d := Postgres(t)
		if err := d.QueryRowContext(t.Context(), `SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	if name == "" {
		t.Skip("no PostgreSQL")
	}
	srv, err := pg.get()
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	if err := srv.admin.QueryRowContext(context.Background(),
		`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test", name)
	}
}

func TestFindBinDir(t *testing.T) {
	dir, err := findBinDir()
	if err != nil {
		t.Skip(err)
	}
	t.Logf("PostgreSQL binaries in %s", dir)
}
