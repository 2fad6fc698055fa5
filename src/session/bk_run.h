/* `skview buildkit` on the session: one BuildKit call, headless, on a loop of
 * its own (the way session_run serves the Skaffold commands), or a saved
 * build read back from a file.
 *
 * Data flows one way: the daemon's answers (or the file's messages) are
 * folded into the caller's BuildKit model (buildkit/bk_model.h: Status into
 * its progress, DiskUsage into its cache in the model's sort, ListWorkers,
 * Info, the history, the records a Prune removed), appended to a recording
 * when asked (--record: Status, DiskUsage, ListWorkers), and then handed to
 * the command's on_answer hook, which prints. Problems reach the command as
 * messages (on_message), which it prints with the CLI's one printer. The
 * command never talks to the client or the reader.
 *
 * The run: SIGINT cancels the call (the daemon sees the stream end) and the
 * run ends 130, as a shell reports it. Status with wait_ns: a ref the
 * daemon does not know yet ("no such job" before any message: its build has
 * not started) is asked for again after the client's backoff ("waiting for
 * build REF" said once) until wait_ns passed since the first try; a try
 * still unanswered then is cancelled. Everything runs on the run's thread. */
#ifndef SKVIEW_BK_RUN_H
#define SKVIEW_BK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buildkit/bk_model.h"
#include "buildkit/control.pb-c.h"
#include "transport/bk_client.h"

/* The daemon's address when none is given and $BUILDKIT_HOST is unset. */
#define BK_RUN_DEFAULT_ADDR BK_DEFAULT_ADDR

typedef enum bk_run_call {
    BK_RUN_DU,                 /* DiskUsage(filters) */
    BK_RUN_WORKERS,            /* ListWorkers */
    BK_RUN_INFO,               /* Info (v0.11+) */
    BK_RUN_PRUNE,              /* Prune(*prune); each removed record an answer */
    BK_RUN_STATUS,             /* Status(ref), followed to its end */
    BK_RUN_HISTORY,            /* ListenBuildHistory: the list as it is now, then the end */
} bk_run_call_t;

typedef struct bk_run_opts {
    const char *addr;          /* NULL: $BUILDKIT_HOST, else BK_RUN_DEFAULT_ADDR */
    bk_run_call_t call;
    char **filters;            /* DU */
    size_t n_filters;
    const Moby__Buildkit__V1__PruneRequest *prune;  /* PRUNE */
    const char *ref;           /* STATUS */
    int64_t wait_ns;           /* STATUS: how long a build not started is waited for; 0: not */
    bool active;               /* HISTORY: the running builds only */
    const char *record;        /* a recording the answers are appended to; NULL: none */
} bk_run_opts_t;

typedef struct bk_run_hooks {
    void *ctx;
    /* A problem or a note, one line (the recording's, "waiting for build
     * REF", the call's failure...). */
    void (*on_message)(void *ctx, bool error, const char *text);
    /* Each answer, after the model has it; m is valid during the call. */
    void (*on_answer)(void *ctx, const bk_model_t *model, const ProtobufCMessage *m);
    /* The call ended, once, before its failure (if any) is said: code 0
     * for OK, else a gRPC status; interrupted by SIGINT. Returns the exit
     * status of an OK end (0, or 1 after a message); ignored otherwise.
     * NULL: 0. Not called when the run ends with no call to end (the call
     * could not start; a wait given up or interrupted between two tries). */
    int (*on_end)(void *ctx, const bk_model_t *model, int code, bool interrupted);
} bk_run_hooks_t;

/* The address a run reaches for addr (see bk_run_opts_t.addr). */
const char *bk_run_addr(const char *addr);
/* Runs one call against the daemon, folding into model (bk_model_init'ed by
 * the caller; it stays readable after). Returns the exit status: 0 (or
 * on_end's), 1 after a message saying why, 2 when the address is not
 * usable, 130 when interrupted. */
int bk_run(const bk_run_opts_t *o, bk_model_t *model, const bk_run_hooks_t *h);
/* Reads the saved build at path (rawjson or a recording, sources/bk_reader.h)
 * into model's progress, each Status message through on_answer; a malformed
 * line or damaged record is said ("FILE:LINE: why") and passed. Returns 0,
 * 1 when the file could not be read on (said), or -1 with err filled
 * ("FILE: why") when it cannot be opened. on_end is not called. */
int bk_run_file(const char *path, bk_model_t *model, const bk_run_hooks_t *h, char *err, size_t errlen);

#endif
