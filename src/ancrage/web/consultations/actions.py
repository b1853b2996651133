"""Every write on consultations goes through a named function here.

Views and API endpoints fetch through ``access.py`` (which checks the organisation and the role),
then call these functions, which validate the description with the checker's own reader and raise
``ActionError`` with a French message.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ancrage.compliance import Consultation as CheckedConsultation
from ancrage.compliance import ConsultationError
from ancrage.web.accounts.actions import ActionError
from ancrage.web.accounts.models import Organisation
from ancrage.web.consultations.documents import validate
from ancrage.web.consultations.models import Consultation


def validated(data: Any) -> tuple[dict[str, Any], CheckedConsultation]:
    """``documents.validate`` with the error turned into an ``ActionError``."""
    try:
        return validate(data)
    except ConsultationError as error:
        raise ActionError(f"Consultation invalide : {error}.") from error


def _copy_fields(consultation: Consultation, data: dict, checked: CheckedConsultation) -> None:
    consultation.data = data
    consultation.object = checked.object
    consultation.cpv = checked.cpv
    consultation.estimated_amount_ht = checked.estimated_amount_ht
    consultation.launch_date = checked.launch_date
    consultation.procedure = checked.procedure
    consultation.buyer_kind = checked.buyer_kind


@transaction.atomic
def do_create_consultation(organisation: Organisation, data: Any, user=None) -> Consultation:
    """A new consultation of ``organisation`` described by ``data`` (the checker's format)."""
    clean, checked = validated(data)
    consultation = Consultation(organisation=organisation, created_by=user, updated_by=user)
    _copy_fields(consultation, clean, checked)
    consultation.save()
    return consultation


@transaction.atomic
def do_update_consultation(consultation: Consultation, data: Any, user=None) -> Consultation:
    """Replace the description of ``consultation``; nothing changes if ``data`` is invalid."""
    clean, checked = validated(data)
    _copy_fields(consultation, clean, checked)
    consultation.updated_by = user
    consultation.save()
    return consultation


def do_delete_consultation(consultation: Consultation) -> None:
    consultation.delete()
