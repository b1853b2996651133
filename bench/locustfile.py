"""Load profile of the public observatory for ``bench/bench_web.py`` (locust, headless).

Each simulated visitor reads the main pages the way a newcomer does: the home page, a search, a
buyer page with its indicators, the indicator API and a territory page, with a pause between two
requests of ``BENCH_THINK_MIN`` to ``BENCH_THINK_MAX`` seconds (1 to 5 s by default: a brisk
reader, since a buyer page with its tables and maps takes far longer to read). The buyers, the
year and the territory come from the environment (``BENCH_BUYERS`` comma-separated SIRETs,
``BENCH_YEAR``, ``BENCH_DEPARTEMENT``), set by the benchmark from the warehouse.

What a browser does, and so what a visitor does here:

- the indicator sections, charts and maps of a buyer page are in its HTML (rendered by the
  server, no request of their own: checked with Chromium, which requests nothing else from the
  application on these pages);
- a browser also loads the static files of the page: the style sheets, the script, the Marianne
  fonts and the DSFR icons listed in ``STATIC`` (the files Chromium requested on the home, search,
  buyer and territory pages). A visitor is a new browser: its first page loads them all; then it
  keeps them (in production their names carry a content hash and are cached for a year). With
  ``BENCH_STATIC_MANIFEST`` (``staticfiles.json`` of ``collectstatic``) the hashed names are used.

Every request is also written to ``BENCH_RAW`` (CSV: page or static, name, start time, milliseconds,
error) so that the benchmark computes the percentiles of the pages apart from those of the
static files.
"""

from __future__ import annotations

import csv
import json
import os
import random

from locust import HttpUser, between, events, task

BUYERS = [b for b in os.environ.get("BENCH_BUYERS", "").split(",") if b]
YEAR = os.environ.get("BENCH_YEAR", "")
DEPARTEMENT = os.environ.get("BENCH_DEPARTEMENT", "")
THINK = (
    float(os.environ.get("BENCH_THINK_MIN", "1")),
    float(os.environ.get("BENCH_THINK_MAX", "5")),
)
# Behind the TLS proxy of a production deployment (ANCRAGE_BEHIND_PROXY=1).
HEADERS = {"X-Forwarded-Proto": "https"} if os.environ.get("BENCH_HTTPS_PROXY") else {}
STATIC_NAME = "fichiers statiques (première visite)"
STATIC = (
    "dsfr/dist/dsfr/dsfr.min.css",
    "dsfr/dist/utility/utility.min.css",
    "css/dsfr-django-overrides.css",
    "ancrage/ancrage.css",
    "dsfr/dist/dsfr/dsfr.module.min.js",
    "dsfr/dist/fonts/Marianne-Regular.woff2",
    "dsfr/dist/fonts/Marianne-Bold.woff2",
    "dsfr/dist/fonts/Marianne-Medium.woff2",
    "dsfr/dist/fonts/Marianne-Regular_Italic.woff2",
    "dsfr/dist/icons/system/lock-line.svg",
    "dsfr/dist/icons/system/search-line.svg",
    "dsfr/dist/icons/system/download-line.svg",
    "dsfr/dist/icons/system/external-link-line.svg",
    "dsfr/dist/icons/system/fr--info-fill.svg",
    "dsfr/dist/icons/system/fr--success-fill.svg",
    "dsfr/dist/icons/map/map-pin-2-line.svg",
    "dsfr/dist/icons/arrows/arrow-right-s-line.svg",
    "dsfr/dist/icons/arrows/arrow-left-s-line.svg",
    "dsfr/dist/icons/arrows/fr--arrow-left-s-first-line.svg",
    "dsfr/dist/icons/arrows/fr--arrow-right-s-last-line.svg",
)


def _static_urls() -> list[str]:
    names = {}
    manifest = os.environ.get("BENCH_STATIC_MANIFEST")
    if manifest and os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as handle:
            names = json.load(handle).get("paths", {})
    return ["/static/" + names.get(name, name) for name in STATIC]


STATIC_URLS = _static_urls()
_RAW: list[tuple[str, str, float, float, str]] = []


@events.request.add_listener
def _record(name, response_time, exception, start_time=0.0, **_kwargs) -> None:
    kind = "static" if name == STATIC_NAME else "page"
    error = "" if exception is None else str(exception)[:200]
    _RAW.append((kind, name, round(start_time, 3), response_time, error))


@events.quitting.add_listener
def _write(**_kwargs) -> None:
    path = os.environ.get("BENCH_RAW")
    if not path:
        return
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "name", "start", "ms", "error"])
        writer.writerows(_RAW)


class Visitor(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.client.headers.update(HEADERS)
        self.new_browser = True

    def _page(self, url: str, name: str) -> None:
        self.client.get(url, name=name)
        if self.new_browser:
            self.new_browser = False
            for static in STATIC_URLS:
                self.client.get(static, name=STATIC_NAME)

    def _buyer(self) -> str:
        return random.choice(BUYERS)

    @task(1)
    def home(self) -> None:
        self._page("/", "accueil")

    @task(1)
    def search(self) -> None:
        self._page("/acheteurs/?q=commune", "recherche")

    @task(4)
    def buyer_page(self) -> None:
        self._page(f"/acheteurs/{self._buyer()}/", "page acheteur")

    @task(3)
    def api_indicators(self) -> None:
        # Not a page: a program calling the API loads no static file.
        self.client.get(
            f"/api/buyers/{self._buyer()}/indicators?year={YEAR}", name="API indicateurs"
        )

    @task(1)
    def territory(self) -> None:
        if DEPARTEMENT:
            self._page(f"/territoires/departement/{DEPARTEMENT}/", "page territoire")
