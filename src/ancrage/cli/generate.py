"""Command ``ancrage generate``: a synthetic DECP 2022 file with its SIRENE and SIAE files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()


def generate_command(
    contracts: Annotated[
        int,
        typer.Option("--contracts", "-n", min=1, help="Nombre de contrats à générer."),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Fichier JSON DECP 2022 à écrire."),
    ],
    seed: Annotated[
        int,
        typer.Option(
            "--seed", help="Graine aléatoire : même graine, mêmes fichiers à l'octet près."
        ),
    ] = 42,
    sirene_dir: Annotated[
        Path | None,
        typer.Option(
            "--sirene-dir",
            help="Dossier des fichiers SIRENE synthétiques (par défaut : celui du fichier JSON).",
        ),
    ] = None,
    siae_file: Annotated[
        Path | None,
        typer.Option(
            "--siae-file",
            help="Fichier CSV des structures inclusives (par défaut : siae_synthetique.csv "
            "dans le dossier SIRENE).",
        ),
    ] = None,
) -> None:
    """Générer un jeu de données DECP 2022 synthétique et réaliste (démonstrations, mesures).

    Écrit le fichier JSON (un enregistrement par ligne), les stocks SIRENE synthétiques (StockEtablissement_synthetique.csv, StockUniteLegale_synthetique.csv) et la liste des structures inclusives (SIAE). Les figures de calage sont décrites dans docs/generator-calibration.md.
    """
    from ancrage.generate import GenerationError, generate

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Génération des contrats", total=contracts)
        try:
            summary = generate(
                contracts,
                seed,
                output,
                sirene_dir,
                siae_file,
                progress=lambda n: progress.advance(task, n),
            )
        except (GenerationError, OSError) as error:
            console.print(f"[red]Erreur :[/red] {error}")
            raise typer.Exit(2) from error
    table = Table(title="Jeu de données synthétique", show_header=False)
    table.add_row("Fichier DECP", str(summary.output))
    table.add_row("Marchés", f"{summary.marches:n}")
    table.add_row("Contrats de concession", f"{summary.concessions:n}")
    table.add_row("Enregistrements écrits (doublons compris)", f"{summary.records_written:n}")
    table.add_row("Lignes titulaire", f"{summary.awardee_rows:n}")
    table.add_row("Acheteurs", f"{summary.buyers:n}")
    table.add_row("Établissements SIRENE", f"{summary.sirene_establishments:n}")
    table.add_row("Unités légales SIRENE", f"{summary.sirene_units:n}")
    table.add_row("Structures inclusives (SIAE)", f"{summary.siae:n}")
    table.add_row("Défauts injectés", f"{sum(summary.defects.values()):n}")
    table.add_row("Durée", f"{summary.seconds:.1f} s")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``generate`` to the root command."""
    app.command("generate")(generate_command)
