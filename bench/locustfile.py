"""Load profile of the public observatory for ``bench/bench_web.py`` (locust, headless).

Each simulated visitor reads the main pages the way a newcomer does: the home page, a search, a
buyer page with its indicators, the indicator API and a territory page, with a pause between two
requests of ``BENCH_THINK_MIN`` to ``BENCH_THINK_MAX`` seconds (1 to 5 s by default: a brisk
reader, since a buyer page with its tables and maps takes far longer to read). The buyers, the
year and the territory come from the environment (``BENCH_BUYERS`` comma-separated SIRETs,
``BENCH_YEAR``, ``BENCH_DEPARTEMENT``), set by the benchmark from the warehouse.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

BUYERS = [b for b in os.environ.get("BENCH_BUYERS", "").split(",") if b]
YEAR = os.environ.get("BENCH_YEAR", "")
DEPARTEMENT = os.environ.get("BENCH_DEPARTEMENT", "")
THINK = (
    float(os.environ.get("BENCH_THINK_MIN", "1")),
    float(os.environ.get("BENCH_THINK_MAX", "5")),
)


class Visitor(HttpUser):
    wait_time = between(*THINK)

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
