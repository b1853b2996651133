"""Generate ``docs/indicateurs/``: one page per indicator and an index, from the catalogue.

    python -m ancrage.indicators.docs [--check] [DIRECTORY]

The pages are derived from the plug-ins only (never edited by hand); a test checks that the
committed pages are up to date. ``--check`` exits with 1 and lists the stale pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ancrage.indicators.base import THEMES, Indicator
from ancrage.indicators.peers import __doc__ as PEERS_DOC
from ancrage.indicators.prepare import AMOUNT_BANDS, BREAKDOWNS
from ancrage.indicators.registry import CATALOGUE

DEFAULT_DIR = Path("docs/indicateurs")
HEADER = (
    "<!-- Page générée par `python -m ancrage.indicators.docs` : ne pas modifier à la main. -->"
)
UNITS = {
    "%": "pourcentage (0 à 100)",
    "km": "kilomètres",
    "offres": "nombre d'offres",
    "indice": "indice (0 à 10 000)",
}


def _bullets(items: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {item}" for item in items) if items else "- Aucune."


def _target(ind: Indicator) -> str:
    if ind.target is None:
        return "Pas d'objectif national : `target` et `gap` sont vides."
    return (
        f"Objectif national : **{ind.target:g} %** ({ind.target_source}). La sortie donne `target` "
        f"= {ind.target:g} et `gap` = valeur − objectif, en points."
    )


def _direction(ind: Indicator) -> str:
    if ind.higher_is_better is None:
        return "Ni une valeur haute ni une valeur basse n'est bonne en soi : c'est un constat."
    return (
        "Plus la valeur est haute, mieux c'est."
        if ind.higher_is_better
        else ("Plus la valeur est basse, mieux c'est.")
    )


def page(ind: Indicator) -> str:
    """The Markdown page of one indicator."""
    bands = ", ".join(f"`{band}` ({label})" for band, label, _ in AMOUNT_BANDS)
    categories = (
        "\n\nCatégories (`category`) :\n\n"
        + _bullets([f"`{c}` : {label}" for c, label in ind.categories])
        if ind.categories
        else ""
    )
    if ind.id == "data_quality":
        categories = (
            "\n\nCatégories (`category`) : l'identifiant de chaque règle de contrôle de l'import."
        )
    territory = (
        "\n- `--territory` : périmètre « local » (commune, epci, departement par défaut, region, "
        "radius:KM, ou liste propre à l'organisation)."
        if ind.territory_dependent
        else ""
    )
    schema = (
        "\n- Données au format DECP 2022 seulement : les contrats au format 2019 sortent du "
        "dénominateur ; s'il n'en reste aucun, l'indicateur est « non disponible », jamais 0."
        if ind.min_schema == "2022"
        else ""
    )
    return f"""{HEADER}

# {ind.label}

Identifiant : `{ind.id}` · Thème : {THEMES[ind.theme]} · Unité : {UNITS.get(ind.unit, ind.unit)}

## Définition

{ind.definition}

## Méthode

- Numérateur : {ind.numerator}.
- Dénominateur : {ind.denominator}.
- Champs utilisés : {", ".join(f"`{f}`" for f in ind.fields)}.
- Niveau : {"contrat (chaque contrat compte une fois, pour son montant actuel)" if ind.level == "contract" else "titulaire (un contrat à n titulaires actuels compte 1/n pour chacun, en nombre comme en montant)"}.{schema}
- {_target(ind)}
- {_direction(ind)}

## Exemple

{ind.example}

Ce calcul à la main est la fixture de référence `tests/indicators/fixtures/{ind.id}.expected.json`.

## Pourquoi c'est utile

{ind.why}

## Sortie

Une ligne par groupe (acheteur, et ventilations demandées){" et par catégorie" if ind.categories or ind.id == "data_quality" else ""} :
`value` ({ind.unit}), `numerator`, `denominator`, `available` et `reason` (quand le dénominateur est
nul : valeur absente, jamais 0), `target` et `gap`, et la comparaison aux pairs `peer_group`,
`peer_median`, `peer_percentile`, `peer_count`.{categories}

## Paramètres

- Période : `--year AAAA` ou `--from AAAA-MM-JJ --to AAAA-MM-JJ` (date de notification, bornes
  incluses).
- Ventilations (`--by`, cumulables) : {", ".join(f"`{k}` ({v[0].lower()}{v[1:]})" for k, v in BREAKDOWNS.items())}.
- Tranches de montant (montant initial HT publié, borne basse incluse) : {bands}.{territory}

## Exclusions

{_bullets(ind.exclusions)}

## Hypothèses

{_bullets(ind.assumptions)}

## Limites

{_bullets(ind.caveats)}

## Comparaison aux pairs

Les pairs sont les acheteurs du même groupe (`buyer_profiles.peer_group` : même type d'acheteur et
même tranche de taille), sur le même indicateur, la même catégorie et la même cellule de
ventilation. `peer_percentile` = 100 × (nombre de pairs de valeur inférieure + ½ × nombre de pairs
de valeur égale, l'acheteur compris) / nombre de pairs ayant une valeur.

## Sources

{ind.source}
"""


def index() -> str:
    """The Markdown index of the catalogue."""
    lines = [HEADER, "", "# Catalogue des indicateurs", ""]
    lines += [
        "Chaque indicateur est un module de `src/ancrage/indicators/`, écrit une fois en "
        "expressions Ibis (DuckDB par défaut, Spark à grande échelle), avec sa fixture de "
        "référence calculée à la main dans `tests/indicators/fixtures/`.",
        "",
        "Règle des contrats à plusieurs titulaires : un contrat n'est jamais compté deux fois. "
        "Les indicateurs au niveau du contrat comptent le contrat et son montant actuel une fois ; "
        "les indicateurs au niveau du titulaire répartissent le contrat (1/n) et son montant "
        "(montant / n) à parts égales entre ses n titulaires actuels.",
        "",
        "Calcul : `ancrage indicators compute --buyer SIRET [--year AAAA] [--territory departement] "
        "[--by year] [--format json]` ; `ancrage indicators compute --all` enregistre tous les "
        "acheteurs × années dans la table `indicator_values` de l'entrepôt.",
        "",
    ]
    for theme, title in THEMES.items():
        members = [ind for ind in CATALOGUE if ind.theme == theme]
        if not members:
            continue
        lines += [
            f"## {title}",
            "",
            "| Identifiant | Indicateur | Unité | Objectif |",
            "|---|---|---|---|",
        ]
        for ind in members:
            target = f"{ind.target:g} %" if ind.target is not None else ""
            lines.append(f"| [`{ind.id}`]({ind.id}.md) | {ind.label} | {ind.unit} | {target} |")
        lines.append("")
    lines += [
        "## Méthode de comparaison aux pairs",
        "",
        "```text",
        (PEERS_DOC or "").strip(),
        "```",
        "",
    ]
    return "\n".join(lines)


def render() -> dict[str, str]:
    """File name → content of every generated page."""
    pages = {f"{ind.id}.md": page(ind) for ind in CATALOGUE}
    pages["index.md"] = index()
    return pages


def stale(directory: Path) -> list[str]:
    """The pages of ``directory`` that are missing, different, or no longer generated."""
    pages = render()
    wrong = [
        name
        for name, text in pages.items()
        if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
    ]
    extra = (
        [p.name for p in directory.glob("*.md") if p.name not in pages]
        if directory.is_dir()
        else []
    )
    return sorted(wrong + extra)


def write(directory: Path) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    pages = render()
    for name, text in pages.items():
        (directory / name).write_text(text, encoding="utf-8")
    for old in directory.glob("*.md"):
        if old.name not in pages:
            old.unlink()
    return sorted(pages)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    directory = Path(args[0]) if args else DEFAULT_DIR
    if check:
        wrong = stale(directory)
        for name in wrong:
            print(f"Page à régénérer : {directory / name}")
        return 1 if wrong else 0
    names = write(directory)
    print(f"{len(names)} pages écrites dans {directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
