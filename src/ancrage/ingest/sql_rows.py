"""Rows of the clean records, computed in SQL exactly as :mod:`ancrage.ingest.normalise` does.

Each expression below mirrors one line of the Python normaliser; the equivalence test
(``tests/ingest/test_sql_path.py``) compares both on real and synthetic files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from ancrage.ingest.normalise import FIELDS_2022
from ancrage.ingest.quality import SENTINEL_DIGITS, check_siret
from ancrage.ingest.routing import FILE_ORDER_SHIFT
from ancrage.ingest.sql_normalise import MODIFICATION_TYPE
from ancrage.ingest.staging import STAGING

NO_SOCIAL = "Pas de considération sociale"
NO_ENVIRONMENTAL = "Pas de considération environnementale"


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


BASE = """
CREATE VIEW base AS
SELECT f, p, h AS content_hash, s.id AS id_fragment, "_type", actesSousTraitance, attributionAvance, tauxAvance,
    offresRecues, marcheInnovant, sousTraitanceDeclaree, idAccordCadre,
    fl.path AS source_file, fl.format AS source_format,
    v_acheteur_id AS buyer_id,
    txt(sv(s.id)) AS contract_ref, nv(subsidy) AS subsidy,
    v_acheteur_name AS buyer_name,
    txt(sv(objet)) AS object,
    v_codeCPV_text AS cpv_raw,
    v_nature_text AS nature, v_procedure_text AS "procedure", v_ccag_text AS ccag,
    v_formePrix_text AS price_form, v_typeGroupementOperateurs_text AS grouping_type,
    v_techniques_labels AS techniques, v_modalitesExecution_labels AS execution_modalities,
    v_typesPrix_labels AS price_types,
    v_lieuExecution_code AS place_code, v_lieuExecution_type AS place_code_type,
    v_dateNotification_date AS notified, v_dateNotification_raw AS notified_raw,
    v_datePublicationDonnees_date AS published, v_datePublicationDonnees_raw AS published_raw,
    v_dateDebutExecution_date AS started, v_dateDebutExecution_raw AS started_raw,
    nv(montant) AS amount, nv(dureeMois) AS duration,
    nv(origineUE) AS eu, nv(origineFrance) AS fr,
    v_considerationsSociales_labels AS social,
    v_considerationsEnvironnementales_labels AS environmental,
    list_transform(
        json_transform(titulaires, '[{"titulaire": {"id": "VARCHAR", "typeIdentifiant": "VARCHAR", "denominationSociale": "VARCHAR"}}]'),
        lambda t: {
            'supplier_id': replace(txt(t.titulaire.id), ' ', ''),
            'supplier_id_type': t.titulaire.typeIdentifiant,
            'supplier_name': txt(t.titulaire.denominationSociale)}) AS awardees,
    -- (modifications in the order given: the clean check made sure it is the Python one)
    CASE WHEN modifications IS NOT NULL AND fr(modifications) <> '[]' THEN list_transform(
        json_transform(modifications, '$MODIFICATION_TYPE'),
        lambda m: {
            'id': fr(m.modification.id),
            'notified': iso_date(m.modification.dateNotificationModification),
            'notified_raw': sv(m.modification.dateNotificationModification),
            'published': iso_date(m.modification.datePublicationDonneesModification),
            'published_raw': sv(m.modification.datePublicationDonneesModification),
            'amount': nv(m.modification.montant),
            'duration': nv(m.modification.dureeMois)}) END AS mods
FROM checked s JOIN files fl USING (f) WHERE clean
""".replace("$MODIFICATION_TYPE", MODIFICATION_TYPE)

CONTRACTS = f"""
CREATE TABLE sql_contracts AS
SELECT
    left(md5(concat_ws('|', $kind, buyer_id, contract_ref, notified_raw,
        -- (list functions cost per row: the usual single awardee is taken directly)
        CASE WHEN len(awardees) = 1 THEN coalesce(awardees[1].supplier_id, '') ELSE
        array_to_string(list_sort(list_distinct(list_transform(awardees, lambda a: coalesce(a.supplier_id, '')))), ',') END,
        -- (the whitespace regex only where there is something to collapse)
        CASE WHEN regexp_matches(object, '[\\t\\n\\r\\f\\v]|  ')
             THEN trim(regexp_replace(lower(object), '[ \\t\\n\\r\\f\\v]+', ' ', 'g'), ' ')
             ELSE trim(lower(coalesce(object, '')), ' ') END)), 16)
        AS contract_id,
    buyer_id || contract_ref AS uid, $kind AS kind, buyer_id, contract_ref AS id,
    CASE WHEN has_2022 AND has_2019 THEN 'hybrid' WHEN has_2022 THEN '2022' ELSE '2019' END AS schema_version,
    source_format, source_file, p AS source_position, content_hash, $import_id AS import_id,
    nature, object, left(cpv_raw, 8) AS cpv, cpv_raw,
    CASE WHEN cpv_raw IS NULL THEN NULL
         WHEN left(cpv_raw, 2) = '45' THEN 'works'
         WHEN CAST(left(cpv_raw, 2) AS INTEGER) <= 44 OR left(cpv_raw, 2) = '48' THEN 'supplies'
         ELSE 'services' END AS family,
    "procedure", "procedure" AS procedure_raw,
    techniques,
    execution_modalities,
    txt(sv(idAccordCadre)) AS framework_agreement_id,
    ccag, price_form,
    price_types,
    grouping_type,
    -- each modification carries new totals: the last one given is the current one
    amount AS amount_ht,
    coalesce(list_filter(list_transform(mods, lambda m: m.amount), lambda x: x IS NOT NULL)[-1], amount)
        AS current_amount_ht,
    duration AS duration_months,
    coalesce(list_filter(list_transform(mods, lambda m: m.duration), lambda x: x IS NOT NULL)[-1], duration)
        AS current_duration_months,
    notified AS notification_date, published AS publication_date, started AS execution_start_date,
    bv(attributionAvance) AS advance, nv(tauxAvance) AS advance_rate,
    subsidy AS public_subsidy,
    place_code,
    place_code_type,
    CAST(fr(offresRecues) AS BIGINT) AS offers_received,
    social AS social_considerations, environmental AS environmental_considerations,
    list_bool_or(list_transform(social, lambda x: x <> {_q(NO_SOCIAL)})) AS has_social_consideration,
    list_bool_or(list_transform(environmental, lambda x: x <> {_q(NO_ENVIRONMENTAL)})) AS has_environmental_consideration,
    CASE WHEN social IS NULL THEN NULL
         ELSE list_has_any(social, ['Marché réservé', 'Concession réservée']) END AS reserved,
    bv(marcheInnovant) AS innovative,
    bv(sousTraitanceDeclaree) AS subcontracting_declared,
    CASE WHEN actesSousTraitance IS NULL THEN NULL WHEN fr(actesSousTraitance) = '[]' THEN 0
         ELSE json_array_length(actesSousTraitance)::BIGINT END AS subcontract_count,
    eu AS origin_eu_share, fr AS origin_france_share,
    coalesce(len(mods), 0)::BIGINT AS modification_count, len(awardees)::BIGINT AS awardee_count, buyer_name,
    f * {FILE_ORDER_SHIFT} + p AS _order, f AS _file, 1::BIGINT AS _rows,
    -- (greatest() skips NULLs, as the Python max over the dates given does)
    greatest(published, list_max(list_transform(mods, lambda m: m.published))) AS _last_publication,
    -- kept for the issue rules below
    "_type" AS _type_raw, notified_raw AS _notified_raw, published_raw AS _published_raw,
    started_raw AS _started_raw, awardees AS _awardees, mods AS _mods
FROM base
"""


# (field, value, rule) of every quality rule that can fire on a clean record, computed in one scan
# of the contracts (and one of their awardees) as a list of issues per row, then unnested: a
# union of one scan per rule cost several times more on a national file.
def _issue(condition: str, field: str, value: str, rule: str) -> str:
    return (
        f"CASE WHEN {condition} THEN {{'field': {field}, 'value': CAST({value} AS VARCHAR), "
        f"'rule': {rule}}} END"
    )


# The fields the issues of each kind name (the Python normaliser's buyer_path, amount_field,
# notif_field and awardee wrapper).
FIELD_NAMES = {
    "marche": {"buyer": "acheteur.id", "amount": "montant", "notified": "dateNotification", "awardee": "titulaire"},
    "concession": {"buyer": "autoriteConcedante.id", "amount": "valeurGlobale", "notified": "dateSignature", "awardee": "concessionnaire"},
}  # fmt: skip

CONTRACT_ISSUES = [
    _issue("_buyer_problem IS NOT NULL", "'$buyer'", "buyer_id", "'buyer_siret_' || _buyer_problem"),
    _issue("NOT regexp_full_match(id, '[A-Za-z0-9/\\-_ .#]{1,16}')", "'id'", "id", "'contract_id_nonstandard'"),
    _issue("_type_raw IS NOT NULL AND schema_version <> '2019'", "'_type'", "left(sv(_type_raw), 500)", "'schema_type_field'"),
    _issue(
        f"""(amount_ht >= 1e8 AND (starts_with(printf('%.0f', amount_ht), '123456789')
           OR (length(printf('%.0f', amount_ht)) >= 8
               AND printf('%.0f', amount_ht) = repeat(left(printf('%.0f', amount_ht), 1), length(printf('%.0f', amount_ht))))))
           OR printf('%.0f', amount_ht) = '{SENTINEL_DIGITS}'""",
        "'$amount'", "num_text(amount_ht)", "'amount_sentinel'",
    ),
    _issue(
        "amount_ht < 200 OR amount_ht > 1e9", "'$amount'", "num_text(amount_ht)",
        "CASE WHEN amount_ht < 200 THEN 'amount_implausible_low' ELSE 'amount_implausible_high' END",
    ),
    _issue("duration_months <= 0 OR duration_months > 180", "'dureeMois'", "num_text(duration_months)", "'duration_implausible'"),
    _issue(
        """duration_months > 0 AND (
           amount_ht / duration_months < 100
           OR (amount_ht / duration_months < 1000 AND amount_ht < 200000)
           OR (duration_months IN (360, 365, 366) AND amount_ht < 10000000)
           OR (duration_months > 120 AND amount_ht < 2000000))""",
        "'montant'", "num_text(amount_ht) || ' € / ' || num_text(duration_months) || ' mois'",
        "'amount_duration_incoherent'",
    ),
    _issue("date_rule(notification_date) IS NOT NULL", "'$notified'", "_notified_raw", "date_rule(notification_date)"),
    _issue("date_rule(publication_date) IS NOT NULL", "'datePublicationDonnees'", "_published_raw", "date_rule(publication_date)"),
    _issue("publication_date < notification_date", "'datePublicationDonnees'", "_published_raw", "'publication_before_notification'"),
    _issue("date_rule(execution_start_date) IS NOT NULL", "'dateDebutExecution'", "_started_raw", "date_rule(execution_start_date)"),
    _issue("offers_received = 0", "'offresRecues'", "'0'", "'offers_received_zero'"),
    _issue(
        f"list_contains(social_considerations, {_q(NO_SOCIAL)}) AND len(list_distinct(social_considerations)) > 1",
        "'considerationsSociales'", "array_to_string(social_considerations, ' | ')", "'social_no_consideration_combined'",
    ),
    _issue(
        f"list_contains(environmental_considerations, {_q(NO_ENVIRONMENTAL)}) AND len(list_distinct(environmental_considerations)) > 1",
        "'considerationsEnvironnementales'", "array_to_string(environmental_considerations, ' | ')",
        "'environmental_no_consideration_combined'",
    ),
    _issue(
        "reserved AND len(list_distinct(social_considerations)) > 1",
        "'considerationsSociales'", "array_to_string(social_considerations, ' | ')", "'reserved_not_alone'",
    ),
    _issue("NOT origin_eu_share BETWEEN 0 AND 1", "'origineUE'", "num_text(origin_eu_share)", "'origin_share_out_of_range'"),
    _issue("NOT origin_france_share BETWEEN 0 AND 1", "'origineFrance'", "num_text(origin_france_share)", "'origin_share_out_of_range'"),
    _issue(
        "origin_france_share > origin_eu_share", "'origineFrance'",
        "num_text(origin_france_share) || ' > ' || num_text(origin_eu_share)", "'origin_france_above_eu'",
    ),
]  # fmt: skip
MODIFICATION_ISSUES = [
    _issue("date_rule(m.notified) IS NOT NULL", "'dateNotificationModification'", "m.notified_raw", "date_rule(m.notified)"),
    _issue("date_rule(m.published) IS NOT NULL", "'datePublicationDonneesModification'", "m.published_raw", "date_rule(m.published)"),
]  # fmt: skip
AWARDEE_ISSUES = [
    _issue(
        "a.supplier_id_type = 'SIRET' AND k.problem IS NOT NULL", "'$awardee.id'", "a.supplier_id",
        "'supplier_siret_malformed'",
    ),
    _issue("a.supplier_id = buyer_id", "'$awardee.id'", "a.supplier_id", "'supplier_is_buyer'"),
]  # fmt: skip


def _named(sql: str, kind: str) -> str:
    for name, value in FIELD_NAMES[kind].items():
        sql = sql.replace(f"${name}", value)
    return sql.replace("$kind", _q(kind))


def _issues_sql(kind: str = "marche") -> str:
    def unnested(issues: list[str]) -> str:
        return f"unnest(list_filter([{', '.join(issues)}], lambda x: x IS NOT NULL)) AS i"

    return f"""
CREATE TABLE sql_issues AS
SELECT contract_id, buyer_id, i.field AS field, i.value AS value, i.rule AS rule, content_hash, _order
FROM (
    SELECT contract_id, buyer_id, content_hash, _order, {unnested(CONTRACT_ISSUES)}
    FROM (SELECT c.*, k.problem AS _buyer_problem
          FROM sql_contracts c LEFT JOIN siret_checks k ON k.siret = c.buyer_id)
    UNION ALL
    SELECT contract_id, buyer_id, content_hash, _order, {unnested(AWARDEE_ISSUES)}
    -- unnested first, then joined: a join on the lateral unnest ran once per contract
    FROM (SELECT contract_id, buyer_id, content_hash, _order, unnest(_awardees) AS a
          FROM sql_contracts)
    LEFT JOIN siret_checks k ON k.siret = a.supplier_id
    UNION ALL
    SELECT contract_id, buyer_id, content_hash, _order, {unnested(MODIFICATION_ISSUES)}
    FROM (SELECT contract_id, buyer_id, content_hash, _order, unnest(_mods) AS m
          FROM sql_contracts WHERE _mods IS NOT NULL)
)
"""


def stage_clean_rows(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    import_id: str,
    part: int = 0,
    kind: str = "marche",
) -> None:
    has_2022 = " OR ".join(f'"{name}" IS NOT NULL' for name in sorted(FIELDS_2022))
    # Same markers as normalise.schema_version: 2022-only fields, and 2019-only fields or names
    # (awardees named the 2019 way count for marchés only).
    named = "contains(fr(titulaires), '\"denominationSociale\":')" if kind == "marche" else "false"
    markers = f""", ({has_2022}) AS has_2022,
        (uid IS NOT NULL OR uuid IS NOT NULL OR v_acheteur_nom OR v_lieuExecution_nom
         OR {named}) AS has_2019
    FROM checked s JOIN"""
    con.execute(BASE.replace("\nFROM checked s JOIN", markers))
    con.execute(_named(CONTRACTS.replace("$import_id", _q(import_id)), kind))
    # Each distinct SIRET is checked once (buyers and suppliers come back on many records), by
    # the same function as the Python path: one definition of a valid SIRET.
    sirets = [
        row[0]
        for row in con.execute(
            """SELECT DISTINCT buyer_id FROM sql_contracts
               UNION SELECT DISTINCT a.supplier_id FROM sql_contracts, unnest(_awardees) AS u(a)"""
        ).fetchall()
        if row[0] is not None
    ]
    checks = pa.table(
        {
            "siret": pa.array(sirets, pa.string()),
            "problem": pa.array([check_siret(x) for x in sirets], pa.string()),
        }
    )
    con.register("siret_checks_arrow", checks)
    con.execute("CREATE TABLE siret_checks AS SELECT * FROM siret_checks_arrow")
    con.unregister("siret_checks_arrow")
    con.execute(_named(_issues_sql(), kind))

    def copy(table: str, sql: str) -> None:
        columns = ", ".join(
            f'CAST("{field.name}" AS {_duck_type(field.type)}) AS "{field.name}"'
            for field in STAGING[table]
        )
        target = out_dir / table / f"sql-part-{part}.parquet"
        con.execute(
            # (temporary files, read once by the final step: not compressed. Alternated with
            # zstd level 1 on 1.5 M contracts: 48.3 s median of 5 instead of 50.5 s, 6 s less
            # CPU, same warehouse)
            f"COPY (SELECT {columns} FROM ({sql})) TO '{target}' "
            "(FORMAT parquet, COMPRESSION uncompressed)"
        )

    # (in reading order: the warehouse then comes out the same from one run to the next)
    copy("contracts", "SELECT * FROM sql_contracts ORDER BY _order")
    copy(
        "awardees",
        # (unnest in the select list, beside its subscripts: a lateral unnest ran per contract)
        """SELECT contract_id, position, a.supplier_id AS supplier_id,
                  a.supplier_id_type AS supplier_id_type, a.supplier_name AS supplier_name,
                  'initial' AS origin, true AS is_current, content_hash, _order
           FROM (SELECT contract_id, content_hash, _order,
                        generate_subscripts(_awardees, 1) - 1 AS position,
                        unnest(_awardees) AS a
                 FROM sql_contracts)""",
    )
    copy(
        "modifications",
        """SELECT contract_id, seq, m.id AS modification_id, NULL AS object,
                  m.notified AS notification_date, m.published AS publication_date,
                  m.amount AS amount_ht, m.duration AS duration_months, 0 AS awardee_count,
                  content_hash, _order
           FROM (SELECT contract_id, content_hash, _order, generate_subscripts(_mods, 1) AS seq,
                        unnest(_mods) AS m
                 FROM sql_contracts WHERE _mods IS NOT NULL)""",
    )
    copy("quality_issues", "SELECT * FROM sql_issues")


def _duck_type(arrow_type) -> str:
    from ancrage.ingest.finalise import _sql_type

    return _sql_type(arrow_type)
