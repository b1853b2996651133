/*
 * Arrow columns built in C, for _marches.c: growable buffers, and string, fixed-width and list
 * columns appended value by value (validity as one byte per value, turned into Arrow bitmaps by
 * ingest/compiled.py). Static functions, included once.
 */
#ifndef ANCRAGE_COLUMNS_H
#define ANCRAGE_COLUMNS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Column builders. A string column: UTF-8 data, int32 offsets (Arrow's: a leading 0, then each
 * value's end), one validity byte per row. A fixed-width column: values and validity bytes. A list column:
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

static void i64_add(Fix *c, int ok, int64_t v) {
    put_i64(&c->data, ok ? v : 0);
    put_u8(&c->valid, (uint8_t)ok);
}
static void bool_add(Fix *c, int v) { /* v < 0: NULL */
    put_u8(&c->data, v > 0);
    put_u8(&c->valid, v >= 0);
}

#endif
