"""``ancrage indicators …``: the indicator catalogue and a buyer's scorecard."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ancrage.enrichment import TerritoryError
from ancrage.indicators import engine, report
from ancrage.indicators.base import THEMES
from ancrage.indicators.inputs import Period
from ancrage.indicators.prepare import BREAKDOWNS
from ancrage.indicators.registry import CATALOGUE
from ancrage.indicators.source import (
    DEFAULT_TERRITORY,
    buyer_exists,
    buyer_name,
    from_warehouse,
    parse_territory,
)
from ancrage.warehouse import WarehouseError, connect

indicators_app = typer.Typer(
    help="Indicateurs d'achat public local et responsable : catalogue et calcul par acheteur.",
    no_args_is_help=True,
)

_SIRET = re.compile(r"^\d{14}$")


def _fail(message: str, code: int = 2) -> None:
    Console(stderr=True).print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(code=code)


@indicators_app.command("list")
def list_command() -> None:
    """Afficher le catalogue des indicateurs (identifiant, libellé, unité, thème)."""
    table = Table(title="Catalogue des indicateurs")
    for column in ("Identifiant", "Indicateur", "Unité", "Thème", "Objectif"):
        table.add_column(column)
    for ind in CATALOGUE:
        target = report.format_value(ind.target, ind.unit) if ind.target is not None else ""
        table.add_row(ind.id, ind.label, ind.unit, THEMES[ind.theme], target)
    Console(width=160).print(table)


def _period(year: int | None, start: str | None, end: str | None) -> Period:
    if year is not None and (start or end):
        _fail("Choisissez --year OU --from/--to, pas les deux.")
    if year is not None:
        return Period.year(year)
    try:
        return Period(
            date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None
        )
    except ValueError as error:
        text = str(error)
        if "Période" not in text:
            text = f"Date illisible : {text}. Format attendu : AAAA-MM-JJ (par exemple 2024-01-31)."
        _fail(text)
        raise  # unreachable: _fail exits


def _print_table(card: dict) -> None:
    console = Console(width=160)
    buyer = card["buyer"]
    console.print(
        f"[bold]{escape(buyer.get('name') or buyer['id'])}[/bold] ({buyer['id']}) — territoire : "
        f"{escape(card['territory']['label'])}"
    )
    table = Table()
    breakdown = card["group_by"]
    for column in (
        "Indicateur",
        *(BREAKDOWNS[k] for k in breakdown),
        "Catégorie",
        "Valeur",
        "Num. / dén.",
        "Objectif (écart)",
        "Médiane des pairs",
        "Centile",
    ):
        table.add_column(column)
    for e in card["indicators"]:
        unit = e["unit"]
        value = report.format_value(e["value"], unit) if e["available"] else "non disponible"
        ratio = (
            ""
            if e["denominator"] is None
            else (f"{_num(e['numerator'])} / {_num(e['denominator'])}")
        )
        target = (
            ""
            if e["target"] is None
            else (f"{report.format_value(e['target'], unit)} ({_signed(e['gap'])})")
        )
        table.add_row(
            e["label"],
            *("" if e[k] is None else str(e[k]) for k in breakdown),
            e["category_label"] or "",
            value,
            ratio,
            target,
            report.format_value(e["peer_median"], unit),
            "" if e["peer_percentile"] is None else f"{e['peer_percentile']:.0f}",
        )
    console.print(table)


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",")


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f} pts".replace(".", ",")


@indicators_app.command("compute")
def compute_command(
    buyer: Annotated[
        str | None, typer.Option("--buyer", help="SIRET de l'acheteur (14 chiffres).")
    ] = None,
    all_buyers: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Calculer tous les acheteurs × années et les enregistrer dans l'entrepôt "
            "(table indicator_values, lue par le site web).",
        ),
    ] = False,
    year: Annotated[int | None, typer.Option("--year", help="Année de notification.")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Début de période (AAAA-MM-JJ, inclus).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Fin de période (AAAA-MM-JJ, incluse).")
    ] = None,
    territory: Annotated[
        str,
        typer.Option(
            "--territory",
            help="Périmètre « local » : commune, epci, departement, region ou radius:KM.",
        ),
    ] = DEFAULT_TERRITORY,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Ventilation (répétable) : year, family, cpv_division, procedure, amount_band.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="Format : table, json, csv ou xlsx.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", help="Fichier de sortie (sinon la console).")
    ] = None,
) -> None:
    """Calculer les indicateurs d'un acheteur (avec la comparaison à ses pairs), ou de tous."""
    period = _period(year, start, end)
    try:
        parsed = parse_territory(territory)
    except TerritoryError as error:
        _fail(str(error))
    if output_format not in report.FORMATS:
        _fail(
            f"Format inconnu : {output_format!r}. Formats possibles : {', '.join(report.FORMATS)}."
        )
    unknown = [k for k in by or [] if k not in BREAKDOWNS]
    if unknown:
        _fail(f"Ventilation inconnue : {', '.join(unknown)}. Possibles : {', '.join(BREAKDOWNS)}.")
    if all_buyers == (buyer is not None):
        _fail("Indiquez soit --buyer SIRET, soit --all.")
    try:
        con = connect()
    except WarehouseError as error:
        _fail(str(error), code=1)
    if all_buyers:
        _compute_all(con, str(parsed), period)
        return
    assert buyer is not None
    buyer = buyer.strip().replace(" ", "")
    if not _SIRET.match(buyer):
        _fail(f"SIRET invalide : {buyer!r} (14 chiffres attendus).")
    if not buyer_exists(con, buyer):
        _fail(f"Acheteur inconnu : aucun contrat de l'acheteur {buyer} dans l'entrepôt.")
    keys = ["buyer_id", *dict.fromkeys(by or [])]
    inputs = from_warehouse(con, parsed, period)
    result = engine.run(inputs, keys, buyer=buyer)
    card = report.scorecard(
        {"id": buyer, "name": buyer_name(con, buyer)},
        period.as_dict(),
        {"kind": parsed.kind, "value": str(parsed), "label": parsed.label},
        result,
        keys,
    )
    _emit(card, output_format, output)


def _emit(card: dict, output_format: str, output: Path | None) -> None:
    if output_format == "xlsx":
        if output is None:
            _fail("Le format xlsx demande un fichier : ajoutez --output FICHIER.xlsx.")
        report.to_xlsx(card, output)
    elif output_format == "table":
        _print_table(card)
        return
    else:
        text = report.to_json(card) if output_format == "json" else report.to_csv(card).encode()
        if output is None:
            sys.stdout.buffer.write(text)
            return
        output.write_bytes(text)
    Console(stderr=True).print(f"Écrit : {output}")


def _compute_all(con: object, territory: str, period: Period) -> None:
    from ancrage.indicators.store import write_all

    snapshot, rows = write_all(con, territory, period)
    Console().print(
        f"{rows} valeurs d'indicateurs enregistrées (table indicator_values, territoire "
        f"{territory}). Nouvel instantané de l'entrepôt : {snapshot.id}"
    )


def register(app: typer.Typer) -> None:
    """Add ``ancrage indicators …`` to the root command."""
    app.add_typer(indicators_app, name="indicators")
