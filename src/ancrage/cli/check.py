"""``ancrage check FILE``: the compliance checker from the command line.

Exit codes: 0 no blocking finding, 1 at least one blocking finding, 2 unreadable or invalid file.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ancrage.compliance import (
    CheckPolicy,
    ConsultationError,
    check_consultation,
    default_library,
    load_consultation,
    render_json,
    render_text,
)

_DEFAULT_POLICY = CheckPolicy()


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def check(
    file: Annotated[Path, typer.Argument(help="Consultation décrite en YAML ou JSON.")],
    format: Annotated[
        OutputFormat, typer.Option("--format", help="Format du rapport : text ou json.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", help="Écrire le rapport dans ce fichier.")
    ] = None,
    sourcing_threshold_works: Annotated[
        float,
        typer.Option(
            "--sourcing-threshold-works",
            help="Seuil (€ HT) de la politique de sourcing pour les travaux.",
        ),
    ] = _DEFAULT_POLICY.sourcing_threshold_works,
    sourcing_threshold_other: Annotated[
        float,
        typer.Option(
            "--sourcing-threshold-other",
            help="Seuil (€ HT) de la politique de sourcing pour les fournitures et services.",
        ),
    ] = _DEFAULT_POLICY.sourcing_threshold_other,
) -> None:
    """Contrôler une consultation avant publication : règles, gravité, références et clauses types.

    Code de sortie : 0 sans point bloquant, 1 avec au moins un point bloquant, 2 si le fichier est
    illisible ou invalide.
    """
    try:
        consultation = load_consultation(file)
    except ConsultationError as error:
        typer.echo(f"Erreur : {error}", err=True)
        raise typer.Exit(2) from None
    if sourcing_threshold_works < 0 or sourcing_threshold_other < 0:
        typer.echo("Erreur : un seuil de sourcing ne peut pas être négatif.", err=True)
        raise typer.Exit(2)
    policy = CheckPolicy(
        sourcing_threshold_works=sourcing_threshold_works,
        sourcing_threshold_other=sourcing_threshold_other,
    )
    try:
        library = default_library()
    except ValueError as error:  # ClauseLibraryError: report it, check without suggestions
        typer.echo(f"Attention : référentiel illisible, pas de suggestions ({error}).", err=True)
        library = None
    report = check_consultation(consultation, policy, library)
    text = render_json(report) if format is OutputFormat.json else render_text(report, consultation)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            typer.echo(f"Erreur : écriture impossible dans {output} ({error}).", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"Rapport écrit dans {output}.", err=True)
    raise typer.Exit(1 if report.blocking else 0)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
