"""Pages composed from panels.

A page (the school page, the partnership page, the profile) is a list of panels that each
app registers from its own ``panels.py``: the page imports only this registry, never the
apps that fill it. Plain package: it imports Django and nothing of Even Better.
"""
