package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/weirdata/weir/internal/lake"
)

func (e *env) lakeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lake",
		Short: "Work with the lake's buckets and objects, like 'aws s3'",
		Long: `Buckets and objects of the lake, addressed as s3://bucket/key. The lake is a
folder of the data directory (<data-dir>/lake/<bucket>/<key>).`,
	}
	var recursive, human bool
	ls := &cobra.Command{
		Use:   "ls [s3://bucket[/prefix]]",
		Short: "List buckets, or the objects and folders under a prefix",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lakeList(cmd.Context(), args, recursive, human)
		},
	}
	ls.Flags().BoolVarP(&recursive, "recursive", "r", false, "list every object under the prefix")
	ls.Flags().BoolVarP(&human, "human-readable", "H", false, "print sizes as 1.2 MB")

	var cpRecursive bool
	cp := &cobra.Command{
		Use:   "cp SOURCE DESTINATION",
		Short: "Copy files into, out of or within the lake",
		Example: `  weir lake cp data.json s3://raw/2020/05/12/data.json
  weir lake cp --recursive ./export/ s3://raw/export/
  weir lake cp s3://results/abc.csv .`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lakeCopy(cmd.Context(), args[0], args[1], cpRecursive)
		},
	}
	cp.Flags().BoolVarP(&cpRecursive, "recursive", "r", false, "copy a folder or prefix with everything under it")

	cat := &cobra.Command{
		Use:   "cat s3://bucket/key",
		Short: "Print an object",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lakeCat(cmd.Context(), args[0])
		},
	}

	var rmRecursive bool
	rm := &cobra.Command{
		Use:   "rm s3://bucket/key",
		Short: "Delete an object, or with --recursive everything under a prefix",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lakeRemove(cmd.Context(), args[0], rmRecursive)
		},
	}
	rm.Flags().BoolVarP(&rmRecursive, "recursive", "r", false, "delete every object under the prefix")

	mb := &cobra.Command{
		Use:   "mb s3://bucket",
		Short: "Make a bucket",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := bucketURI(args[0])
			if err != nil {
				return err
			}
			store, done, err := e.lake(cmd.Context(), "mb", true)
			if err != nil {
				return err
			}
			defer done()
			if _, err := store.CreateBucket(cmd.Context(), u.Bucket); err != nil {
				return kindError(err)
			}
			fmt.Fprintf(e.stdout, "make_bucket: %s\n", u.Bucket)
			return nil
		},
	}
	var force bool
	rb := &cobra.Command{
		Use:   "rb s3://bucket",
		Short: "Remove an empty bucket (or with --force, a bucket and its objects)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := bucketURI(args[0])
			if err != nil {
				return err
			}
			if force {
				if err := e.lakeRemove(cmd.Context(), u.String(), true); err != nil { // u.String() is "s3://bucket/"
					return err
				}
			}
			store, done, err := e.lake(cmd.Context(), "rb", true)
			if err != nil {
				return err
			}
			defer done()
			if err := store.DeleteBucket(cmd.Context(), u.Bucket); err != nil {
				if errors.Is(err, lake.ErrBucketNotEmpty) {
					return &ExitError{Code: ExitFailure, Err: fmt.Errorf("bucket %s is not empty; empty it first or use --force", u.Bucket)}
				}
				return kindError(err)
			}
			fmt.Fprintf(e.stdout, "remove_bucket: %s\n", u.Bucket)
			return nil
		},
	}
	rb.Flags().BoolVar(&force, "force", false, "delete the bucket's objects first")
	cmd.AddCommand(ls, cp, cat, rm, mb, rb)
	return cmd
}

func bucketURI(s string) (lake.URI, error) {
	u, err := lake.ParseURI(s)
	if err != nil {
		return u, &ExitError{Code: ExitUsage, Err: err}
	}
	if u.Key != "" {
		return u, usageError("%s names an object; give just s3://%s", s, u.Bucket)
	}
	return u, nil
}

func parseLakeURI(s string) (lake.URI, error) {
	u, err := lake.ParseURI(s)
	if err != nil {
		return u, &ExitError{Code: ExitUsage, Err: err}
	}
	return u, nil
}

func (e *env) lakeList(ctx context.Context, args []string, recursive, human bool) error {
	store, done, err := e.lake(ctx, "ls", false)
	if err != nil {
		return err
	}
	defer done()
	size := func(n int64) string {
		if human {
			return humanBytes(n)
		}
		return fmt.Sprint(n)
	}
	if len(args) == 0 {
		buckets, err := store.ListBuckets(ctx)
		if err != nil {
			return err
		}
		for _, b := range buckets {
			fmt.Fprintf(e.stdout, "%s %s\n", b.CreateTime.Local().Format("2006-01-02 15:04:05"), b.Name)
		}
		return nil
	}
	u, err := parseLakeURI(args[0])
	if err != nil {
		return err
	}
	b, err := store.Bucket(ctx, u.Bucket)
	if err != nil {
		return kindError(err)
	}
	base := ""
	if i := strings.LastIndexByte(u.Key, '/'); i >= 0 && !recursive {
		base = u.Key[:i+1]
	}
	for obj, err := range b.List(ctx, u.Key, recursive) {
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(obj.Key, base)
		if obj.IsPrefix {
			fmt.Fprintf(e.stdout, "%30s %s\n", "PRE", name)
			continue
		}
		fmt.Fprintf(e.stdout, "%s %10s %s\n", obj.ModTime.Local().Format("2006-01-02 15:04:05"), size(obj.Size), name)
	}
	return nil
}

func (e *env) lakeCat(ctx context.Context, arg string) error {
	u, err := parseLakeURI(arg)
	if err != nil {
		return err
	}
	store, done, err := e.lake(ctx, "cat", false)
	if err != nil {
		return err
	}
	defer done()
	b, err := store.Bucket(ctx, u.Bucket)
	if err != nil {
		return kindError(err)
	}
	r, err := b.Get(ctx, u.Key)
	if err != nil {
		return kindError(err)
	}
	defer r.Close()
	_, err = io.Copy(e.stdout, r)
	return err
}

func (e *env) lakeRemove(ctx context.Context, arg string, recursive bool) error {
	u, err := parseLakeURI(arg)
	if err != nil {
		return err
	}
	store, done, err := e.lake(ctx, "rm", true)
	if err != nil {
		return err
	}
	defer done()
	b, err := store.Bucket(ctx, u.Bucket)
	if err != nil {
		return kindError(err)
	}
	if !recursive {
		if u.Key == "" || strings.HasSuffix(u.Key, "/") {
			return usageError("%s is a folder; use --recursive to delete everything under it", arg)
		}
		if _, err := b.Stat(ctx, u.Key); err != nil {
			return kindError(err)
		}
		if err := b.Delete(ctx, u.Key); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "delete: %s\n", u)
		return nil
	}
	prefix := u.AsPrefix().Key
	var keys []string
	for obj, err := range b.List(ctx, prefix, true) {
		if err != nil {
			return err
		}
		keys = append(keys, obj.Key)
	}
	for _, k := range keys {
		if err := b.Delete(ctx, k); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "delete: %s\n", lake.URI{Bucket: u.Bucket, Key: k})
	}
	return nil
}

// transfer is one file to copy.
type transfer struct {
	src, dst string // local path or s3:// URI
	size     int64
}

func (e *env) lakeCopy(ctx context.Context, src, dst string, recursive bool) error {
	srcLake, dstLake := strings.HasPrefix(src, "s3://"), strings.HasPrefix(dst, "s3://")
	if !srcLake && !dstLake {
		return usageError("one side of cp must be a lake URI (s3://bucket/key)")
	}
	store, done, err := e.lake(ctx, "cp", dstLake)
	if err != nil {
		return err
	}
	defer done()
	plan, err := planCopy(ctx, store, src, dst, recursive)
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("nothing to copy under %s", src)}
	}
	var total int64
	for _, t := range plan {
		total += t.size
	}
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && isTerminal(f) && (len(plan) > 1 || total > 16<<20) {
		bar = progressbar.DefaultBytes(total, "copying")
	}
	for _, t := range plan {
		if err := copyOne(ctx, store, t, bar); err != nil {
			return err
		}
		if bar == nil {
			fmt.Fprintf(e.stdout, "copy: %s to %s\n", t.src, t.dst)
		}
	}
	if bar != nil {
		bar.Finish()
		fmt.Fprintf(e.stdout, "copied %d files (%s) to %s\n", len(plan), humanBytes(total), dst)
	}
	return nil
}

// planCopy lists the files a cp copies, following 'aws s3 cp' rules: a
// destination ending in "/" (or an existing local folder) receives the
// source's base name; --recursive copies everything under the source.
func planCopy(ctx context.Context, store lake.Store, src, dst string, recursive bool) ([]transfer, error) {
	var plan []transfer
	if strings.HasPrefix(src, "s3://") {
		u, err := parseLakeURI(src)
		if err != nil {
			return nil, err
		}
		b, err := store.Bucket(ctx, u.Bucket)
		if err != nil {
			return nil, kindError(err)
		}
		if recursive {
			prefix := u.AsPrefix().Key
			for obj, err := range b.List(ctx, prefix, true) {
				if err != nil {
					return nil, err
				}
				rel := strings.TrimPrefix(obj.Key, prefix)
				plan = append(plan, transfer{src: lake.URI{Bucket: u.Bucket, Key: obj.Key}.String(), dst: joinDest(dst, rel), size: obj.Size})
			}
			return plan, nil
		}
		info, err := b.Stat(ctx, u.Key)
		if err != nil {
			return nil, kindError(fmt.Errorf("%s: %w (use --recursive to copy a folder)", src, err))
		}
		return []transfer{{src: src, dst: fileDest(dst, path.Base(u.Key)), size: info.Size}}, nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	if !fi.IsDir() {
		return []transfer{{src: src, dst: fileDest(dst, filepath.Base(src)), size: fi.Size()}}, nil
	}
	if !recursive {
		return nil, usageError("%s is a folder; use --recursive to copy it", src)
	}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		plan = append(plan, transfer{src: p, dst: joinDest(dst, filepath.ToSlash(rel)), size: info.Size()})
		return nil
	})
	return plan, err
}

// joinDest joins a relative path under a destination folder.
func joinDest(dst, rel string) string {
	if strings.HasPrefix(dst, "s3://") {
		u, err := lake.ParseURI(dst)
		if err == nil {
			return u.AsPrefix().Join(rel).String()
		}
		return strings.TrimRight(dst, "/") + "/" + rel
	}
	return filepath.Join(dst, filepath.FromSlash(rel))
}

// fileDest is where one file goes: into dst when dst is a folder.
func fileDest(dst, base string) string {
	if strings.HasPrefix(dst, "s3://") {
		u, err := lake.ParseURI(dst)
		if err == nil && (u.Key == "" || strings.HasSuffix(u.Key, "/")) {
			return u.AsPrefix().Join(base).String()
		}
		return dst
	}
	if fi, err := os.Stat(dst); (err == nil && fi.IsDir()) || strings.HasSuffix(dst, string(filepath.Separator)) {
		return filepath.Join(dst, base)
	}
	return dst
}

func copyOne(ctx context.Context, store lake.Store, t transfer, bar *progressbar.ProgressBar) error {
	var r io.ReadCloser
	if strings.HasPrefix(t.src, "s3://") {
		u, _ := lake.ParseURI(t.src)
		b, err := store.Bucket(ctx, u.Bucket)
		if err != nil {
			return kindError(err)
		}
		if r, err = b.Get(ctx, u.Key); err != nil {
			return kindError(err)
		}
	} else {
		f, err := os.Open(t.src)
		if err != nil {
			return err
		}
		r = f
	}
	defer r.Close()
	var src io.Reader = r
	if bar != nil {
		pr := progressbar.NewReader(r, bar)
		src = &pr
	}
	if strings.HasPrefix(t.dst, "s3://") {
		u, err := lake.ParseURI(t.dst)
		if err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
		b, err := store.Bucket(ctx, u.Bucket)
		if err != nil {
			if errors.Is(err, lake.ErrBucketNotExist) {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("bucket %s does not exist; create it with: weir lake mb s3://%s", u.Bucket, u.Bucket)}
			}
			return err
		}
		_, err = b.Put(ctx, u.Key, src)
		return kindError(err)
	}
	if err := os.MkdirAll(filepath.Dir(t.dst), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(t.dst), ".weir-cp-*")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), t.dst)
}
