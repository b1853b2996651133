/*
 * The compiled normaliser of clean marchés: what the SQL fast path does for them, in C.
 *
 * The SQL fast path (ancrage/ingest/sql_normalise.py, sql_rows.py) reads every staged line with
 * DuckDB's JSON reader into one JSON fragment per field, checks that the record is "clean"
 * (every field in its official place, type and spelling), converts the fields of the clean ones
 * and computes their rows: contract (identity, current amount and duration, indicators),
 * awardees, modifications and quality issues. On a national file that was most of the
 * import's processor time. This module does all of it for a chunk of marchés, one pass per
 * line, with the GIL released; compiled.py writes the rows as the staging Parquet parts.
 * Each rule below mirrors one line of that SQL, itself checked against the Python normaliser.
 *
 * It is conservative: a record is accepted only when the SQL path would accept it AND this
 * module is sure to give the same values. Anything else (a `\` escape, a number with an
 * exponent, a key twice, a key in another case, an unknown shape, a letter whose lowercase it
 * does not know…) is handed back, and goes to the Python normaliser, the reference for every
 * defect. Handing back more records is slower, never wrong. tests/ingest/test_compiled.py
 * compares the warehouse of the three paths (Python, SQL, C) row for row.
 *
 *   normalise(chunk, tables, unhinted, today, today_year, concession, sentinel)
 *     -> (buffers, back)
 *
 * chunk: staged lines {"f":F,"p":P,"h":"<md5 hex>","r":<record>}\n (ancrage/ingest/lines.py);
 * tables: the official labels; unhinted: the indices of the files without envelope;
 * today: the day the date rules compare with (days since 1970-01-01, and its year);
 * concession: the chunk holds the contrats de concession of a 2022 envelope;
 * sentinel: the digits of decp-processing's amount sentinel (quality.SENTINEL_DIGITS);
 * buffers: {name: (bytes, …)}, the Arrow buffers of each column (see COLUMNS);
 * back: the read orders (f * 2**40 + p, little-endian int64) of the lines not accepted.
 *
 * The staged texts are valid UTF-8 (encoded from str, or checked by json_stream._utf8).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define OPENSSL_SUPPRESS_DEPRECATED
#include <math.h>
#include <openssl/md5.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ORDER_SHIFT 40

#include "_columns.h" /* Arrow columns built value by value */
#include "_json.h"    /* the JSON lexer and the value conversions */

/* The staged rows of the accepted records, as columns (X-macro: the struct, and the names and
 * widths handed to Python). Only Bufs, so that a record's rows, appended as it is checked, are
 * undone by cutting every Buf back to its length before the record when a later check rejects
 * it. The columns every row shares (kind, import, source file…) are added by compiled.py. */
#define COLUMNS(X)                                                                             \
    /* contracts */                                                                            \
    X(Str, contract_id) X(Str, uid) X(Str, buyer_id) X(Str, id) X(Str, schema_version)         \
    X(Str, content_hash) X(Str, nature) X(Str, object) X(Str, cpv) X(Str, cpv_raw)             \
    X(Str, family) X(Str, procedure) X(Labels, techniques) X(Labels, execution_modalities)     \
    X(Str, framework_agreement_id) X(Str, ccag) X(Str, price_form) X(Labels, price_types)      \
    X(Str, grouping_type) X(Fix, amount_ht) X(Fix, current_amount_ht) X(Fix, duration_months)  \
    X(Fix, current_duration_months) X(Fix, notification_date) X(Fix, publication_date)         \
    X(Fix, execution_start_date) X(Fix, advance) X(Fix, advance_rate) X(Str, place_code)       \
    X(Str, place_code_type) X(Fix, offers_received) X(Labels, social_considerations)           \
    X(Labels, environmental_considerations) X(Fix, has_social_consideration)                   \
    X(Fix, has_environmental_consideration) X(Fix, reserved) X(Fix, innovative)                \
    X(Fix, subcontracting_declared) X(Fix, subcontract_count) X(Fix, origin_eu_share)          \
    X(Fix, origin_france_share) X(Fix, modification_count) X(Fix, awardee_count)               \
    X(Fix, public_subsidy)                                                                     \
    X(Str, buyer_name) X(Fix, f) X(Fix, p) X(Fix, _last_publication)                           \
    /* awardees (row: the contract's row in this call) */                                      \
    X(Fix, awardee_row) X(Fix, awardee_position) X(Str, supplier_id) X(Str, supplier_id_type)  \
    X(Str, supplier_name)                                                                      \
    /* modifications */                                                                        \
    X(Fix, modification_row) X(Fix, modification_seq) X(Str, modification_id)                 \
    X(Fix, modification_notified) X(Fix, modification_published) X(Fix, modification_amount)  \
    X(Fix, modification_duration)                                                              \
    /* quality issues */                                                                       \
    X(Fix, issue_row) X(Str, issue_field) X(Str, issue_value) X(Str, issue_rule)

#define MEMBER(type, name) type name;
typedef struct {
    COLUMNS(MEMBER)
} Out;
#undef MEMBER

#define N_BUFS (sizeof(Out) / sizeof(Buf))

/* Arrow offsets start with a 0: written first, so that Python takes the buffers as they are. */
static void start_Str(Str *c) { put_i32(&c->offs, 0); }
static void start_Fix(Fix *c) { (void)c; }
static void start_Labels(Labels *c) {
    put_i32(&c->list.offs, 0);
    start_Str(&c->items);
}
#define START(type, name) start_##type(&o->name);
static void start(Out *o) { COLUMNS(START) }
#undef START

static Buf *bufs(Out *o) { return (Buf *)o; }


/* ---------------------------------------------------------------- configuration ------------ */

typedef struct {
    Text *items;
    size_t n;
} Table;

enum {
    T_NATURES, T_PROCEDURES, T_CCAG, T_PRICE_FORMS, T_GROUPING, T_TECHNIQUES, T_MODALITIES,
    T_PRICE_TYPES, T_SOCIAL, T_ENVIRONMENTAL, T_PLACE_TYPES, T_SUPPLIER_ID_TYPES, T_CPV_DIVISIONS,
    N_TABLES
};

typedef struct {
    Table tables[N_TABLES];
    int64_t *unhinted;
    size_t n_unhinted;
    int32_t today; /* days since 1970-01-01, for the date rules */
    int today_year;
    /* The chunk's records are contrats de concession (of a 2022 envelope), read under the
     * names of the marché fields of the same role (sql_normalise.AS_MARCHE). */
    int concession;
    const char *sentinel; /* quality.SENTINEL_DIGITS: decp-processing's amount sentinel */
} Config;

static int in_table(const Table *t, Text x) {
    if (!x.s) return 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].n == x.n && !memcmp(t->items[i].s, x.s, x.n)) return 1;
    return 0;
}

/* The record's keys the SQL path reads (sql_normalise.SCALARS, OFF_PATH and KIND_MARKERS, in
 * that order: a test checks it), and the position of each in the record. */
static const char *KEYS[] = {
    "id", "_type", "uid", "uuid", "nature", "objet", "codeCPV", "techniques", "modalitesExecution",
    "idAccordCadre", "marcheInnovant", "ccag", "offresRecues", "attributionAvance", "tauxAvance",
    "typeGroupementOperateurs", "sousTraitanceDeclaree", "actesSousTraitance", "procedure",
    "dureeMois", "dateNotification", "datePublicationDonnees", "dateDebutExecution", "montant",
    "typesPrix", "formePrix", "origineUE", "origineFrance", "titulaires", "considerationsSociales",
    "considerationsEnvironnementales", "modifications", "acheteur", "lieuExecution",
    /* OFF_PATH: must be absent */
    "acheteur.id", "acheteur.nom", "acheteur_id", "acheteur_nom", "autoriteConcedante",
    "autoriteConcedante.id", "autoriteConcedante.nom", "cpv", "lieuExecution.code",
    "lieuExecution_code", "lieuExecution.typeCode", "lieuExecution.nom", "valeurGlobale",
    "dateSignature", "montantSubventionPublique", "concessionnaires",
    /* KIND_MARKERS */
    "type_contrat", "typeContrat",
};
enum {
    K_ID, K_TYPE, K_UID, K_UUID, K_NATURE, K_OBJET, K_CPV, K_TECHNIQUES, K_MODALITES,
    K_ACCORD_CADRE, K_INNOVANT, K_CCAG, K_OFFRES, K_AVANCE, K_TAUX_AVANCE, K_GROUPEMENT,
    K_SOUS_TRAITANCE, K_ACTES, K_PROCEDURE, K_DUREE, K_DATE_NOTIFICATION, K_DATE_PUBLICATION,
    K_DATE_DEBUT, K_MONTANT, K_TYPES_PRIX, K_FORME_PRIX, K_ORIGINE_UE, K_ORIGINE_FRANCE,
    K_TITULAIRES, K_SOCIALES, K_ENVIRONNEMENTALES, K_MODIFICATIONS, K_ACHETEUR, K_LIEU,
    K_OFF_PATH_FIRST, K_TYPE_CONTRAT = K_OFF_PATH_FIRST + 16, K_TYPE_CONTRAT2, N_KEYS
};
/* The 2022-only fields (normalise.FIELDS_2022): one of them present marks a 2022 record. */
static const int FIELDS_2022[] = {
    K_SOCIALES, K_ENVIRONNEMENTALES, K_TECHNIQUES, K_MODALITES, K_OFFRES, K_TYPES_PRIX,
    K_INNOVANT, K_CCAG, K_GROUPEMENT, K_SOUS_TRAITANCE, K_AVANCE,
};
static size_t key_lengths[N_KEYS];
/* The keys of each length (at most 8 share one), -1 after the last: a member's name is
 * compared with these only. */
#define MAX_KEY 40
static int8_t by_length[MAX_KEY][9];

static void index_keys(void) {
    memset(by_length, -1, sizeof by_length);
    for (int k = 0; k < N_KEYS; k++) {
        size_t n = key_lengths[k] = strlen(KEYS[k]);
        int8_t *slot = by_length[n];
        while (*slot >= 0) slot++;
        *slot = (int8_t)k;
    }
}

/* ---------------------------------------------------------------- one record ---------------- */


typedef struct {
    Text at[N_KEYS]; /* each key's value text (absent: s == NULL) */
    int kind[N_KEYS];
} Fields;

/* Read the record's members: 0 if it is not an object this module accepts (a key twice, a
 * known key in another case, a non-ASCII key: DuckDB matches names ignoring case). */
static int read_fields(const char *p, const char *e, Fields *r) {
    memset(r->at, 0, sizeof r->at);
    Members m = {p, e};
    while (member(&m)) {
        int found = -1;
        for (const int8_t *k = m.key.n < MAX_KEY ? by_length[m.key.n] : by_length[0]; *k >= 0;
             k++) {
            if (!memcmp(m.key.s, KEYS[*k], m.key.n)) {
                found = *k;
                break;
            }
            if (!strncasecmp(m.key.s, KEYS[*k], m.key.n)) return 0;
        }
        for (size_t i = 0; i < m.key.n; i++)
            if ((unsigned char)m.key.s[i] >= 0x80) return 0;
        if (found < 0) continue; /* a key the SQL path does not read */
        if (r->at[found].s) return 0;
        r->at[found] = m.val;
        r->kind[found] = m.kind;
    }
    return !m.bad && ws(m.p, e) == e;
}

static int opt_kind(const Fields *r, int k, int kind) { return !r->at[k].s || r->kind[k] == kind; }
static int opt_bool(const Fields *r, int k) {
    return !r->at[k].s || r->kind[k] == J_TRUE || r->kind[k] == J_FALSE;
}

/* A string field's text, trimmed (txt(sv(j))); NONE when absent. */
static Text text_of(const Fields *r, int k) { return r->at[k].s ? txt(inner(r->at[k])) : NONE; }

/* opt_label / required label: absent (if optional) or a string whose trimmed text is official. */
static int label_ok(const Fields *r, int k, const Table *t, int required) {
    if (!r->at[k].s) return !required;
    return r->kind[k] == J_STR && in_table(t, text_of(r, k));
}

/* {"wrapper": ["label", …]}: every trimmed label official (clean_labels); appended to c. */
static int labels(const Fields *r, int k, const char *wrapper, const Table *t, Labels *c) {
    Text v = r->at[k];
    if (!v.s) {
        list_end(&c->list, c->items.valid.len, 0);
        return 1;
    }
    if (r->kind[k] != J_OBJ) return 0;
    Members m = {v.s, v.s + v.n};
    if (!member(&m) || !eq_n(m.key, wrapper, strlen(wrapper)) || m.kind != J_ARR) return 0;
    Items a = {m.val.s, m.val.s + m.val.n};
    size_t count = 0;
    while (item(&a)) {
        Text label;
        if (a.kind != J_STR) return 0;
        string(a.val.s, a.val.s + a.val.n, &label);
        label = txt(label);
        if (!in_table(t, label)) return 0;
        str_add(&c->items, label);
        count++;
    }
    if (a.bad || member(&m) || m.bad) return 0; /* (only the wrapper key) */
    list_end(&c->list, c->items.valid.len, count > 0); /* final_list: [] is NULL */
    return 1;
}

/* A flat object of strings (lieuExecution, acheteur): its values by key, keys at most once. */
typedef struct {
    Text id, nom, code, type_code;
    int has_id, has_nom, has_code, has_type_code;
} Flat;

static int flat(Text v, int kind, Flat *f) {
    memset(f, 0, sizeof *f);
    if (kind != J_OBJ) return 0;
    Members m = {v.s, v.s + v.n};
    int members = 0;
    while (member(&m)) {
        Text s;
        if (m.kind != J_STR) return 0;
        string(m.val.s, m.val.s + m.val.n, &s);
        members++;
        /* (the keys read, each once: SQL reads the first of two, Python the last; other keys
         * are not read by either) */
#define FLAT_KEY(name, field, flag)                                                            \
    if (eq(m.key, name)) {                                                                     \
        if (f->flag) return 0;                                                                 \
        f->flag = 1;                                                                           \
        f->field = s;                                                                          \
    }
        FLAT_KEY("id", id, has_id)
        FLAT_KEY("nom", nom, has_nom)
        FLAT_KEY("code", code, has_code)
        FLAT_KEY("typeCode", type_code, has_type_code)
#undef FLAT_KEY
    }
    return !m.bad && members > 0;
}

/* ---------------------------------------------------------------- rules -------------------- */

static Text cstr(const char *s) {
    Text t = {s, strlen(s)};
    return t;
}

/* The i-th value of a string column. */
static Text value_at(const Str *c, size_t i) {
    const int32_t *offsets = (const int32_t *)c->offs.p;
    Text t = {c->data.p + offsets[i], (size_t)(offsets[i + 1] - offsets[i])};
    return t;
}

/* quality.check_siret: "malformed", "checksum" or NULL (Luhn; La Poste's own rule). */
static int luhn(const char *s, size_t n) {
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        int digit = s[n - 1 - i] - '0';
        if (i % 2) {
            digit *= 2;
            if (digit > 9) digit -= 9;
        }
        total += digit;
    }
    return total % 10 == 0;
}

static const char *siret_problem(Text t) {
    if (t.n != 14) return "malformed";
    for (size_t i = 0; i < 14; i++)
        if (t.s[i] < '0' || t.s[i] > '9') return "malformed";
    if (!memcmp(t.s, "356000000", 9) && memcmp(t.s, "35600000000048", 14)) {
        int sum = 0;
        for (size_t i = 0; i < 14; i++) sum += t.s[i] - '0';
        return sum % 5 == 0 ? NULL : "checksum";
    }
    return luhn(t.s, 14) && luhn(t.s, 9) ? NULL : "checksum";
}

/* A date, its year, and its text as given. */
typedef struct {
    int ok;
    int32_t days;
    int year;
    Text raw;
} Date;

static int read_date(Text s, Date *d) {
    d->ok = iso_date(s, &d->days);
    d->year = d->ok ? (s.s[0] - '0') * 1000 + (s.s[1] - '0') * 100 + (s.s[2] - '0') * 10 +
                          (s.s[3] - '0')
                    : 0;
    d->raw = s;
    return d->ok;
}

/* sql_normalise.date_rule */
static const char *date_rule(const Config *cfg, const Date *d) {
    if (!d->ok) return NULL;
    if (d->year < 2000) return "date_implausible";
    if (d->days > cfg->today) return d->year <= cfg->today_year + 1 ? "date_in_future"
                                                                     : "date_implausible";
    return NULL;
}

/* sql_normalise.num_text: an integral value as an integer, else two decimals. 0 when two
 * decimals would round a tie (x.xx5 exactly), where printf implementations may differ. */
static int num_text(double x, char *out, size_t size, Text *t) {
    int n;
    if (x == trunc(x) && fabs(x) < 1e15) {
        n = snprintf(out, size, "%lld", (long long)x);
    } else {
        double eighths = x * 8;
        if (eighths == trunc(eighths) && fmod(fabs(eighths), 2) == 1) return 0;
        n = snprintf(out, size, "%.2f", x);
    }
    if (n < 0 || (size_t)n >= size) return 0;
    t->s = out;
    t->n = (size_t)n;
    return 1;
}

static void issue(Out *o, int64_t row, const char *field, Text value, const char *rule) {
    i64_add(&o->issue_row, 1, row);
    str_add(&o->issue_field, cstr(field));
    str_add(&o->issue_value, value);
    str_add(&o->issue_rule, cstr(rule));
}

/* lower() of DuckDB (and str.lower() of Python) for the characters whose lowercase this module
 * knows: ASCII, Latin-1, Œ, Ÿ, and the punctuation and currency blocks, which have no case.
 * 0 for any other character: the record is handed back. Runs of spaces become one (the
 * object's key collapses blanks; only spaces can be in an unescaped JSON string). */
static int lower_collapsed(Text t, char *out, size_t size, size_t *n) {
    size_t k = 0;
    const unsigned char *s = (const unsigned char *)t.s;
    for (size_t i = 0; i < t.n;) {
        if (k + 4 > size) return 0;
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == ' ' && k && out[k - 1] == ' ') {
                i++;
                continue;
            }
            out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
        } else if ((c & 0xe0) == 0xc0 && i + 1 < t.n) {
            unsigned cp = ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
            if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) cp += 0x20;
            else if (cp == 0x152) cp = 0x153;
            else if (cp == 0x178) cp = 0xff;
            else if (!(cp < 0x100 || cp == 0x153)) return 0;
            out[k++] = (char)(0xc0 | (cp >> 6));
            out[k++] = (char)(0x80 | (cp & 0x3f));
            i += 2;
        } else if ((c & 0xf0) == 0xe0 && i + 2 < t.n) {
            unsigned cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
            if (!((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x20a0 && cp <= 0x20cf))) return 0;
            memcpy(out + k, s + i, 3);
            k += 3;
            i += 3;
        } else {
            return 0;
        }
    }
    *n = k;
    return 1;
}

static int text_order(const void *a, const void *b) {
    const Text *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void add_part(char *out, size_t *k, Text t) {
    memcpy(out + *k, t.s, t.n);
    *k += t.n;
}

/* contract_id: the first 16 hex digits of the MD5 of kind|buyer|id|notification|awardees|
 * object (sql_rows.CONTRACTS, normalise.contract_key). 0 if it cannot be computed here. */
static int contract_id(const char *kind, Text buyer, Text ref, Text notified_raw, const Out *o,
                       size_t aw0, size_t aw1, Text object, char hex[16]) {
    char key[8192];
    size_t k = 0, needed = 24 + buyer.n + ref.n + notified_raw.n;
    Text ids[64];
    size_t n_ids = aw1 - aw0;
    if (n_ids > 64) return 0;
    for (size_t i = 0; i < n_ids; i++) {
        ids[i] = value_at(&o->supplier_id, aw0 + i);
        needed += ids[i].n + 1;
    }
    if (needed + object.n * 2 > sizeof key) return 0;
    add_part(key, &k, cstr(kind));
    key[k++] = '|';
    add_part(key, &k, buyer);
    key[k++] = '|';
    add_part(key, &k, ref);
    key[k++] = '|';
    add_part(key, &k, notified_raw);
    key[k++] = '|';
    if (n_ids > 1) qsort(ids, n_ids, sizeof *ids, text_order);
    for (size_t i = 0; i < n_ids; i++) {
        if (i && !text_order(&ids[i], &ids[i - 1])) continue; /* (distinct) */
        if (i) key[k++] = ',';
        add_part(key, &k, ids[i]);
    }
    key[k++] = '|';
    size_t lowered = 0;
    if (object.s && !lower_collapsed(object, key + k, sizeof key - k, &lowered)) return 0;
    k += lowered;
    unsigned char digest[16];
    MD5((const unsigned char *)key, k, digest);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    return 1;
}

/* ---------------------------------------------------------------- lists -------------------- */

/* Awardees: [{"titulaire": {"id": …, "typeIdentifiant": …, "denominationSociale": …}}, …],
 * string values without brackets or braces, each key once, an id and an official type. Their
 * rows and quality issues are appended; *named: one has a 2019 name. */
static int awardees(Text v, int kind, const Config *cfg, Out *o, int64_t row, Text buyer,
                    int *named) {
    /* (a concession's are {"concessionnaire": {…}}, and their issues name that field) */
    const char *wrapper = cfg->concession ? "concessionnaire" : "titulaire";
    const char *field = cfg->concession ? "concessionnaire.id" : "titulaire.id";
    if (kind != J_ARR) return 0;
    Items a = {v.s, v.s + v.n};
    int64_t count = 0;
    while (item(&a)) {
        if (a.kind != J_OBJ) return 0;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq_n(w.key, wrapper, strlen(wrapper)) || w.kind != J_OBJ) return 0;
        Members t = {w.val.s, w.val.s + w.val.n};
        Text id = NONE, type = NONE, name = NONE;
        int fields = 0;
        while (member(&t)) {
            Text s;
            if (t.kind != J_STR) return 0;
            string(t.val.s, t.val.s + t.val.n, &s);
            for (size_t i = 0; i < s.n; i++)
                if (strchr("[]{}", s.s[i])) return 0;
            Text *slot = eq(t.key, "id") ? &id
                         : eq(t.key, "typeIdentifiant") ? &type
                         : eq(t.key, "denominationSociale") ? &name
                                                             : NULL;
            if (!slot || slot->s) return 0;
            *slot = s;
            fields++;
        }
        if (t.bad || !fields || member(&w) || w.bad) return 0;
        if (name.s && !cfg->concession) *named = 1; /* (2019 names count for marchés only) */
        char scratch[256];
        Text supplier;
        if (!txt(id).s || !in_table(&cfg->tables[T_SUPPLIER_ID_TYPES], type)) return 0;
        if (!unspaced(txt(id), scratch, sizeof scratch, &supplier)) return 0;
        i64_add(&o->awardee_row, 1, row);
        i64_add(&o->awardee_position, 1, count);
        str_add(&o->supplier_id, supplier);
        str_add(&o->supplier_id_type, type);
        str_add(&o->supplier_name, txt(name));
        if (eq(type, "SIRET") && siret_problem(supplier))
            issue(o, row, field, supplier, "supplier_siret_malformed");
        if (supplier.n == buyer.n && !memcmp(supplier.s, buyer.s, buyer.n))
            issue(o, row, field, supplier, "supplier_is_buyer");
        count++;
    }
    return !a.bad && count;
}

/* What the modifications change: the current totals, the latest publication, their number. */
typedef struct {
    int64_t count;
    int has_amount, has_duration, has_published;
    double amount, duration;
    int32_t published;
} Changes;

/* Modifications with new totals only: {"modification": {"id": <1 to 9 digits>, "montant",
 * "dureeMois" (numbers), the two dates (ISO)}}, ids strictly increasing, amount or duration.
 * Their rows and date issues are appended. */
static int modifications(Text v, int kind, const Config *cfg, Out *o, int64_t row, Changes *c) {
    memset(c, 0, sizeof *c);
    if (!v.s) return 1;
    if (kind != J_ARR) return 0;
    Items a = {v.s, v.s + v.n};
    int64_t last_id = -1;
    while (item(&a)) {
        if (a.kind != J_OBJ) return 0;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq(w.key, "modification") || w.kind != J_OBJ) return 0;
        Members f = {w.val.s, w.val.s + w.val.n};
        Text id = NONE;
        int has_amount = 0, has_duration = 0;
        double amount = 0, duration = 0;
        Date notified = {0}, published = {0};
        while (member(&f)) {
            int integer;
            if (eq(f.key, "id")) {
                if (id.s || f.kind != J_NUM || f.val.n > 9 || f.val.s[0] == '-') return 0;
                double x;
                if (!number(f.val.s, f.val.s + f.val.n, &x, &integer) || !integer) return 0;
                id = f.val;
            } else if (eq(f.key, "montant") || eq(f.key, "dureeMois")) {
                int is_amount = f.key.s[0] == 'm';
                int *has = is_amount ? &has_amount : &has_duration;
                if (*has || f.kind != J_NUM) return 0;
                *has = 1;
                number(f.val.s, f.val.s + f.val.n, is_amount ? &amount : &duration, &integer);
            } else if (eq(f.key, "dateNotificationModification") ||
                       eq(f.key, "datePublicationDonneesModification")) {
                Date *d = f.key.s[4] == 'N' ? &notified : &published;
                Text s;
                if (d->raw.s || f.kind != J_STR) return 0;
                string(f.val.s, f.val.s + f.val.n, &s);
                if (!read_date(s, d)) return 0;
            } else {
                return 0;
            }
        }
        if (f.bad || member(&w) || w.bad) return 0;
        if (!id.s || !(has_amount || has_duration)) return 0;
        int64_t this_id = 0;
        for (size_t i = 0; i < id.n; i++) this_id = this_id * 10 + (id.s[i] - '0');
        if (this_id <= last_id) return 0;
        last_id = this_id;
        c->count++;
        i64_add(&o->modification_row, 1, row);
        i64_add(&o->modification_seq, 1, c->count);
        str_add(&o->modification_id, id);
        date_add(&o->modification_notified, notified.ok, notified.days);
        date_add(&o->modification_published, published.ok, published.days);
        f64_add(&o->modification_amount, has_amount, amount);
        f64_add(&o->modification_duration, has_duration, duration);
        /* each modification carries new totals: the last one given is the current one */
        if (has_amount) c->has_amount = 1, c->amount = amount;
        if (has_duration) c->has_duration = 1, c->duration = duration;
        if (published.ok && (!c->has_published || published.days > c->published))
            c->has_published = 1, c->published = published.days;
        const char *rule;
        if ((rule = date_rule(cfg, &notified)))
            issue(o, row, "dateNotificationModification", notified.raw, rule);
        if ((rule = date_rule(cfg, &published)))
            issue(o, row, "datePublicationDonneesModification", published.raw, rule);
    }
    return !a.bad;
}

/* actesSousTraitance: absent (-1), [] or [{"acteSousTraitance": {…non-empty…}}, …] (their
 * number); -2 for any other shape. */
static int64_t subcontracts(Text v, int kind) {
    if (!v.s) return -1;
    if (kind != J_ARR) return -2;
    Items a = {v.s, v.s + v.n};
    int64_t count = 0;
    while (item(&a)) {
        if (a.kind != J_OBJ) return -2;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq(w.key, "acteSousTraitance") || w.kind != J_OBJ) return -2;
        Members inside = {w.val.s, w.val.s + w.val.n};
        if (!member(&inside)) return -2;
        if (member(&w) || w.bad) return -2;
        count++;
    }
    return a.bad ? -2 : count;
}

static int in_unhinted(const Config *cfg, int64_t file) {
    for (size_t i = 0; i < cfg->n_unhinted; i++)
        if (cfg->unhinted[i] == file) return 1;
    return 0;
}

/* A file without envelope: the record must not say (or look like) a concession. */
static int marche_without_envelope(const Fields *r) {
    if (r->at[K_TYPE_CONTRAT].s || r->at[K_TYPE_CONTRAT2].s) return 0;
    if (!r->at[K_TYPE].s) return 1;
    if (r->kind[K_TYPE] != J_STR) return 0;
    Text t = inner(r->at[K_TYPE]);
    for (size_t i = 0; i < t.n; i++)
        if ((unsigned char)t.s[i] < 0x20 || (unsigned char)t.s[i] > 0x7e) return 0;
    for (size_t i = 0; i + 10 <= t.n; i++)
        if (!strncasecmp(t.s + i, "concession", 10)) return 0;
    return 1;
}

/* An optional number (present: *ok), or a required one; 0 if not a plain number. */
static int number_at(const Fields *r, int k, int required, int *ok, double *v) {
    *ok = 0;
    if (!r->at[k].s) return !required;
    int integer;
    if (r->kind[k] != J_NUM) return 0;
    number(r->at[k].s, r->at[k].s + r->at[k].n, v, &integer);
    *ok = 1;
    return 1;
}

static int date_at(const Fields *r, int k, int required, Date *d) {
    memset(d, 0, sizeof *d);
    if (!r->at[k].s) return !required;
    return r->kind[k] == J_STR && read_date(inner(r->at[k]), d);
}

static int flag_at(const Fields *r, int k) { /* -1 absent, 0 false, 1 true */
    return !r->at[k].s ? -1 : r->kind[k] == J_TRUE;
}

/* The distinct labels of a record's list (items first to end of c), and whether one is x. */
static size_t distinct(const Str *c, size_t first, size_t end, const char *x, int *has_x) {
    size_t n = 0;
    *has_x = 0;
    for (size_t i = first; i < end; i++) {
        Text t = value_at(c, i);
        int seen = 0;
        for (size_t j = first; j < i && !seen; j++) {
            Text u = value_at(c, j);
            seen = !text_order(&t, &u);
        }
        n += !seen;
        if (x && eq_n(t, x, strlen(x))) *has_x = 1;
    }
    return n;
}

/* array_to_string(labels, ' | ') */
static Text joined(const Str *c, size_t first, size_t end, char *out, size_t size) {
    size_t k = 0;
    for (size_t i = first; i < end; i++) {
        Text t = value_at(c, i);
        if (k + t.n + 3 > size) return NONE;
        if (i > first) memcpy(out + k, " | ", 3), k += 3;
        memcpy(out + k, t.s, t.n);
        k += t.n;
    }
    Text t = {out, k};
    return t;
}

static const char NO_SOCIAL[] = "Pas de considération sociale";
static const char NO_ENVIRONMENTAL[] = "Pas de considération environnementale";

/* The "Pas de considération …" combined, and the reserved contract not alone, rules. */
static int label_rules(Out *o, int64_t row, const Labels *l, size_t first, const char *none,
                       const char *field, const char *rule, int *has_other, int *reserved) {
    size_t end = l->items.valid.len;
    *has_other = -1;
    if (reserved) *reserved = -1;
    if (end == first) return 1; /* (NULL list) */
    int has_none;
    size_t n = distinct(&l->items, first, end, none, &has_none);
    *has_other = 0;
    for (size_t i = first; i < end; i++)
        if (!eq_n(value_at(&l->items, i), none, strlen(none))) *has_other = 1;
    char text[4096];
    Text all = NONE;
    if ((has_none && n > 1) || reserved) {
        all = joined(&l->items, first, end, text, sizeof text);
        if (!all.s) return 0;
    }
    if (has_none && n > 1) issue(o, row, field, all, rule);
    if (reserved) {
        int r1, r2;
        distinct(&l->items, first, end, "Marché réservé", &r1);
        distinct(&l->items, first, end, "Concession réservée", &r2);
        *reserved = r1 || r2;
        if (*reserved && n > 1) issue(o, row, field, all, "reserved_not_alone");
    }
    return 1;
}

/* ---------------------------------------------------------------- record rules ------------- */

static int empty_array(Text v) {
    Items a = {v.s, v.s + v.n};
    return !item(&a) && !a.bad;
}

enum {
    K_AUTORITE = K_OFF_PATH_FIRST + 4, K_VALEUR = K_OFF_PATH_FIRST + 12,
    K_DATE_SIGNATURE, K_SUBVENTION, K_CONCESSIONNAIRES,
};

/* A concession read under the marché names (sql_normalise._read): autoriteConcedante as
 * acheteur, valeurGlobale as montant, dateSignature as dateNotification, concessionnaires as
 * titulaires; *subsidy: montantSubventionPublique. 0 if it also carries a marché field the
 * Python normaliser would fall back to (sql_normalise.MARCHE_ONLY). */
static int as_marche(Fields *r, Text *subsidy, int *subsidy_kind) {
    static const int marche[] = {K_ACHETEUR, K_MONTANT, K_DATE_NOTIFICATION, K_TITULAIRES, K_CPV};
    static const int moved[][2] = {{K_ACHETEUR, K_AUTORITE}, {K_MONTANT, K_VALEUR},
                                   {K_DATE_NOTIFICATION, K_DATE_SIGNATURE},
                                   {K_TITULAIRES, K_CONCESSIONNAIRES}};
    for (size_t i = 0; i < sizeof marche / sizeof *marche; i++)
        if (r->at[marche[i]].s) return 0;
    for (size_t i = 0; i < sizeof moved / sizeof *moved; i++) {
        r->at[moved[i][0]] = r->at[moved[i][1]];
        r->kind[moved[i][0]] = r->kind[moved[i][1]];
        r->at[moved[i][1]] = NONE;
    }
    *subsidy = r->at[K_SUBVENTION];
    *subsidy_kind = r->kind[K_SUBVENTION];
    r->at[K_SUBVENTION] = NONE;
    return 1;
}

/* Check one record and append its rows; 0 if it is not accepted (the caller undoes what was
 * appended). */
static int record(const char *p, const char *e, int64_t f, int64_t pos, Text h, const Config *cfg,
                  Out *o) {
    Fields r;
    if (!read_fields(p, e, &r)) return 0;
    Text subsidy = NONE;
    int subsidy_kind = 0;
    if (cfg->concession && !as_marche(&r, &subsidy, &subsidy_kind)) return 0;
    for (int k = K_OFF_PATH_FIRST; k < K_OFF_PATH_FIRST + 16; k++)
        if (r.at[k].s) return 0;
    if (in_unhinted(cfg, f) && !marche_without_envelope(&r)) return 0;

    /* id: a string, not blank nor only zeros once trimmed */
    if (!r.at[K_ID].s || r.kind[K_ID] != J_STR) return 0;
    Text ref = text_of(&r, K_ID);
    if (!ref.s) return 0;
    int zeros_only = 1;
    for (size_t i = 0; i < ref.n; i++)
        if (ref.s[i] != '0') zeros_only = 0;
    if (zeros_only) return 0;

    /* acheteur: a flat object of strings with an id */
    Flat buyer;
    if (!r.at[K_ACHETEUR].s || !flat(r.at[K_ACHETEUR], r.kind[K_ACHETEUR], &buyer)) return 0;
    if (!buyer.has_id || !txt(buyer.id).s) return 0;
    char buyer_scratch[256];
    Text buyer_id;
    if (!unspaced(txt(buyer.id), buyer_scratch, sizeof buyer_scratch, &buyer_id)) return 0;

    if (!opt_kind(&r, K_TYPE, J_STR) || !opt_kind(&r, K_UID, J_STR) ||
        !opt_kind(&r, K_UUID, J_STR) || !opt_kind(&r, K_OBJET, J_STR) ||
        !opt_kind(&r, K_ACCORD_CADRE, J_STR))
        return 0;
    const Table *t = cfg->tables;
    if (!label_ok(&r, K_NATURE, &t[T_NATURES], 0) ||
        !label_ok(&r, K_PROCEDURE, &t[T_PROCEDURES], 1) || !label_ok(&r, K_CCAG, &t[T_CCAG], 0) ||
        !label_ok(&r, K_FORME_PRIX, &t[T_PRICE_FORMS], 0) ||
        !label_ok(&r, K_GROUPEMENT, &t[T_GROUPING], 0))
        return 0;

    /* codeCPV: 8 digits (and a check digit) of a known division (no CPV in a concession) */
    Text cpv = NONE;
    if (!cfg->concession) {
        if (!r.at[K_CPV].s || r.kind[K_CPV] != J_STR) return 0;
        cpv = text_of(&r, K_CPV);
        if (!cpv.s || (cpv.n != 8 && cpv.n != 10)) return 0;
        for (size_t i = 0; i < cpv.n; i++)
            if (i == 8 ? cpv.s[i] != '-' : (cpv.s[i] < '0' || cpv.s[i] > '9')) return 0;
        Text division = {cpv.s, 2};
        if (!in_table(&t[T_CPV_DIVISIONS], division)) return 0;
    }
    double subsidy_value = 0;
    int has_subsidy = 0;
    if (subsidy.s) {
        int integer;
        if (subsidy_kind != J_NUM) return 0;
        number(subsidy.s, subsidy.s + subsidy.n, &subsidy_value, &integer);
        has_subsidy = 1;
    }
    /* (the SQL path applies no modification of a concession: their fields have other names) */
    if (cfg->concession && r.at[K_MODIFICATIONS].s &&
        (r.kind[K_MODIFICATIONS] != J_ARR || !empty_array(r.at[K_MODIFICATIONS])))
        return 0;

    if (!opt_bool(&r, K_INNOVANT) || !opt_bool(&r, K_AVANCE) || !opt_bool(&r, K_SOUS_TRAITANCE))
        return 0;
    double offers = 0, amount, duration, eu = 0, fr = 0, rate = 0;
    int has_offers, has_amount, has_duration, has_eu, has_fr, has_rate, integer = 1;
    if (!number_at(&r, K_OFFRES, 0, &has_offers, &offers)) return 0;
    if (has_offers) number(r.at[K_OFFRES].s, r.at[K_OFFRES].s + r.at[K_OFFRES].n, &offers, &integer);
    if (!integer) return 0;
    if (!number_at(&r, K_TAUX_AVANCE, 0, &has_rate, &rate) ||
        !number_at(&r, K_ORIGINE_UE, 0, &has_eu, &eu) ||
        !number_at(&r, K_ORIGINE_FRANCE, 0, &has_fr, &fr) ||
        !number_at(&r, K_MONTANT, 1, &has_amount, &amount) ||
        !number_at(&r, K_DUREE, 1, &has_duration, &duration))
        return 0;
    int64_t subcontract_count = subcontracts(r.at[K_ACTES], r.kind[K_ACTES]);
    if (subcontract_count == -2) return 0;

    Flat place = {0};
    if (r.at[K_LIEU].s) {
        if (!flat(r.at[K_LIEU], r.kind[K_LIEU], &place)) return 0;
        if (place.has_type_code && !in_table(&t[T_PLACE_TYPES], txt(place.type_code))) return 0;
    }
    char place_scratch[256];
    Text place_code;
    if (!unspaced(txt(place.has_code ? place.code : NONE), place_scratch, sizeof place_scratch,
                  &place_code))
        return 0;
    Date notified, published, started;
    if (!date_at(&r, K_DATE_NOTIFICATION, 1, &notified) ||
        !date_at(&r, K_DATE_PUBLICATION, 0, &published) ||
        !date_at(&r, K_DATE_DEBUT, 0, &started))
        return 0;
    if (!r.at[K_TITULAIRES].s) return 0;

    /* The lists: appended as they are read (labels, awardees, modifications). */
    int64_t row = (int64_t)o->f.valid.len;
    size_t social0 = o->social_considerations.items.valid.len;
    size_t environmental0 = o->environmental_considerations.items.valid.len;
    size_t awardees0 = o->supplier_id.valid.len;
    int named = 0;
    Changes changes;
    if (!labels(&r, K_TECHNIQUES, "technique", &t[T_TECHNIQUES], &o->techniques) ||
        !labels(&r, K_MODALITES, "modaliteExecution", &t[T_MODALITIES],
                &o->execution_modalities) ||
        !labels(&r, K_TYPES_PRIX, "typePrix", &t[T_PRICE_TYPES], &o->price_types) ||
        !labels(&r, K_SOCIALES, "considerationSociale", &t[T_SOCIAL], &o->social_considerations) ||
        !labels(&r, K_ENVIRONNEMENTALES, "considerationEnvironnementale", &t[T_ENVIRONMENTAL],
                &o->environmental_considerations) ||
        !awardees(r.at[K_TITULAIRES], r.kind[K_TITULAIRES], cfg, o, row, buyer_id, &named) ||
        !modifications(r.at[K_MODIFICATIONS], r.kind[K_MODIFICATIONS], cfg, o, row, &changes))
        return 0;
    size_t awardees1 = o->supplier_id.valid.len;

    Text object = text_of(&r, K_OBJET);
    char id_hex[16];
    const char *kind = cfg->concession ? "concession" : "marche";
    if (!contract_id(kind, buyer_id, ref, notified.raw, o, awardees0, awardees1, object, id_hex))
        return 0;
    int has_2022 = 0;
    for (size_t i = 0; i < sizeof FIELDS_2022 / sizeof *FIELDS_2022; i++)
        if (r.at[FIELDS_2022[i]].s) has_2022 = 1;
    int has_2019 = r.at[K_UID].s || r.at[K_UUID].s || buyer.has_nom || place.has_nom || named;
    const char *version = has_2022 && has_2019 ? "hybrid" : has_2022 ? "2022" : "2019";

    /* the contract row */
    Text hex = {id_hex, 16};
    str_add(&o->contract_id, hex);
    char uid[600];
    if (buyer_id.n + ref.n > sizeof uid) return 0;
    memcpy(uid, buyer_id.s, buyer_id.n);
    memcpy(uid + buyer_id.n, ref.s, ref.n);
    str_add(&o->uid, (Text){uid, buyer_id.n + ref.n});
    str_add(&o->buyer_id, buyer_id);
    str_add(&o->id, ref);
    str_add(&o->schema_version, cstr(version));
    str_add(&o->content_hash, h);
    str_add(&o->nature, text_of(&r, K_NATURE));
    str_add(&o->object, object);
    str_add(&o->cpv, cpv.s ? (Text){cpv.s, 8} : NONE);
    str_add(&o->cpv_raw, cpv);
    int division_number = cpv.s ? (cpv.s[0] - '0') * 10 + (cpv.s[1] - '0') : -1;
    str_add(&o->family, !cpv.s                                           ? NONE
                        : division_number == 45                          ? cstr("works")
                        : division_number <= 44 || division_number == 48 ? cstr("supplies")
                                                                         : cstr("services"));
    str_add(&o->procedure, text_of(&r, K_PROCEDURE));
    str_add(&o->framework_agreement_id, text_of(&r, K_ACCORD_CADRE));
    str_add(&o->ccag, text_of(&r, K_CCAG));
    str_add(&o->price_form, text_of(&r, K_FORME_PRIX));
    str_add(&o->grouping_type, text_of(&r, K_GROUPEMENT));
    f64_add(&o->amount_ht, 1, amount);
    f64_add(&o->current_amount_ht, 1, changes.has_amount ? changes.amount : amount);
    f64_add(&o->duration_months, 1, duration);
    f64_add(&o->current_duration_months, 1, changes.has_duration ? changes.duration : duration);
    date_add(&o->notification_date, 1, notified.days);
    date_add(&o->publication_date, published.ok, published.days);
    date_add(&o->execution_start_date, started.ok, started.days);
    bool_add(&o->advance, flag_at(&r, K_AVANCE));
    f64_add(&o->advance_rate, has_rate, rate);
    str_add(&o->place_code, place_code);
    str_add(&o->place_code_type, place.has_type_code ? txt(place.type_code) : NONE);
    i64_add(&o->offers_received, has_offers, (int64_t)offers);
    int has_social, has_environmental, reserved;
    if (!label_rules(o, row, &o->social_considerations, social0, NO_SOCIAL,
                     "considerationsSociales", "social_no_consideration_combined", &has_social,
                     &reserved) ||
        !label_rules(o, row, &o->environmental_considerations, environmental0, NO_ENVIRONMENTAL,
                     "considerationsEnvironnementales", "environmental_no_consideration_combined",
                     &has_environmental, NULL))
        return 0;
    bool_add(&o->has_social_consideration, has_social);
    bool_add(&o->has_environmental_consideration, has_environmental);
    bool_add(&o->reserved, reserved);
    bool_add(&o->innovative, flag_at(&r, K_INNOVANT));
    bool_add(&o->subcontracting_declared, flag_at(&r, K_SOUS_TRAITANCE));
    i64_add(&o->subcontract_count, subcontract_count >= 0, subcontract_count);
    f64_add(&o->origin_eu_share, has_eu, eu);
    f64_add(&o->origin_france_share, has_fr, fr);
    i64_add(&o->modification_count, 1, changes.count);
    i64_add(&o->awardee_count, 1, (int64_t)(awardees1 - awardees0));
    f64_add(&o->public_subsidy, has_subsidy, subsidy_value);
    str_add(&o->buyer_name, buyer.has_nom ? txt(buyer.nom) : NONE);
    i64_add(&o->f, 1, f);
    i64_add(&o->p, 1, pos);
    /* greatest() skips NULLs, as the Python max over the dates given does */
    int has_last = published.ok || changes.has_published;
    int32_t last = published.ok ? published.days : changes.published;
    if (changes.has_published && changes.published > last) last = changes.published;
    date_add(&o->_last_publication, has_last, last);

    /* the contract's quality rules (sql_rows.CONTRACT_ISSUES, in that order) */
    const char *problem = siret_problem(buyer_id), *rule;
    char rule_text[64], a[64], b[64], value[200];
    Text x, y;
    if (problem) {
        snprintf(rule_text, sizeof rule_text, "buyer_siret_%s", problem);
        issue(o, row, cfg->concession ? "autoriteConcedante.id" : "acheteur.id", buyer_id,
              rule_text);
    }
    int standard = ref.n >= 1 && ref.n <= 16;
    for (size_t i = 0; i < ref.n && standard; i++) {
        char c = ref.s[i];
        standard = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   strchr("/-_ .#", c) != NULL;
    }
    if (!standard) issue(o, row, "id", ref, "contract_id_nonstandard");
    if (r.at[K_TYPE].s && strcmp(version, "2019")) {
        Text type = inner(r.at[K_TYPE]); /* left(…, 500): 500 characters, not bytes */
        size_t chars = 0, i = 0;
        for (; i < type.n; i++) {
            if (((unsigned char)type.s[i] & 0xc0) != 0x80 && ++chars > 500) break;
        }
        type.n = i;
        issue(o, row, "_type", type, "schema_type_field");
    }
    /* (the texts of the values are only made for the issues that fire: printf is slow) */
    int sentinel = 0;
    if (amount >= 1e8) {
        /* (a tie for %.0f would be rounded by printf implementations differently) */
        if (amount - floor(amount) == 0.5) return 0;
        char whole[400];
        int n = snprintf(whole, sizeof whole, "%.0f", amount);
        if (n < 0 || (size_t)n >= sizeof whole) return 0;
        int same = n >= 8;
        for (int i = 1; i < n && same; i++) same = whole[i] == whole[0];
        sentinel = !strncmp(whole, "123456789", 9) || same || !strcmp(whole, cfg->sentinel);
    }
    int low = amount < 200, high = amount > 1e9;
    int bad_duration = duration <= 0 || duration > 180;
    int incoherent = 0;
    if (duration > 0) {
        double per_month = amount / duration;
        incoherent = per_month < 100 || (per_month < 1000 && amount < 200000) ||
                     ((duration == 360 || duration == 365 || duration == 366) &&
                      amount < 10000000) ||
                     (duration > 120 && amount < 2000000);
    }
    if ((sentinel || low || high || incoherent) && !num_text(amount, a, sizeof a, &x)) return 0;
    if ((bad_duration || incoherent) && !num_text(duration, b, sizeof b, &y)) return 0;
    const char *amount_field = cfg->concession ? "valeurGlobale" : "montant";
    if (sentinel) issue(o, row, amount_field, x, "amount_sentinel");
    if (low) issue(o, row, amount_field, x, "amount_implausible_low");
    else if (high) issue(o, row, amount_field, x, "amount_implausible_high");
    if (bad_duration) issue(o, row, "dureeMois", y, "duration_implausible");
    if (incoherent) {
        int k = snprintf(value, sizeof value, "%.*s € / %.*s mois", (int)x.n, x.s, (int)y.n, y.s);
        issue(o, row, "montant", (Text){value, (size_t)k}, "amount_duration_incoherent");
    }
    if ((rule = date_rule(cfg, &notified)))
        issue(o, row, cfg->concession ? "dateSignature" : "dateNotification", notified.raw, rule);
    if ((rule = date_rule(cfg, &published)))
        issue(o, row, "datePublicationDonnees", published.raw, rule);
    if (published.ok && published.days < notified.days)
        issue(o, row, "datePublicationDonnees", published.raw, "publication_before_notification");
    if ((rule = date_rule(cfg, &started))) issue(o, row, "dateDebutExecution", started.raw, rule);
    if (has_offers && offers == 0) issue(o, row, "offresRecues", cstr("0"), "offers_received_zero");
    if (has_eu && !(eu >= 0 && eu <= 1)) {
        if (!num_text(eu, a, sizeof a, &x)) return 0;
        issue(o, row, "origineUE", x, "origin_share_out_of_range");
    }
    if (has_fr && !(fr >= 0 && fr <= 1)) {
        if (!num_text(fr, a, sizeof a, &x)) return 0;
        issue(o, row, "origineFrance", x, "origin_share_out_of_range");
    }
    if (has_eu && has_fr && fr > eu) {
        if (!num_text(fr, a, sizeof a, &x) || !num_text(eu, b, sizeof b, &y)) return 0;
        int k = snprintf(value, sizeof value, "%.*s > %.*s", (int)x.n, x.s, (int)y.n, y.s);
        issue(o, row, "origineFrance", (Text){value, (size_t)k}, "origin_france_above_eu");
    }
    return 1;
}

/* ---------------------------------------------------------------- a staged line ------------ */

static const char *integer_at(const char *p, const char *e, int64_t *v) {
    const char *s = p;
    *v = 0;
    while (p < e && *p >= '0' && *p <= '9' && p - s < 18) *v = *v * 10 + (*p++ - '0');
    return p > s ? p : NULL;
}

static const char *expect(const char *p, const char *e, const char *s) {
    size_t n = strlen(s);
    return (size_t)(e - p) >= n && !memcmp(p, s, n) ? p + n : NULL;
}

/* {"f":F,"p":P,"h":"<32 hex>","r":<record>}: the origin and the record's text; 0 if the line
 * is not of that form (it cannot happen: lines.stage writes them). */
static int staged(const char *p, const char *e, int64_t *f, int64_t *pos, Text *h, Text *rec) {
    if (!(p = expect(p, e, "{\"f\":")) || !(p = integer_at(p, e, f))) return 0;
    if (!(p = expect(p, e, ",\"p\":")) || !(p = integer_at(p, e, pos))) return 0;
    if (!(p = expect(p, e, ",\"h\":\"")) || e - p < 32) return 0;
    h->s = p;
    h->n = 32;
    if (!(p = expect(p + 32, e, "\",\"r\":")) || e - p < 1 || e[-1] != '}') return 0;
    rec->s = p;
    rec->n = (size_t)(e - 1 - p);
    return 1;
}

/* ---------------------------------------------------------------- Python ------------------- */

static int read_table(PyObject *seq, Table *t) {
    PyObject *fast = PySequence_Fast(seq, "une table de libellés est une séquence");
    if (!fast) return 0;
    t->n = (size_t)PySequence_Fast_GET_SIZE(fast);
    t->items = calloc(t->n ? t->n : 1, sizeof(Text));
    for (size_t i = 0; i < t->n && t->items; i++) {
        Py_ssize_t n;
        /* (UTF-8 kept by the str objects of the config, alive for the whole call) */
        t->items[i].s = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(fast, i), &n);
        t->items[i].n = (size_t)n;
        if (!t->items[i].s) {
            Py_DECREF(fast);
            return 0;
        }
    }
    Py_DECREF(fast);
    if (!t->items) PyErr_NoMemory();
    return t->items != NULL;
}

#define NAME(type, name) #name,
static const char *NAMES[] = {COLUMNS(NAME)};
#undef NAME
#define WIDTH(type, name) (int)(sizeof(type) / sizeof(Buf)),
static const int WIDTHS[] = {COLUMNS(WIDTH)};
#undef WIDTH

/* The buffers of the columns, {name: (buffer, …)}: a string column (data, ends, validity), a
 * fixed-width one (values, validity), a list of labels (ends, validity, then its strings'). */
static PyObject *buffers(Out *o) {
    PyObject *out = PyDict_New();
    Buf *b = bufs(o);
    size_t i = 0;
    for (size_t c = 0; out && c < sizeof WIDTHS / sizeof *WIDTHS; c++) {
        PyObject *tuple = PyTuple_New(WIDTHS[c]);
        for (int k = 0; tuple && k < WIDTHS[c]; k++, i++) {
            PyObject *bytes = PyBytes_FromStringAndSize(b[i].p ? b[i].p : "", b[i].len);
            if (!bytes) {
                Py_CLEAR(tuple);
                break;
            }
            PyTuple_SET_ITEM(tuple, k, bytes);
        }
        if (!tuple || PyDict_SetItemString(out, NAMES[c], tuple) < 0) Py_CLEAR(out);
        Py_XDECREF(tuple);
    }
    return out;
}

static PyObject *normalise(PyObject *self, PyObject *args) {
    Py_buffer chunk;
    PyObject *tables, *unhinted;
    Config cfg = {0};
    if (!PyArg_ParseTuple(args, "y*OOiips", &chunk, &tables, &unhinted, &cfg.today,
                          &cfg.today_year, &cfg.concession, &cfg.sentinel))
        return NULL;
    Out o;
    memset(&o, 0, sizeof o);
    failed = 0;
    start(&o);
    Buf back = {0};
    PyObject *result = NULL;
    PyObject *fast = PySequence_Fast(tables, "tables : une séquence de tables de libellés");
    if (!fast) goto done;
    if (PySequence_Fast_GET_SIZE(fast) != N_TABLES) {
        PyErr_Format(PyExc_ValueError, "tables : %d tables attendues", N_TABLES);
        goto done;
    }
    for (int i = 0; i < N_TABLES; i++)
        if (!read_table(PySequence_Fast_GET_ITEM(fast, i), &cfg.tables[i])) goto done;
    Py_ssize_t n_unhinted = PySequence_Length(unhinted);
    if (n_unhinted < 0) goto done;
    cfg.unhinted = calloc((size_t)n_unhinted + 1, sizeof(int64_t));
    cfg.n_unhinted = (size_t)n_unhinted;
    for (Py_ssize_t i = 0; i < n_unhinted; i++) {
        PyObject *x = PySequence_GetItem(unhinted, i);
        cfg.unhinted[i] = x ? PyLong_AsLongLong(x) : -1;
        Py_XDECREF(x);
        if (PyErr_Occurred()) goto done;
    }

    int malformed = 0;
    Py_BEGIN_ALLOW_THREADS
    const char *p = chunk.buf, *end = p + chunk.len;
    size_t saved[N_BUFS];
    Buf *b = bufs(&o);
    while (p < end && !failed) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        int64_t f, pos;
        Text h, rec;
        if (!staged(p, e, &f, &pos, &h, &rec)) {
            malformed = 1;
            break;
        }
        for (size_t i = 0; i < N_BUFS; i++) saved[i] = b[i].len;
        if (!record(rec.s, rec.s + rec.n, f, pos, h, &cfg, &o)) {
            for (size_t i = 0; i < N_BUFS; i++) b[i].len = saved[i];
            put_i64(&back, (f << ORDER_SHIFT) + pos);
        }
        p = e + 1;
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    if (malformed) {
        PyErr_SetString(PyExc_ValueError, "ligne de tranche mal formée");
        goto done;
    }
    PyObject *columns = buffers(&o);
    if (columns) {
        result = Py_BuildValue("(Ny#)", columns, back.p ? back.p : "", (Py_ssize_t)back.len);
    }
done:
    Py_XDECREF(fast);
    for (int i = 0; i < N_TABLES; i++) free(cfg.tables[i].items);
    free(cfg.unhinted);
    for (size_t i = 0; i < N_BUFS; i++) free(bufs(&o)[i].p);
    free(back.p);
    PyBuffer_Release(&chunk);
    return result;
}

static PyObject *keys(PyObject *self, PyObject *unused) {
    PyObject *out = PyTuple_New(N_KEYS);
    for (int k = 0; out && k < N_KEYS; k++) PyTuple_SET_ITEM(out, k, PyUnicode_FromString(KEYS[k]));
    return out;
}

static PyMethodDef methods[] = {
    {"normalise", normalise, METH_VARARGS, "normalise(chunk, tables, unhinted, today, today_year, concession, sentinel) -> (buffers, back)"},
    {"keys", keys, METH_NOARGS, "keys() -> the record keys read, in order"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_marches", NULL, -1, methods};

PyMODINIT_FUNC PyInit__marches(void) {
    index_keys();
    return PyModule_Create(&module);
}
