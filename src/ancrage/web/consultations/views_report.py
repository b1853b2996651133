"""The printable report of a consultation (HTML with print styles, and PDF) and its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from ancrage.web.consultations import access, checking, documents
from ancrage.web.consultations.models import Consultation
from ancrage.web.consultations.views import _crumbs


def _report_context(request: HttpRequest, org: int, pk: int) -> dict:
    consultation = access.get_consultation_for(request.user, org, pk)
    membership = access.organisation_for(request.user, org)
    return {
        "title": f"Rapport de conformité — {consultation.object}",
        "organisation": membership.organisation,
        "membership": membership,
        "consultation": consultation,
        "result": checking.present_data(consultation.data),
        "generated_at": timezone.localtime(),
        "breadcrumb_data": _crumbs(membership, "Rapport", consultation),
    }


@login_required
def report(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    context = _report_context(request, org, pk)
    return HttpResponse(render_to_string("consultations/report.html", context, request))


@login_required
def report_pdf(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    context = _report_context(request, org, pk)
    html = render_to_string("consultations/report_pdf.html", context, request)
    # Imported here: WeasyPrint needs system libraries (Pango) that the other pages do not.
    from weasyprint import HTML

    response = HttpResponse(
        HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{_stem(context["consultation"])}.pdf"'
    return response


def _stem(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}"


@login_required
def export(request: HttpRequest, org: int, pk: int, fmt: str) -> HttpResponse:
    consultation = access.get_consultation_for(request.user, org, pk)
    if fmt == "json":
        body, content_type = documents.to_json(consultation.data), "application/json"
    else:
        body, content_type = documents.to_yaml(consultation.data), "application/yaml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_stem(consultation)}.{fmt}"'
    return response
