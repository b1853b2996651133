"""Pages of the consultations under /espace/: every view fetches through ``access`` and writes
through ``actions``; the edit form is checked live by ``verifier``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ancrage.compliance import ConsultationError
from ancrage.web.accounts.actions import ActionError
from ancrage.web.accounts.models import Membership
from ancrage.web.consultations import access, actions, checking, documents
from ancrage.web.consultations.editor import ConsultationEditor
from ancrage.web.consultations.models import Consultation

SAVED = "Consultation enregistrée."


def _crumbs(
    membership: Membership,
    current: str,
    consultation: Consultation | None = None,
    in_list: bool = True,
) -> dict[str, Any]:
    """Breadcrumb: my space, the organisation, the list (unless on it), the consultation."""
    organisation = membership.organisation
    links = [
        {"url": reverse("espace:dashboard"), "title": "Mon espace"},
        {"url": reverse("espace:organisation", args=[organisation.pk]), "title": organisation.name},
    ]
    if in_list:
        links.append(
            {"url": reverse("consultations:list", args=[organisation.pk]), "title": "Consultations"}
        )
    if consultation is not None:
        links.append(
            {
                "url": reverse("consultations:detail", args=[organisation.pk, consultation.pk]),
                "title": f"Consultation n° {consultation.pk}",
            }
        )
    return {"links": links, "current": current}


@login_required
def consultation_list(request: HttpRequest, org: int) -> HttpResponse:
    membership = access.organisation_for(request.user, org)
    return render(
        request,
        "consultations/list.html",
        {
            "title": f"Consultations — {membership.organisation.name}",
            "organisation": membership.organisation,
            "membership": membership,
            "can_write": access.can_write(membership),
            "consultations": access.consultations_for(request.user, org),
            "breadcrumb_data": _crumbs(membership, "Consultations", in_list=False),
        },
    )


def _editor_page(
    request: HttpRequest,
    membership: Membership,
    editor: ConsultationEditor,
    consultation: Consultation | None,
    status: int = 200,
    errors: list[str] | None = None,
) -> HttpResponse:
    """The edit page, with the findings of what the form currently holds."""
    org = membership.organisation.pk
    if editor.form.is_bound:
        result = _check_editor(editor)
    elif consultation is not None:
        result = checking.present_data(consultation.data)
    else:
        result = {"incomplete": True}
    title = "Nouvelle consultation" if consultation is None else "Modifier la consultation"
    return render(
        request,
        "consultations/edit.html",
        {
            "title": title,
            "organisation": membership.organisation,
            "membership": membership,
            "consultation": consultation,
            "editor": editor,
            "errors": errors or [],
            "result": result,
            "check_url": reverse("consultations:check", args=[org]),
            "breadcrumb_data": _crumbs(membership, title, consultation),
        },
        status=status,
    )


def _check_editor(editor: ConsultationEditor) -> dict[str, Any]:
    if not editor.is_valid():
        return {"incomplete": True, "form_errors": editor.errors()}
    return checking.present_data(editor.to_data())


def _save(
    request: HttpRequest, membership: Membership, consultation: Consultation | None
) -> HttpResponse:
    editor = ConsultationEditor(request.POST)
    if request.POST.get("action") == "check" or not editor.is_valid():
        status = 200 if request.POST.get("action") == "check" else 400
        return _editor_page(request, membership, editor, consultation, status, editor.errors())
    try:
        if consultation is None:
            consultation = actions.do_create_consultation(
                membership.organisation, editor.to_data(), request.user
            )
        else:
            actions.do_update_consultation(consultation, editor.to_data(), request.user)
    except ActionError as error:
        return _editor_page(request, membership, editor, consultation, 400, error.messages)
    messages.success(request, SAVED)
    return redirect("consultations:detail", membership.organisation.pk, consultation.pk)


@login_required
def consultation_create(request: HttpRequest, org: int) -> HttpResponse:
    membership = access.organisation_for(request.user, org, write=True)
    if request.method == "POST":
        return _save(request, membership, None)
    return _editor_page(request, membership, ConsultationEditor(), None)


@login_required
def consultation_edit(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    consultation = access.get_consultation_for(request.user, org, pk, write=True)
    membership = access.organisation_for(request.user, org, write=True)
    if request.method == "POST":
        return _save(request, membership, consultation)
    editor = ConsultationEditor(data=consultation.data)
    return _editor_page(request, membership, editor, consultation)


@login_required
@require_POST
def consultation_check(request: HttpRequest, org: int) -> HttpResponse:
    """The findings fragment for the form as typed (nothing is saved)."""
    access.organisation_for(request.user, org)
    result = _check_editor(ConsultationEditor(request.POST))
    status = 200 if "groups" in result else 422
    return render(request, "consultations/_findings.html", {"result": result}, status=status)


@login_required
def consultation_detail(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    consultation = access.get_consultation_for(request.user, org, pk)
    membership = access.organisation_for(request.user, org)
    return render(
        request,
        "consultations/detail.html",
        {
            "title": consultation.object,
            "organisation": membership.organisation,
            "membership": membership,
            "can_write": access.can_write(membership),
            "consultation": consultation,
            "result": checking.present_data(consultation.data),
            "breadcrumb_data": _crumbs(membership, f"Consultation n° {consultation.pk}"),
        },
    )


@login_required
def consultation_delete(request: HttpRequest, org: int, pk: int) -> HttpResponse:
    consultation = access.get_consultation_for(request.user, org, pk, write=True)
    membership = access.organisation_for(request.user, org, write=True)
    if request.method == "POST":
        actions.do_delete_consultation(consultation)
        messages.success(request, "Consultation supprimée.")
        return redirect("consultations:list", org)
    return render(
        request,
        "consultations/delete.html",
        {
            "title": "Supprimer la consultation",
            "organisation": membership.organisation,
            "membership": membership,
            "consultation": consultation,
            "breadcrumb_data": _crumbs(membership, "Supprimer", consultation),
        },
    )


@login_required
def consultation_import(request: HttpRequest, org: int) -> HttpResponse:
    membership = access.organisation_for(request.user, org, write=True)
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("fichier")
        if upload is None:
            error, status = "Choisissez un fichier YAML ou JSON.", 400
        else:
            try:
                data = documents.parse_document(upload.read(), upload.name)
                consultation = actions.do_create_consultation(
                    membership.organisation, data, request.user
                )
            except ConsultationError as exc:
                error, status = f"Fichier refusé : {exc}.", 400
            except ActionError as exc:
                error, status = " ".join(exc.messages), 400
            else:
                messages.success(request, f"Consultation importée depuis {upload.name}.")
                return redirect("consultations:detail", org, consultation.pk)
    return render(
        request,
        "consultations/import.html",
        {
            "title": "Importer une consultation",
            "organisation": membership.organisation,
            "membership": membership,
            "error": error,
            "breadcrumb_data": _crumbs(membership, "Importer"),
        },
        status=status,
    )
