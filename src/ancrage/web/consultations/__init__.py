"""Consultations of an organisation, checked against the law before publication (issue 5 §4).

Only ``access.py`` reads consultations for a user and only ``actions.py`` writes them; views and
API endpoints go through both, so that the organisation check lives in one place.
"""
