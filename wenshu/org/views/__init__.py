"""Unit pages. Every view fetches through a selector (scoped to the viewer) and changes
things only through a service; refusals come back as a message on the same form."""
