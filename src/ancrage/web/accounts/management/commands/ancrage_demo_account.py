"""``ancrage_demo_account``: a demo organisation and account, created or refreshed (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from ancrage.web.accounts import actions
from ancrage.web.accounts.models import Membership, Organisation
from ancrage.web.observatory import queries
from ancrage.web.observatory.warehouse import connection

DEMO_ORGANISATION = "Organisation de démonstration"
DEMO_EMAIL = "demo@ancrage.invalid"
DEMO_PASSWORD = "demo-ancrage-2026"


class Command(BaseCommand):
    help = (
        "Crée (ou remet à jour) l'organisation et le compte de démonstration, rattachés au plus "
        "gros acheteur de l'entrepôt, et affiche l'identifiant et le mot de passe."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--email", default=DEMO_EMAIL, help="Adresse du compte de démonstration."
        )
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Mot de passe à lui donner.")

    @transaction.atomic
    def handle(self, *args, email: str, password: str, **options) -> None:
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=email.lower(), defaults={"email": email.lower(), "first_name": "Démo"}
        )
        # The printed password must work, so it is set on every run.
        user.set_password(password)
        user.save()
        organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
        if organisation is None:
            organisation = actions.do_create_organisation(
                DEMO_ORGANISATION, Organisation.Kind.BUYER, user
            )
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.ADMIN}
        )
        largest = queries.search_buyers(connection(), page_size=1).rows
        if largest:
            actions.do_set_buyers(organisation, [largest[0]["buyer_id"]], check=False)
            buyer = largest[0]["name"] or largest[0]["buyer_id"]
            self.stdout.write(f"Acheteur rattaché : {buyer} ({largest[0]['buyer_id']})")
        else:
            self.stdout.write("L'entrepôt est vide : aucun acheteur rattaché à l'organisation.")
        self.stdout.write(self.style.SUCCESS("Compte de démonstration prêt :"))
        self.stdout.write(f"  identifiant  : {user.username}")
        self.stdout.write(f"  mot de passe : {password}")
