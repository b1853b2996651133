"""``ancrage clauses …``: search, show, export and count the référentiel of model clauses."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ancrage.clauses import KIND_LABELS, KINDS, PILLARS, ClauseLibraryError, Library
from ancrage.clauses import load_library as _load_library

clauses_app = typer.Typer(
    help="Référentiel de critères et clauses types : recherche, fiche, export, statistiques.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    html = "html"
    pdf = "pdf"


def _console() -> Console:
    # Built per command so that the terminal width (COLUMNS) is read when the command runs.
    return Console()


def _library() -> Library:
    try:
        return _load_library()
    except ClauseLibraryError as error:
        _console().print(f"[red]{error}[/red]")
        raise typer.Exit(code=1) from error


@clauses_app.command("search")
def search(
    text: Annotated[
        str, typer.Argument(help="Mots recherchés (accents, majuscules et pluriels indifférents).")
    ],
    cpv: Annotated[
        str | None,
        typer.Option(
            "--cpv",
            help="Code CPV de l'achat (ex. 55523100) : ne garde que les entrées qui s'y appliquent.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Affichage : table ou json.")
    ] = OutputFormat.table,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Nombre maximal de résultats.")] = 20,
) -> None:
    """Chercher des critères et clauses types en français."""
    if cpv is not None and not cpv.replace("-", "").isdigit():
        _console().print(
            f"[red]Code CPV invalide : « {cpv} » (chiffres attendus, ex. 55523100).[/red]"
        )
        raise typer.Exit(code=2)
    results = _library().search(text, cpv=cpv, limit=limit)
    if output_format is OutputFormat.json:
        typer.echo(
            orjson.dumps([c.to_dict() for c in results], option=orjson.OPT_INDENT_2).decode()
        )
        return
    if not results:
        _console().print("Aucune entrée ne correspond à cette recherche.")
        return
    table = Table(title=f"{len(results)} résultat(s) pour « {text} »")
    for column in ("Identifiant", "Titre", "Type", "Pilier", "Pondération"):
        table.add_column(column)
    for c in results:
        weights = f"{c.weight_range[0]}–{c.weight_range[1]} %" if c.weight_range else "—"
        table.add_row(c.id, escape(c.title), c.kind_label, c.pillar_label, weights)
    _console().print(table)


@clauses_app.command("show")
def show(
    entry_id: Annotated[str, typer.Argument(help="Identifiant de l'entrée, ex. RESTO-ENV-001.")],
) -> None:
    """Afficher la fiche complète d'une entrée."""
    library = _library()
    try:
        c = library.get(entry_id)
    except KeyError:
        _console().print(f"[red]Entrée inconnue du référentiel : {entry_id}[/red]")
        raise typer.Exit(code=1) from None
    weights = f"{c.weight_range[0]} à {c.weight_range[1]} %" if c.weight_range else "sans objet"
    # Texts of the référentiel contain placeholders in brackets ("[X] %"): escape them for rich.
    e = escape
    lines = [
        f"[bold]{c.id} — {e(c.title)}[/bold]",
        f"Famille : {e(library.family_label(c.family))}",
        f"Type : {c.kind_label}   Pilier : {c.pillar_label}",
        f"CPV : {', '.join(c.cpv) if c.cpv else 'tous'}",
        "",
        "[bold]Rédaction type[/bold]",
        e(c.wording),
        "",
        f"[bold]Vérification[/bold] ({', '.join(c.verification.means)}) : "
        f"{e(c.verification.description)}",
        f"Pondération indicative : {weights}",
        f"Base juridique : {', '.join(c.legal_basis)}",
        f"Valeur DECP à déclarer : {', '.join(c.decp_value) or 'aucune'}",
        f"eForms : {e(c.eforms or '—')}",
        "",
        "[bold]Points de vigilance[/bold]",
        *(f"- {e(p)}" for p in c.pitfalls),
        "",
        "[bold]Sources[/bold]",
        *(f"- {e(s.title)} ({e(s.reference)})" for s in c.sources),
    ]
    _console().print("\n".join(lines))


@clauses_app.command("export")
def export(
    output_format: Annotated[
        ExportFormat,
        typer.Option("--format", help="Format : json, csv, html (clausier imprimable) ou pdf."),
    ],
    output: Annotated[Path, typer.Option("--output", help="Fichier à écrire.")],
) -> None:
    """Exporter tout le référentiel (JSON, CSV, clausier HTML ou PDF)."""
    from ancrage.clauses import export as exports

    library = _library()
    writer = getattr(exports, f"export_{output_format.value}")
    try:
        writer(library, output)
    except OSError as error:
        _console().print(f"[red]Écriture impossible dans {output} : {error}[/red]")
        raise typer.Exit(code=1) from error
    _console().print(
        f"{len(library)} entrées exportées au format {output_format.value} dans {output}"
    )


# Short column headers so that the table fits a terminal of 100 columns.
_SHORT_KIND = {
    "award_criterion": "Critère",
    "sub_criterion": "Sous-crit.",
    "execution_condition": "Cond. exéc.",
    "technical_specification": "Spéc. tech.",
    "functional_requirement": "Exig. fonct.",
    "reserved_contract": "Réservé",
}
_SHORT_PILLAR = {"environmental": "Env.", "social": "Soc.", "economic": "Éco."}


def count_entries(library: Library) -> dict[str, dict[str, int]]:
    """Entries per family: count per kind, per pillar and in total (``_total`` for all families)."""
    groups = {
        family: [c for c in library.entries if c.family == family]
        for family in sorted(library.families)
    }
    groups["_total"] = list(library.entries)
    counts: dict[str, dict[str, int]] = {}
    for family, entries in groups.items():
        kinds = Counter(c.kind for c in entries)
        pillars = Counter(c.pillar for c in entries)
        counts[family] = {
            **{k: kinds[k] for k in KINDS},
            **{p: pillars[p] for p in PILLARS},
            "total": len(entries),
        }
    return counts


@clauses_app.command("stats")
def stats(
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Affichage : table ou json.")
    ] = OutputFormat.table,
) -> None:
    """Compter les entrées par famille, par type et par pilier."""
    library = _library()
    counts = count_entries(library)
    if output_format is OutputFormat.json:
        typer.echo(orjson.dumps(counts, option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(
        title=f"Référentiel : {len(library)} entrées, {len(library.families)} familles",
        caption="Types : " + " ; ".join(f"{_SHORT_KIND[k]} = {KIND_LABELS[k]}" for k in KINDS),
    )
    table.add_column("Famille", no_wrap=True)
    for kind in KINDS:
        table.add_column(_SHORT_KIND[kind], justify="right")
    for pillar in PILLARS:
        table.add_column(_SHORT_PILLAR[pillar], justify="right")
    table.add_column("Total", justify="right")
    for family, row in counts.items():
        label = "Total" if family == "_total" else library.family_label(family)
        table.add_row(
            label,
            *(str(row[k]) for k in KINDS),
            *(str(row[p]) for p in PILLARS),
            str(row["total"]),
            style="bold" if family == "_total" else None,
        )
    _console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``ancrage clauses`` to the root command."""
    app.add_typer(clauses_app, name="clauses")
