/*
 * A small JSON lexer for _marches.c: strings without escapes, numbers without exponent, the
 * members of an object and the items of an array, one at a time, each value validated; and the
 * conversions of the SQL fast path's macros (txt, sv, iso_date). It refuses what _marches.c
 * hands back (a `\` escape, an exponent, a `null`…). Static functions, included once.
 */
#ifndef ANCRAGE_JSON_H
#define ANCRAGE_JSON_H

#include "_columns.h"

#define MAX_DEPTH 64 /* nesting accepted (deeper: handed back) */

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


#endif
