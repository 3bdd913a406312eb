//go:build !linux

package fsbucket

import (
	"os"
	"path/filepath"
)

// renameIn renames the file at the absolute path src to name in the
// directory d. Without renameat the directory is named by its path, so
// unlike on Linux a symbolic link swapped into the bucket at the wrong
// moment could redirect the rename.
func renameIn(d *os.File, src, name string) error {
	return os.Rename(src, filepath.Join(d.Name(), name))
}
