"""The ONE place that decides which private objects a user or an API token may reach.

Every private view and API endpoint goes through these helpers. An object of another organisation
gives 404, exactly like an object that does not exist, so that guessing ids reveals nothing.
Inside one's own organisation, a write without the administrator role gives 403.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ancrage.web.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationBuyer,
)

NOT_FOUND = "Organisation introuvable."


def _check_user(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise Http404(NOT_FOUND)


def organisations_for(user) -> QuerySet[Organisation]:
    """Organisations the user is a member of."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def membership_in(user, organisation: Organisation) -> Membership:
    """The user's membership of the organisation; 404 if none."""
    _check_user(user)
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise Http404(NOT_FOUND)
    return membership


def get_organisation_for(user, pk: int, write: bool = False) -> Organisation:
    """The organisation ``pk`` if the user belongs to it (404 otherwise).

    ``write=True`` also requires the administrator role (403 for other members).
    """
    _check_user(user)
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation_id=pk)
        .first()
    )
    if membership is None:
        raise Http404(NOT_FOUND)
    if write and not membership.is_admin:
        raise PermissionDenied("Seuls les administrateurs de l'organisation peuvent la modifier.")
    return membership.organisation


def buyers_for(user, organisation_pk: int) -> QuerySet[OrganisationBuyer]:
    """The SIRETs of an organisation the user belongs to."""
    organisation = get_organisation_for(user, organisation_pk)
    return OrganisationBuyer.objects.filter(organisation=organisation)


def get_membership_for(user, organisation_pk: int, pk: int) -> Membership:
    """A membership of an organisation the user administers (404 if elsewhere)."""
    organisation = get_organisation_for(user, organisation_pk, write=True)
    membership = (
        Membership.objects.select_related("user").filter(organisation=organisation, pk=pk).first()
    )
    if membership is None:
        raise Http404("Membre introuvable.")
    return membership


def invitations_for(user, organisation_pk: int) -> QuerySet[Invitation]:
    """Invitations of an organisation the user administers."""
    organisation = get_organisation_for(user, organisation_pk, write=True)
    return Invitation.objects.filter(organisation=organisation)


def get_invitation_for(user, organisation_pk: int, pk: int) -> Invitation:
    """One invitation of an organisation the user administers (404 if elsewhere)."""
    invitation = invitations_for(user, organisation_pk).filter(pk=pk).first()
    if invitation is None:
        raise Http404("Invitation introuvable.")
    return invitation


def api_tokens_for(user, organisation_pk: int) -> QuerySet[ApiToken]:
    """API tokens of an organisation the user administers."""
    organisation = get_organisation_for(user, organisation_pk, write=True)
    return ApiToken.objects.filter(organisation=organisation)


def get_api_token_for(user, organisation_pk: int, pk: int) -> ApiToken:
    """One API token of an organisation the user administers (404 if elsewhere)."""
    token = api_tokens_for(user, organisation_pk).filter(pk=pk).first()
    if token is None:
        raise Http404("Jeton introuvable.")
    return token


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def organisation_for_token(raw: str) -> Organisation | None:
    """The organisation of a valid, unrevoked API token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    # Coarse "last used" tracking: one write per token per minute at most.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.organisation
