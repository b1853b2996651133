"""``ancrage serve`` (gunicorn) and ``ancrage web`` (Django's manage.py) commands."""

from __future__ import annotations

import os
import sys

import typer


def _manage(args: list[str]) -> None:
    from ancrage.web.__main__ import main as manage

    manage(["ancrage web", *args])


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Adresse d'écoute."),
    port: int = typer.Option(8000, "--port", help="Port d'écoute."),
    workers: int = typer.Option(2, "--workers", min=1, help="Nombre de processus gunicorn."),
    threads: int = typer.Option(
        4,
        "--threads",
        min=1,
        help="Fils d'exécution par processus : pendant qu'une requête attend l'entrepôt "
        "(DuckDB travaille hors du verrou de Python), les autres avancent.",
    ),
    keep_alive: int = typer.Option(
        0,
        "--keep-alive",
        min=0,
        help="Secondes pendant lesquelles une connexion inactive reste ouverte. 0 (défaut) : une "
        "connexion par requête ; sinon un client qui réutilise la connexion au moment où le "
        "serveur la ferme reçoit une erreur. Derrière un mandataire inverse, c'est lui qui garde "
        "les connexions des navigateurs.",
    ),
    migrate: bool = typer.Option(
        True,
        "--migrate/--no-migrate",
        help="Appliquer les migrations de la base avant de démarrer.",
    ),
    prepare: bool = typer.Option(
        True,
        "--prepare/--no-prepare",
        help="Préparer le cache web de l'instantané courant avant de démarrer (sinon la "
        "première requête le prépare).",
    ),
) -> None:
    """Démarre l'application web (gunicorn) sur http://HOST:PORT."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.web.settings")
    if migrate:
        _manage(["migrate", "--noinput", "--verbosity", "0"])
    # Static files are served by WhiteNoise from STATIC_ROOT: collect them at each start so that
    # an upgrade never serves stale CSS.
    _manage(["collectstatic", "--noinput", "--verbosity", "0"])
    if prepare:
        _prepare_cache()
    typer.echo(
        f"Ancrage est servi sur http://{host}:{port} ({workers} processus de {threads} fils)."
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ancrage.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        str(keep_alive),
        "--access-logfile",
        "-",
    ]
    os.execv(sys.executable, command)


def _prepare_cache() -> None:
    """Build the web cache of the current snapshot once, before the workers need it."""
    import time

    from ancrage.web.observatory.warehouse import prepare

    started = time.perf_counter()
    path = prepare()
    if path is not None:
        typer.echo(f"Cache web de l'instantané prêt ({time.perf_counter() - started:.1f} s).")


def web(ctx: typer.Context) -> None:
    """Commandes d'administration de l'application web (manage.py de Django), par exemple
    « ancrage web migrate » ou « ancrage web ancrage_demo_account »."""
    _manage(list(ctx.args))


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``web`` to the root command."""
    app.command("serve")(serve)
    app.command(
        "web",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(web)
