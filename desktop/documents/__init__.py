"""Offer and contract documents: French formatting (babel) and PDF rendering (reportlab).

Nothing here imports Qt. babel and reportlab are imported on first use, inside the functions
that need them, so importing this package costs nothing at application start-up.
"""
