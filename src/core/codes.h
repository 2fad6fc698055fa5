/* Names and descriptions of Skaffold's StatusCode and SuggestionCode values.
 * Names come from protobuf-c's enum descriptors; descriptions from the API
 * reference's tables (kept as comments in proto/skaffold.proto and turned into
 * a table at build time). Unknown numbers get "UNKNOWN(n)" / "". */
#ifndef SKVIEW_CODES_H
#define SKVIEW_CODES_H

#include <stdbool.h>

typedef struct code_desc {
    int value;
    const char *text;
} code_desc_t;

/* Generated tables, terminated by { -1, NULL }. */
extern const code_desc_t codes_status_desc[];
extern const code_desc_t codes_suggestion_desc[];

/* The returned strings are static, or for unknown values a per-thread buffer
 * valid until the next call. */
const char *status_code_name(int code);
const char *status_code_desc(int code);
const char *suggestion_code_name(int code);
const char *suggestion_code_desc(int code);
/* True for OK and the success range 200-250: not an error. */
bool status_code_is_success(int code);

#endif
