/*
 * json.h - a small, strict JSON reader (RFC 8259) for the tests: a whole
 * text becomes a tree of values, or an error that says where and why.
 * Strict on purpose: the trace test must fail on what a viewer would
 * refuse (a trailing comma, a raw control byte in a string, a torn event).
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
               JSON_OBJECT } json_type_t;

typedef struct json json_t;
struct json {
    json_type_t type;
    double number;   /* JSON_NUMBER; JSON_BOOL: 0 or 1 */
    char *string;    /* JSON_STRING, NUL-terminated (a \u0000 ends it early) */
    size_t n;        /* items of an array or members of an object */
    json_t **items;  /* the values */
    char **keys;     /* JSON_OBJECT: the members' names */
};

/* Parses text[0..len); NULL with a message in err ("at byte N: why"). */
json_t *json_parse(const char *text, size_t len, char *err, size_t errsize);
void json_free(json_t *v);

/* The member key of object v, or NULL (also when v is no object). */
const json_t *json_get(const json_t *v, const char *key);
/* Its string or number, or dflt when missing or of another type. */
const char *json_string(const json_t *v, const char *key, const char *dflt);
double json_number(const json_t *v, const char *key, double dflt);

#endif /* JSON_H */
