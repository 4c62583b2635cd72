"""Models of the keys app."""
