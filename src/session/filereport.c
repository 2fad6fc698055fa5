/* Reading a whole file and saying what could not be read (session/filereport.h). */
#include <stdio.h>
#include <string.h>
#include "session/filereport.h"
#include "core/common.h"
#include "core/strbuf.h"
#include "sources/logreader.h"
#include "sources/logset.h"

/* One command reads one set of files: the first malformed lines' reports,
 * held until the end (whether anything valid came decides their form), and
 * how many there were. */
static struct {
    strbuf_t first[FILEREPORT_SHOWN];   /* "WHERE: WHAT" */
    uint64_t errors;
} said;

static void on_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    if (fatal) {
        say_line("%s: %s", where, msg);
    } else if (said.errors++ < FILEREPORT_SHOWN) {
        strbuf_t *b = &said.first[said.errors - 1];
        sb_init(b);
        sb_printf(b, "%s: %s", where, msg);
    }
}

/* Warnings are few: the reader says each unknown enum value once, and a
 * gateway's error is news. All are said as they come. */
static void on_warning(void *ctx, const char *where, const char *msg)
{
    say_line("%s: %s", where, msg);
}

static const char *unit(const logreader_t *r)
{
    return logreader_format(r) == LOG_RECORDING ? "record(s)" : "line(s)";
}

/* The held reports of file r: each on its line ("F:4: what (skipped)"), or
 * into one ("line 4: what; line 5: what; ...") when joined. */
static void held(const logreader_t *r, strbuf_t *joined)
{
    const char *path = logreader_path(r);
    size_t plen = strlen(path);
    for (uint64_t i = 0; i < said.errors && i < FILEREPORT_SHOWN; i++) {
        const char *t = said.first[i].data;
        if (strncmp(t, path, plen) || t[plen] != ':')
            continue;
        if (!joined)
            say_line("%s (skipped)", t);
        else
            sb_printf(joined, "%sline %s", joined->len ? "; " : "", t + plen + 1);
    }
}

/* What was skipped in file r: the reports held, then the count. A file with
 * nothing valid in it gets one line: what it is not, the count, the reasons. */
static void summarise_file(const logreader_t *r, bool none)
{
    unsigned long long n = logreader_skipped(r), of = logreader_line(r);
    const char *more = n > FILEREPORT_SHOWN ? "; ..." : "";
    if (!none) {
        held(r, NULL);
        say_line("skview: %s: skipped %llu malformed %s of %llu%s", logreader_path(r), n, unit(r), of,
                 n > FILEREPORT_SHOWN ? " (the first " FILEREPORT_SHOWN_S " above)" : "");
        return;
    }
    strbuf_t reasons;
    sb_init(&reasons);
    held(r, &reasons);
    say_line("skview: %s: not an event log: no valid entry, %llu malformed %s of %llu (%s%s)", logreader_path(r),
             n, unit(r), of, reasons.data ? reasons.data : "", more);
    sb_free(&reasons);
}

/* The summary of each file; true when nothing valid was read. */
static bool summarise(logset_t *set, bool strict)
{
    bool none = logset_items(set) == 0;
    for (size_t i = 0; i < logset_count(set); i++)
        if (logreader_skipped(logset_reader(set, i)) && !strict)
            summarise_file(logset_reader(set, i), none);
    for (uint64_t i = 0; i < said.errors && i < FILEREPORT_SHOWN; i++)
        sb_free(&said.first[i]);
    return none && said.errors;
}

static int read_with(const char *path, const logreader_opts_t *o, bool sibling, struct source_sink *sink,
                     uint64_t *items)
{
    char err[512];
    logset_t *set = logset_open(path, o, sibling, err, sizeof err);
    if (!set) {
        say_line("skview: %s", err);
        return EXIT_RUNTIME;
    }
    sink->on_error = on_error;
    sink->on_warning = on_warning;
    int rc = logset_pump(set, sink);
    if (summarise(set, o->strict) && rc == 0)
        rc = 1;
    if (items)
        *items = logset_items(set);
    logset_close(set);
    return rc == 3 ? EXIT_MALFORMED : rc ? EXIT_RUNTIME : EXIT_OK;
}

int filereport_read(const char *path, bool strict, bool sibling, struct source_sink *sink, uint64_t *items)
{
    return read_with(path, &(logreader_opts_t){.strict = strict}, sibling, sink, items);
}

int filereport_read_state(const char *path, bool strict, struct source_sink *sink)
{
    return read_with(path, &(logreader_opts_t){.strict = strict, .no_text = true}, true, sink, NULL);
}
