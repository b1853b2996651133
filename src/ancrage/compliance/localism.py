"""Localism detector: flags geographic preference (LOC-01), implantation requirements that need the
LOC-02 safeguards, and lawful proxies worded too loosely (LOC-03); proposes a lawful rewording.

Patterns run on normalised text (see :mod:`textnorm`): lower case, no accents, no elisions.
Only proper-noun detection (a region or département named after an origin or location word) looks
at the original capitals, because normalisation erases them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ancrage.compliance.textnorm import normalize

# Who or what is being located: firms, people, products.
_ACTOR = (
    r"(entreprises?|societes?|artisans?|producteurs?|fournisseurs?|prestataires?|candidats?|"
    r"titulaires?|operateurs?|acteurs?|pme|tpe|commercants?|agriculteurs?|eleveurs?|"
    r"main oeuvre|personnels?|salaries?|savoir faire|tissu|approvisionnements?|"
    r"agriculture|produits?|denrees?|materiaux|fabrication|achats?|implantation|economie|"
    r"sous traitants?|intervenants?|partenaires?|structures?|commerces?|boulangers?|bouchers?|"
    r"maraichers?|traiteurs?|restaurateurs?|fleuristes?|transporteurs?|garages?|cooperatives?|"
    r"emplois?|filieres?|ressources?)"
)
_LOCAL = r"(locale?s?|locaux|localement|territoriale?s?|de proximite)"
# Adjectives of origin that always name a place: "fabrication régionale", "viande départementale".
_PLACE_ADJECTIVE = (
    r"(regionale?s?|regionaux|departementale?s?|departementaux|communale?s?|communaux)"
)
_GEO_UNIT = (
    r"(commune|departement|region|territoire|canton|bassin|agglomeration|metropole|"
    r"intercommunalite|communaute (de communes|urbaine|agglomeration)|pays|terroir|ville|"
    r"centre ville|quartier|village|bourg)"
)
_SITE = (
    r"(implante\w*|implantation|situe\w*|installe\w*|etabli\w*|domicilie\w*|siege|agence|"
    r"depot|entrepot|magasin|antenne|bureau|atelier|etablissement|localise\w*|base\w*|possed\w*)"
)
_DISTANCE = (
    r"(a moins de \d+ ?(km|kilometres?)|rayon de \d+|au dela de \d+ ?(km|kilometres?)|"
    r"moins (de |d )?(une|1|\d+) (heure|heures|minutes?) de (route|trajet)|distance entre)"
)
_ORIGIN = (
    r"(origine|provenance|provien\w*|provenir|provenant|issue?s?|fabrication|fabrique\w*|"
    r"extraite?s?|nee?s?|elevee?s?(?= (?:et|en|dans|au|a|sur)\b)|abattue?s?|cultivee?s?|recoltee?s?|forets?|carrieres?|"
    r"produite?s?|"
    r"registre des metiers)"
)
_NATIONAL = r"(france|francaise?s?|national(e|es)?|made in france)"
_REGIONS = (
    r"(occitanie|bretagne|normandie|auvergne|rhone alpes|bourgogne|franche comte|hauts de france|"
    r"grand est|nouvelle aquitaine|ile de france|pays de la loire|centre val de loire|provence|"
    r"corse|alsace|lorraine|champagne|picardie|limousin|aquitaine|languedoc|roussillon|poitou|"
    r"charentes|midi pyrenees|savoie|haute savoie|massif central|jura|vosges|guadeloupe|"
    r"martinique|guyane|reunion|mayotte)"
)
_W = r"(?: \w+){0,%d}"  # a window of up to N words


def _near(a: str, b: str, words: int = 4) -> str:
    return rf"\b{a}{_W % words} {b}\b"


@dataclass(frozen=True)
class Pattern:
    id: str
    rule: str  # LOC-01 | LOC-02 | LOC-03
    regex: re.Pattern[str]
    explanation: str
    rewording: str


_REWORD_DELAY = (
    "Exprimer le besoin en délai d'intervention justifié par l'objet (ex. « intervention sur site "
    "sous 2 heures en cas de panne ») et admettre l'engagement de s'implanter après attribution."
)
_REWORD_ORIGIN = (
    "Remplacer l'origine par des exigences liées à l'objet : produits sous signe de qualité ou bio "
    "(ou équivalent), fraîcheur, saisonnalité, circuit court défini par le nombre d'intermédiaires "
    "(au plus un), émissions de gaz à effet de serre du transport."
)
_REWORD_ACTOR = (
    "Supprimer la référence à la localisation du candidat ; utiliser un levier licite : délai "
    "d'intervention justifié, performance environnementale (émissions du transport), allotissement "
    "géographique, sourcing ouvert à tous."
)

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "proximity_criterion",
        "LOC-01",
        re.compile(
            r"\b(proximite geographique|note de proximite|critere de proximite|ancrage territorial)\b"
        ),
        "La proximité géographique du candidat n'est pas un critère admissible.",
        _REWORD_ACTOR,
    ),
    Pattern(
        "local_knowledge",
        "LOC-01",
        re.compile(r"\bconnaissance du (tissu|territoire|contexte local|terrain local)"),
        "La connaissance du tissu local favorise les entreprises déjà implantées.",
        "Apprécier plutôt la connaissance du site et de ses contraintes (visite obligatoire) ou la "
        "méthodologie proposée.",
    ),
    Pattern(
        "local_employment",
        "LOC-01",
        re.compile(
            r"\b(main oeuvre|personnel|salaries|embauch\w*|recrut\w*)"
            + _W % 4
            + rf" ({_LOCAL}|(du|de la|des|de) {_GEO_UNIT}|habitants)\b"
        ),
        "Favoriser l'emploi local est étranger aux règles de la commande publique "
        "(CE 1994, Ventenac-en-Minervois).",
        "Remplacer par une clause d'insertion (heures réservées à des personnes éloignées de "
        "l'emploi), sans condition de résidence.",
    ),
    Pattern(
        "local_actor",
        "LOC-01",
        re.compile(
            rf"\b{_ACTOR}{_W % 3} ({_LOCAL}|(du|de la|des|de|sur le) {_GEO_UNIT})\b"
            rf"|\b{_LOCAL} (du|des) (prestataire|candidat|titulaire|fournisseur|entreprise)"
        ),
        "La localisation du candidat ou l'origine locale des produits est une préférence "
        "géographique interdite.",
        _REWORD_ACTOR,
    ),
    Pattern(
        "local_economy",
        "LOC-01",
        re.compile(
            r"\b(vie economique locale|economie locale|retombees? (economiques? )?(pour|sur) (le|la) "
            rf"{_GEO_UNIT}|\w+(istes|iers|eurs|ants) (locaux|locales))\b"
            rf"|\b{_ORIGIN} {_PLACE_ADJECTIVE}\b"
        ),
        "Les retombées pour l'économie locale ou la qualité de fournisseur local ne sont pas "
        "des critères liés à l'objet du marché : préférence géographique interdite.",
        _REWORD_ACTOR,
    ),
    Pattern(
        "local_references",
        "LOC-01",
        re.compile(
            r"\b(chantiers?|references?|experiences?|prestations?|marches?|realisations?)"
            + _W % 2
            + rf" (sur|dans) (le|la|les) {_GEO_UNIT}"
        ),
        "Valoriser les références obtenues sur le territoire de l'acheteur favorise les "
        "entreprises locales.",
        "Apprécier les références pour des prestations comparables, où qu'elles aient été réalisées.",
    ),
    Pattern(
        "product_origin",
        "LOC-01",
        re.compile(
            _near(_ORIGIN, rf"({_NATIONAL}|{_REGIONS}|{_GEO_UNIT}|{_LOCAL})", 5)
            + "|"
            + _near(_NATIONAL, r"(exige\w*|obligatoire|impose\w*|requise?)", 4)
        ),
        "Exiger une origine géographique des produits est discriminatoire (CJCE, C-158/03).",
        _REWORD_ORIGIN,
    ),
    Pattern(
        "implantation",
        "LOC-01",
        re.compile(
            _near(_SITE, rf"({_GEO_UNIT}|{_REGIONS}|{_NATIONAL}|{_LOCAL}|{_DISTANCE})", 5)
            + "|"
            + rf"\b{_DISTANCE}"
        ),
        "Une exigence d'implantation ou de distance n'est admise que si l'objet la justifie "
        "(délais d'intervention) et si l'engagement de s'implanter est accepté.",
        _REWORD_DELAY,
    ),
)

# Context that makes an implantation requirement lawful or at least partly justified (LOC-02).
_JUSTIFICATION = re.compile(
    r"\b(intervention|intervenir|depannage|urgence|urgent\w*|astreinte|mise en securite|delai)"
)
_COMMITMENT = re.compile(
    r"\b(engag\w*|s engager)(?: \w+){0,3} (a )?(implanter|installer|etablir|ouvrir)"
)
# Reporting origin without any effect on the award is lawful (LOC-04).
_ORIGIN_RE = re.compile(rf"\b{_ORIGIN}")
_INFORMATION_ONLY = re.compile(
    r"\b(a titre (d )?information|sans (effet|incidence) sur (la )?notation|non note)"
)
# Circuit court defined the lawful way: by the number of intermediaries.
_INTERMEDIARIES = re.compile(
    r"\b(intermediaire|vente directe|approvisionnements? directs?|directement aupres)"
)
_SHORT_CHAIN = re.compile(r"\bcircuits? courts?\b")
_CARBON = re.compile(r"\b(bilan carbone|empreinte carbone|emissions?|co2|gaz a effet de serre)\b")
_CARBON_METHOD = re.compile(r"\b(methode|calcul\w*|formule|kg|tonnes?|co2e|annexe|referentiel)\b")


# Nouns of the buyer's own sites and users: "locaux situés dans le département" describes where
# the service is performed, not where the supplier is.
_BUYER_SIDE = frozenset(
    "locaux batiments batiment etablissements site sites ecoles ecole eleves usagers beneficiaires "
    "equipements voiries espaces lieux salles agents services patrimoine logements colleges lycees "
    "creches parcs terrains routes communes".split()
)
_SUBJECT_CHECKED = frozenset({"implantation", "product_origin", "local_actor"})


def _supplier_side_match(regex: re.Pattern[str], norm: str) -> bool:
    """A match whose subject (the word before it, or its first word) is not on the buyer's side."""
    for match in regex.finditer(norm):
        before = norm[: match.start()].split()[-1:]
        first = match.group(0).split()[:1]
        if not _BUYER_SIDE.intersection(before + first):
            return True
    return False


@dataclass(frozen=True)
class LocalismHit:
    """One problem found in one text of the consultation."""

    rule: str
    pattern: str
    excerpt: str
    explanation: str
    rewording: str

    @property
    def unlawful(self) -> bool:
        return self.rule in ("LOC-01", "LOC-02")


def analyse(text: str) -> list[LocalismHit]:
    """Localism hits in one text (a criterion, condition, specification or the object)."""
    norm = normalize(text)
    if not norm:
        return []
    hits: list[LocalismHit] = []
    for pattern in PATTERNS:
        if pattern.id in _SUBJECT_CHECKED:
            if not _supplier_side_match(pattern.regex, norm):
                continue
        elif not pattern.regex.search(norm):
            continue
        if pattern.id == "product_origin" and _INFORMATION_ONLY.search(norm):
            continue
        if pattern.id == "implantation":
            hit = _implantation_hit(pattern, text, norm)
            if hit:
                hits.append(hit)
            continue
        hits.append(
            LocalismHit(pattern.rule, pattern.id, text, pattern.explanation, pattern.rewording)
        )
        break  # one LOC-01 reason per text is enough for the buyer
    if not hits and not _INFORMATION_ONLY.search(norm):
        place = named_place(text)
        if place:
            hits.append(
                LocalismHit(
                    "LOC-01",
                    "named_place",
                    text,
                    f"Le lieu « {place} » est exigé pour l'implantation du candidat ou l'origine "
                    "des produits : préférence géographique interdite.",
                    _REWORD_ORIGIN if _ORIGIN_RE.search(norm) else _REWORD_ACTOR,
                )
            )
    if not hits:
        hits.extend(_proxy_hits(text, norm))
    return hits


def is_unlawful(text: str) -> bool:
    """The corpus label: does the detector consider this text a geographic preference?"""
    return any(hit.unlawful for hit in analyse(text))


def _implantation_hit(pattern: Pattern, text: str, norm: str) -> LocalismHit | None:
    justified = bool(_JUSTIFICATION.search(norm))
    committed = bool(_COMMITMENT.search(norm))
    if justified and committed:
        return None  # LOC-02 satisfied: justified by the object, commitment accepted
    if justified or committed:
        missing = (
            "l'acceptation de l'engagement de s'implanter après attribution"
            if justified
            else "la justification par l'objet (délai d'intervention)"
        )
        return LocalismHit(
            "LOC-02",
            "implantation_partial",
            text,
            f"Exigence d'implantation admise seulement avec {missing}.",
            _REWORD_DELAY,
        )
    return LocalismHit(pattern.rule, pattern.id, text, pattern.explanation, pattern.rewording)


def _proxy_hits(text: str, norm: str) -> list[LocalismHit]:
    """LOC-03: lawful levers that still need a precise definition."""
    hits = []
    if _SHORT_CHAIN.search(norm) and not _INTERMEDIARIES.search(norm):
        hits.append(
            LocalismHit(
                "LOC-03",
                "short_chain_undefined",
                text,
                "« Circuit court » non défini : sans définition, il risque d'être lu comme une "
                "distance.",
                "Définir le circuit court par le nombre d'intermédiaires : « vente directe ou avec "
                "au plus un intermédiaire entre le producteur et l'acheteur ».",
            )
        )
    if _CARBON.search(norm) and not _CARBON_METHOD.search(norm):
        hits.append(
            LocalismHit(
                "LOC-03",
                "carbon_undefined",
                text,
                "Critère carbone sans méthode de calcul : il doit être défini avec précision pour "
                "ne pas masquer une préférence de proximité.",
                "Préciser l'indicateur (ex. kg CO2e par livraison), le périmètre et la méthode de "
                "calcul, annexés au règlement de consultation.",
            )
        )
    return hits


# A capitalised place name after a location or origin word, e.g. "siège en Isère",
# "boulanger de Villeurbanne". Runs on the original text: normalisation erases the capitals.
_PLACE = re.compile(
    r"\b(?:en|du|de la|de l'|de l’|de|dans le|dans la|dans l'|dans l’|à)\s+"
    r"(?P<place>[A-ZÉÈÊÎÔ][\w’'-]+)"
)
_PLACE_TRIGGER = re.compile(rf"\b({_SITE}|{_ORIGIN}|{_ACTOR}|resid\w*)\b")
# Capitalised words that are not places (labels, legal references).
_NOT_PLACES = frozenset({"label", "rgaa", "ccp", "cctp", "ccap", "aop", "igp", "stg", "annexe"})


def named_place(text: str) -> str | None:
    """The place name attached to a location/origin word, if any."""
    for match in _PLACE.finditer(text):
        if match.start() == 0 or normalize(match.group("place")) in _NOT_PLACES:
            continue
        before = normalize(text[max(0, match.start() - 60) : match.start()])
        if _PLACE_TRIGGER.search(" ".join(before.split()[-4:])):
            return match.group("place")
    return None
