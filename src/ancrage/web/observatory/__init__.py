"""Public observatory pages: home, buyer search and pages, supplier pages, exports."""
