"""The Ancrage web application (Django): public observatory, private workspaces, JSON API.

The analytical core never imports this package; this package reads the warehouse through
``ancrage.warehouse``.
"""
