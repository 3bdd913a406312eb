package fsbucket

import (
	"os"
	"path/filepath"
	"syscall"
)

// atFDCWD is Linux's AT_FDCWD. renameat ignores it for absolute paths.
const atFDCWD = -0x64

// renameIn renames the file at the absolute path src to name in the
// directory d. Naming the target directory by its descriptor means no
// symbolic link swapped in meanwhile can redirect the rename.
func renameIn(d *os.File, src, name string) error {
	if err := syscall.Renameat(atFDCWD, src, int(d.Fd()), name); err != nil {
		return &os.LinkError{Op: "rename", Old: src, New: filepath.Join(d.Name(), name), Err: err}
	}
	return nil
}
