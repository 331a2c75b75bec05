"""Ledger pages. Every query starts from `visible_to(request.user)`; out of scope is 404."""
