"""The JSON API (django-ninja), mounted at /api/ with its OpenAPI documentation at /api/docs."""
