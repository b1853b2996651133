/*
 * Per-line work of the fast path, in C: the loop that runs once per record of a national file.
 *
 * A national DECP file lays one marché per line. Reading it, the fast path splits each block
 * of text into lines, checks that each is exactly one `{...},` object, takes the MD5 of each
 * (the record's content identity) and writes the new ones, wrapped with their origin, into the
 * chunk files that DuckDB normalises. In Python that loop ran on the core DuckDB needs for the
 * chunks; here it is a few passes over memory, with the GIL released (measured in alternation on
 * 1.5 M records: the import about 10 % faster, see docs/import.md).
 *
 * Four functions, each mirrored by the pure Python version in
 * `ancrage/ingest/lines.py` (the reference, used when this module is not built); a test checks
 * that both give the same bytes.
 *
 *   scan(block) -> (spans, complete)
 *   digest(block, spans) -> (digests, nulls)
 *   stage(block, spans, keep, digests, file_index, first) -> (chunk, starts, hexes, raw)
 *   valid_utf8(block) -> bool
 *
 * Spans are little-endian int64 pairs (start, end) of each line's text in the block.
 * MD5 is OpenSSL's (the library Python's hashlib uses): a digest per record is too short a call
 * for the EVP interface's setup, so the one-shot MD5() is used, deprecated but still exported.
 */
#define _GNU_SOURCE /* memmem */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers ----------------- */

/* Python's bytes.strip() whitespace: space, \t, \n, \v, \f, \r. */
static inline int is_ws(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* As many closing braces and brackets as opening ones: one pass, which the compiler vectorises. */
static int balanced(const uint8_t *s, size_t n) {
    int64_t braces = 0, brackets = 0;
    for (size_t i = 0; i < n; i++) {
        braces += (s[i] == '{') - (s[i] == '}');
        brackets += (s[i] == '[') - (s[i] == ']');
    }
    return braces == 0 && brackets == 0;
}

static size_t count_lines(const uint8_t *p, const uint8_t *end) {
    size_t k = 1;
    while ((p = memchr(p, '\n', (size_t)(end - p)))) {
        k++;
        p++;
    }
    return k;
}

/* Spans given by the caller: n pairs inside a block of len bytes, or an error. */
static const int64_t *check_spans(Py_buffer *spans, Py_ssize_t len, Py_ssize_t *n) {
    if (spans->len % 16) {
        PyErr_SetString(PyExc_ValueError, "spans: paires d'entiers de 8 octets attendues");
        return NULL;
    }
    *n = spans->len / 16;
    const int64_t *s = (const int64_t *)spans->buf;
    for (Py_ssize_t i = 0; i < *n; i++) {
        if (s[2 * i] < 0 || s[2 * i] > s[2 * i + 1] || s[2 * i + 1] > len) {
            PyErr_SetString(PyExc_ValueError, "spans: plage hors du bloc");
            return NULL;
        }
    }
    return s;
}

/* ---------------------------------------------------------------- scan -------------------- */

static PyObject *scan(PyObject *self, PyObject *args) {
    Py_buffer block;
    if (!PyArg_ParseTuple(args, "y*", &block)) return NULL;
    const uint8_t *buf = block.buf;
    size_t len = (size_t)block.len;
    /* At most one span per newline, plus the last line. */
    size_t cap = count_lines(buf, buf + len);
    int64_t *spans = PyMem_RawMalloc(cap * 16);
    if (!spans) {
        PyBuffer_Release(&block);
        return PyErr_NoMemory();
    }
    size_t taken = 0;
    int complete = 1;
    Py_BEGIN_ALLOW_THREADS
    const uint8_t *p = buf, *end = buf + len;
    for (;;) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *s = p, *e = nl ? nl : end;
        while (s < e && is_ws(*s)) s++;
        while (e > s && is_ws(e[-1])) e--;
        /* Exactly `{...},` with balanced braces and brackets, or the batch stops here. */
        if (e - s < 2 || e[-1] != ',' || e[-2] != '}' || *s != '{') {
            complete = 0;
            break;
        }
        e--;
        size_t n = (size_t)(e - s);
        if (!balanced(s, n)) {
            complete = 0;
            break;
        }
        spans[2 * taken] = s - buf;
        spans[2 * taken + 1] = e - buf;
        taken++;
        if (!nl) break;
        p = nl + 1;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&block);
    PyObject *out = PyBytes_FromStringAndSize((const char *)spans, (Py_ssize_t)(taken * 16));
    PyMem_RawFree(spans);
    if (!out) return NULL;
    return Py_BuildValue("(NO)", out, complete ? Py_True : Py_False);
}

/* ---------------------------------------------------------------- digest ------------------ */

static PyObject *digest(PyObject *self, PyObject *args) {
    Py_buffer block, spans;
    if (!PyArg_ParseTuple(args, "y*y*", &block, &spans)) return NULL;
    Py_ssize_t n;
    PyObject *digests = NULL, *nulls = NULL;
    const int64_t *s = check_spans(&spans, block.len, &n);
    if (s) {
        digests = PyBytes_FromStringAndSize(NULL, n * 16);
        nulls = PyBytes_FromStringAndSize(NULL, n);
    }
    if (digests && nulls) {
        uint8_t *d = (uint8_t *)PyBytes_AS_STRING(digests), *z = (uint8_t *)PyBytes_AS_STRING(nulls);
        const uint8_t *buf = block.buf;
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n; i++) {
            const uint8_t *text = buf + s[2 * i];
            size_t size = (size_t)(s[2 * i + 1] - s[2 * i]);
            MD5(text, size, d + 16 * i);
            z[i] = memmem(text, size, "null", 4) != NULL;
        }
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&block);
    PyBuffer_Release(&spans);
    if (!digests || !nulls) {
        Py_XDECREF(digests);
        Py_XDECREF(nulls);
        return NULL;
    }
    return Py_BuildValue("(NN)", digests, nulls);
}

/* ---------------------------------------------------------------- stage ------------------- */

static char *put_int(char *o, long long v) {
    char tmp[24];
    int k = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *o++ = '-';
    while (k) *o++ = tmp[--k];
    return o;
}

static char *put(char *o, const char *text, size_t n) {
    memcpy(o, text, n);
    return o + n;
}

static PyObject *stage(PyObject *self, PyObject *args) {
    Py_buffer block, spans, keep, digests;
    long long file_index, first;
    if (!PyArg_ParseTuple(args, "y*y*y*y*LL", &block, &spans, &keep, &digests, &file_index, &first))
        return NULL;
    PyObject *chunk = NULL, *starts = NULL, *hexes = NULL, *raw = NULL;
    Py_ssize_t n;
    const int64_t *s = check_spans(&spans, block.len, &n);
    if (s && (keep.len != n || digests.len != 16 * n)) {
        PyErr_SetString(PyExc_ValueError, "keep et digests doivent suivre les spans");
        s = NULL;
    }
    Py_ssize_t kept = 0, text_bytes = 0;
    if (s) {
        const uint8_t *k = keep.buf;
        for (Py_ssize_t i = 0; i < n; i++)
            if (k[i]) {
                kept++;
                text_bytes += s[2 * i + 1] - s[2 * i];
            }
        /* {"f":F,"p":P,"h":"<32>","r":TEXT}\n: 24 fixed bytes, 32 of hex, two integers. */
        chunk = PyBytes_FromStringAndSize(NULL, text_bytes + kept * (24 + 32 + 2 * 21));
        starts = PyBytes_FromStringAndSize(NULL, kept * 8);
        hexes = PyBytes_FromStringAndSize(NULL, kept * 32);
        raw = PyBytes_FromStringAndSize(NULL, text_bytes);
    }
    if (chunk && starts && hexes && raw) {
        const uint8_t *buf = block.buf, *k = keep.buf, *d = digests.buf;
        char *o = PyBytes_AS_STRING(chunk), *h = PyBytes_AS_STRING(hexes), *r = PyBytes_AS_STRING(raw);
        int64_t *st = (int64_t *)PyBytes_AS_STRING(starts);
        char *o0 = o;
        static const char hexdigits[] = "0123456789abcdef";
        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!k[i]) continue;
            const char *text = (const char *)buf + s[2 * i];
            size_t size = (size_t)(s[2 * i + 1] - s[2 * i]);
            for (int j = 0; j < 16; j++) {
                h[2 * j] = hexdigits[d[16 * i + j] >> 4];
                h[2 * j + 1] = hexdigits[d[16 * i + j] & 15];
            }
            *st++ = o - o0;
            o = put(o, "{\"f\":", 5);
            o = put_int(o, file_index);
            o = put(o, ",\"p\":", 5);
            o = put_int(o, first + i);
            o = put(o, ",\"h\":\"", 6);
            o = put(o, h, 32);
            o = put(o, "\",\"r\":", 6);
            o = put(o, text, size);
            o = put(o, "}\n", 2);
            r = put(r, text, size);
            h += 32;
        }
        Py_END_ALLOW_THREADS
        /* (the chunk was sized for the longest integers: trimmed to what was written) */
        _PyBytes_Resize(&chunk, o - o0);
    }
    PyBuffer_Release(&block);
    PyBuffer_Release(&spans);
    PyBuffer_Release(&keep);
    PyBuffer_Release(&digests);
    if (!chunk || !starts || !hexes || !raw) {
        Py_XDECREF(chunk);
        Py_XDECREF(starts);
        Py_XDECREF(hexes);
        Py_XDECREF(raw);
        return NULL;
    }
    return Py_BuildValue("(NNNN)", chunk, starts, hexes, raw);
}

/* ---------------------------------------------------------------- valid_utf8 ------------- */

/* Whether the bytes are UTF-8 exactly as Python's strict decoder accepts it (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF). Each block of a national file was
 * decoded into a str only to be checked, then thrown away: a 4 MB allocation and a copy per
 * block. Most of the text is ASCII, taken here 8 bytes at a time. */
static int is_valid_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint64_t word;
        while (i + 8 <= n) {
            memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= n) break;
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Continuation bytes needed, and the range of the first one (narrower after E0, ED,
         * F0 and F4: that is where overlong forms, surrogates and values past U+10FFFF lie). */
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i <= need || s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += need + 1;
    }
    return 1;
}

static PyObject *valid_utf8(PyObject *self, PyObject *args) {
    Py_buffer block;
    if (!PyArg_ParseTuple(args, "y*", &block)) return NULL;
    int valid;
    Py_BEGIN_ALLOW_THREADS
    valid = is_valid_utf8(block.buf, (size_t)block.len);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&block);
    return PyBool_FromLong(valid);
}

/* ---------------------------------------------------------------- module ------------------ */

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "scan(block) -> (spans, complete)"},
    {"digest", digest, METH_VARARGS, "digest(block, spans) -> (digests, nulls)"},
    {"stage", stage, METH_VARARGS,
     "stage(block, spans, keep, digests, file_index, first) -> (chunk, starts, hexes, raw)"},
    {"valid_utf8", valid_utf8, METH_VARARGS, "valid_utf8(block) -> bool"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lines", NULL, -1, methods};

PyMODINIT_FUNC PyInit__lines(void) { return PyModule_Create(&module); }
