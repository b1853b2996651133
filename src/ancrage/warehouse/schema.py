"""The normalised tables of the warehouse: one Arrow schema per table.

This module is the contract between ingestion (which writes these tables), enrichment and the
indicator engine (which read them). Column names are English identifiers (see the glossary);
values of DECP enumerations keep the official French labels (e.g. ``"Clause sociale"``).

Amounts are euros excluding VAT (``amount_ht``). ``amount_ht`` and ``duration_months`` are the
values of the initial record as published; ``current_*`` columns apply the modifications, which
carry new totals, not deltas. Nothing is invented: a value that could not be read is null, and the
reason is in ``quality_issues``.
"""

from __future__ import annotations

import pyarrow as pa

STR = pa.string()
STR_LIST = pa.list_(pa.string())

CONTRACTS = pa.schema(
    [
        # Identity and provenance
        ("contract_id", STR),  # surrogate key, unique in the warehouse (see ingest.dedup)
        ("uid", STR),  # national key: buyer SIRET + id (unique only per buyer + lot)
        ("kind", STR),  # "marche" | "concession"
        ("buyer_id", STR),  # acheteur.id / autoriteConcedante.id, trimmed
        ("id", STR),  # id as published, trimmed
        ("schema_version", STR),  # "2019" | "2022" | "hybrid" | "tabular"
        ("source_format", STR),  # e.g. "decp-2022-json", see ingest.detect.FORMATS
        ("source_file", STR),
        ("source_position", pa.int64()),  # 0-based index of the record in its file
        ("content_hash", STR),  # blake2b-128 of the canonical record
        ("import_id", STR),
        # What was bought
        ("nature", STR),
        ("object", STR),  # objet
        ("cpv", STR),  # 8 digits, check digit removed, leading zero restored
        ("cpv_raw", STR),
        ("family", STR),  # "works" | "supplies" | "services" (from CPV division)
        ("procedure", STR),  # normalised to the 2022 labels when a mapping is known
        ("procedure_raw", STR),
        ("techniques", STR_LIST),
        ("execution_modalities", STR_LIST),
        ("framework_agreement_id", STR),  # idAccordCadre
        ("ccag", STR),
        ("price_form", STR),  # formePrix (meaning differs between 2019 and 2022)
        ("price_types", STR_LIST),
        ("grouping_type", STR),  # typeGroupementOperateurs
        # Money and time
        ("amount_ht", pa.float64()),  # montant / valeurGlobale of the initial record
        ("current_amount_ht", pa.float64()),  # after the last modification that gives one
        ("duration_months", pa.float64()),
        ("current_duration_months", pa.float64()),
        ("notification_date", pa.date32()),  # dateNotification / dateSignature (concession)
        ("publication_date", pa.date32()),  # datePublicationDonnees
        ("execution_start_date", pa.date32()),  # concessions: dateDebutExecution
        ("advance", pa.bool_()),  # attributionAvance
        ("advance_rate", pa.float64()),
        ("public_subsidy", pa.float64()),  # concessions: montantSubventionPublique
        # Where
        ("place_code", STR),
        ("place_code_type", STR),  # normalised typeCode label, e.g. "Code commune"
        # Competition and responsible purchasing
        ("offers_received", pa.int64()),
        ("social_considerations", STR_LIST),  # official labels; null for the 2019 format
        ("environmental_considerations", STR_LIST),
        ("has_social_consideration", pa.bool_()),  # null when the format has no such field
        ("has_environmental_consideration", pa.bool_()),
        ("reserved", pa.bool_()),  # "Marché réservé" / "Concession réservée"
        ("innovative", pa.bool_()),  # marcheInnovant
        ("subcontracting_declared", pa.bool_()),
        ("subcontract_count", pa.int64()),
        ("origin_eu_share", pa.float64()),
        ("origin_france_share", pa.float64()),
        # Derived counts
        ("modification_count", pa.int64()),
        ("awardee_count", pa.int64()),  # current awardees
        ("buyer_name", STR),  # only the 2019 format and tabular files carry names
    ]
)

AWARDEES = pa.schema(
    [
        ("contract_id", STR),
        ("position", pa.int64()),  # order in the list it comes from
        ("supplier_id", STR),  # as published, trimmed (SIRET, TVA, HORS-UE…)
        ("supplier_id_type", STR),  # normalised typeIdentifiant: SIRET, TVA, TAHITI, …
        ("supplier_name", STR),  # 2019 denominationSociale / tabular name, else null
        ("origin", STR),  # "initial" or "modification:<seq>"
        ("is_current", pa.bool_()),  # part of the awardees after the last modification
        ("content_hash", STR),  # the record this row comes from
    ]
)

MODIFICATIONS = pa.schema(
    [
        ("contract_id", STR),
        ("seq", pa.int64()),  # 1-based order after sorting (id, then notification date)
        ("modification_id", STR),  # id as published
        ("object", STR),  # 2019: objetModification
        ("notification_date", pa.date32()),
        ("publication_date", pa.date32()),
        ("amount_ht", pa.float64()),  # new total, as published
        ("duration_months", pa.float64()),  # new total, as published
        ("awardee_count", pa.int64()),  # new awardees listed by this modification (0 if none)
        ("content_hash", STR),
    ]
)

QUALITY_ISSUES = pa.schema(
    [
        ("contract_id", STR),
        ("buyer_id", STR),
        ("field", STR),  # DECP field name as the format spells it
        ("value", STR),  # the value as given, as text
        ("rule", STR),  # machine id, see ingest.quality.RULES
        ("content_hash", STR),
    ]
)

QUARANTINE = pa.schema(
    [
        ("import_id", STR),
        ("source_file", STR),
        ("source_format", STR),
        ("source_position", pa.int64()),
        ("content_hash", STR),
        ("reason", STR),  # machine id, see ingest.quarantine.REASONS
        ("explanation", STR),  # French explanation for the user
        ("raw", STR),  # the record verbatim (JSON text, XML text or CSV rows as JSON)
        ("rows", pa.int64()),  # input records it stands for (several CSV rows for tabular files)
    ]
)

DUPLICATES = pa.schema(
    [
        ("import_id", STR),
        ("source_file", STR),
        ("source_format", STR),
        ("source_position", pa.int64()),
        ("content_hash", STR),
        ("rule", STR),  # "same_content" | "older_revision" | "already_quarantined"
        ("duplicate_of", STR),  # contract_id kept, or content_hash of the quarantined record
        ("raw", STR),  # unused (NULL): the content of any duplicate is in raw_records or quarantine
        ("rows", pa.int64()),
    ]
)

RAW_RECORDS = pa.schema(
    [
        # Every record ever loaded, as read (a directory of append-only parts, one or more per
        # import, carried from snapshot to snapshot by hard links): a better normaliser can be
        # re-run later, and a revision replaced by a newer one can still be shown.
        ("content_hash", STR),
        ("raw", STR),
    ]
)

BUYERS = pa.schema(
    [
        ("buyer_id", STR),
        ("name", STR),  # from the data when published (2019, tabular); SIRENE enriches later
        ("contract_count", pa.int64()),
    ]
)

SUPPLIERS = pa.schema(
    [
        ("supplier_id", STR),
        ("supplier_id_type", STR),
        ("name", STR),
        ("contract_count", pa.int64()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "contracts": CONTRACTS,
    "awardees": AWARDEES,
    "modifications": MODIFICATIONS,
    "quality_issues": QUALITY_ISSUES,
    "quarantine": QUARANTINE,
    "duplicates": DUPLICATES,
    "raw_records": RAW_RECORDS,
    "buyers": BUYERS,
    "suppliers": SUPPLIERS,
}
