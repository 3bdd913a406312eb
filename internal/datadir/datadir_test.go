package datadir

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weirdata/weir/internal/errs"
)

func TestOpenCreatesLayout(t *testing.T) {
	root := filepath.Join(t.TempDir(), "data")
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{d.LakePath(), d.StagingPath(), d.TempPath()} {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			t.Errorf("%s not created: %v", p, err)
		}
	}
	if !filepath.IsAbs(d.Root) {
		t.Errorf("Root %q is not absolute", d.Root)
	}
}

func TestOpenRefusesFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(f)
	if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "is a file") {
		t.Fatalf("Open(file) = %v, want an Invalid error saying it is a file", err)
	}
}

// TestLockExcludesOtherProcess takes the lock in a child process (flock
// locks are per open file description, so a second process is the honest
// test) and checks that this process is refused with the holder named.
func TestLockExcludesOtherProcess(t *testing.T) {
	if os.Getenv("WEIR_DATADIR_CHILD") != "" {
		d, err := Open(os.Getenv("WEIR_DATADIR_CHILD"))
		if err != nil {
			os.Exit(2)
		}
		if err := d.Lock(Holder{Command: "weir query"}); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		buf := make([]byte, 1)
		os.Stdin.Read(buf) // hold the lock until the parent closes stdin
		os.Exit(0)
	}
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockExcludesOtherProcess$")
	cmd.Env = append(os.Environ(), "WEIR_DATADIR_CHILD="+root)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not take the lock: %q %v", buf, err)
	}

	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Lock(Holder{Command: "weir lake cp"})
	if !errors.Is(err, ErrLocked) || !errors.Is(err, errs.Unavailable) {
		t.Fatalf("Lock while held = %v, want ErrLocked", err)
	}
	for _, want := range []string{"in use by another weir process", `"weir query"`, "pid "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	// The child is gone: the lock is free again.
	if err := d.Lock(Holder{Command: "weir lake cp"}); err != nil {
		t.Fatalf("Lock after the holder exited: %v", err)
	}
	h, err := d.Holder()
	if err != nil || h.PID != os.Getpid() || h.Command != "weir lake cp" {
		t.Fatalf("Holder = %+v, %v", h, err)
	}
	if err := d.SetAddress("127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	if h, _ := d.Holder(); h.Address != "127.0.0.1:8080" {
		t.Errorf("address not recorded: %+v", h)
	}
	if err := d.Unlock(); err != nil {
		t.Fatal(err)
	}
}

// TestLockedErrorAdvice: a weir serve never finishes by itself, so the
// error does not tell the user to wait for it.
func TestLockedErrorAdvice(t *testing.T) {
	for _, tc := range []struct {
		name    string
		holder  string
		want    string
		notWant string
	}{
		{"a command", `{"pid": 42, "command": "weir query"}`, "wait for it to finish, or use another --data-dir", ""},
		{"a server", `{"pid": 42, "command": "weir serve", "address": "127.0.0.1:8337"}`,
			"stop weir serve (at 127.0.0.1:8337) to run this command here, or use another --data-dir", "wait for it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(d.lockPath(), []byte(tc.holder), 0o644); err != nil {
				t.Fatal(err)
			}
			msg := d.lockedError().Error()
			if !strings.Contains(msg, tc.want) || tc.notWant != "" && strings.Contains(msg, tc.notWant) {
				t.Errorf("error %q: want %q, not %q", msg, tc.want, tc.notWant)
			}
		})
	}
}
