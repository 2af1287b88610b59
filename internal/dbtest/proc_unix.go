//go:build unix && !linux

package dbtest

import (
	"os"
	"syscall"
)

// childAttr runs a child as owner (nil: as ourselves). Only Linux can have the kernel kill the server
// when the test binary dies, so elsewhere a test binary that dies without running Main leaves it.
func childAttr(owner *account, server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if owner != nil {
		a.Credential = &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid)}
	}
	return a
}

// quit asks the server for an immediate shutdown.
func quit(p *os.Process) { p.Signal(syscall.SIGQUIT) }

// alive reports whether process pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// memTempDir: only Linux's /dev/shm is known to be a memory file system.
func memTempDir() string { return "" }
