"""Benchmark of the web observatory (issue 4): server time of the main pages, then a load test.

    python bench/bench_web.py --data-dir bench/work/warehouse     # an existing warehouse
    python bench/bench_web.py --contracts 20000                   # generates a small one first

0. The web cache of the snapshot (``snapshot_cache``: tables sorted by buyer, breakdowns,
   suppliers), built once per snapshot: its build time is reported.
1. Server time, in process (Django test client, no network): the buyer page of the largest
   buyer (target: median < 300 ms) and ``GET /api/buyers/{siret}/indicators`` (< 100 ms). The
   first request of a process is reported apart ("à froid": opening the snapshot); the median
   is taken over ``--repeat`` requests after it, which the process serves from its memory of
   the snapshot. A buyer's first view is measured apart: the page of each of the ``--repeat``
   most active buyers with that memory emptied before each request.
2. Load: ``ancrage serve`` (gunicorn, 2 workers of ``--threads`` threads, 127.0.0.1 only, in
   production mode behind a stand-in TLS proxy header) and ``--users`` concurrent visitors
   (locust headless, ``bench/locustfile.py``: new browsers that also load the static files of
   their first page) for ``--duration`` seconds on the main pages; targets on the pages (HTML
   and API, static files apart): median < 300 ms, 95th percentile < 1 s, no error.

The warehouse should hold ``indicator_values`` (``ancrage indicators compute --all``); without it
every process computes them once at its first indicator request. Results are printed and
written to ``bench/results/web.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from warehouse_builder import build_warehouse

HERE = Path(__file__).resolve().parent
TARGETS = {"buyer_page_ms": 300, "api_ms": 100, "load_median_ms": 300, "load_p95_ms": 1000}


def pick_subjects(data_dir: Path) -> dict:
    """The largest buyer, other active buyers for the load test, its year and département."""
    from ancrage import enrichment
    from ancrage.warehouse import connect

    con = connect(data_dir)
    buyers = con.execute(
        "SELECT buyer_id, count(*) AS n FROM contracts GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 200"
    ).fetchall()
    if not buyers:
        raise SystemExit("L'entrepôt ne contient aucun marché.")
    largest, count = buyers[0]
    year = con.execute(
        "SELECT max(year(notification_date)) FROM contracts WHERE buyer_id = ?", [largest]
    ).fetchone()[0]
    enrichment.register(con)
    row = con.execute(
        "SELECT departement FROM buyer_profiles WHERE buyer_id = ?", [largest]
    ).fetchone()
    stored = "indicator_values" in {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    total = con.execute("SELECT count(*) FROM contracts").fetchone()[0]
    con.close()
    return {
        "largest": largest,
        "largest_contracts": count,
        "buyers": [b for b, _ in buyers],
        "year": year,
        "departement": row[0] if row else None,
        "indicator_values": stored,
        "contracts": total,
    }


def prepare_cache(data_dir: Path) -> float:
    """Build the web cache of the snapshot (once per snapshot); returns the seconds it took
    (about 0 when it already existed)."""
    os.environ["ANCRAGE_DATA_DIR"] = str(data_dir)
    from ancrage.web.observatory.warehouse import prepare

    started = time.perf_counter()
    prepare(data_dir)
    return time.perf_counter() - started


def _figures(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))] * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }


def server_times(data_dir: Path, subjects: dict, repeat: int) -> dict:
    """Median server time of the buyer page and of the API, in this process."""
    os.environ["ANCRAGE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.web.settings")
    import django

    django.setup()
    from django.test import Client

    from ancrage.web.observatory.warehouse import clear_memos

    client = Client()
    siret, year = subjects["largest"], subjects["year"]
    urls = {
        "buyer_page": f"/acheteurs/{siret}/",
        "api": f"/api/buyers/{siret}/indicators?year={year}",
    }
    out = {}
    for name, url in urls.items():
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} : HTTP {response.status_code}")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        out[name] = {
            "url": url,
            "cold_ms": round(cold * 1000, 1),
            **_figures(times),
            "bytes": len(response.content),
        }
    buyers = subjects["buyers"][:repeat]
    for name, pattern in (
        ("buyer_page_first_view", "/acheteurs/{}/"),
        ("api_first_view", "/api/buyers/{}/indicators?year=" + str(year)),
    ):
        times = []
        for buyer in buyers:
            clear_memos()
            started = time.perf_counter()
            response = client.get(pattern.format(buyer))
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{pattern.format(buyer)} : HTTP {response.status_code}")
        out[name] = {"buyers": len(buyers), **_figures(times)}
    out["indicator_section"] = section_times(buyers)
    return out


def section_times(buyers: list[str]) -> dict:
    """The indicator section alone, not from memory, for the most active buyers in turn.

    The process keeps each rendered section per snapshot; this is the cost of a buyer's first
    view in a process (its breakdowns, suppliers, maps and template).
    """
    from django.test import RequestFactory

    from ancrage.web.observatory import indicator_sections, queries
    from ancrage.web.observatory.warehouse import clear_memos, connection

    con = connection()
    request = RequestFactory().get("/")
    times = []
    for siret in buyers:
        buyer = queries.buyer_summary(con, siret)
        clear_memos()
        started = time.perf_counter()
        indicator_sections.indicators_section(request, buyer, con)
        times.append(time.perf_counter() - started)
    return {
        "buyers": len(buyers),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }


def _wait(url: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Le serveur ne répond pas sur {url}.")


def load_test(data_dir: Path, subjects: dict, args: argparse.Namespace, work: Path) -> dict:
    """gunicorn (2 workers) + locust headless, bounded duration; returns the aggregated figures."""
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "ANCRAGE_DATA_DIR": str(data_dir),
        # The application database of the benchmark lives in the work dir, not next to the data.
        "DATABASE_URL": f"sqlite:///{work / 'bench-app.sqlite3'}",
        "ANCRAGE_STATIC_ROOT": str(work / "static"),
        # Production settings (hashed static files cached for a year, no debug), behind a TLS
        # proxy: the visitors send the header such a proxy adds.
        "ANCRAGE_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ANCRAGE_BEHIND_PROXY": "1",
        "BENCH_HTTPS_PROXY": "1",
        "BENCH_STATIC_MANIFEST": str(work / "static" / "staticfiles.json"),
        "BENCH_RAW": str(work / "locust-raw.csv"),
        "DEBUG": "0",
        "BENCH_BUYERS": ",".join(subjects["buyers"][: args.load_buyers]),
        "BENCH_YEAR": str(subjects["year"]),
        "BENCH_DEPARTEMENT": subjects["departement"] or "",
        "BENCH_THINK_MIN": str(args.think[0]),
        "BENCH_THINK_MAX": str(args.think[1]),
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "ancrage.cli", "serve", "--host", "127.0.0.1"),
            *("--port", str(args.port), "--workers", "2", "--threads", str(args.threads)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),
        start_new_session=True,
    )
    try:
        _wait(f"{base}/healthz", 120)
        # Warm-up: each worker opens the snapshot and compiles its queries once, and the pages
        # of the visited buyers are rendered once (two passes: the two workers share the load).
        warm = ["/", "/acheteurs/?q=commune"]
        warm += [f"/api/buyers/{subjects['largest']}/indicators?year={subjects['year']}"]
        if subjects["departement"]:
            warm.append(f"/territoires/departement/{subjects['departement']}/")
        warm += [f"/acheteurs/{b}/" for b in subjects["buyers"][: args.load_buyers]]
        started = time.perf_counter()
        headers = {"X-Forwarded-Proto": "https"}
        for _ in range(2):
            for path in warm:
                request = urllib.request.Request(base + path, headers=headers)
                urllib.request.urlopen(request, timeout=300).read()
        print(f"  mise en route : {time.perf_counter() - started:.0f} s")
        prefix = work / "locust"
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.users),
            "--run-time",
            f"{args.duration}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ]
        subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL)
        figures = _read_locust(Path(f"{prefix}_stats.csv"))
        figures.update(_pages_apart(work / "locust-raw.csv"))
        return figures
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        errors = _errors(Path(f"{prefix}_failures.csv"), work / "gunicorn.log")
        if errors:
            print("Erreurs :\n  " + "\n  ".join(errors))
            (args.output.parent / "web-errors.txt").write_text("\n".join(errors) + "\n")


def _errors(failures: Path, log: Path) -> list[str]:
    """What failed: locust's failures, and the server's tracebacks (their last lines)."""
    out = []
    if failures.exists():
        with failures.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                out.append(f"{row['Name']} : {row['Error']} ({row['Occurrences']} fois)")
    if log.exists():
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                end = next((j for j in range(i + 1, len(lines)) if not lines[j].startswith(" ")), i)
                out.append("serveur : " + " | ".join(lines[max(i - 1, 0) : end + 1][-4:]))
            elif "[ERROR]" in line or "[CRITICAL]" in line:
                out.append("serveur : " + line)
    return out


def _read_locust(path: Path) -> dict:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "total"
        out[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]),
            "requests_per_s": round(float(row["Requests/s"]), 1),
        }
    return out


def _pages_apart(path: Path) -> dict:
    """Percentiles of the pages (HTML and API) and of the static files, from every request;
    the pages also by period of 10 s from the start, to see when slow answers happen."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    if rows:
        start = min(float(r["start"]) for r in rows)
        periods: dict[int, list[float]] = {}
        for r in rows:
            if r["kind"] == "page":
                periods.setdefault(int((float(r["start"]) - start) // 10), []).append(
                    float(r["ms"])
                )
        out["pages par tranche de 10 s"] = {
            f"{10 * k}-{10 * k + 10} s": {
                "requests": len(v),
                "median_ms": round(statistics.median(v), 1),
                "p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 1),
                "max_ms": round(max(v), 1),
            }
            for k, v in sorted(periods.items())
        }
    for label, kind in (("pages (HTML et API)", "page"), ("fichiers statiques", "static")):
        times = sorted(float(r["ms"]) for r in rows if r["kind"] == kind)
        if not times:
            continue
        out[label] = {
            "requests": len(times),
            "failures": sum(1 for r in rows if r["kind"] == kind and r["error"]),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="entrepôt existant")
    parser.add_argument("--contracts", type=int, help="générer un entrepôt de N marchés")
    parser.add_argument("--repeat", type=int, default=20, help="requêtes par mesure")
    parser.add_argument("--users", type=int, default=50, help="visiteurs simultanés")
    parser.add_argument("--duration", type=int, default=60, help="durée de la charge (s)")
    parser.add_argument("--load-buyers", type=int, default=20, help="acheteurs visités")
    parser.add_argument(
        "--think",
        type=lambda text: tuple(float(x) for x in text.split("-")),
        default=(1.0, 5.0),
        help="pause entre deux requêtes d'un visiteur, en s (défaut 1-5)",
    )
    parser.add_argument("--threads", type=int, default=4, help="fils par processus gunicorn")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "web.json")
    args = parser.parse_args(argv)
    if not args.data_dir and not args.contracts:
        parser.error("donnez --data-dir ou --contracts")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        work = Path(tmp)
        data_dir = args.data_dir
        if data_dir is None:
            print(f"Génération d'un entrepôt de {args.contracts} marchés…")
            data_dir = build_warehouse(args.contracts, work, indicators=True)
        build_s = prepare_cache(data_dir)
        print(f"Cache web de l'instantané : {build_s:.1f} s")
        subjects = pick_subjects(data_dir)
        print(
            f"Entrepôt : {subjects['contracts']} marchés ; plus gros acheteur "
            f"{subjects['largest']} ({subjects['largest_contracts']} marchés), année "
            f"{subjects['year']} ; indicator_values : {'oui' if subjects['indicator_values'] else 'non'}"
        )
        server = server_times(data_dir, subjects, args.repeat)
        for name in ("buyer_page", "api"):
            figures = server[name]
            print(
                f"  {name} : médiane {figures['median_ms']} ms (à froid {figures['cold_ms']} ms, "
                f"p95 {figures['p95_ms']} ms, {figures['bytes'] // 1024} ko)"
            )
        for name in ("buyer_page_first_view", "api_first_view"):
            figures = server[name]
            print(
                f"  {name} ({figures['buyers']} acheteurs, mémoire vidée avant chaque requête) : "
                f"médiane {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"max {figures['max_ms']} ms"
            )
        section = server["indicator_section"]
        print(
            f"  section indicateurs hors cache, {section['buyers']} acheteurs les plus actifs : "
            f"médiane {section['median_ms']} ms, max {section['max_ms']} ms"
        )
        print(
            f"Charge : {args.users} visiteurs pendant {args.duration} s, pauses de "
            f"{args.think[0]:g} à {args.think[1]:g} s (gunicorn, 2 processus de {args.threads} "
            "fils)…"
        )
        load = load_test(data_dir, subjects, args, work)
    for name, figures in load.items():
        if "requests" not in figures:  # periods of 10 s
            for period, f in figures.items():
                print(
                    f"    pages {period} : {f['requests']} requêtes, médiane "
                    f"{f['median_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms, max {f['max_ms']:.0f} ms"
                )
            continue
        rate = f", {figures['requests_per_s']} req/s" if "requests_per_s" in figures else ""
        print(
            f"  {name} : {figures['requests']} requêtes, {figures['failures']} erreurs, médiane "
            f"{figures['median_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms{rate}"
        )
    total = load.get("pages (HTML et API)", {})
    checks = {
        "buyer_page_ms": server["buyer_page"]["median_ms"] < TARGETS["buyer_page_ms"],
        "api_ms": server["api"]["median_ms"] < TARGETS["api_ms"],
        "load_median_ms": total.get("median_ms", 1e9) < TARGETS["load_median_ms"],
        "load_p95_ms": total.get("p95_ms", 1e9) < TARGETS["load_p95_ms"],
        "load_errors": total.get("failures", 1) == 0,
    }
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cœurs, Python {platform.python_version()}",
        "warehouse": {k: v for k, v in subjects.items() if k != "buyers"},
        "web_cache_build_s": round(build_s, 1),
        "server_time": server,
        "load": {
            "users": args.users,
            "duration_s": args.duration,
            "workers": 2,
            "threads": args.threads,
            "mode": "production (ANCRAGE_PRODUCTION=1, derrière un mandataire TLS simulé), "
            "une connexion par requête (ancrage serve, --keep-alive 0 par défaut)",
            "buyers_visited": args.load_buyers,
            "think_time_s": list(args.think),
            "pages": load,
        },
        "targets": TARGETS,
        "met": checks,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(
        "Objectifs : " + ", ".join(f"{k} {'atteint' if v else 'MANQUÉ'}" for k, v in checks.items())
    )
    print(f"Résultats écrits dans {args.output}")


if __name__ == "__main__":
    main()
