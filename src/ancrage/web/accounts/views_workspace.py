"""The private space under /espace/: every view fetches through ``access`` and writes through
``actions``; anonymous visitors are sent to the login page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ancrage.web.accounts import access, actions, forms
from ancrage.web.accounts.models import Membership, Organisation
from ancrage.web.observatory import queries
from ancrage.web.observatory.warehouse import connection

app_name = "espace"


def _crumbs(organisation: Organisation | None, current: str) -> dict:
    links = [{"url": reverse("espace:dashboard"), "title": "Mon espace"}]
    if organisation is not None:
        links.append(
            {
                "url": reverse("espace:organisation", args=[organisation.pk]),
                "title": organisation.name,
            }
        )
    return {"links": links, "current": current}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "title": "Mon espace",
            "memberships": memberships,
            "breadcrumb_data": {"links": [], "current": "Mon espace"},
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk)
    membership = access.membership_in(request.user, organisation)
    con = connection()
    buyers = []
    for buyer in access.buyers_for(request.user, pk):
        summary = queries.buyer_summary(con, buyer.siret)
        buyers.append({"siret": buyer.siret, "summary": summary})
    return render(
        request,
        "accounts/organisation.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "membership": membership,
            "buyers": buyers,
            "breadcrumb_data": _crumbs(None, organisation.name),
        },
    )


def _settings_forms(organisation: Organisation, data=None, section: str | None = None) -> dict:
    def bound(name: str):
        return data if section == name else None

    return {
        "buyers_form": forms.BuyersForm(
            bound("buyers"),
            initial={"sirets": "\n".join(organisation.buyers.values_list("siret", flat=True))},
        ),
        "territory_form": forms.TerritoryForm(
            bound("territory"),
            initial={
                "kind": organisation.territory_kind,
                "code": organisation.territory_code,
                "radius_km": organisation.territory_radius_km,
                "communes": ", ".join(organisation.territory_communes),
            },
        ),
        "peer_group_form": forms.PeerGroupForm(
            bound("peer_group"), initial={"peer_group": organisation.peer_group}
        ),
        "targets_form": forms.TargetsForm(
            bound("targets"),
            initial={key: getattr(organisation, f) for key, f in actions.TARGET_FIELDS.items()},
        ),
    }


def _apply_settings(organisation: Organisation, section: str, form) -> None:
    data = form.cleaned_data
    if section == "buyers":
        actions.do_set_buyers(organisation, form.siret_list())
    elif section == "territory":
        actions.do_update_territory(
            organisation,
            data["kind"],
            code=data.get("code") or "",
            radius_km=data.get("radius_km"),
            communes=form.commune_list(),
        )
    elif section == "peer_group":
        actions.do_update_peer_group(organisation, data.get("peer_group") or "")
    elif section == "targets":
        actions.do_update_targets(organisation, **{k: data.get(k) for k in actions.TARGET_FIELDS})


SECTION_LABELS = {
    "buyers": "Acheteurs enregistrés.",
    "territory": "Territoire enregistré.",
    "peer_group": "Groupe de pairs enregistré.",
    "targets": "Cibles enregistrées.",
}


@login_required
def organisation_settings(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        organisation = access.get_organisation_for(request.user, pk, write=True)
        section = request.POST.get("section", "")
        if section not in SECTION_LABELS:
            messages.error(request, "Formulaire inconnu.")
            return redirect("espace:settings", pk=pk)
        context_forms = _settings_forms(organisation, request.POST, section)
        form = context_forms[f"{section}_form"]
        if form.is_valid():
            try:
                _apply_settings(organisation, section, form)
            except actions.ActionError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, SECTION_LABELS[section])
                return redirect("espace:settings", pk=pk)
        status = 400
    else:
        organisation = access.get_organisation_for(request.user, pk)
        context_forms = _settings_forms(organisation)
        status = 200
    membership = access.membership_in(request.user, organisation)
    return render(
        request,
        "accounts/settings.html",
        {
            "title": f"Paramètres — {organisation.name}",
            "organisation": organisation,
            "membership": membership,
            "can_edit": membership.is_admin,
            "breadcrumb_data": _crumbs(organisation, "Paramètres"),
            **context_forms,
        },
        status=status,
    )


@login_required
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = forms.InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_invite_member(
                    organisation,
                    form.cleaned_data["email"],
                    form.cleaned_data["role"],
                    request.user,
                    lambda token: request.build_absolute_uri(
                        reverse("accept_invitation", args=[token])
                    ),
                )
            except actions.ActionError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
                return redirect("espace:members", pk=pk)
        status = 400
    return render(
        request,
        "accounts/members.html",
        {
            "title": f"Membres — {organisation.name}",
            "organisation": organisation,
            "membership": access.membership_in(request.user, organisation),
            "memberships": organisation.memberships.select_related("user"),
            "invitations": access.invitations_for(request.user, pk).filter(
                accepted_at=None, revoked_at=None
            ),
            "form": form,
            "roles": Membership.Role.choices,
            "breadcrumb_data": _crumbs(organisation, "Membres"),
        },
        status=status,
    )


def _run(request: HttpRequest, success: str, action, *args) -> None:
    try:
        action(*args)
    except actions.ActionError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = access.get_membership_for(request.user, pk, membership_pk)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        _run(
            request, "Rôle modifié.", actions.do_change_role, membership, form.cleaned_data["role"]
        )
    else:
        messages.error(request, "Rôle inconnu.")
    return redirect("espace:members", pk=pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = access.get_membership_for(request.user, pk, membership_pk)
    _run(request, "Membre retiré.", actions.do_remove_member, membership)
    return redirect("espace:members", pk=pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = access.get_invitation_for(request.user, pk, invitation_pk)
    _run(request, "Invitation annulée.", actions.do_revoke_invitation, invitation)
    return redirect("espace:members", pk=pk)


@login_required
def api_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for(request.user, pk, write=True)
    form = forms.ApiTokenForm(request.POST or None)
    new_token, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, new_token = actions.do_create_api_token(
                    organisation, form.cleaned_data["name"], request.user
                )
            except actions.ActionError as error:
                form.add_error(None, error)
                status = 400
            else:
                form = forms.ApiTokenForm()
        else:
            status = 400
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "title": f"Jetons d'API — {organisation.name}",
            "organisation": organisation,
            "membership": access.membership_in(request.user, organisation),
            "tokens": access.api_tokens_for(request.user, pk),
            "form": form,
            "new_token": new_token,
            "breadcrumb_data": _crumbs(organisation, "Jetons d'API"),
        },
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    token = access.get_api_token_for(request.user, pk, token_pk)
    _run(request, "Jeton révoqué.", actions.do_revoke_api_token, token)
    return redirect("espace:api_tokens", pk=pk)


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("organisations/<int:pk>/", organisation_detail, name="organisation"),
    path("organisations/<int:pk>/parametres/", organisation_settings, name="settings"),
    path("organisations/<int:pk>/membres/", members, name="members"),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/role/", member_role, name="member_role"
    ),
    path(
        "organisations/<int:pk>/membres/<int:membership_pk>/retirer/",
        member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisations/<int:pk>/api/", api_tokens, name="api_tokens"),
    path(
        "organisations/<int:pk>/api/<int:token_pk>/revoquer/",
        api_token_revoke,
        name="api_token_revoke",
    ),
]
