"""Load profile of the public observatory for ``bench/bench_web.py`` (locust, headless).

Each simulated visitor reads the main pages the way a newcomer does: the home page, a search, a
buyer page with its indicators, the indicator API and a territory page, with 0.5 to 1.5 s of
reading between two requests. The buyers, the year and the territory come from the environment
(``BENCH_BUYERS`` comma-separated SIRETs, ``BENCH_YEAR``, ``BENCH_DEPARTEMENT``), set by the
benchmark from the warehouse.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

BUYERS = [b for b in os.environ.get("BENCH_BUYERS", "").split(",") if b]
YEAR = os.environ.get("BENCH_YEAR", "")
DEPARTEMENT = os.environ.get("BENCH_DEPARTEMENT", "")


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    def _buyer(self) -> str:
        return random.choice(BUYERS)

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="accueil")

    @task(1)
    def search(self) -> None:
        self.client.get("/acheteurs/?q=commune", name="recherche")

    @task(4)
    def buyer_page(self) -> None:
        self.client.get(f"/acheteurs/{self._buyer()}/", name="page acheteur")

    @task(3)
    def api_indicators(self) -> None:
        self.client.get(
            f"/api/buyers/{self._buyer()}/indicators?year={YEAR}", name="API indicateurs"
        )

    @task(1)
    def territory(self) -> None:
        if DEPARTEMENT:
            self.client.get(f"/territoires/departement/{DEPARTEMENT}/", name="page territoire")
