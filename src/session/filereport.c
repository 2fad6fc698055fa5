/* Reading a whole file and saying what could not be read (cli/filereport.h). */
#include <stdio.h>
#include "session/filereport.h"
#include "core/common.h"
#include "sources/logreader.h"
#include "sources/logset.h"

/* One command reads one set of files: the counts of what was said. */
static struct { uint64_t errors; } said;

static void on_error(void *ctx, const char *where, const char *msg, bool fatal)
{
    if (fatal || said.errors++ < FILEREPORT_SHOWN)
        say_line("%s: %s%s", where, msg, fatal ? "" : " (skipped)");
}

/* Warnings are few: the reader says each unknown enum value once, and a
 * gateway's error is news. All are said. */
static void on_warning(void *ctx, const char *where, const char *msg)
{
    say_line("%s: %s", where, msg);
}

static const char *unit(const logreader_t *r)
{
    return logreader_format(r) == LOG_RECORDING ? "record(s)" : "line(s)";
}

/* "(the first 3 above)" when some were left unsaid. */
static const char *shown_note(uint64_t n)
{
    return n > FILEREPORT_SHOWN ? " (the first " FILEREPORT_SHOWN_S " above)" : "";
}

/* The summary line of each file; true when nothing valid was read. */
static bool summarise(logset_t *set, bool strict)
{
    bool none = logset_items(set) == 0;
    for (size_t i = 0; i < logset_count(set); i++) {
        logreader_t *r = logset_reader(set, i);
        unsigned long long n = logreader_skipped(r), of = logreader_line(r);
        if (!n || strict)
            continue;
        if (none)
            say_line("skview: %s: not an event log: no valid entry, %llu malformed %s of %llu%s",
                     logreader_path(r), n, unit(r), of, shown_note(said.errors));
        else
            say_line("skview: %s: skipped %llu malformed %s of %llu%s", logreader_path(r), n, unit(r), of,
                     shown_note(said.errors));
    }
    return none && said.errors;
}

int filereport_read(const char *path, bool strict, bool sibling, source_sink_t *sink, uint64_t *items)
{
    char err[512];
    logreader_opts_t o = {.strict = strict};
    logset_t *set = logset_open(path, &o, sibling, err, sizeof err);
    if (!set) {
        say_line("skview: %s", err);
        return EXIT_RUNTIME;
    }
    sink->on_error = on_error;
    sink->on_warning = on_warning;
    int rc = logset_pump(set, sink);
    if (summarise(set, strict) && rc == 0)
        rc = 1;
    if (items)
        *items = logset_items(set);
    logset_close(set);
    return rc == 3 ? EXIT_MALFORMED : rc ? EXIT_RUNTIME : EXIT_OK;
}
