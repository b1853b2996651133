"""Calibration figures of the synthetic generator, each with its source.

Every figure used to draw synthetic contracts lives here, so that ``docs/generator-calibration.md``
(which lists them in French with their sources) and the tests that measure a generated file refer to
one place. "Measured" figures were computed from the real files in ``shared/data/real/records/``
(see ``tests/generate/test_calibration_sources.py``, which recomputes them); "national" figures come
from ``shared/docs/decp-format.md`` §5; "hypothesis" figures are assumptions, stated as such in the
doc, where no real data was available.
"""

from __future__ import annotations

from datetime import date

# --- National size (decp-format.md §5, decp-processing statistics) -------------------------------
NATIONAL_CONTRACTS = 1_539_892
NATIONAL_AWARDEE_ROWS = 1_782_501
NATIONAL_BUYERS = 26_773
NATIONAL_SUPPLIERS = 193_799
AWARDEES_PER_CONTRACT = NATIONAL_AWARDEE_ROWS / NATIONAL_CONTRACTS  # 1.1575

# --- Contract kinds and families --------------------------------------------------------------------
# Hypothesis: the brief asks for "a few %" of concessions; the AIFE 2019 file has 22 / 4 530 (0.5 %).
CONCESSION_SHARE = 0.02
# Measured on the three 2019 files (6 119 marchés with a usable CPV): services 2 226, works 1 976,
# supplies 1 917.
FAMILY_SHARES = {"services": 2226 / 6119, "works": 1976 / 6119, "supplies": 1917 / 6119}
# National (zifken decp-digest, decp-format.md §5): 40.8 % of rows are accords-cadres.
FRAMEWORK_SHARE = 0.408
# Measured: modifications in AIFE 20/4 508, PES 8/1 148, e-marchespublics 8/470; decp-docs says
# "moins de 1 %"; AWS 81/4 499 (1.8 %). The brief asks for 1-3 %: 1.5 %.
MODIFICATION_SHARE = 0.015

# --- Amounts (natural log of euros HT: mean, standard deviation) ----------------------------------
# works: measured on the 2024 works extract (5 180 marchés): mean 11.97, sd 1.27 (median 138 265 €).
# supplies/services: measured on the 2019 files (amounts 1 k€-1 G€): 11.14/1.58 and 11.06/1.58.
AMOUNT_LOG = {"works": (11.97, 1.27), "supplies": (11.14, 1.58), "services": (11.06, 1.58)}
AMOUNT_MIN = 4_000.0  # clean records redraw below this (lots of an allotted marché can be small)
AMOUNT_MAX = 400_000_000.0  # and above this (larger values are injected only as defects)
CONCESSION_AMOUNT_LOG = (14.5, 1.6)  # hypothesis: median about 2 M€

# --- Procedures (thresholds 2024-2025, Code de la commande publique, avis du 9/12/2023) ----------
THRESHOLD_LOCAL_SUPPLIES_SERVICES = 221_000.0
THRESHOLD_STATE_SUPPLIES_SERVICES = 143_000.0
THRESHOLD_WORKS = 5_538_000.0
PROC_MAPA = "Procédure adaptée"
PROC_AOO = "Appel d'offres ouvert"
PROC_AOR = "Appel d'offres restreint"
PROC_NEGO = "Procédure avec négociation"
PROC_NO_PUB = "Marché passé sans publicité ni mise en concurrence préalable"
PROC_DIALOGUE = "Dialogue compétitif"
# Measured on the 2024 works extract: below the works threshold MAPA 78 %, AOO 17.7 %, sans publicité
# 2.4 %, négociation 1.9 %; above it (82 marchés) négociation 45 %, AOO 30 %, dialogue 13 %, MAPA 9 %.
PROCEDURES_BELOW = ((PROC_MAPA, 0.78), (PROC_AOO, 0.175), (PROC_NO_PUB, 0.025), (PROC_NEGO, 0.02))
PROCEDURES_ABOVE_WORKS = (
    (PROC_NEGO, 0.45),
    (PROC_AOO, 0.30),
    (PROC_DIALOGUE, 0.13),
    (PROC_MAPA, 0.09),
    (PROC_AOR, 0.03),
)
# Hypothesis for supplies/services above the threshold (formalised procedures, same mix as the
# works extract's AOO/AOR/négociation/dialogue shares above 221 k€).
PROCEDURES_ABOVE_SUPPLIES = (
    (PROC_AOO, 0.80),
    (PROC_NEGO, 0.08),
    (PROC_AOR, 0.05),
    (PROC_NO_PUB, 0.05),
    (PROC_DIALOGUE, 0.02),
)
# Supplies/services below the threshold: MAPA, with the works extract's "sans publicité" share.
PROCEDURES_BELOW_SUPPLIES = ((PROC_MAPA, 0.945), (PROC_NO_PUB, 0.03), (PROC_AOO, 0.025))

# --- Offers received (measured on the 2024 works extract, marchés by offers count) ---------------
OFFERS_COMPETITIVE = (
    (1, 992),
    (2, 1077),
    (3, 1251),
    (4, 680),
    (5, 416),
    (6, 237),
    (7, 117),
    (8, 94),
    (9, 67),
    (10, 33),
    (11, 32),
    (12, 20),
    (13, 9),
    (14, 5),
    (15, 15),
    (16, 11),
)
OFFERS_NO_PUBLICITY = ((1, 108), (2, 5), (3, 11))  # measured, "sans publicité" marchés
OFFERS_TAIL_SHARE = 0.01  # hypothesis: the extract stops at 16; real files show up to 39

# --- Awardees per contract ----------------------------------------------------------------------
# Measured on the 2024 works extract: number of titulaires of the marchés that have 2 or more
# (the 5 marchés with 40 to 252 titulaires are left out: capped at 30).
MULTI_AWARDEE_COUNTS = (
    (2, 726),
    (3, 237),
    (4, 163),
    (5, 56),
    (6, 47),
    (7, 24),
    (8, 18),
    (9, 14),
    (10, 10),
    (11, 3),
    (12, 5),
    (13, 2),
    (15, 5),
    (16, 1),
    (17, 1),
    (18, 3),
    (20, 2),
    (21, 1),
    (23, 1),
    (24, 1),
    (25, 1),
    (27, 1),
    (30, 2),
)
MULTI_AWARDEE_MEAN = sum(k * n for k, n in MULTI_AWARDEE_COUNTS) / sum(
    n for _, n in MULTI_AWARDEE_COUNTS
)
# Share of contracts with several awardees so that the mean matches the national ratio 1.1575.
MULTI_AWARDEE_SHARE = (AWARDEES_PER_CONTRACT - 1) / (MULTI_AWARDEE_MEAN - 1)
# Hypothesis: multi-attributaire accords-cadres are 3 times as likely to have several awardees.
MULTI_AWARDEE_SHARE_OTHER = MULTI_AWARDEE_SHARE / (FRAMEWORK_SHARE * 3 + (1 - FRAMEWORK_SHARE))
MULTI_AWARDEE_SHARE_FRAMEWORK = MULTI_AWARDEE_SHARE_OTHER * 3

# --- Durations (months) -------------------------------------------------------------------------
# works: measured on the 2024 works extract, median 14, 90th percentile 26 -> lognormal.
DURATION_WORKS_LOG = (2.64, 0.48)
# supplies/services: measured on the 2019 files, median 24, 90th percentile 48, driven by
# accords-cadres of 1 to 4 years; hypothesis for the split below.
DURATION_FRAMEWORK = ((12, 0.25), (24, 0.20), (36, 0.15), (48, 0.40))
DURATION_OTHER_LOG = (2.48, 0.8)  # median 12 months
# Measured on the 2024 works extract: correlation of log(amount) and log(duration) = 0.31; only
# 1.6 % of its marchés break the decp-qualite amount/duration coherence rules.
DURATION_AMOUNT_CORRELATION = 0.31
# Hypothesis: concessions last 3 to 25 years, most often 5 to 12.
CONCESSION_YEARS = (
    (3, 0.1), (5, 0.2), (6, 0.1), (7, 0.1), (8, 0.1), (10, 0.15), (12, 0.1), (15, 0.08),
    (20, 0.05), (25, 0.02),
)  # fmt: skip

# --- Dates --------------------------------------------------------------------------------------
NOTIFICATION_START = date(2024, 1, 1)  # the 2022 format applies from 2024-01-01
NOTIFICATION_END = date(2026, 9, 30)
# Hypothesis: the file is an extraction of mid-November 2026; no date (publication, modification,
# subcontracting act, execution start) is later than this day.
EXTRACTION_DATE = date(2026, 11, 15)
# Measured on the 2024 works extract (H2 2024): December holds 25 % of the half-year, August 9.6 %.
MONTH_WEIGHTS = {8: 0.6, 12: 1.6}
# Publication delay in days (lognormal). Measured: Mégalis 40 days; MINEF 2022 sample 0 to 26 days.
PUBLICATION_DELAY_LOG = (3.2, 0.8)  # median 25 days
CLIMATE_LAW_DATE = date(2026, 8, 22)  # loi Climat et résilience art. 35 applies from 22/08/2026

# --- Responsible purchasing (share of contracts with at least one consideration) ----------------
# Baseline OECP quoted at PNAD launch: 12.5 % social, 15.8 % environmental (legal-rules.md).
# Measured in 2024 real records: Mégalis 0/5 and 0/5; MINEF 2022-format sample 1/9 and 1/9.
# Hypothesis: slow rise, then a jump for environmental considerations when the loi Climat et
# résilience applies (decp-format.md §2.2, DAJ footnote 20).
CONSIDERATION_SHARES = (
    # (first day, social share, environmental share)
    (date(2024, 1, 1), 0.12, 0.17),
    (date(2025, 1, 1), 0.15, 0.23),
    (date(2026, 1, 1), 0.18, 0.30),
    (CLIMATE_LAW_DATE, 0.30, 0.88),
)
# Hypothesis for the content of a social consideration (DAJ asks reserved marchés to tick only
# "Marché réservé").
SOCIAL_MIXES = (
    (("Clause sociale",), 0.55),
    (("Critère social",), 0.18),
    (("Clause sociale", "Critère social"), 0.19),
    (("Marché réservé",), 0.08),
)
ENVIRONMENTAL_MIXES = (
    (("Clause environnementale",), 0.45),
    (("Critère environnemental",), 0.25),
    (("Clause environnementale", "Critère environnemental"), 0.30),
)

# --- Suppliers ----------------------------------------------------------------------------------
# Same-département share of awardee rows, measured on the 2024 works extract: 5 583 / 8 957 =
# 62.3 %; same région: 84.2 %. Supplies and services: hypotheses (national suppliers weigh more).
LOCAL_SHARES = {
    "works": (0.623, 0.842),
    "services": (0.50, 0.72),
    "supplies": (0.38, 0.60),
}
# DG Trésor 2011 (recensement 2009): SMEs win 62 % of contracts in number, 65 % for local
# authorities and 43 % for the State.
SME_SHARE_BY_BUYER_KIND = {
    "commune": 0.65,
    "epci": 0.65,
    "departement": 0.65,
    "region": 0.65,
    "public_establishment": 0.62,
    "hospital": 0.55,
    "state": 0.43,
}
SME_AMOUNT_FACTORS = ((90_000.0, 1.08), (1_000_000.0, 1.0), (float("inf"), 0.7))
ESS_AWARD_SHARE = 0.03  # hypothesis: ESS organisations win 3 % of awards
SIAE_AWARD_SHARE = 0.006  # hypothesis: inclusive suppliers win 0.6 % of non-reserved awards
FOREIGN_TVA_SHARE = 0.004  # hypothesis within the 1.45 % of unidentifiable winners (zifken)
FOREIGN_HORS_UE_SHARE = 0.001
SIRENE_GAP_SHARE = 0.005  # share of supplier établissements deliberately absent from SIRENE
SOLE_TRADER_SHARE = 0.06  # share of SME units that are entrepreneurs individuels (hypothesis)
NON_DIFFUSIBLE_SHARE = 0.35  # of which non-diffusible (statutDiffusion 'P') (hypothesis)
# Kinds of inclusive structures: counts of le-marche's SIAE fixture (3 853 rows).
SIAE_KINDS = (("ACI", 1815), ("EI", 944), ("AI", 620), ("ETTI", 299), ("GEIQ", 172), ("EA", 3))

# --- Buyers -------------------------------------------------------------------------------------
# Measured on the 2024 works extract, share of marchés by buyer name: commune 50.7 %, EPCI 14.5 %,
# département 4.7 %, région 0.5 %, others 29.6 %. Hypothesis for the split of "others".
BUYER_KIND_CONTRACT_SHARES = {
    "commune": 0.45,
    "epci": 0.15,
    "departement": 0.06,
    "region": 0.02,
    "hospital": 0.09,
    "state": 0.11,
    "public_establishment": 0.12,
}
BUYER_ZIPF_EXPONENT = 1.0  # heavy tail; the works extract has 10 % of buyers holding 46.5 %

# --- Other fields (hypotheses unless stated) -----------------------------------------------------
INNOVATIVE_SHARE = 0.015
SUBCONTRACTING_SHARE = {"works": 0.10, "supplies": 0.02, "services": 0.04}
ADVANCE_SHARE = 0.35  # when the advance is mandatory (> 50 k€ and > 2 months, DAJ)
ADVANCE_SHARE_OTHER = 0.05
DEFENCE_NATURE_SHARE = 0.12  # of State contracts
PARTNERSHIP_NATURE_SHARE = 0.0005
PLACE_TYPE_SHARES = (
    ("Code postal", 0.50),
    ("Code commune", 0.25),
    ("Code département", 0.22),
    ("Code région", 0.02),
    ("Code pays", 0.01),
)

# --- Defects (share of contracts; decp-format.md §6) ---------------------------------------------
# Each injected at most once per record; duplicates and revisions are extra records.
DEFECT_SHARES = {
    "amount_as_string": 0.0015,
    "duration_as_string": 0.001,
    "nc_value": 0.001,
    "cpv_lost_zero": 0.001,
    "date_with_timezone": 0.001,
    "type_field": 0.0015,
    "enum_variant": 0.001,
    "old_procedure_label": 0.001,
    "empty_awardees": 0.0005,
    "no_consideration_combined": 0.001,
    "amount_one_euro": 0.0005,
    "amount_huge": 0.0005,
    "publication_before_notification": 0.001,
    "missing_buyer": 0.0005,
    "exact_duplicate": 0.002,
    "republished_revision": 0.002,
}
# Defects that make a record invalid against schema 2.0.3 (the others are valid but incoherent).
SCHEMA_BREAKING_DEFECTS = frozenset(
    {
        "amount_as_string",
        "duration_as_string",
        "nc_value",
        "cpv_lost_zero",
        "type_field",
        "enum_variant",
        "old_procedure_label",
        "empty_awardees",
        "missing_buyer",
    }
)

# --- CPV codes ----------------------------------------------------------------------------------
# Most frequent codes per family in the three 2019 files (count of marchés), and the share of the
# family's marchés they cover (works 46 %, supplies 34 %, services 32 %). The rest is drawn in the
# family's divisions, weighted by their measured counts.
CPV_TOP = {
    "works": (
        ("45000000", 302), ("45421000", 94), ("45223220", 90), ("45112500", 76),
        ("45442100", 52), ("45330000", 45), ("45210000", 42), ("45331000", 38),
        ("45233141", 37), ("45262522", 34), ("45111100", 32), ("45233140", 31),
        ("45311200", 31), ("45454000", 31),
    ),
    "supplies": (
        ("33141000", 83), ("33696500", 57), ("39830000", 47), ("15800000", 40),
        ("09310000", 35), ("22113000", 35), ("48000000", 32), ("34100000", 27),
        ("30192000", 27), ("30121100", 26), ("30200000", 26), ("39100000", 25),
        ("33000000", 25), ("33140000", 24), ("34351100", 24), ("44316500", 23),
        ("39130000", 20), ("42120000", 20), ("34300000", 19), ("34224000", 18),
        ("18100000", 17),
    ),
    "services": (
        ("66510000", 92), ("50112000", 81), ("71000000", 47), ("64200000", 46),
        ("77310000", 40), ("79311000", 38), ("71620000", 36), ("79810000", 30),
        ("66512000", 29), ("79713000", 29), ("90910000", 29), ("90500000", 28),
        ("71240000", 28), ("50700000", 26), ("71241000", 26), ("90911200", 25),
        ("55520000", 24), ("66516000", 22), ("79110000", 22), ("71300000", 22),
    ),
}  # fmt: skip
CPV_TOP_SHARE = {"works": 0.46, "supplies": 0.34, "services": 0.32}
CPV_DIVISIONS = {
    "works": (("45", 1976),),
    "supplies": (
        ("33", 261), ("34", 216), ("30", 186), ("44", 186), ("39", 182), ("15", 110),
        ("09", 88), ("22", 75), ("42", 71), ("48", 63), ("31", 61), ("32", 59), ("35", 51),
        ("18", 47), ("03", 41), ("37", 36), ("16", 34), ("38", 31), ("24", 13),
    ),
    "services": (
        ("71", 390), ("79", 334), ("50", 314), ("90", 257), ("66", 208), ("72", 111),
        ("55", 100), ("64", 84), ("77", 81), ("60", 62), ("92", 54), ("80", 54), ("85", 45),
        ("75", 40), ("74", 34), ("98", 18), ("63", 18), ("70", 9), ("51", 5), ("65", 3),
    ),
}  # fmt: skip
# CPV ranges where origineUE / origineFrance must be given (decp-format.md §2.2).
ORIGIN_CPV_RANGES = (
    ("15100000", "15982200"),
    ("34100000", "34144910"),
    ("34510000", "34522700"),
    ("34600000", "34622500"),
    ("34710000", "34722200"),
    ("33100000", "33198200"),
    ("33600000", "33698300"),
    ("18100000", "18453000"),
    ("18800000", "18843000"),
)
