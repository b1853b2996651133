/*
 * The clean-marché check and field extraction of the fast path, in C.
 *
 * The SQL fast path (ancrage/ingest/sql_normalise.py) reads every staged line with DuckDB's
 * JSON reader into one JSON fragment per field, checks that the record is "clean" (every field
 * in its official place, type and spelling) and converts the fields of the clean ones; on a
 * national file that reading, checking and converting is most of the import's processor time.
 * This module does the same for a chunk of marchés in one pass per line, with the GIL
 * released, and returns the columns of the SQL view ``base``: the rest of the SQL (contract
 * rows, quality rules, staging Parquet) then runs unchanged on them.
 *
 * It is conservative: a record is accepted only when the SQL path would accept it AND this
 * module is sure to give the same values. Anything else (a ``\`` escape, a number with an
 * exponent, a key twice, a key in another case, an unknown shape…) is handed back, and goes
 * to the Python normaliser, the reference for every defect. Handing back more records is
 * slower, never wrong. tests/ingest/test_compiled.py compares both paths row for row.
 *
 *   normalise(chunk, config) -> (buffers, back)
 *
 * chunk: staged lines {"f":F,"p":P,"h":"<md5 hex>","r":<record>}\n (ancrage/ingest/lines.py);
 * config: the label tables and the indices of the files without envelope (see compiled.py);
 * buffers: {name: bytes}, the Arrow buffers of each column (compiled.py assembles them);
 * back: the read orders (f * 2**40 + p, little-endian int64) of the lines not accepted.
 *
 * The staged texts are valid UTF-8 (encoded from str, or checked by json_stream._utf8).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ORDER_SHIFT 40
#define MAX_DEPTH 64

/* ---------------------------------------------------------------- buffers ----------------- */

typedef struct {
    char *p;
    size_t len, cap;
} Buf;

/* An allocation failed: the call raises MemoryError (per thread: calls release the GIL). */
static _Thread_local int failed;

static void put(Buf *b, const void *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put_u8(Buf *b, uint8_t v) { put(b, &v, 1); }
static void put_i32(Buf *b, int32_t v) { put(b, &v, 4); }
static void put_i64(Buf *b, int64_t v) { put(b, &v, 8); }
static void put_f64(Buf *b, double v) { put(b, &v, 8); }

typedef struct {
    const char *s;
    size_t n;
} Text; /* s == NULL: absent (SQL NULL) */

static const Text NONE = {NULL, 0};

/* Column builders. A string column: UTF-8 data, int32 offsets (a leading 0 added at the end),
 * one validity byte per row. A fixed-width column: values and validity bytes. A list column:
 * int32 offsets into its children and validity bytes. */
typedef struct { Buf data, offs, valid; } Str;
typedef struct { Buf data, valid; } Fix;
typedef struct { Buf offs, valid; } List;

static void str_add(Str *c, Text t) {
    if (t.s) put(&c->data, t.s, t.n);
    put_i32(&c->offs, (int32_t)c->data.len);
    put_u8(&c->valid, t.s != NULL);
}
static void f64_add(Fix *c, int ok, double v) {
    put_f64(&c->data, ok ? v : 0.0);
    put_u8(&c->valid, (uint8_t)ok);
}
static void date_add(Fix *c, int ok, int32_t v) {
    put_i32(&c->data, ok ? v : 0);
    put_u8(&c->valid, (uint8_t)ok);
}
static void list_end(List *c, size_t children, int valid) {
    put_i32(&c->offs, (int32_t)children);
    put_u8(&c->valid, (uint8_t)valid);
}

/* Labels ({"technique": ["…"]} and the like): a list column of strings. */
typedef struct { List list; Str items; } Labels;

/* Every column of the view ``base`` that is not joined from ``files``, in one struct of Bufs
 * only: a record's rows are appended as it is checked, and undone (every Buf cut back to its
 * length before the record) when a later check rejects it. */
typedef struct {
    Fix f, p;
    Str h;
    /* JSON fragments, as DuckDB's reader gives them (minified text; strings with quotes) */
    Str type_, actes, advance, advance_rate, offers, innovative, subcontracting, framework;
    Str buyer_id, contract_ref, buyer_name, object, cpv_raw, nature, procedure, ccag, price_form,
        grouping;
    Labels techniques, modalities, price_types, social, environmental;
    Str place_code, place_type;
    Fix notified;
    Str notified_raw;
    Fix published;
    Str published_raw;
    Fix started;
    Str started_raw;
    Fix amount, duration, eu, fr;
    List awardees;
    Str aw_id, aw_type, aw_name;
    List mods;
    Str m_id;
    Fix m_notified;
    Str m_notified_raw;
    Fix m_published;
    Str m_published_raw;
    Fix m_amount, m_duration;
    Fix has_2022, has_2019;
} Out;

#define N_BUFS (sizeof(Out) / sizeof(Buf))

static Buf *bufs(Out *o) { return (Buf *)o; }

/* ---------------------------------------------------------------- JSON lexing -------------- */

/* Blanks between JSON tokens. */
static inline const char *ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* A string at p ('"'): its content in *t, the position after it; NULL if it has an escape or
 * a control character (handed back: the SQL path would decode escapes, this module does not). */
static const char *string(const char *p, const char *e, Text *t) {
    if (p >= e || *p != '"') return NULL;
    const char *s = p + 1, *q = memchr(s, '"', (size_t)(e - s));
    if (!q) return NULL;
    /* (one pass the compiler vectorises, instead of a test and a branch per byte) */
    unsigned bad = 0;
    for (const char *c = s; c < q; c++) bad |= ((unsigned char)*c < 0x20) | (*c == '\\');
    if (bad) return NULL;
    t->s = s;
    t->n = (size_t)(q - s);
    return q + 1;
}

/* A JSON number without exponent, as short as a double reads back exactly from DuckDB's
 * fragment: -?(0|[1-9][0-9]*)(.[0-9]+)?, at most 18 integer digits and 24 characters. */
static const char *number(const char *p, const char *e, double *v, int *integer) {
    const char *s = p;
    if (p < e && *p == '-') p++;
    const char *digits = p;
    if (p < e && *p == '0') {
        p++;
    } else {
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p == digits || p - digits > 18) return NULL;
    if (*s == '-' && p - digits == 1 && *digits == '0' && !(p < e && *p == '.')) return NULL;
    *integer = 1;
    if (p < e && *p == '.') {
        p++;
        const char *frac = p;
        while (p < e && *p >= '0' && *p <= '9') p++;
        if (p == frac) return NULL;
        *integer = 0;
    }
    if (p < e && (*p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))) return NULL;
    if (p - s > 24) return NULL;
    char copy[32];
    memcpy(copy, s, (size_t)(p - s));
    copy[p - s] = 0;
    *v = strtod(copy, NULL);
    return p;
}

enum { J_STR, J_NUM, J_TRUE, J_FALSE, J_OBJ, J_ARR };

/* Any value (validated, skipped): the position after it, its kind in *kind; NULL when it is
 * not JSON this module accepts (``null`` included: a null is never clean). */
static const char *value(const char *p, const char *e, int depth, int *kind) {
    if (p >= e || depth > MAX_DEPTH) return NULL;
    Text t;
    double v;
    int integer;
    switch (*p) {
    case '"':
        *kind = J_STR;
        return string(p, e, &t);
    case 't':
        *kind = J_TRUE;
        return e - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
    case 'f':
        *kind = J_FALSE;
        return e - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
    case '{': {
        *kind = J_OBJ;
        p = ws(p + 1, e);
        if (p < e && *p == '}') return p + 1;
        for (;;) {
            int k;
            if (!(p = string(p, e, &t))) return NULL;
            p = ws(p, e);
            if (p >= e || *p != ':') return NULL;
            if (!(p = value(ws(p + 1, e), e, depth + 1, &k))) return NULL;
            p = ws(p, e);
            if (p < e && *p == ',') {
                p = ws(p + 1, e);
                continue;
            }
            return p < e && *p == '}' ? p + 1 : NULL;
        }
    }
    case '[': {
        *kind = J_ARR;
        p = ws(p + 1, e);
        if (p < e && *p == ']') return p + 1;
        for (;;) {
            int k;
            if (!(p = value(p, e, depth + 1, &k))) return NULL;
            p = ws(p, e);
            if (p < e && *p == ',') {
                p = ws(p + 1, e);
                continue;
            }
            return p < e && *p == ']' ? p + 1 : NULL;
        }
    }
    default:
        *kind = J_NUM;
        return number(p, e, &v, &integer);
    }
}

/* An object's members, one call per member: Members m = {p, e}; while (member(&m)) …
 * m.key, m.val (the value's text, validated), m.kind. m.bad is set on a syntax error. */
typedef struct {
    const char *p, *e;
    Text key, val;
    int kind, bad, started;
} Members;

static int member(Members *m) {
    const char *p = m->p, *e = m->e;
    if (!m->started) {
        m->started = 1;
        p = ws(p, e);
        if (p >= e || *p != '{') goto bad;
        p = ws(p + 1, e);
        if (p < e && *p == '}') {
            m->p = p + 1;
            return 0;
        }
    } else {
        p = ws(p, e);
        if (p < e && *p == '}') {
            m->p = p + 1;
            return 0;
        }
        if (p >= e || *p != ',') goto bad;
        p = ws(p + 1, e);
    }
    if (!(p = string(p, e, &m->key))) goto bad;
    p = ws(p, e);
    if (p >= e || *p != ':') goto bad;
    p = ws(p + 1, e);
    m->val.s = p;
    if (!(p = value(p, e, 0, &m->kind))) goto bad;
    m->val.n = (size_t)(p - m->val.s);
    m->p = p;
    return 1;
bad:
    m->bad = 1;
    return 0;
}

/* An array's elements, likewise. */
typedef struct {
    const char *p, *e;
    Text val;
    int kind, bad, started;
} Items;

static int item(Items *a) {
    const char *p = a->p, *e = a->e;
    if (!a->started) {
        a->started = 1;
        p = ws(p, e);
        if (p >= e || *p != '[') goto bad;
        p = ws(p + 1, e);
        if (p < e && *p == ']') {
            a->p = p + 1;
            return 0;
        }
    } else {
        p = ws(p, e);
        if (p < e && *p == ']') {
            a->p = p + 1;
            return 0;
        }
        if (p >= e || *p != ',') goto bad;
        p = ws(p + 1, e);
    }
    a->val.s = p;
    if (!(p = value(p, e, 0, &a->kind))) goto bad;
    a->val.n = (size_t)(p - a->val.s);
    a->p = p;
    return 1;
bad:
    a->bad = 1;
    return 0;
}

static int eq_n(Text t, const char *s, size_t n) { return t.s && t.n == n && !memcmp(t.s, s, n); }
/* (a literal's length known at compile time) */
#define eq(t, literal) eq_n((t), (literal), sizeof(literal) - 1)

/* ---------------------------------------------------------------- values ------------------- */

/* txt(): blanks trimmed (only spaces can be in an unescaped JSON string), NULL when empty. */
static Text txt(Text t) {
    if (!t.s) return t;
    while (t.n && t.s[0] == ' ') t.s++, t.n--;
    while (t.n && t.s[t.n - 1] == ' ') t.n--;
    return t.n ? t : NONE;
}

/* The string inside a string fragment ("…" -> …). */
static Text inner(Text fragment) {
    Text t = {fragment.s + 1, fragment.n - 2};
    return t;
}

/* replace(x, ' ', ''), into scratch (identifiers are short; a longer one is handed back). */
static int unspaced(Text t, char *scratch, size_t size, Text *out) {
    if (!t.s) {
        *out = NONE;
        return 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] == ' ') continue;
        if (k == size) return 0;
        scratch[k++] = t.s[i];
    }
    out->s = scratch;
    out->n = k;
    return 1;
}

/* iso_date(): "YYYY-MM-DD" (the string's content), a real day of a year other than 0, as days
 * since 1970-01-01. */
static int iso_date(Text t, int32_t *days) {
    if (t.n != 10 || t.s[4] != '-' || t.s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (t.s[i] < '0' || t.s[i] > '9')) return 0;
    int y = (t.s[0] - '0') * 1000 + (t.s[1] - '0') * 100 + (t.s[2] - '0') * 10 + (t.s[3] - '0');
    int m = (t.s[5] - '0') * 10 + (t.s[6] - '0'), d = (t.s[8] - '0') * 10 + (t.s[9] - '0');
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y == 0 || m < 1 || m > 12 || d < 1) return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > month_days[m - 1] + (m == 2 && leap)) return 0;
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    *days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    return 1;
}

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

/* Awardees: [{"titulaire": {"id": …, "typeIdentifiant": …, "denominationSociale": …}}, …],
 * string values without brackets or braces, each key once, an id and an official type. */
static int awardees(Text v, int kind, const Config *cfg, Out *o, int *named) {
    if (kind != J_ARR) return 0;
    Items a = {v.s, v.s + v.n};
    int count = 0;
    while (item(&a)) {
        if (a.kind != J_OBJ) return 0;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq(w.key, "titulaire") || w.kind != J_OBJ) return 0;
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
        if (name.s) *named = 1;
        char scratch[256];
        Text supplier;
        if (!txt(id).s || !in_table(&cfg->tables[T_SUPPLIER_ID_TYPES], type)) return 0;
        if (!unspaced(txt(id), scratch, sizeof scratch, &supplier)) return 0;
        str_add(&o->aw_id, supplier);
        str_add(&o->aw_type, type);
        str_add(&o->aw_name, txt(name));
        count++;
    }
    if (a.bad || !count) return 0;
    list_end(&o->awardees, o->aw_id.valid.len, 1);
    return 1;
}

/* Modifications with new totals only: {"modification": {"id": <1 to 9 digits>, "montant",
 * "dureeMois" (numbers), the two dates (ISO)}}, ids strictly increasing, amount or duration. */
static int modifications(Text v, int kind, Out *o) {
    if (!v.s) {
        list_end(&o->mods, o->m_id.valid.len, 0);
        return 1;
    }
    if (kind != J_ARR) return 0;
    Items a = {v.s, v.s + v.n};
    int count = 0;
    int64_t last_id = -1;
    while (item(&a)) {
        if (a.kind != J_OBJ) return 0;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq(w.key, "modification") || w.kind != J_OBJ) return 0;
        Members f = {w.val.s, w.val.s + w.val.n};
        Text id = NONE, notified = NONE, published = NONE;
        int has_amount = 0, has_duration = 0, has_notified = 0, has_published = 0;
        double amount = 0, duration = 0;
        int32_t notified_day = 0, published_day = 0;
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
                int is_notified = f.key.s[4] == 'N';
                int *has = is_notified ? &has_notified : &has_published;
                Text s;
                if (*has || f.kind != J_STR) return 0;
                *has = 1;
                string(f.val.s, f.val.s + f.val.n, &s);
                if (!iso_date(s, is_notified ? &notified_day : &published_day)) return 0;
                *(is_notified ? &notified : &published) = s;
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
        str_add(&o->m_id, id);
        date_add(&o->m_notified, has_notified, notified_day);
        str_add(&o->m_notified_raw, notified);
        date_add(&o->m_published, has_published, published_day);
        str_add(&o->m_published_raw, published);
        f64_add(&o->m_amount, has_amount, amount);
        f64_add(&o->m_duration, has_duration, duration);
        count++;
    }
    if (a.bad) return 0;
    list_end(&o->mods, o->m_id.valid.len, count > 0); /* [] is no modification */
    return 1;
}

/* actesSousTraitance: absent, [] or [{"acteSousTraitance": {…non-empty…}}, …]. */
static int subcontracts(Text v, int kind) {
    if (!v.s) return 1;
    if (kind != J_ARR) return 0;
    Items a = {v.s, v.s + v.n};
    while (item(&a)) {
        if (a.kind != J_OBJ) return 0;
        Members w = {a.val.s, a.val.s + a.val.n};
        if (!member(&w) || !eq(w.key, "acteSousTraitance") || w.kind != J_OBJ) return 0;
        Members inside = {w.val.s, w.val.s + w.val.n};
        if (!member(&inside)) return 0;
        if (member(&w) || w.bad) return 0;
    }
    return !a.bad;
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
    static const char word[] = "concession";
    for (size_t i = 0; i + 10 <= t.n; i++)
        if (!strncasecmp(t.s + i, word, 10)) return 0;
    return 1;
}

static int number_field(const Fields *r, int k, Fix *c, int required) {
    if (!r->at[k].s) {
        f64_add(c, 0, 0);
        return !required;
    }
    double v;
    int integer;
    if (r->kind[k] != J_NUM) return 0;
    number(r->at[k].s, r->at[k].s + r->at[k].n, &v, &integer);
    f64_add(c, 1, v);
    return 1;
}

static int date_field(const Fields *r, int k, Fix *c, Str *raw, int required) {
    if (!r->at[k].s) {
        date_add(c, 0, 0);
        str_add(raw, NONE);
        return !required;
    }
    int32_t days;
    if (r->kind[k] != J_STR || !iso_date(inner(r->at[k]), &days)) return 0;
    date_add(c, 1, days);
    str_add(raw, inner(r->at[k]));
    return 1;
}

/* A fragment column: the value's text as DuckDB's reader gives it (strings with quotes). */
static void fragment(const Fields *r, int k, Str *c) { str_add(c, r->at[k]); }

/* Check one record and append its row; 0 (nothing appended) if it is not accepted. */
static int record(const char *p, const char *e, int64_t f, int64_t pos, Text h, const Config *cfg,
                  Out *o) {
    Fields r;
    if (!read_fields(p, e, &r)) return 0;
    for (int k = K_OFF_PATH_FIRST; k < K_OFF_PATH_FIRST + 16; k++)
        if (r.at[k].s) return 0;
    if (in_unhinted(cfg, f) && !marche_without_envelope(&r)) return 0;

    /* id: a string, not blank nor only zeros once trimmed */
    if (r.kind[K_ID] != J_STR || !r.at[K_ID].s) return 0;
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
    if (!label_ok(&r, K_NATURE, &cfg->tables[T_NATURES], 0) ||
        !label_ok(&r, K_PROCEDURE, &cfg->tables[T_PROCEDURES], 1) ||
        !label_ok(&r, K_CCAG, &cfg->tables[T_CCAG], 0) ||
        !label_ok(&r, K_FORME_PRIX, &cfg->tables[T_PRICE_FORMS], 0) ||
        !label_ok(&r, K_GROUPEMENT, &cfg->tables[T_GROUPING], 0))
        return 0;

    /* codeCPV: 8 digits (and a check digit) of a known division */
    if (!r.at[K_CPV].s || r.kind[K_CPV] != J_STR) return 0;
    Text cpv = text_of(&r, K_CPV);
    if (!cpv.s || (cpv.n != 8 && cpv.n != 10)) return 0;
    for (size_t i = 0; i < cpv.n; i++)
        if (i == 8 ? cpv.s[i] != '-' : (cpv.s[i] < '0' || cpv.s[i] > '9')) return 0;
    Text division = {cpv.s, 2};
    if (!in_table(&cfg->tables[T_CPV_DIVISIONS], division)) return 0;

    if (!opt_bool(&r, K_INNOVANT) || !opt_bool(&r, K_AVANCE) || !opt_bool(&r, K_SOUS_TRAITANCE))
        return 0;
    if (r.at[K_OFFRES].s) {
        double x;
        int integer;
        if (r.kind[K_OFFRES] != J_NUM) return 0;
        number(r.at[K_OFFRES].s, r.at[K_OFFRES].s + r.at[K_OFFRES].n, &x, &integer);
        if (!integer) return 0;
    }
    if (!opt_kind(&r, K_TAUX_AVANCE, J_NUM) || !opt_kind(&r, K_ORIGINE_UE, J_NUM) ||
        !opt_kind(&r, K_ORIGINE_FRANCE, J_NUM))
        return 0;
    if (!subcontracts(r.at[K_ACTES], r.kind[K_ACTES])) return 0;

    Flat place = {0};
    if (r.at[K_LIEU].s) {
        if (!flat(r.at[K_LIEU], r.kind[K_LIEU], &place)) return 0;
        if (place.has_type_code &&
            !in_table(&cfg->tables[T_PLACE_TYPES], txt(place.type_code)))
            return 0;
    }
    char place_scratch[256];
    Text place_code;
    if (!unspaced(txt(place.has_code ? place.code : NONE), place_scratch, sizeof place_scratch,
                  &place_code))
        return 0;

    /* Every check that needs no output is done: the row is appended, and undone below if a
     * list (labels, awardees, modifications) turns out not to be clean. */
    put_i64(&o->f.data, f);
    put_u8(&o->f.valid, 1);
    put_i64(&o->p.data, pos);
    put_u8(&o->p.valid, 1);
    str_add(&o->h, h);
    fragment(&r, K_TYPE, &o->type_);
    fragment(&r, K_ACTES, &o->actes);
    fragment(&r, K_AVANCE, &o->advance);
    fragment(&r, K_TAUX_AVANCE, &o->advance_rate);
    fragment(&r, K_OFFRES, &o->offers);
    fragment(&r, K_INNOVANT, &o->innovative);
    fragment(&r, K_SOUS_TRAITANCE, &o->subcontracting);
    fragment(&r, K_ACCORD_CADRE, &o->framework);
    str_add(&o->buyer_id, buyer_id);
    str_add(&o->contract_ref, ref);
    str_add(&o->buyer_name, buyer.has_nom ? txt(buyer.nom) : NONE);
    str_add(&o->object, text_of(&r, K_OBJET));
    str_add(&o->cpv_raw, cpv);
    str_add(&o->nature, text_of(&r, K_NATURE));
    str_add(&o->procedure, text_of(&r, K_PROCEDURE));
    str_add(&o->ccag, text_of(&r, K_CCAG));
    str_add(&o->price_form, text_of(&r, K_FORME_PRIX));
    str_add(&o->grouping, text_of(&r, K_GROUPEMENT));
    str_add(&o->place_code, place_code);
    str_add(&o->place_type, place.has_type_code ? txt(place.type_code) : NONE);
    int named = 0;
    uint8_t has_2022 = 0, has_2019;
    for (size_t i = 0; i < sizeof FIELDS_2022 / sizeof *FIELDS_2022; i++)
        if (r.at[FIELDS_2022[i]].s) has_2022 = 1;
    const Table *t = cfg->tables;
    if (!labels(&r, K_TECHNIQUES, "technique", &t[T_TECHNIQUES], &o->techniques) ||
        !labels(&r, K_MODALITES, "modaliteExecution", &t[T_MODALITIES], &o->modalities) ||
        !labels(&r, K_TYPES_PRIX, "typePrix", &t[T_PRICE_TYPES], &o->price_types) ||
        !labels(&r, K_SOCIALES, "considerationSociale", &t[T_SOCIAL], &o->social) ||
        !labels(&r, K_ENVIRONNEMENTALES, "considerationEnvironnementale", &t[T_ENVIRONMENTAL],
                &o->environmental) ||
        !date_field(&r, K_DATE_NOTIFICATION, &o->notified, &o->notified_raw, 1) ||
        !date_field(&r, K_DATE_PUBLICATION, &o->published, &o->published_raw, 0) ||
        !date_field(&r, K_DATE_DEBUT, &o->started, &o->started_raw, 0) ||
        !number_field(&r, K_MONTANT, &o->amount, 1) ||
        !number_field(&r, K_DUREE, &o->duration, 1) ||
        !number_field(&r, K_ORIGINE_UE, &o->eu, 0) ||
        !number_field(&r, K_ORIGINE_FRANCE, &o->fr, 0) ||
        !r.at[K_TITULAIRES].s ||
        !awardees(r.at[K_TITULAIRES], r.kind[K_TITULAIRES], cfg, o, &named) ||
        !modifications(r.at[K_MODIFICATIONS], r.kind[K_MODIFICATIONS], o))
        return 0;
    has_2019 = r.at[K_UID].s || r.at[K_UUID].s || buyer.has_nom || place.has_nom || named;
    put_u8(&o->has_2022.data, has_2022);
    put_u8(&o->has_2022.valid, 1);
    put_u8(&o->has_2019.data, has_2019);
    put_u8(&o->has_2019.valid, 1);
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

static const char *NAMES[] = {
    "f", "p", "h", "_type", "actesSousTraitance", "attributionAvance", "tauxAvance",
    "offresRecues", "marcheInnovant", "sousTraitanceDeclaree", "idAccordCadre", "buyer_id",
    "contract_ref", "buyer_name", "object", "cpv_raw", "nature", "procedure", "ccag",
    "price_form", "grouping_type", "techniques", "execution_modalities", "price_types", "social",
    "environmental", "place_code", "place_code_type", "notified", "notified_raw", "published",
    "published_raw", "started", "started_raw", "amount", "duration", "eu", "fr", "awardees",
    "supplier_id", "supplier_id_type", "supplier_name", "mods", "id", "mod_notified",
    "mod_notified_raw", "mod_published", "mod_published_raw", "mod_amount", "mod_duration",
    "has_2022", "has_2019",
};

/* The buffers of the columns, {name: (buffer, buffer, …)} in the order of Out's members. */
static PyObject *buffers(Out *o) {
    PyObject *out = PyDict_New();
    Buf *b = bufs(o);
    size_t i = 0, name = 0;
    /* (each member of Out: Fix 2 Bufs, Str 3, List 2, Labels 2 + 3) */
    static const int widths[] = {2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                                 5, 5, 5, 5, 5, 3, 3, 2, 3, 2, 3, 2, 3, 2, 2, 2, 2, 2, 3, 3, 3,
                                 2, 3, 2, 3, 2, 3, 2, 2, 2, 2};
    for (size_t c = 0; out && c < sizeof widths / sizeof *widths; c++, name++) {
        PyObject *tuple = PyTuple_New(widths[c]);
        for (int k = 0; tuple && k < widths[c]; k++, i++)
            PyTuple_SET_ITEM(tuple, k, PyBytes_FromStringAndSize(b[i].p ? b[i].p : "", b[i].len));
        if (!tuple || PyDict_SetItemString(out, NAMES[name], tuple) < 0) Py_CLEAR(out);
        Py_XDECREF(tuple);
    }
    if (out && i != N_BUFS) {
        PyErr_SetString(PyExc_SystemError, "colonnes du normaliseur compilé incohérentes");
        Py_CLEAR(out);
    }
    return out;
}

static PyObject *normalise(PyObject *self, PyObject *args) {
    Py_buffer chunk;
    PyObject *tables, *unhinted;
    if (!PyArg_ParseTuple(args, "y*OO", &chunk, &tables, &unhinted)) return NULL;
    Config cfg = {0};
    Out o;
    memset(&o, 0, sizeof o);
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

    failed = 0;
    int malformed = 0;
    Py_BEGIN_ALLOW_THREADS
    const char *p = chunk.buf, *end = p + chunk.len;
    size_t saved[N_BUFS];
    /* (Arrow offsets start at 0: the leading offset of every string and list column) */
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
    {"normalise", normalise, METH_VARARGS, "normalise(chunk, tables, unhinted) -> (buffers, back)"},
    {"keys", keys, METH_NOARGS, "keys() -> the record keys read, in order"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_marches", NULL, -1, methods};

PyMODINIT_FUNC PyInit__marches(void) {
    index_keys();
    return PyModule_Create(&module);
}
