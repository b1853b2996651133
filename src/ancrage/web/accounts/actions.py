"""Every important write on organisations goes through a named function here.

Views and API endpoints fetch objects through ``access.py`` (which checks the organisation) and
then call these functions, which validate the input and raise ``ActionError`` with a French message.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as stdnum_siret

from ancrage.web.accounts.access import token_digest
from ancrage.web.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationBuyer,
)

Kind = Organisation.TerritoryKind
INVITATION_SALT = "ancrage.invitation"
MAX_RADIUS_KM = 500
_COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_DEPT_RE = re.compile(r"^(\d{2}|2[AB]|97\d)$")


class ActionError(ValidationError):
    """A write refused, with the reason in French."""


def normalise_siret(value: str) -> str:
    """A valid SIRET without spaces, or ``ActionError`` saying what is wrong."""
    compact = stdnum_siret.compact(value or "")
    try:
        return stdnum_siret.validate(compact)
    except InvalidLength as error:
        raise ActionError(f"« {value} » : un SIRET compte 14 chiffres.") from error
    except InvalidFormat as error:
        raise ActionError(f"« {value} » : un SIRET ne contient que des chiffres.") from error
    except InvalidChecksum as error:
        raise ActionError(
            f"« {value} » n'est pas un SIRET valide (clé de contrôle incorrecte)."
        ) from error


@transaction.atomic
def do_create_organisation(
    name: str, kind: str, admin, sirets: list[str] | tuple[str, ...] = ()
) -> Organisation:
    """A new organisation with ``admin`` as its first administrator."""
    if not name.strip():
        raise ActionError("Le nom de l'organisation est obligatoire.")
    if kind not in Organisation.Kind.values:
        raise ActionError(f"Type d'organisation inconnu : {kind!r}.")
    organisation = Organisation.objects.create(name=name.strip(), kind=kind)
    Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN)
    if sirets:
        do_set_buyers(organisation, list(sirets))
    return organisation


@transaction.atomic
def do_set_buyers(organisation: Organisation, sirets: list[str], check: bool = True) -> list[str]:
    """Replace the organisation's buyers; every SIRET is checked before anything changes.

    ``check=False`` keeps identifiers exactly as published in the warehouse (some published
    buyer ids fail the SIRET checksum); only code that takes them from the warehouse uses it.
    """
    errors, clean = [], []
    for value in sirets:
        if not value.strip():
            continue
        try:
            siret = normalise_siret(value) if check else value.strip()
        except ActionError as error:
            errors.extend(error.messages)
            continue
        if siret not in clean:
            clean.append(siret)
    if errors:
        raise ActionError(errors)
    if organisation.kind == Organisation.Kind.BUYER and len(clean) > 1:
        raise ActionError(
            "Une organisation de type « Acheteur » n'a qu'un SIRET : choisissez le type "
            "« Groupement d'acheteurs » pour en déclarer plusieurs."
        )
    OrganisationBuyer.objects.filter(organisation=organisation).exclude(siret__in=clean).delete()
    existing = set(organisation.buyers.values_list("siret", flat=True))
    OrganisationBuyer.objects.bulk_create(
        [OrganisationBuyer(organisation=organisation, siret=s) for s in clean if s not in existing]
    )
    return clean


def _check_code(kind: str, code: str) -> str:
    code = code.strip().upper()
    if not code:
        return ""
    valid = {
        Kind.COMMUNE: _COMMUNE_RE.match(code),
        Kind.DEPARTEMENT: _DEPT_RE.match(code),
        Kind.REGION: re.fullmatch(r"\d{2}", code),
        Kind.EPCI: re.fullmatch(r"\d{9}", code),
    }[Kind(kind)]
    if not valid:
        expected = {
            Kind.COMMUNE: "un code INSEE de commune à 5 caractères (ex. 35238)",
            Kind.DEPARTEMENT: "un code de département (ex. 35, 2A, 974)",
            Kind.REGION: "un code de région à 2 chiffres (ex. 53)",
            Kind.EPCI: "le SIREN de l'EPCI (9 chiffres)",
        }[Kind(kind)]
        raise ActionError(f"Code « {code} » invalide : indiquez {expected}.")
    return code


def do_update_territory(
    organisation: Organisation,
    kind: str,
    code: str = "",
    radius_km: int | None = None,
    communes: list[str] | None = None,
) -> Organisation:
    """Set the territory in which a supplier counts as local for this organisation."""
    if kind not in Kind.values:
        raise ActionError(
            f"Type de territoire inconnu : {kind!r} (valeurs possibles : {', '.join(Kind.values)})."
        )
    organisation.territory_kind = kind
    organisation.territory_code = ""
    organisation.territory_radius_km = None
    organisation.territory_communes = []
    if kind == Kind.RADIUS:
        if radius_km is None or not 1 <= int(radius_km) <= MAX_RADIUS_KM:
            raise ActionError(f"Le rayon doit être un nombre de km entre 1 et {MAX_RADIUS_KM}.")
        organisation.territory_radius_km = int(radius_km)
    elif kind == Kind.CUSTOM:
        codes = [c.strip().upper() for c in communes or [] if c.strip()]
        if not codes:
            raise ActionError("Indiquez au moins un code de commune pour une liste personnalisée.")
        wrong = [c for c in codes if not _COMMUNE_RE.match(c)]
        if wrong:
            raise ActionError(
                f"Codes de commune invalides : {', '.join(wrong)} (code INSEE à 5 caractères)."
            )
        organisation.territory_communes = list(dict.fromkeys(codes))
    else:
        organisation.territory_code = _check_code(kind, code)
    organisation.save(
        update_fields=[
            "territory_kind",
            "territory_code",
            "territory_radius_km",
            "territory_communes",
        ]
    )
    return organisation


def do_update_peer_group(organisation: Organisation, peer_group: str) -> Organisation:
    """Force the peer group used for benchmarks (empty: the computed one)."""
    organisation.peer_group = peer_group.strip()[:100]
    organisation.save(update_fields=["peer_group"])
    return organisation


TARGET_FIELDS = {
    "social": "target_social_pct",
    "environmental": "target_environmental_pct",
    "local": "target_local_pct",
    "sme": "target_sme_pct",
    "inclusive": "target_inclusive_pct",
}


def do_update_targets(organisation: Organisation, **targets: float | None) -> Organisation:
    """Set the organisation's own targets in percent (None: the national target applies)."""
    for key, value in targets.items():
        if key not in TARGET_FIELDS:
            raise ActionError(f"Cible inconnue : {key!r}.")
        if value is not None and not 0 <= float(value) <= 100:
            raise ActionError(f"La cible « {key} » doit être comprise entre 0 et 100 %.")
        setattr(organisation, TARGET_FIELDS[key], None if value is None else float(value))
    organisation.save(update_fields=[TARGET_FIELDS[k] for k in targets])
    return organisation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation behind a link, or ``ActionError`` (expired, used, revoked)."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.ANCRAGE_INVITATION_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise ActionError("Ce lien d'invitation a expiré : demandez-en un nouveau.") from error
    except signing.BadSignature as error:
        raise ActionError("Ce lien d'invitation n'est pas valide.") from error
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=data.get("invitation")).first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ActionError("Cette invitation a été annulée.")
    if invitation.accepted_at is not None:
        raise ActionError("Cette invitation a déjà été acceptée : connectez-vous.")
    return invitation


@transaction.atomic
def do_invite_member(
    organisation: Organisation,
    email: str,
    role: str,
    invited_by,
    link_for: Callable[[str], str],
) -> Invitation:
    """Record an invitation and e-mail its link (``link_for(token)`` gives the absolute URL)."""
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise ActionError(f"Rôle inconnu : {role!r}.")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ActionError(f"{email} est déjà membre de l'organisation.")
    # A new invitation replaces a pending one: the latest link is the only valid one.
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=invited_by
    )
    link = link_for(invitation_token(invitation))
    days = settings.ANCRAGE_INVITATION_MAX_AGE // 86400
    send_mail(
        subject=f"Invitation à rejoindre {organisation.name} sur Ancrage",
        message=(
            f"Bonjour,\n\n{invited_by.get_full_name() or invited_by.email} vous invite à rejoindre "
            f"l'organisation « {organisation.name} » sur Ancrage, avec le rôle "
            f"« {invitation.get_role_display()} ».\n\nPour accepter, ouvrez ce lien "
            f"(valable {days} jours) :\n{link}\n\n"
            "Si vous n'attendiez pas ce message, ignorez-le.\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


@transaction.atomic
def do_accept_invitation(invitation: Invitation, user) -> Membership:
    """Make the user a member; the invitation must be addressed to the user's e-mail."""
    if invitation.email.lower() != (user.email or "").lower():
        raise ActionError(
            f"Cette invitation est adressée à {invitation.email} : connectez-vous avec ce compte."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def do_register_from_invitation(
    invitation: Invitation, password: str, first_name: str = "", last_name: str = ""
):
    """Create the invited person's account, then accept the invitation."""
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ActionError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
        )
    user = User.objects.create_user(
        username=invitation.email,
        email=invitation.email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    do_accept_invitation(invitation, user)
    return user


def do_revoke_invitation(invitation: Invitation) -> Invitation:
    if not invitation.is_pending:
        raise ActionError("Seule une invitation en attente peut être annulée.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _check_admins_left(membership: Membership) -> None:
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if membership.is_admin and not others.exists():
        raise ActionError("L'organisation doit garder au moins un administrateur.")


@transaction.atomic
def do_change_role(membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ActionError(f"Rôle inconnu : {role!r}.")
    if role != Membership.Role.ADMIN:
        _check_admins_left(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def do_remove_member(membership: Membership) -> None:
    _check_admins_left(membership)
    membership.delete()


def do_create_api_token(organisation: Organisation, name: str, created_by) -> tuple[ApiToken, str]:
    """A new token; the clear value is returned once and never stored."""
    if not name.strip():
        raise ActionError("Donnez un nom au jeton (par exemple l'outil qui l'utilisera).")
    raw = "anc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip()[:100],
        prefix=raw[:12],
        digest=token_digest(raw),
        created_by=created_by,
    )
    return token, raw


def do_revoke_api_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
