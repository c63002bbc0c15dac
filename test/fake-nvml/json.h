/*
 * Minimal JSON reader for the fake NVML library (plain C11, no dependencies).
 *
 * The whole document is parsed into a tree at once (only when a scenario is loaded, never on an
 * NVML call). Numbers keep both a double and, for integer literals, the exact 64-bit value, so
 * byte counts such as 85899345920 or ULLONG_MAX survive unchanged.
 */
#ifndef FAKE_NVML_JSON_H
#define FAKE_NVML_JSON_H

#include <stddef.h>

typedef enum {
    JSON_NULL = 0,
    JSON_BOOL,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value json_value;

struct json_value {
    json_type type;
    /* JSON_BOOL: 0/1. JSON_NUMBER: is_int says the literal had no fraction/exponent and fit. */
    int boolean;
    int is_int;
    int negative;                 /* integer literal with a leading '-' */
    double number;
    unsigned long long uint_value; /* integer literal magnitude (exact, up to 2^64-1) */
    char *string;                 /* JSON_STRING: NUL-terminated UTF-8 (embedded NULs cut it) */
    size_t length;                /* JSON_STRING: bytes; JSON_ARRAY/OBJECT: number of items */
    json_value **items;           /* JSON_ARRAY / JSON_OBJECT values */
    char **keys;                  /* JSON_OBJECT keys (parallel to items) */
};

/*
 * Parse `len` bytes of `text`. On failure returns NULL and writes a one-line message (with the
 * line and column) into `err` (if not NULL).
 */
json_value *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Free a tree returned by json_parse (NULL is fine). */
void json_free(json_value *v);

/* Object member by key (first match), or NULL when `obj` is not an object or lacks the key. */
const json_value *json_get(const json_value *obj, const char *key);

/* Array/object item count (0 for other types or NULL). */
size_t json_size(const json_value *v);

/* Array/object item i, or NULL when out of range. */
const json_value *json_at(const json_value *v, size_t i);

/* Object key i, or NULL. */
const char *json_key_at(const json_value *v, size_t i);

#endif
