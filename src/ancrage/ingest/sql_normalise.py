"""The fast path of normalisation: clean 2022-format marchés, normalised in DuckDB.

Most records of a real or synthetic national file are *clean*: every field in its official place,
type and spelling. For them, per-record Python is the bottleneck, so they are staged as
newline-delimited JSON and normalised here with vectorised SQL. Any record that is not clean in
every respect (a number given as text, a date with a time zone, an unknown label, nested
awardee lists, a modification that brings new awardees or is not in id order, a ``null``…)
goes back to the Python normaliser
(:mod:`ancrage.ingest.normalise`), which remains the single reference for defects. A test
(``tests/ingest/test_sql_path.py``) checks that both paths give identical rows.

DuckDB reads each field as a JSON fragment (minified text); types and shapes are checked on that
text with cheap string operations rather than by parsing each fragment again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from ancrage.ingest import enums
from ancrage.reference.codes import CPV_DIVISIONS

# Every key the Python normaliser may read on a marché, literal dotted keys included: a clean
# record has the canonical ones only, so both paths read the same values.
SCALARS = (
    "id", "_type", "uid", "uuid", "nature", "objet", "codeCPV", "techniques", "modalitesExecution",
    "idAccordCadre", "marcheInnovant", "ccag", "offresRecues", "attributionAvance", "tauxAvance",
    "typeGroupementOperateurs", "sousTraitanceDeclaree", "actesSousTraitance", "procedure",
    "dureeMois", "dateNotification", "datePublicationDonnees", "dateDebutExecution", "montant",
    "typesPrix", "formePrix", "origineUE", "origineFrance", "titulaires", "considerationsSociales",
    "considerationsEnvironnementales", "modifications", "acheteur", "lieuExecution",
)  # fmt: skip
OFF_PATH = (
    "acheteur.id", "acheteur.nom", "acheteur_id", "acheteur_nom", "autoriteConcedante",
    "autoriteConcedante.id", "autoriteConcedante.nom", "cpv", "lieuExecution.code",
    "lieuExecution_code", "lieuExecution.typeCode", "lieuExecution.nom", "valeurGlobale",
    "dateSignature", "montantSubventionPublique", "concessionnaires",
)  # fmt: skip
# A concession's fields read under the name the marché field of the same role has, so that the
# rest of the SQL serves both kinds (its ``concessionnaire`` wrappers are renamed likewise).
AS_MARCHE = {
    "acheteur": "autoriteConcedante",
    "montant": "valeurGlobale",
    "dateNotification": "dateSignature",
    "titulaires": "concessionnaires",
}
# Marché fields the Python normaliser falls back to when a concession lacks its own: present in
# a concession, they make it not clean (as does "codeCpv", read apart: DuckDB's names ignore
# case, so one struct cannot hold it beside "codeCPV").
MARCHE_ONLY = ("acheteur", "montant", "dateNotification", "titulaires", "codeCPV")
# Other names of ``_type`` that the Python normaliser reads to tell a concession from a marché
# when the file does not say (no envelope): read here only to send such records to Python.
KIND_MARKERS = ("type_contrat", "typeContrat")
# A ``_type`` of plain printable ASCII without escapes, whose text is then exactly what the
# Python normaliser folds before looking for "concession" in it.
_PLAIN_TYPE = r'"[ !#-\[\]-~]*"'
_STR = r'"[^"\\]*"'  # a JSON string without escapes
_FLAT = rf"\{{{_STR}:{_STR}(,{_STR}:{_STR})*\}}"  # an object of strings only
_TITULAIRE = (
    r'\{"titulaire":\{"(id|typeIdentifiant|denominationSociale)":'
    + _STR
    + r'(,"(id|typeIdentifiant|denominationSociale)":'
    + _STR
    + r")*\}\}"
)
_TITULAIRES = rf"\[{_TITULAIRE}(,{_TITULAIRE})*\]"
# Modifications the SQL path applies: each an integer id and new totals as numbers, with ISO
# dates, nothing else (no new awardees, no 2019 object): what national files mostly publish.
_MOD_FIELD = (
    r'"id":[0-9]{1,9}'
    r'|"(montant|dureeMois)":-?[0-9][0-9.eE+-]*'
    r'|"(dateNotificationModification|datePublicationDonneesModification)":'
    r'"[0-9]{4}-[0-9]{2}-[0-9]{2}"'
)
_MODIFICATION = rf'\{{"modification":\{{({_MOD_FIELD})(,({_MOD_FIELD}))*\}}\}}'
_MODIFICATIONS = rf"\[{_MODIFICATION}(,{_MODIFICATION})*\]"
MODIFICATION_TYPE = (
    '[{"modification": {"id": "JSON", "montant": "JSON", "dureeMois": "JSON", '
    '"dateNotificationModification": "JSON", "datePublicationDonneesModification": "JSON"}}]'
)


# The characters whose lowercase DuckDB's lower() and Python's str.lower() agree on, as far as
# checked: ASCII, Latin-1, Œ, Ÿ, and the punctuation and currency blocks (no case). The
# contract's identity lowercases its object: a record whose object has any other character (İ,
# ǅ…) is not clean, as in the compiled normaliser (_marches.c, lower_collapsed). Found by the
# mutation test of tests/ingest/test_compiled.py: İ gave another contract_id in SQL.
_KNOWN_CASE = r"[\x00-\xff\x{152}\x{153}\x{178}\x{2000}-\x{206f}\x{20a0}-\x{20cf}]*"


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(set(values))) + "]"


def _labels(table: dict[str, str]) -> str:
    return _sql_list(table.values())


def _macros(today: date) -> str:
    return f"""
    CREATE OR REPLACE MACRO fr(j) AS CAST(j AS VARCHAR);
    CREATE OR REPLACE MACRO is_s(j) AS starts_with(fr(j), '"');
    CREATE OR REPLACE MACRO sv(j) AS CASE
        WHEN j IS NULL THEN NULL
        WHEN contains(fr(j), '\\') THEN j->>'$'
        ELSE substr(fr(j), 2, length(fr(j)) - 2) END;
    CREATE OR REPLACE MACRO is_n(j) AS regexp_full_match(fr(j), '-?[0-9][0-9.eE+-]*');
    CREATE OR REPLACE MACRO nv(j) AS CASE WHEN is_n(j) THEN CAST(fr(j) AS DOUBLE) END;
    CREATE OR REPLACE MACRO opt_n(j) AS j IS NULL OR is_n(j);
    CREATE OR REPLACE MACRO opt_s(j) AS j IS NULL OR is_s(j);
    CREATE OR REPLACE MACRO opt_b(j) AS j IS NULL OR fr(j) IN ('true', 'false');
    CREATE OR REPLACE MACRO bv(j) AS CASE WHEN j IS NULL THEN NULL ELSE fr(j) = 'true' END;
    -- trim() with a set of characters is slow: most values have no blank at either end.
    -- (Blanks: tab to carriage return, 9 to 13, and space. Written as ranges: a list of six
    -- values after IN became a hash join per use.)
    CREATE OR REPLACE MACRO blank(c) AS c BETWEEN 9 AND 13 OR c = 32;
    CREATE OR REPLACE MACRO txt(s) AS CASE
        WHEN blank(ascii(s)) OR blank(ascii(right(s, 1)))
        THEN nullif(trim(s, ' ' || chr(9) || chr(10) || chr(13) || chr(11) || chr(12)), '')
        ELSE nullif(s, '') END;
    CREATE OR REPLACE MACRO opt_label(j, official) AS j IS NULL OR (is_s(j) AND list_contains(official, txt(sv(j))));
    CREATE OR REPLACE MACRO iso_date(j) AS CASE
        WHEN regexp_full_match(fr(j), '"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}"') AND substr(fr(j), 2, 4) <> '0000'
        THEN try_strptime(substr(fr(j), 2, 10), '%Y-%m-%d')::DATE END;
    CREATE OR REPLACE MACRO opt_date(j) AS j IS NULL OR iso_date(j) IS NOT NULL;
    -- {{"wrapper": ["label", …]}} as a list of trimmed labels (NULL when the text is not that shape)
    CREATE OR REPLACE MACRO label_items(j, wrapper) AS CASE
        WHEN fr(j) = '{{"' || wrapper || '":[]}}' THEN []
        WHEN regexp_full_match(fr(j), '\\{{"' || wrapper || '":\\[{_STR}(,{_STR})*\\]\\}}')
        THEN list_transform(
            string_split(substr(fr(j), length(wrapper) + 7, length(fr(j)) - length(wrapper) - 9), '","'),
            lambda x: txt(x))
        END;
    CREATE OR REPLACE MACRO clean_labels(j, wrapper, official) AS
        j IS NULL OR list_bool_and(list_transform(label_items(j, wrapper),
            lambda x: x IS NOT NULL AND list_contains(official, x))) IS NOT FALSE
            AND label_items(j, wrapper) IS NOT NULL;
    -- The awardee objects of a canonical list, separated by "|": {{"titulaire":{{…}}}},{{"titulaire":{{…}}}}
    CREATE OR REPLACE MACRO titulaire_fields(j) AS substr(
        replace(fr(j), '}}}},{{"titulaire":{{', '|'), 16,
        length(replace(fr(j), '}}}},{{"titulaire":{{', '|')) - 18);
    CREATE OR REPLACE MACRO final_list(l) AS CASE WHEN len(l) = 0 THEN NULL ELSE l END;
    CREATE OR REPLACE MACRO flat_get(j, key) AS regexp_extract(fr(j), '"' || key || '":"([^"\\\\]*)"', 1);
    CREATE OR REPLACE MACRO flat_has(j, key) AS contains(fr(j), '"' || key || '":');
    CREATE OR REPLACE MACRO num_text(x) AS CASE
        WHEN x = trunc(x) AND abs(x) < 1e15 THEN CAST(CAST(x AS BIGINT) AS VARCHAR)
        ELSE printf('%.2f', x) END;
    -- Modifications (parsed with MODIFICATION_TYPE, l; their text, t) that the Python normaliser
    -- applies in the order given: ids present and strictly increasing (its sort key is the id),
    -- new data in each, valid dates, and no key twice (DuckDB keeps the first of two, Python the
    -- last: the keys of t, the only '":' in it, are counted against the fields found).
    CREATE OR REPLACE MACRO mod_ids(l) AS list_transform(l, lambda m: CAST(fr(m.modification.id) AS BIGINT));
    CREATE OR REPLACE MACRO mods_clean(l, t) AS
        list_bool_and(list_transform(l, lambda m:
            m.modification.id IS NOT NULL
            AND (m.modification.montant IS NOT NULL OR m.modification.dureeMois IS NOT NULL)
            AND opt_date(m.modification.dateNotificationModification)
            AND opt_date(m.modification.datePublicationDonneesModification)))
        AND mod_ids(l) = list_sort(list_distinct(mod_ids(l)), 'ASC')
        AND (length(t) - length(replace(t, '":', ''))) // 2 = len(l) + list_sum(list_transform(l, lambda m:
            (m.modification.id IS NOT NULL)::INT + (m.modification.montant IS NOT NULL)::INT
            + (m.modification.dureeMois IS NOT NULL)::INT
            + (m.modification.dateNotificationModification IS NOT NULL)::INT
            + (m.modification.datePublicationDonneesModification IS NOT NULL)::INT));
    CREATE OR REPLACE MACRO date_rule(d) AS CASE
        WHEN year(d) < 2000 THEN 'date_implausible'
        WHEN d > DATE '{today.isoformat()}'
             THEN CASE WHEN year(d) <= {today.year + 1} THEN 'date_in_future' ELSE 'date_implausible' END
        END;
    """


def _read(chunks: str, kind: str = "marche") -> str:
    fields = ", ".join(f'"{name}" JSON' for name in (*SCALARS, *OFF_PATH, *KIND_MARKERS))
    reader = (
        # A staged line that is not valid JSON (or over 16 MB) is skipped here and found missing
        # by the caller, which hands it to the Python path.
        f"read_json('{chunks}', format='newline_delimited', maximum_object_size=16777216, "
        "ignore_errors=true, columns={{'f': 'BIGINT', 'p': 'BIGINT', 'h': 'VARCHAR', 'r': {r}}})"
    )
    typed = reader.format(r=f"'STRUCT({fields})'")
    # ``h`` is the MD5 of the record's text, computed when it was staged (the text itself is
    # already in raw_records and never travels through SQL).
    if kind != "concession":
        return (
            "CREATE TABLE src AS SELECT f, p, h, NULL::JSON AS subsidy, false AS off_kind, "
            f"unnest(r) FROM {typed}"
        )
    moved = (*AS_MARCHE.values(), "montantSubventionPublique")
    present = " OR ".join(f'"{name}" IS NOT NULL' for name in (*MARCHE_ONLY, "alt_cpv"))
    excluded = ", ".join(
        f'"{name}"' for name in (*MARCHE_ONLY, *moved, "alt_f", "alt_p", "alt_cpv")
    )
    renamed = ", ".join(
        f'"{concession}" AS "{marche}"'
        for marche, concession in AS_MARCHE.items()
        if marche != "titulaires"
    )
    emptied = ", ".join(f'NULL::JSON AS "{name}"' for name in moved)
    alt_cpv = reader.format(r="""'STRUCT("codeCpv" JSON)'""")
    return f"""CREATE TABLE src AS SELECT f, p, h, "montantSubventionPublique" AS subsidy,
        ({present}) AS off_kind, * EXCLUDE (f, p, h, {excluded}), {renamed},
        replace(CAST(concessionnaires AS VARCHAR), '{{"concessionnaire":', '{{"titulaire":')::JSON
            AS titulaires,
        NULL::JSON AS "codeCPV", {emptied}
        FROM (SELECT f, p, h, unnest(r) FROM {typed})
        LEFT JOIN (SELECT f AS alt_f, p AS alt_p, r."codeCpv" AS alt_cpv
                   FROM {alt_cpv})
            ON f = alt_f AND p = alt_p"""


def _unhinted_kind(unhinted: Sequence[int]) -> str:
    """For the records of files that do not say what they hold (no envelope: ``unhinted`` file
    indices), the Python normaliser takes a record for a marché unless a ``_type`` (or
    ``type_contrat``, ``typeContrat``) says concession, or it has concession fields (never
    clean anyway): only a record whose marker is absent, or plainly not a concession, is
    clean."""
    if not unhinted:
        return "true"
    markers = " AND ".join(f'"{name}" IS NULL' for name in KIND_MARKERS)
    return f"""(NOT list_contains({list(unhinted)}, f) OR ({markers} AND (_type IS NULL OR (
        regexp_full_match(fr(_type), '{_PLAIN_TYPE}')
        AND NOT contains(lower(fr(_type)), 'concession')))))"""


def _clean_predicate(unhinted: Sequence[int] = (), kind: str = "marche") -> str:
    """A record the SQL path reproduces exactly; anything else goes to Python."""
    off_path = " AND ".join(f'"{name}" IS NULL' for name in OFF_PATH)
    if kind == "concession":
        # (no CPV field in a 2022 concession; the SQL path applies no concession modification,
        # whose fields have other names)
        cpv = "true"
        modifications = "(modifications IS NULL OR fr(modifications) = '[]')"
    else:
        cpv = "ok_codeCPV"
        modifications = f"""(modifications IS NULL OR fr(modifications) = '[]' OR (
             regexp_full_match(fr(modifications), '{_MODIFICATIONS}')
             AND mods_clean(json_transform(modifications, '{MODIFICATION_TYPE}'), fr(modifications))))"""
    return f"""
        {off_path}
        AND NOT off_kind AND opt_n(subsidy)
        AND {_unhinted_kind(unhinted)}
        AND is_s(id) AND trim(txt(sv(id)), '0') <> ''  -- (NULL when blank: not clean)
        AND ok_acheteur
        AND opt_s(_type) AND opt_s(uid) AND opt_s(uuid)
        AND ok_nature
        AND opt_s(objet) AND opt_s(idAccordCadre)
        AND (objet IS NULL OR regexp_full_match(sv(objet), '{_KNOWN_CASE}'))
        AND {cpv}
        AND ok_procedure
        AND ok_techniques
        AND ok_modalitesExecution
        AND ok_typesPrix
        AND ok_considerationsSociales
        AND ok_considerationsEnvironnementales
        AND ok_ccag
        AND ok_formePrix
        AND ok_typeGroupementOperateurs
        AND opt_b(marcheInnovant) AND opt_b(attributionAvance) AND opt_b(sousTraitanceDeclaree)
        AND (offresRecues IS NULL OR regexp_full_match(fr(offresRecues), '-?[0-9]+'))
        AND opt_n(tauxAvance) AND opt_n(origineUE) AND opt_n(origineFrance)
        AND is_n(montant) AND is_n(dureeMois)
        AND ok_dateNotification AND ok_datePublicationDonnees AND ok_dateDebutExecution
        AND ok_lieuExecution
        AND {modifications}
        AND (actesSousTraitance IS NULL OR fr(actesSousTraitance) = '[]' OR (
             starts_with(fr(actesSousTraitance), '[')
             AND list_bool_and(list_transform(json_extract(actesSousTraitance, '$[*]'),
                 lambda a: json_type(a) = 'OBJECT' AND json_keys(a) = ['acteSousTraitance']
                      AND json_type(a, '$.acteSousTraitance') = 'OBJECT'
                      AND len(json_keys(a, '$.acteSousTraitance')) > 0)) IS NOT FALSE))
        AND starts_with(fr(titulaires), '[{{"titulaire":{{"') AND ends_with(fr(titulaires), '"}}}}]')
        AND NOT regexp_matches(titulaire_fields(titulaires), '[\\[\\]{{}}\\\\]|":[^"]|"nom":')
        AND list_bool_and(list_transform(
            json_transform(titulaires, '[{{"titulaire": {{"id": "VARCHAR", "typeIdentifiant": "VARCHAR"}}}}]'),
            lambda t: txt(t.titulaire.id) IS NOT NULL
                      AND list_contains({_labels(enums.SUPPLIER_ID_TYPES)}, t.titulaire.typeIdentifiant)))
    """


def _distinct_checks() -> dict[str, tuple[str, dict[str, str]]]:
    """Fields with few distinct values (labels, codes, dates, buyers): each distinct value is
    checked and converted once, then joined back, instead of once per record.

    field -> (clean check, {value column: expression}), ``j`` being the field's JSON fragment.
    """
    labels = {
        "techniques": ("technique", enums.TECHNIQUES),
        "modalitesExecution": ("modaliteExecution", enums.EXECUTION_MODALITIES),
        "typesPrix": ("typePrix", enums.PRICE_TYPES),
        "considerationsSociales": ("considerationSociale", enums.SOCIAL),
        "considerationsEnvironnementales": ("considerationEnvironnementale", enums.ENVIRONMENTAL),
    }
    checks: dict[str, tuple[str, dict[str, str]]] = {
        field: (
            f"clean_labels(j, '{wrapper}', {_labels(table)})",
            {"labels": f"final_list(label_items(j, '{wrapper}'))"},
        )
        for field, (wrapper, table) in labels.items()
    }
    text = {"text": "txt(sv(j))"}
    checks |= {
        "nature": (f"opt_label(j, {_labels(enums.NATURES)})", text),
        "ccag": (f"opt_label(j, {_labels(enums.CCAG)})", text),
        "formePrix": (f"opt_label(j, {_labels(enums.PRICE_FORMS)})", text),
        "typeGroupementOperateurs": (f"opt_label(j, {_labels(enums.GROUPING_TYPES)})", text),
        "procedure": (f"is_s(j) AND list_contains({_labels(enums.PROCEDURES)}, txt(sv(j)))", text),
        "codeCPV": (
            f"""is_s(j) AND regexp_full_match(txt(sv(j)), '[0-9]{{8}}(-[0-9])?')
                AND list_contains({_sql_list(CPV_DIVISIONS)}, substr(txt(sv(j)), 1, 2))""",
            text,
        ),
        "lieuExecution": (
            f"""j IS NULL OR (regexp_full_match(fr(j), '{_FLAT}')
                AND (NOT flat_has(j, 'typeCode')
                     OR list_contains({_labels(enums.PLACE_CODE_TYPES)}, txt(flat_get(j, 'typeCode')))))""",
            {
                "code": "replace(txt(flat_get(j, 'code')), ' ', '')",
                "type": "txt(flat_get(j, 'typeCode'))",
                "nom": "coalesce(flat_has(j, 'nom'), false)",
            },
        ),
        "acheteur": (
            f"""regexp_full_match(fr(j), '{_FLAT}') AND flat_has(j, 'id')
                AND txt(flat_get(j, 'id')) IS NOT NULL""",
            {
                "id": "replace(txt(flat_get(j, 'id')), ' ', '')",
                "name": "txt(flat_get(j, 'nom'))",
                "nom": "flat_has(j, 'nom')",
            },
        ),
    }
    date = {"date": "iso_date(j)", "raw": "sv(j)"}
    checks["dateNotification"] = ("iso_date(j) IS NOT NULL", date)
    checks["datePublicationDonnees"] = ("opt_date(j)", date)
    checks["dateDebutExecution"] = ("opt_date(j)", date)
    return checks


def _add_distinct_checks(
    con: duckdb.DuckDBPyConnection, unhinted: Sequence[int] = (), kind: str = "marche"
) -> None:
    """``checked``: a view of ``src`` with the distinct checks joined and ``clean`` computed.

    A view, not a table: the wide rows are only materialised once, as contract rows, by
    :mod:`ancrage.ingest.sql_rows` (each extra copy of 1.5 M wide rows costs seconds).
    """
    joins, columns = [], []
    for i, (field, (check, values)) in enumerate(_distinct_checks().items()):
        key = f"coalesce(CAST(\"{field}\" AS VARCHAR), '')"
        converted = "".join(f", {expr} AS v_{name}" for name, expr in values.items())
        con.execute(
            f"""CREATE TABLE ok{i} AS SELECT k, coalesce(({check}), false) AS ok {converted}
                FROM (SELECT DISTINCT {key} AS k, "{field}" AS j FROM src)"""
        )
        joins.append(f"LEFT JOIN ok{i} ON {key} = ok{i}.k")
        columns.append(f'coalesce(ok{i}.ok, false) AS "ok_{field}"')
        columns.extend(f'ok{i}.v_{name} AS "v_{field}_{name}"' for name in values)
    con.execute(
        f"CREATE VIEW joined AS SELECT src.*, {', '.join(columns)} FROM src {' '.join(joins)}"
    )
    con.execute(
        f"CREATE VIEW checked AS SELECT *, coalesce(({_clean_predicate(unhinted, kind)}), false) "
        "AS clean "
        "FROM joined"
    )


def normalise_chunks(
    con: duckdb.DuckDBPyConnection,
    chunks: str,
    today: date,
    out_dir: Path,
    import_id: str,
    part: int = 0,
    unhinted: Sequence[int] = (),
    kind: str = "marche",
) -> None:
    """Create ``src`` (all staged records) and stage the rows of the clean ones; the caller
    hands the others (``not_clean``) to the Python normaliser. ``unhinted``: the indices of the
    files whose records are not said to be marchés by an envelope; ``kind``: what the chunk's
    records are (``marche``, or ``concession`` from a 2022 envelope)."""
    from ancrage.ingest.sql_rows import stage_clean_rows

    con.execute(_macros(today))
    con.execute(_read(chunks, kind))
    _add_distinct_checks(con, unhinted, kind)
    stage_clean_rows(con, out_dir, import_id, part, kind)
    # Every staged content is unique (the staging skips known contents), so the records that
    # are not clean are exactly the readable ones without a contract row.
    con.execute(
        """CREATE TABLE not_clean AS SELECT f, p, h FROM src
           WHERE h IS NOT NULL AND h NOT IN (SELECT content_hash FROM sql_contracts)"""
    )
