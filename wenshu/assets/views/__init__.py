"""Pages of the equipment app: register, requests, stock-takes (one module each)."""
