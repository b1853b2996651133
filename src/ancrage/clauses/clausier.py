"""The printable clausier: one self-contained French HTML page, grouped by family then kind."""

from __future__ import annotations

from html import escape

from ancrage.clauses.library import Library
from ancrage.clauses.model import KIND_LABELS, KINDS, Clause

_MEANS_LABELS = {
    "evidence": "justificatifs",
    "label": "label ou équivalent",
    "certificate": "certificat",
    "report": "rapport",
    "on_site_check": "contrôle sur site",
    "sample": "échantillon",
    "declaration": "déclaration",
    "audit": "audit",
    "invoice": "factures",
    "indicator": "indicateur",
}

_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #555; } }
body { font-family: "Marianne", Arial, Helvetica, sans-serif; font-size: 9pt; color: #161616;
  line-height: 1.3; max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 20pt; color: #000091; margin-bottom: .2rem; }
h2 { font-size: 15pt; color: #000091; border-bottom: 2px solid #000091; margin-top: 2rem;
  break-before: page; }
h3 { font-size: 12pt; color: #3a3a3a; margin-top: 1.2rem; }
nav ol { columns: 2; font-size: 9.5pt; }
nav a, a { color: #000091; }
article { border: 1px solid #ddd; border-left: 4px solid #6a6af4; padding: .5rem .8rem;
  margin: .8rem 0; break-inside: avoid; }
article.social { border-left-color: #ce614a; }
article.economic { border-left-color: #7a7a7a; }
article h4 { margin: 0 0 .3rem; font-size: 11pt; }
.id { font-family: monospace; color: #555; }
.wording { white-space: pre-line; background: #f6f6f6; padding: .4rem .6rem; margin: .4rem 0; }
table.meta { border-collapse: collapse; width: 100%; margin: .3rem 0; }
table.meta th { text-align: left; vertical-align: top; width: 11rem; padding: .1rem .6rem .1rem 0;
  color: #3a3a3a; }
table.meta td { vertical-align: top; padding: .1rem 0; }
ul { margin: .2rem 0; padding-left: 1.2rem; }
.notice { font-size: 9pt; color: #555; }
@media print { body { max-width: none; padding: 0; } nav { break-after: page; } }
"""


def render_html(library: Library) -> str:
    """The clausier as a complete HTML document (inline CSS, no external resource)."""
    families = library.ordered_families()
    toc: list[str] = []
    body: list[str] = []
    for family in families:
        label = escape(library.family_label(family))
        entries = [c for c in library.entries if c.family == family]
        toc.append(f'<li><a href="#{family}">{label}</a> ({len(entries)})</li>')
        body.append(f'<section id="{family}"><h2>{label}</h2>')
        for kind in KINDS:
            of_kind = [c for c in entries if c.kind == kind]
            if of_kind:
                body.append(f"<h3>{escape(KIND_LABELS[kind])}</h3>")
                body.extend(_entry(c) for c in of_kind)
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>Clausier Ancrage — critères et clauses types</title>"
        f"<style>{_CSS}</style></head><body>"
        "<header><h1>Clausier Ancrage</h1>"
        f"<p>Référentiel de critères et clauses types pour l'achat public responsable : "
        f"{len(library.entries)} entrées, {len(families)} familles d'achat.</p>"
        '<p class="notice">Modèles rédigés par l\'équipe Ancrage à partir du Code de la commande '
        "publique et des guides officiels cités ; à adapter à l'objet de chaque marché. Les "
        "crochets [ ] signalent les valeurs à fixer par l'acheteur.</p></header>"
        f'<nav><h2 style="break-before:auto">Sommaire</h2><ol>{"".join(toc)}</ol></nav>'
        f"{''.join(body)}</body></html>\n"
    )


def _entry(c: Clause) -> str:
    rows = [
        ("Pilier", c.pillar_label),
        ("CPV", ", ".join(c.cpv) if c.cpv else "tous les codes CPV"),
        (
            "Vérification",
            f"{escape(', '.join(_MEANS_LABELS[m] for m in c.verification.means))} — "
            f"{escape(c.verification.description)}",
        ),
    ]
    if c.weight_range:
        rows.append(("Pondération indicative", f"{c.weight_range[0]} à {c.weight_range[1]} %"))
    rows += [
        ("Base juridique", ", ".join(c.legal_basis)),
        ("Valeur DECP", ", ".join(c.decp_value) or "aucune (pilier économique)"),
        ("eForms", c.eforms or "—"),
    ]
    details = "".join(
        f"<tr><th>{name}</th><td>{value if name == 'Vérification' else escape(value)}</td></tr>"
        for name, value in rows
    )
    pitfalls = "".join(f"<li>{escape(p)}</li>" for p in c.pitfalls)
    sources = "".join(
        f"<li>{escape(s.title)} <span class='id'>({escape(s.reference)})</span></li>"
        for s in c.sources
    )
    return (
        f'<article id="{c.id}" class="{c.pillar}"><h4><span class="id">{c.id}</span> — '
        f"{escape(c.title)}</h4>"
        f'<div class="wording">{escape(c.wording)}</div><table class="meta">{details}'
        f"<tr><th>Points de vigilance</th><td><ul>{pitfalls}</ul></td></tr>"
        f"<tr><th>Sources</th><td><ul>{sources}</ul></td></tr></table></article>"
    )
