"""``ancrage_web_cache``: write the web cache of the current snapshot now (after an import)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from ancrage.web.observatory.warehouse import prepare


class Command(BaseCommand):
    help = (
        "Prépare le cache web de l'instantané courant de l'entrepôt (tables triées par acheteur, "
        "ventilations, titulaires, territoires). Sans cette commande, le site le prépare lui-même "
        "en arrière-plan après un import, en servant l'instantané précédent en attendant."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        path = prepare()
        if path is None:
            self.stdout.write("L'entrepôt est vide : aucun cache à préparer.")
            return
        self.stdout.write(f"Cache web prêt en {time.perf_counter() - started:.1f} s : {path}")
