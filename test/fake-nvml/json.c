/*
 * Minimal JSON reader for the fake NVML library. See json.h.
 * RFC 8259 grammar; nesting is limited to 64 levels; no extensions (no comments, no trailing
 * commas) so that a scenario that loads here is valid JSON everywhere else too.
 */
#include "json.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t len;
    size_t pos;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *p, const char *msg) {
    if (p->failed) return;
    p->failed = 1;
    if (p->err && p->errlen) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < p->pos && i < p->len; i++) {
            if (p->s[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        snprintf(p->err, p->errlen, "%s at line %zu column %zu", msg, line, col);
    }
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            p->pos++;
        else
            break;
    }
}

static json_value *new_value(parser *p, json_type t) {
    json_value *v = calloc(1, sizeof(*v));
    if (!v) {
        fail(p, "out of memory");
        return NULL;
    }
    v->type = t;
    return v;
}

static json_value *parse_value(parser *p, int depth);

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(parser *p, unsigned *out) {
    if (p->pos + 4 > p->len) {
        fail(p, "truncated \\u escape");
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p->s[p->pos + (size_t)i]);
        if (h < 0) {
            fail(p, "bad \\u escape");
            return 0;
        }
        v = (v << 4) | (unsigned)h;
    }
    p->pos += 4;
    *out = v;
    return 1;
}

static size_t put_utf8(char *dst, unsigned cp) {
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string starting at the opening quote; returns a malloc'd NUL-terminated copy. */
static char *parse_string_raw(parser *p, size_t *out_len) {
    p->pos++; /* opening quote */
    /* The decoded string is never longer than the source text. */
    size_t start = p->pos;
    size_t cap = 1;
    for (size_t i = start; i < p->len && p->s[i] != '"'; i++) {
        cap++;
        if (p->s[i] == '\\') {
            i++;
            cap++;
        }
    }
    char *buf = malloc(cap + 4);
    if (!buf) {
        fail(p, "out of memory");
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        if (p->pos >= p->len) {
            fail(p, "unterminated string");
            free(buf);
            return NULL;
        }
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            fail(p, "control character in string");
            free(buf);
            return NULL;
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        if (p->pos >= p->len) {
            fail(p, "unterminated escape");
            free(buf);
            return NULL;
        }
        char e = p->s[p->pos++];
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!read_hex4(p, &cp)) {
                free(buf);
                return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p->pos + 2 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
                    p->pos += 2;
                    if (!read_hex4(p, &lo)) {
                        free(buf);
                        return NULL;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        fail(p, "bad surrogate pair");
                        free(buf);
                        return NULL;
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    fail(p, "lone surrogate");
                    free(buf);
                    return NULL;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(p, "lone surrogate");
                free(buf);
                return NULL;
            }
            n += put_utf8(buf + n, cp);
            break;
        }
        default:
            p->pos--;
            fail(p, "bad escape");
            free(buf);
            return NULL;
        }
    }
    buf[n] = '\0';
    if (out_len) *out_len = n;
    return buf;
}

static json_value *parse_number(parser *p) {
    size_t start = p->pos;
    int negative = 0, is_int = 1;
    if (p->s[p->pos] == '-') {
        negative = 1;
        p->pos++;
    }
    if (p->pos >= p->len) {
        fail(p, "bad number");
        return NULL;
    }
    if (p->s[p->pos] == '0') {
        p->pos++;
    } else if (p->s[p->pos] >= '1' && p->s[p->pos] <= '9') {
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    } else {
        fail(p, "bad number");
        return NULL;
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        is_int = 0;
        p->pos++;
        if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
            fail(p, "bad number");
            return NULL;
        }
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        is_int = 0;
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9') {
            fail(p, "bad number");
            return NULL;
        }
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    }
    char tmp[64];
    size_t n = p->pos - start;
    if (n >= sizeof(tmp)) {
        /* Very long literals: only the double is meaningful. */
        is_int = 0;
        n = sizeof(tmp) - 1;
    }
    memcpy(tmp, p->s + start, n);
    tmp[n] = '\0';
    json_value *v = new_value(p, JSON_NUMBER);
    if (!v) return NULL;
    v->number = strtod(tmp, NULL);
    v->negative = negative;
    if (is_int) {
        errno = 0;
        unsigned long long u = strtoull(tmp + negative, NULL, 10);
        if (errno == ERANGE) {
            is_int = 0;
        } else {
            v->uint_value = u;
        }
    }
    v->is_int = is_int;
    return v;
}

static int expect_word(parser *p, const char *w) {
    size_t n = strlen(w);
    if (p->pos + n <= p->len && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return 1;
    }
    fail(p, "unexpected token");
    return 0;
}

static int push(parser *p, json_value *arr, json_value *item, char *key, size_t *cap) {
    if (arr->length == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        json_value **ni = realloc(arr->items, ncap * sizeof(*ni));
        if (!ni) {
            fail(p, "out of memory");
            return 0;
        }
        arr->items = ni;
        if (arr->type == JSON_OBJECT) {
            char **nk = realloc(arr->keys, ncap * sizeof(*nk));
            if (!nk) {
                fail(p, "out of memory");
                return 0;
            }
            arr->keys = nk;
        }
        *cap = ncap;
    }
    arr->items[arr->length] = item;
    if (arr->type == JSON_OBJECT) arr->keys[arr->length] = key;
    arr->length++;
    return 1;
}

static json_value *parse_array(parser *p, int depth) {
    json_value *v = new_value(p, JSON_ARRAY);
    if (!v) return NULL;
    size_t cap = 0;
    p->pos++; /* [ */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return v;
    }
    for (;;) {
        json_value *item = parse_value(p, depth + 1);
        if (!item || !push(p, v, item, NULL, &cap)) {
            json_free(item);
            json_free(v);
            return NULL;
        }
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            return v;
        }
        fail(p, "expected ',' or ']'");
        json_free(v);
        return NULL;
    }
}

static json_value *parse_object(parser *p, int depth) {
    json_value *v = new_value(p, JSON_OBJECT);
    if (!v) return NULL;
    size_t cap = 0;
    p->pos++; /* { */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return v;
    }
    for (;;) {
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '"') {
            fail(p, "expected a string key");
            json_free(v);
            return NULL;
        }
        char *key = parse_string_raw(p, NULL);
        if (!key) {
            json_free(v);
            return NULL;
        }
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':') {
            fail(p, "expected ':'");
            free(key);
            json_free(v);
            return NULL;
        }
        p->pos++;
        json_value *item = parse_value(p, depth + 1);
        if (!item || !push(p, v, item, key, &cap)) {
            free(key);
            json_free(item);
            json_free(v);
            return NULL;
        }
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return v;
        }
        fail(p, "expected ',' or '}'");
        json_free(v);
        return NULL;
    }
}

static json_value *parse_value(parser *p, int depth) {
    if (depth > JSON_MAX_DEPTH) {
        fail(p, "nesting too deep");
        return NULL;
    }
    skip_ws(p);
    if (p->pos >= p->len) {
        fail(p, "unexpected end of input");
        return NULL;
    }
    char c = p->s[p->pos];
    switch (c) {
    case '{': return parse_object(p, depth);
    case '[': return parse_array(p, depth);
    case '"': {
        size_t n = 0;
        char *s = parse_string_raw(p, &n);
        if (!s) return NULL;
        json_value *v = new_value(p, JSON_STRING);
        if (!v) {
            free(s);
            return NULL;
        }
        v->string = s;
        v->length = n;
        return v;
    }
    case 't':
    case 'f': {
        int b = c == 't';
        if (!expect_word(p, b ? "true" : "false")) return NULL;
        json_value *v = new_value(p, JSON_BOOL);
        if (v) v->boolean = b;
        return v;
    }
    case 'n':
        if (!expect_word(p, "null")) return NULL;
        return new_value(p, JSON_NULL);
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
        fail(p, "unexpected character");
        return NULL;
    }
}

json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
    parser p = {text, len, 0, err, errlen, 0};
    if (err && errlen) err[0] = '\0';
    /* Skip a UTF-8 byte order mark. */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        p.pos = 3;
    json_value *v = parse_value(&p, 0);
    if (!v) return NULL;
    skip_ws(&p);
    if (p.pos != p.len) {
        fail(&p, "trailing characters after the JSON value");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v) {
    if (!v) return;
    if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->length; i++) {
            json_free(v->items[i]);
            if (v->keys) free(v->keys[i]);
        }
        free(v->items);
        free(v->keys);
    }
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *obj, const char *key) {
    if (!obj || obj->type != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < obj->length; i++)
        if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
    return NULL;
}

size_t json_size(const json_value *v) {
    if (!v || (v->type != JSON_ARRAY && v->type != JSON_OBJECT)) return 0;
    return v->length;
}

const json_value *json_at(const json_value *v, size_t i) {
    if (!v || (v->type != JSON_ARRAY && v->type != JSON_OBJECT) || i >= v->length) return NULL;
    return v->items[i];
}

const char *json_key_at(const json_value *v, size_t i) {
    if (!v || v->type != JSON_OBJECT || i >= v->length) return NULL;
    return v->keys[i];
}
