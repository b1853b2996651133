"""The ``ancrage`` command line (typer). Help texts are in French.

Each domain contributes its commands from its own module, through a ``register(app)`` function, so
that this file stays a table of contents and a domain can be removed without touching the others.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="ancrage",
    help="Ancrage : mesurer et outiller l'achat public local et responsable.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)

# Modules of ``ancrage.cli`` that define ``register(app: typer.Typer) -> None``.
COMMAND_MODULES = (
    "ingest",  # import, warehouse info, quarantine export
    "generate",  # synthetic DECP + SIRENE files
    "sirene",  # SIRENE and inclusive-structure imports
    "indicators",  # indicator catalogue and computation
    "clauses",  # référentiel of model criteria and clauses
    "check",  # compliance checker
    "serve",  # web application (gunicorn)
)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            # A domain not built yet simply contributes no command.
            if error.name == f"{__name__}.{name}":
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    """Entry point of the ``ancrage`` executable."""
    app()
