"""The Scrapy project that finds and fetches annual reports on government portals (docs/crawling.md)."""
