"""Pages of the bulletins app: notices (notices.py) and information reports (reports.py)."""
