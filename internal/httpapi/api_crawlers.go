package httpapi

import (
	"net/http"

	"github.com/weirdata/weir/internal/crawler"
)

// Crawler is a Glue crawler as GetCrawler shows it.
type Crawler = crawler.Crawler

// CrawlerInput is the definition of a crawler, with Glue's field names.
// In an update, absent fields keep their stored values.
type CrawlerInput struct {
	Name               string                      `json:"Name,omitempty"`
	DatabaseName       *string                     `json:"DatabaseName,omitempty"`
	Targets            *crawler.Targets            `json:"Targets,omitempty"`
	TablePrefix        *string                     `json:"TablePrefix,omitempty"`
	SchemaChangePolicy *crawler.SchemaChangePolicy `json:"SchemaChangePolicy,omitempty"`
	RecrawlPolicy      *crawler.RecrawlPolicy      `json:"RecrawlPolicy,omitempty"`
	Grouping           *crawler.Grouping           `json:"Grouping,omitempty"`
	// InferTypes is glue (timestamps are strings) or rich.
	InferTypes *string `json:"InferTypes,omitempty"`
}

// apply sets c's definition fields from in.
func (in *CrawlerInput) apply(c *crawler.Crawler) {
	set(&c.DatabaseName, in.DatabaseName)
	set(&c.Targets, in.Targets)
	set(&c.TablePrefix, in.TablePrefix)
	set(&c.SchemaChangePolicy, in.SchemaChangePolicy)
	set(&c.RecrawlPolicy, in.RecrawlPolicy)
	set(&c.Grouping, in.Grouping)
	set(&c.InferTypes, in.InferTypes)
}

// set copies *v into *dst when v is not nil.
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// CrawlerList is a page of listCrawlers.
type CrawlerList struct {
	Crawlers  []*Crawler `json:"crawlers"`
	NextToken string     `json:"nextToken,omitempty"`
}

func (s *Server) crawlers() (Crawlers, error) {
	if s.svc.Crawlers == nil {
		return nil, unavailable("crawlers")
	}
	return s.svc.Crawlers, nil
}

func (s *Server) createCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	var in CrawlerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := crawler.NewCrawler(in.Name, "")
	in.apply(c)
	if err := cs.Create(r.Context(), c); err != nil {
		return err
	}
	return s.answerCrawler(w, r, cs, c.Name, http.StatusCreated)
}

func (s *Server) answerCrawler(w http.ResponseWriter, r *http.Request, cs Crawlers, name string, status int) error {
	c, err := cs.Get(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, status, c)
	return nil
}

func (s *Server) listCrawlers(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	list, err := cs.List(r.Context())
	if err != nil {
		return err
	}
	out := CrawlerList{}
	if out.Crawlers, out.NextToken, err = listPage(r, list, func(c *crawler.Crawler) string { return c.Name }, same); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	return s.answerCrawler(w, r, cs, r.PathValue("name"), http.StatusOK)
}

func (s *Server) updateCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	var in CrawlerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	name := r.PathValue("name")
	if in.Name != "" && in.Name != name {
		return invalid("a crawler cannot be renamed: Name " + in.Name + " differs from " + name + " in the path")
	}
	if err := cs.Update(r.Context(), name, func(c *crawler.Crawler) error { in.apply(c); return nil }); err != nil {
		return err
	}
	return s.answerCrawler(w, r, cs, name, http.StatusOK)
}

func (s *Server) deleteCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	if err := cs.Delete(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) startCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	c, err := cs.Start(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, c)
	return nil
}

func (s *Server) stopCrawler(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.crawlers()
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	if err := cs.Stop(r.Context(), name); err != nil {
		return err
	}
	return s.answerCrawler(w, r, cs, name, http.StatusOK)
}
