/* Skaffold status strings, compared as Skaffold users mean them.
 *
 * The API documents "InProgress"/"Completed" while servers send "In Progress"/
 * "Complete"; both must work, so statuses are classified case- and
 * space-insensitively ("In Progress" = "InProgress" = "in progress"). */
#ifndef SKVIEW_STATUS_H
#define SKVIEW_STATUS_H

#include <stdbool.h>

typedef enum status_kind {
    STATUS_NONE,          /* empty string: not reported */
    STATUS_NOT_STARTED,   /* "Not Started" */
    STATUS_IN_PROGRESS,   /* "In Progress", "InProgress", "Pending" */
    STATUS_STARTED,       /* "Started" (status check, debugging container) */
    STATUS_SUCCEEDED,     /* "Complete", "Completed", "Succeeded", "Success" */
    STATUS_FAILED,        /* "Failed", "Error" */
    STATUS_CANCELED,      /* "Canceled", "Cancelled" */
    STATUS_TERMINATED,    /* "Terminated" (debugging container) */
    STATUS_INFO,          /* "Information": a non-fatal deploy notice */
    STATUS_OTHER          /* anything else: shown as sent */
} status_kind_t;

status_kind_t status_kind(const char *s);
/* True when a and b name the same status ("In Progress" vs "InProgress"). */
bool status_equal(const char *a, const char *b);
/* True for a finished status: succeeded, failed, canceled, terminated. */
bool status_is_final(status_kind_t k);
const char *status_kind_name(status_kind_t k);

#endif
