// Package datadir lays out weir's data directory and guards it with a lock
// so that two processes never do work in it at once.
//
// A data directory holds:
//
//	weir.lock     the lock file; its content names the holder
//	weir.db       the metadata store (catalog, query executions, ...)
//	lake/         the object store: lake/<bucket>/<key>
//	staging/      files being written by queries, published atomically
//	tmp/          engine spill files
//
// The process that runs work (queries, crawls, executions) takes the lock
// exclusively. Commands that only read metadata open the directory without
// it.
package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/weirdata/weir/internal/errs"
)

// DefaultPath is the data directory used when none is configured.
const DefaultPath = "weir-data"

// ErrLocked is returned by Lock when another process holds the directory.
var ErrLocked = errs.E("", errs.Unavailable, errors.New("data directory is in use"))

// Dir is an opened data directory.
type Dir struct {
	Root string // absolute path
	lock *os.File
}

// Holder describes the process that holds a directory's lock.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	Address string    `json:"address,omitempty"` // set by weir serve
}

// Open resolves root, creating it and its sub-directories if needed. It
// does not take the lock.
func Open(root string) (*Dir, error) {
	if root == "" {
		root = DefaultPath
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", root, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, errs.Errorf("datadir.Open", errs.Invalid, "data directory %s is a file, not a directory; choose another path with --data-dir", abs)
	}
	d := &Dir{Root: abs}
	for _, sub := range []string{"", "lake", "staging", "tmp"} {
		if err := os.MkdirAll(filepath.Join(abs, sub), 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	return d, nil
}

// MetadataPath is the path of the metadata database.
func (d *Dir) MetadataPath() string { return filepath.Join(d.Root, "weir.db") }

// LakePath is the root of the object store.
func (d *Dir) LakePath() string { return filepath.Join(d.Root, "lake") }

// StagingPath is where writes are staged before they are published.
func (d *Dir) StagingPath() string { return filepath.Join(d.Root, "staging") }

// TempPath is where the engine spills to disk.
func (d *Dir) TempPath() string { return filepath.Join(d.Root, "tmp") }

// FunctionLogsPath is where functions' invocation logs are kept.
func (d *Dir) FunctionLogsPath() string { return filepath.Join(d.Root, "logs", "functions") }

func (d *Dir) lockPath() string { return filepath.Join(d.Root, "weir.lock") }

// Lock takes the directory's lock for this process, recording holder in
// the lock file. If another process holds it, Lock fails at once with an
// error wrapping ErrLocked that names the holder.
func (d *Dir) Lock(holder Holder) error {
	if d.lock != nil {
		return nil
	}
	f, err := os.OpenFile(d.lockPath(), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return d.lockedError()
		}
		return fmt.Errorf("lock %s: %w", d.lockPath(), err)
	}
	if holder.PID == 0 {
		holder.PID = os.Getpid()
	}
	if holder.Since.IsZero() {
		holder.Since = time.Now().UTC()
	}
	if err := writeHolder(f, holder); err != nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
		return err
	}
	d.lock = f
	return nil
}

// Adopt takes over a lock file that an ancestor process locked and passed
// down (flock locks belong to the open file, so they survive the parent's
// exit while the child holds the file open). It records holder (this
// process, as for Lock) in the lock file, so that a process refused the
// lock is told who holds it now rather than the parent that has exited.
func (d *Dir) Adopt(f *os.File, holder Holder) error {
	d.lock = f
	if holder.PID == 0 {
		holder.PID = os.Getpid()
	}
	if holder.Since.IsZero() {
		holder.Since = time.Now().UTC()
	}
	return writeHolder(f, holder)
}

// LockFile returns the open lock file while the lock is held, so that a
// child process can inherit it; nil otherwise.
func (d *Dir) LockFile() *os.File { return d.lock }

// SetAddress records the address a server listens on in the lock file.
func (d *Dir) SetAddress(addr string) error {
	if d.lock == nil {
		return errs.Errorf("datadir.SetAddress", errs.Conflict, "the data directory is not locked by this process")
	}
	h, err := d.Holder()
	if err != nil {
		return err
	}
	h.Address = addr
	return writeHolder(d.lock, h)
}

// Holder reads who holds (or last held) the lock.
func (d *Dir) Holder() (Holder, error) {
	var h Holder
	b, err := os.ReadFile(d.lockPath())
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("read lock file %s: %w", d.lockPath(), err)
	}
	return h, nil
}

// Unlock releases the lock. The lock file is kept (removing it would race
// with a process that just opened it).
func (d *Dir) Unlock() error {
	if d.lock == nil {
		return nil
	}
	f := d.lock
	d.lock = nil
	f.Truncate(0)
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return f.Close()
}

func (d *Dir) lockedError() error {
	msg := fmt.Sprintf("data directory %s is in use by another weir process", d.Root)
	h, err := d.Holder()
	if err == nil && h.PID != 0 {
		var parts []string
		parts = append(parts, fmt.Sprintf("pid %d", h.PID))
		if h.Command != "" {
			parts = append(parts, fmt.Sprintf("%q", h.Command))
		}
		if !h.Since.IsZero() {
			parts = append(parts, "since "+h.Since.Local().Format("2006-01-02 15:04:05"))
		}
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	if err == nil && h.Address != "" {
		// A server does not finish by itself; the verbs that reach here
		// are the ones that work in-process only.
		msg += fmt.Sprintf("; stop weir serve (at %s) to run this command here, or use another --data-dir", h.Address)
	} else {
		msg += "; wait for it to finish, or use another --data-dir"
	}
	return &lockedError{msg: msg}
}

// lockedError names the holder of a lock; it matches ErrLocked.
type lockedError struct{ msg string }

func (e *lockedError) Error() string { return e.msg }
func (e *lockedError) Unwrap() error { return ErrLocked }

func writeHolder(f *os.File, h Holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}
