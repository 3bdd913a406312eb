package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/weirdata/weir/internal/lake"
)

// Bucket is a lake bucket, as S3's ListBuckets names its fields.
type Bucket struct {
	Name         string    `json:"Name"`
	CreationDate time.Time `json:"CreationDate"`
}

// BucketList is listBuckets' answer.
type BucketList struct {
	Buckets []Bucket `json:"buckets"`
}

// Object is an object's key, size and modification time.
type Object struct {
	Key          string    `json:"Key"`
	Size         int64     `json:"Size"`
	LastModified time.Time `json:"LastModified"`
}

// ObjectList is a page of listObjects.
type ObjectList struct {
	Objects []Object `json:"objects"`
	// CommonPrefixes are the "folders" under the prefix (without
	// recursive), each ending in "/".
	CommonPrefixes []string `json:"commonPrefixes"`
	NextToken      string   `json:"nextToken,omitempty"`
}

func (s *Server) lake() (Lake, error) {
	if s.svc.Lake == nil {
		return nil, unavailable("the lake's buckets")
	}
	return s.svc.Lake, nil
}

func (s *Server) listBuckets(w http.ResponseWriter, r *http.Request) error {
	l, err := s.lake()
	if err != nil {
		return err
	}
	bs, err := l.ListBuckets(r.Context())
	if err != nil {
		return err
	}
	out := BucketList{Buckets: []Bucket{}}
	for _, b := range bs {
		out.Buckets = append(out.Buckets, Bucket{Name: b.Name, CreationDate: b.CreateTime.UTC()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createBucket(w http.ResponseWriter, r *http.Request) error {
	l, err := s.lake()
	if err != nil {
		return err
	}
	name := r.PathValue("bucket")
	if _, err := l.CreateBucket(r.Context(), name); err != nil {
		return fmt.Errorf("bucket %s: %w", name, err)
	}
	writeJSON(w, http.StatusCreated, Bucket{Name: name, CreationDate: time.Now().UTC().Truncate(time.Millisecond)})
	return nil
}

func (s *Server) deleteBucket(w http.ResponseWriter, r *http.Request) error {
	l, err := s.lake()
	if err != nil {
		return err
	}
	name := r.PathValue("bucket")
	if err := l.DeleteBucket(r.Context(), name); err != nil {
		return fmt.Errorf("bucket %s: %w", name, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) bucket(r *http.Request) (lake.Bucket, error) {
	l, err := s.lake()
	if err != nil {
		return nil, err
	}
	name := r.PathValue("bucket")
	b, err := l.Bucket(r.Context(), name)
	if err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	return b, nil
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bucket(r)
	if err != nil {
		return err
	}
	max, err := maxResults(r, 1000, 1000)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	recursive := q.Get("recursive") == "true"
	// The listing is in key order: the token is the last key given, and
	// the next page starts after it.
	after := ""
	if t := q.Get("nextToken"); t != "" {
		if after, err = decodeToken(t); err != nil {
			return err
		}
	}
	out := ObjectList{Objects: []Object{}, CommonPrefixes: []string{}}
	n := 0
	for info, err := range b.List(r.Context(), q.Get("prefix"), recursive) {
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", b.Name(), q.Get("prefix"), err)
		}
		if info.Key <= after {
			continue
		}
		if n == max {
			out.NextToken = encodeToken(lastKey(out))
			break
		}
		n++
		if info.IsPrefix {
			out.CommonPrefixes = append(out.CommonPrefixes, info.Key)
		} else {
			out.Objects = append(out.Objects, Object{Key: info.Key, Size: info.Size, LastModified: info.ModTime.UTC().Truncate(time.Millisecond)})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// lastKey is the greatest key of a page (objects and prefixes come in
// one key order).
func lastKey(l ObjectList) string {
	k := ""
	if n := len(l.Objects); n > 0 {
		k = l.Objects[n-1].Key
	}
	if n := len(l.CommonPrefixes); n > 0 && l.CommonPrefixes[n-1] > k {
		k = l.CommonPrefixes[n-1]
	}
	return k
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bucket(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	info, err := b.Stat(r.Context(), key)
	if err != nil {
		return fmt.Errorf("s3://%s/%s: %w", b.Name(), key, err)
	}
	rc, err := b.Get(r.Context(), key)
	if err != nil {
		return fmt.Errorf("s3://%s/%s: %w", b.Name(), key, err)
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(info.Size, 10))
	w.Header().Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(w, rc)
	return err
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bucket(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	info, err := b.Put(r.Context(), key, r.Body)
	if err != nil {
		return fmt.Errorf("s3://%s/%s: %w", b.Name(), key, err)
	}
	writeJSON(w, http.StatusOK, Object{Key: key, Size: info.Size, LastModified: info.ModTime.UTC().Truncate(time.Millisecond)})
	return nil
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bucket(r)
	if err != nil {
		return err
	}
	key := r.PathValue("key")
	if err := b.Delete(r.Context(), key); err != nil {
		return fmt.Errorf("s3://%s/%s: %w", b.Name(), key, err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
