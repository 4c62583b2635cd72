"""Pages of the documents app: drafts (drafts.py), the flow and 用印 (flow.py), files
(files.py). Reads go through selectors (another unit's document is a 404), changes through
services; a refusal shows on the same page with what was typed kept."""
