/* The log: Skaffold's own output (v2 SkaffoldLogEvent) and the application's
 * (v2 ApplicationLogEvent) as lines, attributed, in a bounded ring.
 *
 * Pure C, no I/O, single-threaded, like the rest of the model. The model
 * feeds it from model_fold_v2 (skaffold/model.h); the Logs view, the Errors
 * pane and `skview logs` read it.
 *
 * Lines. Messages arrive cut anywhere: one message may hold several lines,
 * or part of one. Text is assembled per origin (Skaffold: task_id +
 * subtask_id; application: pod + container) and cut at "\n" (a "\r\n" loses
 * its "\r"); a piece without its "\n" is held as that origin's partial line:
 * it is visible at once as the origin's newest line (LOG_PARTIAL) and grows
 * in place, keeping its seq, until its "\n" arrives. A partial line longer
 * than LOGS_MAX_LINE bytes is cut there. Text is kept raw (it may hold SGR
 * colour sequences and anything else the wire carried: untrusted; the
 * readers make it safe, see core/sgr.h).
 *
 * Attribution (Skaffold lines): task is the task name of task_id ("Build"
 * of "Build-3"), iteration the dev loop it names (v2 counts from 1; stored
 * as the model's iteration numbers, which count from 0 like v1's
 * DevLoopEvent: "Build-3" is iteration 2), subject the subtask_id (the
 * artifact of a build, the resource of a status check, the deployer index
 * of a deploy; "" for "-1" and ""). Application lines: pod and container,
 * and prefix as the server gave it ("[web]"); iteration is the current dev
 * loop when the line arrived.
 *
 * Bounds: the newest cap lines (default LOGS_DEFAULT_CAP); older ones are
 * dropped, so memory stays flat however long a session runs. Seqs increase
 * from 1 and are never reused, so a reader can hold a position across
 * drops (logs_get returns NULL for a dropped seq). Strings that repeat
 * (task, subject, pod, container, prefix) are interned, and kept only while
 * a held line uses them (so the names are bounded by the held lines); line
 * text is owned by the line. At most LOGS_MAX_PENDING origins hold a
 * partial line at once: one more finishes the oldest partial line. */
#ifndef SKVIEW_LOGS_H
#define SKVIEW_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGS_DEFAULT_CAP 100000
#define LOGS_MAX_LINE 65536
#define LOGS_MAX_PENDING 64

typedef enum log_src {
    LOG_SKAFFOLD,                /* Skaffold's own output */
    LOG_APP,                     /* a container's output */
} log_src_t;

/* Levels are Skaffold's LogLevel numbers (proto.LogLevel: DEBUG 0, INFO 1,
 * WARN 2, ERROR 3, FATAL 4, PANIC 5, TRACE 6, STANDARD 7 = plain console
 * output). An application line has the level its text says
 * (logs_text_level), else LOG_LEVEL_STANDARD. */
#define LOG_LEVEL_STANDARD 7

/* The level an application's line says it has, by the common markers:
 * logfmt `level=warn` (or `lvl=`), JSON `"level":"warn"` (or
 * `"severity"`), klog's `W1207 10:00:00.000` prefix, a leading level word
 * in capitals (`WARN ...`, `[ERROR] ...`, also after a date and time, and
 * SGR colours around it) or Go's `panic: `. Values in any case: trace,
 * debug, info, warn(ing), err(or), fatal, crit(ical), panic. LOG_LEVEL_STANDARD
 * when it says none. Looks at the first 512 bytes. */
int logs_text_level(const char *s, size_t n);

enum log_flags {
    LOG_PARTIAL = 1,             /* no "\n" yet: may still grow */
};

typedef struct log_line {
    uint64_t seq;                /* from 1, increasing, never reused */
    int64_t time_ns;             /* of the message that began the line */
    uint8_t src;                 /* log_src_t */
    uint8_t level;               /* LogLevel */
    uint8_t flags;               /* enum log_flags */
    int32_t iteration;           /* model numbering (from 0); -1 unknown */
    uint32_t session;            /* the model session (from 1) */
    const char *task;            /* "Build", "Deploy", "StatusCheck"...; "" (app) */
    const char *subject;         /* artifact / resource / deployer index; "" */
    const char *pod;             /* app lines; "" otherwise */
    const char *container;       /* app lines; "" otherwise */
    const char *prefix;          /* app lines, as given ("[web]"); "" */
    const char *text;            /* the line without "\n", NUL-terminated, raw */
    uint32_t len;                /* bytes of text */
} log_line_t;

typedef struct logs logs_t;

logs_t *logs_new(size_t cap);    /* 0 = LOGS_DEFAULT_CAP */
void logs_free(logs_t *l);
/* Forgets lines of one source (a stream replays them again), or of both
 * (src < 0); seqs keep increasing. Partial lines of that source go too. */
void logs_clear(logs_t *l, int src);

/* Adds a Skaffold message (a SkaffoldLogEvent). The iteration is taken
 * from task_id (-1 when it names none). session: the model's current
 * session. */
void logs_add_skaffold(logs_t *l, int64_t time_ns, const char *task_id, const char *subtask_id,
                       int level, const char *msg, size_t len, uint32_t session);
/* Adds an application message (an ApplicationLogEvent). */
void logs_add_app(logs_t *l, int64_t time_ns, const char *pod, const char *container,
                  const char *prefix, const char *msg, size_t len, int32_t iteration, uint32_t session);

/* What is held: seqs first..last (first > last when empty). Lines go by
 * dropping from the front, so every seq in range is held, except lines a
 * logs_clear of one source removed: logs_get is NULL for those. */
uint64_t logs_first(const logs_t *l);
uint64_t logs_last(const logs_t *l);
size_t logs_count(const logs_t *l);
uint64_t logs_dropped(const logs_t *l);      /* lines dropped by the cap */
size_t logs_bytes(const logs_t *l);          /* memory held, about */
/* The line with that seq, or NULL (dropped, or not yet). Valid until the
 * next add or clear. */
const log_line_t *logs_get(const logs_t *l, uint64_t seq);
/* Moves every time a line is added, grows or goes: a reader redraws when it
 * changed. */
uint64_t logs_generation(const logs_t *l);

/* ---- filters ---------------------------------------------------------------
 * What the Logs view, `skview logs` and the jumps select. A line passes when
 * it passes every part that is set:
 *   sources   bit (1 << LOG_SKAFFOLD) | (1 << LOG_APP); 0 = both
 *   solo      when any solo key is set, only lines matching one of them
 *   mute      lines matching any mute key are hidden
 *   min_level lines below it (DEBUG < INFO < WARN < ERROR < FATAL <
 *             PANIC; TRACE lowest, STANDARD counts as INFO) are hidden:
 *             Skaffold's by their level, the application's by the level
 *             their text says (logs_text_level; none counts as INFO)
 *   iteration >= 0: only that dev loop
 *   text      substring, case-insensitive, of the text without its SGR
 *             sequences; or a bounded regular expression (regex; core/bre.h:
 *             PCRE2 syntax, caseless, limited in size, steps and time)
 * A key is one (what, value): the task, the subject (artifact or resource),
 * the pod, the container, or a workload's containers across its pods and
 * rollouts: "frontend" (every container of the pods of that deployment,
 * daemonset or job) or "frontend/web" (one container of them; see
 * logs_workload_len). */
typedef enum log_key_kind {
    LOG_KEY_TASK,
    LOG_KEY_SUBJECT,
    LOG_KEY_POD,
    LOG_KEY_CONTAINER,
    LOG_KEY_WORKLOAD,
} log_key_kind_t;

/* The workload part of a pod's name: its length in pod, without the pod's
 * generated suffixes ("frontend" of "frontend-7d9f8b6c5-x2x4z", of
 * "frontend-x2x4z"): a last segment of 5 and one before it of 6-10
 * lowercase letters and digits that read as generated (a digit, or no
 * vowel, as Kubernetes' alphabet has none). A name without them ("web-0",
 * a bare pod) is all workload. */
size_t logs_workload_len(const char *pod);

#define LOG_FILTER_MAX_KEYS 16

typedef struct log_key {
    log_key_kind_t kind;
    char *value;
} log_key_t;

typedef struct log_filter {
    unsigned sources;
    log_key_t solo[LOG_FILTER_MAX_KEYS];
    size_t n_solo;
    log_key_t mute[LOG_FILTER_MAX_KEYS];
    size_t n_mute;
    int min_level;               /* -1 = all */
    int32_t iteration;           /* -1 = all */
    char *text;                  /* NULL = none */
    bool regex;
    void *compiled;              /* private: the compiled regex */
} log_filter_t;

void log_filter_init(log_filter_t *f);
void log_filter_free(log_filter_t *f);
/* Adds or removes (toggles) a solo or mute key; -1 when full. */
int log_filter_solo(log_filter_t *f, log_key_kind_t kind, const char *value);
int log_filter_mute(log_filter_t *f, log_key_kind_t kind, const char *value);
/* Sets the text (NULL clears it). 0, or -1 with err filled when the regular
 * expression does not compile (the filter is then unchanged). */
int log_filter_set_text(log_filter_t *f, const char *text, bool regex, char *err, size_t errlen);
bool log_filter_match(const log_filter_t *f, const log_line_t *line);
/* Starts one pass of matches over the lines (an index rebuild, a search, a
 * frame's highlights): a regular expression may spend ms milliseconds on
 * it (BRE_BUDGET_MS is the house value) before it is given up. */
void log_filter_pass(const log_filter_t *f, unsigned ms);
/* Why the regular expression was given up (a limit of core/bre.h hit), so
 * that it matches nothing; NULL while it works (and for no regex). */
const char *log_filter_error(const log_filter_t *f);
/* Where text matches in line->text (byte offsets, for highlighting): up to
 * max spans; returns how many. Matches never split an SGR sequence. */
size_t log_filter_spans(const log_filter_t *f, const log_line_t *line, size_t (*spans)[2], size_t max);

/* The newest seq <= from (or the oldest >= from when forward) whose line
 * passes f; 0 when none. */
uint64_t logs_find(const logs_t *l, const log_filter_t *f, uint64_t from, bool forward);
/* The last n lines (oldest first into out) of one task and subject in one
 * iteration of a session: "the last lines of that build's output" for the
 * Errors pane. Returns how many. */
size_t logs_tail_of(const logs_t *l, const char *task, const char *subject, int32_t iteration,
                    uint32_t session, const log_line_t **out, size_t n);

#endif
