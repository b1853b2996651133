"""Addresses of the consultations, mounted under /espace/ (namespace ``consultations``)."""

from __future__ import annotations

from django.urls import path

from ancrage.web.consultations import views, views_report

app_name = "consultations"
BASE = "organisations/<int:org>/consultations/"

urlpatterns = [
    path(BASE, views.consultation_list, name="list"),
    path(BASE + "nouvelle/", views.consultation_create, name="create"),
    path(BASE + "importer/", views.consultation_import, name="import"),
    path(BASE + "verifier/", views.consultation_check, name="check"),
    path(BASE + "<int:pk>/", views.consultation_detail, name="detail"),
    path(BASE + "<int:pk>/modifier/", views.consultation_edit, name="edit"),
    path(BASE + "<int:pk>/supprimer/", views.consultation_delete, name="delete"),
    path(BASE + "<int:pk>/rapport/", views_report.report, name="report"),
    path(BASE + "<int:pk>/rapport.pdf", views_report.report_pdf, name="report_pdf"),
    path(BASE + "<int:pk>/export.yaml", views_report.export, {"fmt": "yaml"}, name="export_yaml"),
    path(BASE + "<int:pk>/export.json", views_report.export, {"fmt": "json"}, name="export_json"),
]
