-- Glue-style crawlers.
--
-- A crawler is stored whole as JSON in record (crawler.Crawler with Glue's
-- field names: definition, State, LastCrawl). folders is a JSON array of
-- the data folders earlier crawls saw ("s3://bucket/prefix/"), which
-- CRAWL_NEW_FOLDERS_ONLY crawls skip; it is kept apart because it grows
-- with the data and GetCrawler output does not show it.

CREATE TABLE crawlers (
	name    TEXT NOT NULL PRIMARY KEY,
	record  TEXT NOT NULL CHECK (json_valid(record)),
	folders TEXT NOT NULL CHECK (json_valid(folders))
) STRICT;
