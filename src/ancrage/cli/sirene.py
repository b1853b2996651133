"""``ancrage sirene …``: import the SIRENE stock and the list of inclusive structures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ancrage.enrichment import (
    InclusiveImportError,
    SireneImportError,
    import_inclusive,
    import_sirene,
)
from ancrage.enrichment.sources import SourceError
from ancrage.warehouse import WarehouseError

sirene_app = typer.Typer(
    help="Données d'entreprises : stock SIRENE de l'INSEE et structures inclusives (SIAE, EA, ESAT).",
    no_args_is_help=True,
)

TABLE_LABELS = {"establishments": "Établissements", "legal_units": "Unités légales"}

ISSUE_LABELS = {
    "siren_differs_from_siret": "SIREN différent du début du SIRET",
    "invalid_commune_code": "code commune illisible (mis à vide)",
    "invalid_postal_code": "code postal illisible (mis à vide)",
    "invalid_administrative_state": "état administratif inconnu (mis à vide)",
    "invalid_headquarters_flag": "indicateur de siège illisible (mis à vide)",
    "unknown_diffusion_status": "statut de diffusion inconnu (nom masqué)",
    "invalid_coordinates": "coordonnées illisibles (centre de la commune utilisé)",
    "coordinates_not_lambert93": "coordonnées hors Lambert-93, outre-mer (centre de la commune)",
    "invalid_company_category": "catégorie d'entreprise inconnue (mise à vide)",
    "invalid_legal_category": "catégorie juridique illisible (mise à vide)",
    "invalid_social_economy_flag": "indicateur ESS illisible (mis à vide)",
}


def _console() -> Console:
    return Console()


def _write_json(path: Path | None, payload: dict) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))


def _fail(error: Exception) -> None:
    _console().print(f"[red]{escape(str(error))}[/red]")
    raise typer.Exit(code=1) from error


@sirene_app.command("import")
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Fichiers StockEtablissement et/ou StockUniteLegale (CSV ou Parquet, zippés ou "
            "non) ; le type est reconnu à l'en-tête."
        ),
    ],
    report_json: Annotated[
        Path | None, typer.Option("--report-json", help="Écrire le rapport d'import en JSON.")
    ] = None,
) -> None:
    """Importer le stock SIRENE : ne garde que les acheteurs et titulaires de l'entrepôt."""
    try:
        report = import_sirene(files)
    except (SireneImportError, SourceError, WarehouseError) as error:
        _fail(error)
        return
    console = _console()
    table = Table(title="Import SIRENE")
    for column in (
        "Table",
        "Lues",
        "Gardées",
        "Non utiles",
        "Identifiant illisible",
        "Lignes mal formées",
        "Doublons",
        "Écrites",
    ):
        table.add_column(column, justify="left" if column == "Table" else "right")
    for name, stats in report.tables.items():
        table.add_row(
            TABLE_LABELS[name],
            *(
                f"{value:n}"
                for value in (
                    stats.rows_read,
                    stats.kept,
                    stats.not_needed,
                    stats.invalid_identifier,
                    stats.malformed_lines,
                    stats.duplicates,
                    stats.written,
                )
            ),
        )
    console.print(table)
    for name, stats in report.tables.items():
        for rule, count in stats.issues.items():
            console.print(f"{TABLE_LABELS[name]} : {count:n} × {ISSUE_LABELS.get(rule, rule)}")
    for file in report.files:
        if file["missing_columns"]:
            console.print(
                f"[yellow]{escape(file['file'])} : colonnes absentes, laissées vides : "
                f"{', '.join(file['missing_columns'])}[/yellow]"
            )
    console.print(f"Nouvel instantané de l'entrepôt : {report.snapshot}")
    _write_json(report_json, report.as_dict())


@sirene_app.command("import-inclusive")
def import_inclusive_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Liste des structures inclusives en CSV (colonnes siret, name, kind… comme la "
            "liste du Marché de l'inclusion)."
        ),
    ],
    report_json: Annotated[
        Path | None, typer.Option("--report-json", help="Écrire le rapport d'import en JSON.")
    ] = None,
) -> None:
    """Importer la liste des structures inclusives (SIAE, EA, ESAT…)."""
    try:
        report = import_inclusive(file)
    except (InclusiveImportError, WarehouseError) as error:
        _fail(error)
        return
    console = _console()
    console.print(
        f"Structures inclusives : {report.rows_read:n} lignes lues, {report.written:n} écrites, "
        f"{report.invalid_siret:n} SIRET illisibles, {report.missing_kind:n} sans type, "
        f"{report.duplicates:n} doublons."
    )
    kinds = ", ".join(f"{kind} {count:n}" for kind, count in report.by_kind.items())
    console.print(f"Par type : {kinds or 'aucune'}")
    if report.unknown_kind:
        console.print(
            f"[yellow]{report.unknown_kind:n} lignes ont un type inconnu, gardé tel quel.[/yellow]"
        )
    for example in report.rejected_examples:
        console.print(f"  ligne {example['line']} : {escape(example['reason'])}")
    console.print(f"Nouvel instantané de l'entrepôt : {report.snapshot}")
    _write_json(report_json, report.as_dict())


def register(app: typer.Typer) -> None:
    """Add ``ancrage sirene …`` to the root command."""
    app.add_typer(sirene_app, name="sirene")
