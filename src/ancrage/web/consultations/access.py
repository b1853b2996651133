"""The ONE place that decides which consultations a user or an API token may reach.

A consultation of another organisation gives 404, exactly like one that does not exist, so that
guessing ids in addresses reveals nothing. Members with the viewer role read; administrators and
buyers also write (403 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ancrage.web.accounts.access import get_organisation_for, membership_in
from ancrage.web.accounts.models import Membership, Organisation
from ancrage.web.consultations.models import Consultation

NOT_FOUND = "Consultation introuvable."
WRITER_ROLES = frozenset({Membership.Role.ADMIN, Membership.Role.BUYER})
READ_ONLY = "Votre rôle (lecture seule) ne permet pas de modifier les consultations."


def can_write(membership: Membership) -> bool:
    return membership.role in WRITER_ROLES


def organisation_for(user, organisation_pk: int, write: bool = False) -> Membership:
    """The user's membership of organisation ``organisation_pk`` (404 if not a member).

    ``write=True`` requires the administrator or buyer role (403 for viewers).
    """
    organisation = get_organisation_for(user, organisation_pk)
    membership = membership_in(user, organisation)
    if write and not can_write(membership):
        raise PermissionDenied(READ_ONLY)
    return membership


def consultations_for(user, organisation_pk: int) -> QuerySet[Consultation]:
    """Consultations of an organisation the user belongs to."""
    membership = organisation_for(user, organisation_pk)
    return Consultation.objects.filter(organisation=membership.organisation)


def get_consultation_for(user, organisation_pk: int, pk: int, write: bool = False) -> Consultation:
    """Consultation ``pk`` of organisation ``organisation_pk`` if the user belongs to it.

    404 when the user is not a member or when the consultation belongs to another organisation;
    403 when ``write`` is asked by a viewer of the right organisation.
    """
    membership = organisation_for(user, organisation_pk)
    consultation = _owned_by(membership.organisation, pk)
    if write and not can_write(membership):
        raise PermissionDenied(READ_ONLY)
    return consultation


def consultations_for_token(organisation: Organisation) -> QuerySet[Consultation]:
    """Consultations reachable with an API token of ``organisation`` (its own, only)."""
    return Consultation.objects.filter(organisation=organisation)


def get_consultation_for_token(organisation: Organisation, pk: int) -> Consultation:
    """Consultation ``pk`` of the token's organisation; 404 for any other."""
    return _owned_by(organisation, pk)


def _owned_by(organisation: Organisation, pk: int) -> Consultation:
    # Every lookup by id goes through this filter on the owning organisation.
    consultation = (
        Consultation.objects.select_related("organisation")
        .filter(organisation=organisation, pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404(NOT_FOUND)
    return consultation
