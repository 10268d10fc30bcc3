"""Reports: CSV, JSON, HTML and PDF exports, charts."""
