"""Commands ``ancrage import``, ``ancrage warehouse info`` and ``ancrage quarantine export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ancrage.ingest.sources import SourceError
from ancrage.warehouse import WarehouseError

console = Console()
warehouse_app = typer.Typer(help="Consulter l'entrepôt de données.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Enregistrements mis en quarantaine.", no_args_is_help=True)


def import_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Fichiers, dossiers, archives .zip/.gz ou URL http(s) de DECP.", show_default=False
        ),
    ],
    report_json: Annotated[
        Path | None,
        typer.Option("--report-json", help="Écrire le rapport d'import en JSON dans ce fichier."),
    ] = None,
) -> None:
    """Importer des données essentielles (DECP 2019/2022, JSON/XML, exports tabulaires).

    Chaque enregistrement lu est chargé, mis en quarantaine avec sa raison, ou compté comme
    doublon. L'entrepôt précédent reste utilisable jusqu'à la fin de l'import.
    """
    from ancrage.ingest.pipeline import run_import

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Import", total=None)

        def on_file(path: str, size: int | None) -> None:
            progress.reset(task, total=size, description=f"Lecture de {Path(path).name}")

        try:
            report = run_import(
                sources, on_file=on_file, on_progress=lambda n: progress.advance(task, n)
            )
        except (SourceError, WarehouseError) as error:
            console.print(f"[red]Erreur :[/red] {error}")
            raise typer.Exit(2) from error
    _print_report(report)
    if report_json:
        report_json.parent.mkdir(parents=True, exist_ok=True)
        report_json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        console.print(f"Rapport écrit dans {report_json}")


def _print_report(report: dict) -> None:
    table = Table(title="Rapport d'import", show_lines=False)
    for column in ("Fichier", "Format", "Lus", "Chargés", "Quarantaine", "Doublons"):
        table.add_column(column, justify="right" if column not in ("Fichier", "Format") else "left")
    for f in report["files"]:
        table.add_row(
            f["path"],
            f["format"],
            *(
                f"{f[k]:,}".replace(",", " ")
                for k in ("records_read", "loaded", "quarantined", "duplicates")
            ),
        )
    total = report["total"]
    table.add_row(
        "[bold]Total",
        "",
        *(
            f"[bold]{total[k]:,}".replace(",", " ")
            for k in ("records_read", "loaded", "quarantined", "duplicates")
        ),
    )
    console.print(table)
    if total["quarantine_reasons"]:
        console.print(
            "Quarantaine : "
            + ", ".join(f"{k} ({v})" for k, v in total["quarantine_reasons"].items())
        )
    if total["quality_issues"]:
        top = list(total["quality_issues"].items())[:8]
        console.print(
            "Problèmes de qualité les plus fréquents : " + ", ".join(f"{k} ({v})" for k, v in top)
        )
    for f in report["files"]:
        if f.get("error"):
            console.print(f"[yellow]Attention[/yellow] {f['path']} : {f['error']}")


@warehouse_app.command("info")
def warehouse_info(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Ce que contient l'entrepôt : volumes par type, année, format et source."""
    from ancrage.warehouse.info import describe

    try:
        info = describe()
    except WarehouseError as error:
        console.print(f"[red]Erreur :[/red] {error}")
        raise typer.Exit(2) from error
    if as_json:
        console.print_json(json.dumps(info, ensure_ascii=False, default=str))
        return
    if info["snapshot"] is None:
        console.print("L'entrepôt est vide : lancez [bold]ancrage import FICHIER[/bold].")
        return
    console.print(f"Entrepôt [bold]{info['data_dir']}[/bold], instantané {info['snapshot']}")
    summary = Table(title="Tables")
    summary.add_column("Table")
    summary.add_column("Lignes", justify="right")
    for name, count in info["tables"].items():
        summary.add_row(name, f"{count:,}".replace(",", " "))
    console.print(summary)
    for title, key in (
        ("Contrats par type", "by_kind"),
        ("Contrats par année de notification", "by_year"),
        ("Contrats par format", "by_format"),
        ("Contrats par fichier source", "by_source"),
    ):
        table = Table(title=title)
        table.add_column("Valeur")
        table.add_column("Contrats", justify="right")
        table.add_column("Montant HT (M€)", justify="right")
        for row in info[key]:
            table.add_row(
                str(row["value"]),
                f"{row['contracts']:,}".replace(",", " "),
                f"{(row['amount'] or 0) / 1e6:,.1f}".replace(",", " "),
            )
        console.print(table)


@quarantine_app.command("export")
def quarantine_export(
    output: Annotated[Path, typer.Argument(help="Fichier CSV à écrire.")],
) -> None:
    """Exporter les enregistrements en quarantaine, avec leur raison, en CSV."""
    from ancrage.warehouse.info import export_quarantine

    count = export_quarantine(output)
    console.print(f"{count} enregistrement(s) en quarantaine exporté(s) dans {output}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.add_typer(warehouse_app, name="warehouse")
    app.add_typer(quarantine_app, name="quarantine")
