//go:build !unix

package dbtest

import (
	"os"
	"syscall"
)

// childAttr: outside Unix the tests never run as root (Geteuid is -1), so owner is always nil.
func childAttr(owner *account, server bool) *syscall.SysProcAttr { return nil }

// quit stops the server; only Unix has a signal for an immediate shutdown.
func quit(p *os.Process) { p.Kill() }

// alive reports true: without a portable check, never sweep another binary's directory.
func alive(pid int) bool { return true }

// memTempDir: only Linux's /dev/shm is known to be a memory file system.
func memTempDir() string { return "" }
