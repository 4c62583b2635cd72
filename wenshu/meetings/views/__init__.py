"""Pages of the meetings app: each view fetches through a selector (404 for a meeting that is
not the viewer's business) and changes things only through a service."""
