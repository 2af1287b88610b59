package dbtest

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// childAttr runs a child as owner (nil: as ourselves); a server child also gets killed by the kernel
// if the test binary dies first.
func childAttr(owner *account, server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true} // our terminal's Ctrl-C is for the test binary, not the server
	if owner != nil {
		a.Credential = &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid)}
	}
	if server {
		a.Pdeathsig = syscall.SIGKILL
	}
	return a
}

// quit asks the server for an immediate shutdown.
func quit(p *os.Process) { p.Signal(syscall.SIGQUIT) }

// alive reports whether process pid exists and is not a zombie (a killed server whose parent died
// stays one until something reaps it).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && err != syscall.EPERM {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// pid (comm) state ...; comm may hold spaces and parentheses, so look after the last ')'.
	state := bytes.TrimSpace(stat[bytes.LastIndexByte(stat, ')')+1:])
	return len(state) == 0 || state[0] != 'Z'
}

// memTempDir returns /dev/shm if it is a memory file system with at least 1 GiB free (a container's
// default 64 MiB is not enough), else "".
func memTempDir() string {
	const dir = "/dev/shm"
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return ""
	}
	const tmpfsMagic = 0x01021994
	if st.Type != tmpfsMagic || uint64(st.Bavail)*uint64(st.Bsize) < 1<<30 {
		return ""
	}
	if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
		return ""
	}
	return dir
}
