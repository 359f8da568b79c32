"""Making data: drafts from a report's text, segmentation, taxonomies, synthetic corpora."""
