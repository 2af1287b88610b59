package dbtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// localServer is a throwaway PostgreSQL server that this test binary started: its data directory
// is a temporary directory, it listens on a free port on 127.0.0.1 only (and on a unix socket in its
// own directory), and it trades durability for speed (fsync, full-page writes and synchronous commit
// are off). The server process is a child of the test binary and, on Linux, is killed by the kernel
// if the test binary dies without running Main (a panic or a -timeout), so no server outlives its
// tests; the directory such a death leaves behind is swept by the next test binary that starts one.
type localServer struct {
	dir    string // everything: owner.pid, data/, sock/, postgres.log
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed when the server process has exited
}

// dirPrefix starts the names of the temporary directories of local servers, for the sweep.
const dirPrefix = "huduma-pg-"

func (l *localServer) url() *url.URL {
	return &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(l.port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
}

func startLocal(ctx context.Context) (*localServer, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	owner, err := serverAccount()
	if err != nil {
		return nil, err
	}
	sweepStale()

	// os.MkdirTemp makes the directory 0700; open it up so that the postgres user can reach the
	// data and socket directories inside, which belong to it.
	dir, err := os.MkdirTemp(tempBase(), dirPrefix)
	if err != nil {
		return nil, err
	}
	l := &localServer{dir: dir}
	fail := func(err error) (*localServer, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fail(err)
	}
	for _, sub := range []string{"data", "sock"} {
		p := filepath.Join(dir, sub)
		if err := os.Mkdir(p, 0o700); err != nil {
			return fail(err)
		}
		if owner != nil {
			if err := os.Chown(p, owner.uid, owner.gid); err != nil {
				return fail(err)
			}
		}
	}

	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"--pgdata", filepath.Join(dir, "data"),
		"--username", "postgres",
		"--auth", "trust",
		"--encoding", "UTF8",
		"--locale", "C", // byte-order collation, as SQLite has
		"--no-sync",
	)
	initdb.Dir = dir // the test's working directory may be closed to the postgres user
	initdb.Env = childEnv()
	initdb.SysProcAttr = childAttr(owner, false)
	if out, err := initdb.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("%s failed: %w\n%s", initdb, err, out))
	}

	// A free port can be taken between our look and the server's bind; try again on a new one.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		err = l.start(ctx, bin, owner, port)
		if err == nil {
			return l, nil
		}
		if attempt == 3 || !strings.Contains(err.Error(), "already in use") {
			return fail(err)
		}
	}
}

// start runs the server on port and waits until it accepts connections.
func (l *localServer) start(ctx context.Context, bin string, owner *account, port int) error {
	logPath := filepath.Join(l.dir, "postgres.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logf.Close() // the server has its own copy
	cmd := exec.Command(filepath.Join(bin, "postgres"),
		"-D", filepath.Join(l.dir, "data"),
		"-p", strconv.Itoa(port),
		"-h", "127.0.0.1",
		"-k", filepath.Join(l.dir, "sock"),
		"-c", "fsync=off",
		"-c", "full_page_writes=off",
		"-c", "synchronous_commit=off",
		"-c", "wal_level=minimal",
		"-c", "max_wal_senders=0",
		"-c", "autovacuum=off",
		"-c", "max_connections=300", // each test database's pool may hold up to 20
		"-c", "timezone=UTC",
		"-c", "log_min_messages=warning",
		"-c", "dynamic_shared_memory_type=mmap", // segments in the data directory, removed with it even after a kill
	)
	cmd.Dir = l.dir
	cmd.Env = childEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr(owner, true)
	l.cmd, l.port, l.exited = cmd, port, make(chan struct{})

	// Linux sends the parent-death signal when the thread that started the child ends, not the
	// process; so start the server from a goroutine that keeps its thread for as long as the server
	// runs.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine, after the server
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		close(l.exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}

	failed := func(why string) error {
		out, _ := os.ReadFile(logPath)
		return fmt.Errorf("PostgreSQL server (%s) %s; its log:\n%s", cmd, why, bytes.TrimSpace(out))
	}
	conn, err := sql.Open("pgx", l.url().String())
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-l.exited:
			return failed("exited: " + cmd.ProcessState.String())
		default:
		}
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := conn.PingContext(pctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			l.kill()
			return failed(fmt.Sprintf("did not accept connections: %v", err))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// stop shuts the server down and removes its directory.
func (l *localServer) stop() error {
	l.kill()
	return os.RemoveAll(l.dir)
}

// kill shuts the server down at once, without a checkpoint: its data is thrown away.
func (l *localServer) kill() {
	if l.cmd != nil && l.cmd.Process != nil {
		select {
		case <-l.exited:
		default:
			quit(l.cmd.Process)
			select {
			case <-l.exited:
			case <-time.After(15 * time.Second):
				l.cmd.Process.Kill()
				<-l.exited
			}
		}
	}
}

// findBinDir finds the directory with initdb and postgres: beside initdb on PATH, else the newest
// /usr/lib/postgresql/<version>/bin (Debian's layout).
func findBinDir() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { // newest first
		if va, vb := version(a), version(b); va != vb {
			if va > vb {
				return -1
			}
			return 1
		}
		return strings.Compare(b, a)
	})
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	return "", &unavailableError{"no initdb and postgres on PATH or in /usr/lib/postgresql/*/bin"}
}

// account is the user the server runs as when the tests run as root, which PostgreSQL refuses.
type account struct{ uid, gid int }

// serverAccount returns nil when the server can run as the current user, and the postgres user's
// account when running as root.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, &unavailableError{"running as root, which PostgreSQL refuses, and there is no postgres user to run it as (" + err.Error() + ")"}
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("postgres user: %w", err)
	}
	return &account{uid: uid, gid: gid}, nil
}

// childEnv is the environment of initdb and the server: ours, in the C locale (English messages),
// without PG* variables that could point them elsewhere.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return append(env, "LC_ALL=C")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tempBase is where the server's directory goes: a memory file system if there is a roomy one (on a
// disk, cloning a database costs ten times more, mostly in creating its few hundred files), else
// the usual temporary directory.
func tempBase() string {
	if dir := memTempDir(); dir != "" {
		return dir
	}
	return os.TempDir()
}

// sweepStale removes the directories of local servers whose test binary and server have both died
// without cleaning up (a panic, a -timeout, a kill).
func sweepStale() {
	var dirs []string
	for _, base := range []string{memTempDir(), os.TempDir()} {
		if base != "" {
			found, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
			dirs = append(dirs, found...)
		}
	}
	for _, dir := range dirs {
		if !deadPID(filepath.Join(dir, "owner.pid"), false) {
			continue
		}
		// postmaster.pid's first line is the server's PID; no file means no server.
		if !deadPID(filepath.Join(dir, "data", "postmaster.pid"), true) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// deadPID reports whether the file holds, on its first line, the PID of a process that no longer
// exists. A missing file counts as dead if missingIsDead.
func deadPID(path string, missingIsDead bool) bool {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return missingIsDead
	}
	if err != nil {
		return false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	return err == nil && pid > 0 && !alive(pid)
}
