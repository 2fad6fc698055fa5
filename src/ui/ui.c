/* The viewer's commands (`skview`, `skview replay FILE`): options, the
 * terminal, the libuv loop, frame pacing and the two sources.
 *
 * Frames: a change asks for a redraw; redraws are coalesced by one one-shot
 * timer so there are at most 30 frames a second (a key's answer is drawn at
 * once, the flood's frames 35 ms apart and at most UI_FPS_PACED in any
 * second with the keys' frames), and no timer runs while
 * nothing changes (the spinner's timer runs only while something is in
 * progress on screen). The terminal is restored on every way out: normal
 * exit, SIGINT, SIGTERM, SIGHUP (through libuv) and fatal signals and exit()
 * (through a handler and atexit). */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "core/common.h"
#include "session/session_io.h"
#include "core/textsafe.h"
#include "core/xalloc.h"
#include "ui/app.h"
#include "ui/bk.h"
#include "ui/draw.h"
#include "ui/termout.h"
#include "ui/ui.h"

/* ---- options -------------------------------------------------------------- */

typedef struct ui_opts {
    const char *addr, *theme, *record, *config, *file, *at, *keys, *focus;
    const char *buildkit, *ref, *ref_file, *log_tail;
    double speed;
    bool notify, dump, paused, no_config;
    int cols, rows;
} ui_opts_t;

typedef enum opt_kind { OPT_STR, OPT_BOOL, OPT_SPEED, OPT_SIZE } opt_kind_t;

typedef struct opt_def {
    const char *name, *alias;
    opt_kind_t kind;
    size_t offset;
    bool replay_only, live_only;
    const char *arg;           /* the value's name in --help; "" for a flag */
    const char *help;
} opt_def_t;

#define O(f) offsetof(ui_opts_t, f)
static const opt_def_t opt_defs[] = {
    {"--addr", "-a", OPT_STR, O(addr), false, true, "ADDR", "Skaffold's gRPC address"},
    {"--record", NULL, OPT_STR, O(record), false, true, "FILE", "also record the stream"},
    {"--theme", NULL, OPT_STR, O(theme), false, false, "NAME|PATH", "colour theme"},
    {"--config", NULL, OPT_STR, O(config), false, false, "FILE", "config file to read"},
    {"--no-config", NULL, OPT_BOOL, O(no_config), false, false, "", "ignore the user's config"},
    {"--notify", NULL, OPT_BOOL, O(notify), false, false, "", "bell and title on failure/recovery"},
    {"--speed", NULL, OPT_SPEED, O(speed), true, false, "X", "replay speed: 0.5..64 or max"},
    {"--paused", NULL, OPT_BOOL, O(paused), true, false, "", "start paused"},
    {"--at", NULL, OPT_STR, O(at), true, false, "N|END|iter:N|error:N", "start at that place"},
    {"--dump-screen", NULL, OPT_BOOL, O(dump), true, false, "", "print the screen as text, no terminal"},
    {"--size", NULL, OPT_SIZE, 0, true, false, "WxH", "screen size for --dump-screen"},
    {"--keys", NULL, OPT_STR, O(keys), true, false, "\"K...\"", "keys to press before the dump"},
    {"--focus", NULL, OPT_STR, O(focus), false, false, "PANE", "pane focused at start"},
    {"--buildkit", NULL, OPT_STR, O(buildkit), false, true, "ADDR", "BuildKit too (default $BUILDKIT_HOST; docker: Docker's own)"},
    {"--ref", NULL, OPT_STR, O(ref), false, true, "REF", "follow that BuildKit build"},
    {"--ref-file", NULL, OPT_STR, O(ref_file), false, true, "FILE", "the build ref in a file"},
    {"--log-tail", NULL, OPT_STR, O(log_tail), false, false, "N", "log lines of a running step (6)"},
};
#undef O

/* "-a, --addr ADDR": the left column of --help. */
static int opt_synopsis(const opt_def_t *d, char *buf, size_t len)
{
    return snprintf(buf, len, "%s%s%s%s%s", d->alias ? d->alias : "", d->alias ? ", " : "",
                    d->name, d->arg[0] ? " " : "", d->arg);
}

static bool opt_applies(const opt_def_t *d, bool replay)
{
    return replay ? !d->live_only : !d->replay_only;
}

void ui_print_options(FILE *f, bool replay)
{
    const size_t n = sizeof opt_defs / sizeof opt_defs[0];
    char syn[128];
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if (opt_applies(&opt_defs[i], replay) && opt_synopsis(&opt_defs[i], syn, sizeof syn) > w)
            w = opt_synopsis(&opt_defs[i], syn, sizeof syn);
    for (size_t i = 0; i < n; i++)
        if (opt_applies(&opt_defs[i], replay)) {
            opt_synopsis(&opt_defs[i], syn, sizeof syn);
            fprintf(f, "  %-*s  %s\n", w, syn, opt_defs[i].help);
        }
}

static void usage(bool replay)
{
    fprintf(stderr, "usage: skview %s[OPTIONS]\n", replay ? "replay FILE " : "");
    ui_print_options(stderr, replay);
}

static int parse_value(const opt_def_t *d, ui_opts_t *o, const char *v)
{
    char *end;
    switch (d->kind) {
    case OPT_STR: *(const char **)((char *)o + d->offset) = v; return 0;
    case OPT_SPEED:
        if (!strcmp(v, "max"))
            return o->speed = 0, 0;
        /* Written so that NaN fails too (every comparison with it is false). */
        o->speed = strtod(v, &end);
        return end != v && !*end && o->speed >= 0.5 && o->speed <= 64 ? 0 : -1;
    case OPT_SIZE:
        return sscanf(v, "%dx%d", &o->cols, &o->rows) == 2 && o->cols > 0 && o->rows > 0 &&
                       o->cols <= 1000 && o->rows <= 1000 ? 0 : -1;
    default: return -1;
    }
}

static int parse_opts(int argc, char **argv, bool replay, ui_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->speed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(replay), -2;
        arg_kind_t kind = arg_kind(argc, argv, i);
        const opt_def_t *d = NULL;
        for (size_t k = 0; kind == ARG_OPTION && k < sizeof opt_defs / sizeof opt_defs[0]; k++)
            if (!strcmp(argv[i], opt_defs[k].name) || (opt_defs[k].alias && !strcmp(argv[i], opt_defs[k].alias)))
                d = &opt_defs[k];
        if (kind == ARG_END)
            continue;
        if (kind == ARG_OPERAND && replay && !o->file) {
            o->file = argv[i];
            continue;
        }
        if (kind == ARG_OPERAND)
            return usage_error("%s: unexpected argument '%s'", replay ? "replay" : "skview", argv[i]);
        if (!d || !opt_applies(d, replay))
            return usage_error("%s: unknown option '%s'", replay ? "replay" : "skview", argv[i]);
        if (d->kind == OPT_BOOL) {
            *(bool *)((char *)o + d->offset) = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("%s needs a value: %s", d->name, d->arg);
        if (parse_value(d, o, argv[i + 1]))
            return usage_error("%s '%s' is not valid; %s %s: %s", d->name, argv[i + 1],
                                   d->name, d->arg, d->help);
        i++;
    }
    if (replay && !o->file)
        return usage_error("replay: which FILE?");
    if (o->dump && !o->cols)
        o->cols = 100, o->rows = 30;
    return 0;
}

/* ---- shared helpers ------------------------------------------------------- */

static ui_t *the_ui;  /* for atexit and fatal signal handlers only */

int ui_text_flags(const ui_t *ui)
{
    return ui->ascii ? TEXTSAFE_ASCII : 0;
}

int64_t ui_now_ns(const ui_t *ui)
{
    if (ui->source == UI_SOURCE_REPLAY)
        return model_last_time(ui->model);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t msg_life(const ui_t *ui)
{
    return ui->msg_error ? UI_MSG_ERROR_MS : UI_MSG_MS;
}

static void on_msg_expired(uv_timer_t *t)
{
    ui_request_redraw(t->data);
}

/* The message's time on screen starts now (once the loop is there: a config
 * problem said before it starts with it). */
static void msg_clock(ui_t *ui)
{
    /* A message while shutting down (a call's end) starts no timer: the
     * closing one would refuse and say so, without end. */
    if (!ui->msg_timer.data || uv_is_closing((uv_handle_t *)&ui->msg_timer))
        return;
    ui->msg_ms = uv_now(ui->loop);
    (void)uv_timer_start(&ui->msg_timer, on_msg_expired, msg_life(ui), 0);
}

void ui_message(ui_t *ui, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
    ui->msg_error = error;
    msg_clock(ui);
}

bool ui_message_expired(const ui_t *ui)
{
    /* --dump-screen draws once, with no time passing */
    return ui->msg_timer.data && !ui->headless && uv_now(ui->loop) - ui->msg_ms >= msg_life(ui);
}

void ui_term_write(ui_t *ui, const char *seq, size_t len)
{
    if (!ui->headless)
        termout_write(seq, len);
}

/* Config and theme problems: the file's text may hold escape sequences, so
 * what reaches stderr is made inert like everything else. */
static void config_report(void *ctx, const char *msg)
{
    ui_t *ui = ctx;
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, msg, strlen(msg), 0, ui_text_flags(ui));
    fprintf(stderr, "skview: %.*s\n", (int)safe.len, safe.data ? safe.data : "");
    sb_free(&safe);
    if (!ui->msg[0])
        ui_message(ui, true, "config: %s", msg);
}

/* The config, then the theme. A file named on the command line (--config,
 * --theme) that cannot be read is an error (-1): the user asked for it.
 * The user's own config and a theme named in it only warn. */
static int load_config(ui_t *ui, const ui_opts_t *o)
{
    char path[1024];
    if (o->config && config_load_file(&ui->cfg, o->config, false, 0, config_report, ui) < 0)
        return -1;
    if (!o->config && !o->no_config && config_user_path(path, sizeof path)[0])
        config_load_file(&ui->cfg, path, true, 0, config_report, ui);
    if (o->theme && theme_find(o->theme, path, sizeof path)) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s: no such theme file (a NAME is looked up in the "
                                  "theme folders, a PATH must be a readable file)", o->theme);
        config_report(ui, msg);
        return -1;
    }
    if (o->theme)
        snprintf(ui->cfg.theme, sizeof ui->cfg.theme, "%s", o->theme);
    return config_load_theme(&ui->cfg, config_report, ui) < 0 && o->theme ? -1 : 0;
}

/* ---- frames --------------------------------------------------------------- */

static void on_anim(uv_timer_t *t)
{
    ui_t *ui = t->data;
    ui->anim_tick++;
    ui_request_redraw(ui);
}

/* SKVIEW_DUMP_STATE=FILE: after each frame that follows a change of the
 * model, the mirror (model_state as canonical JSON, as `skview ctl state`
 * prints GetState) replaces FILE, written to FILE.tmp and renamed so that a
 * reader never sees half of it. Tests use it to compare the viewer's own
 * mirror with the server's State; the screen cannot show all of it. */
static const char *dump_state_path;

static void dump_state(ui_t *ui)
{
    /* Written when the State changed: log lines move the generation too,
     * and a test waits for the file to stop changing. */
    static uint64_t dumped_gen = UINT64_MAX;
    static uint64_t dumped_hash;
    uint64_t gen = model_generation(ui->model);
    if (!dump_state_path || gen == dumped_gen)
        return;
    dumped_gen = gen;
    strbuf_t sb, tmp;
    sb_init(&sb);
    pbjson_write(&sb, &model_state(ui->model)->base);
    sb_addc(&sb, '\n');
    uint64_t h = 1469598103934665603ull;  /* FNV-1a of the JSON */
    for (size_t i = 0; i < sb.len; i++)
        h = (h ^ (unsigned char)sb.data[i]) * 1099511628211ull;
    if (h == dumped_hash) {
        sb_free(&sb);
        return;
    }
    dumped_hash = h;
    sb_init(&tmp);
    sb_printf(&tmp, "%s.tmp", dump_state_path);
    FILE *f = fopen(tmp.data, "w");
    bool ok = f && fwrite(sb.data, 1, sb.len, f) == sb.len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp.data, dump_state_path) != 0)
        ui_message(ui, true, "SKVIEW_DUMP_STATE: %s: %s", dump_state_path, strerror(errno));
    sb_free(&sb);
    sb_free(&tmp);
}

/* Starts a timer of ours. libuv refuses only a handle that is closing or
 * a NULL callback, which would be our bug: said on the status line. (Its
 * uv_timer_stop always returns 0.) */
static void ui_timer_start(ui_t *ui, uv_timer_t *t, uv_timer_cb cb, uint64_t timeout, uint64_t repeat)
{
    int rc = uv_timer_start(t, cb, timeout, repeat);
    if (rc < 0)
        ui_message(ui, true, "timer: %s", uv_strerror(rc));
}

static void frame(ui_t *ui)
{
    if (termout_blocked()) {
        /* The terminal has not taken the last frame: draw again when it
         * has (on_drained), meanwhile no timer runs. */
        ui->frame_pending = true;
        ui->loopstat.blocked++;
        uv_timer_stop(&ui->anim_timer);
        return;
    }
    uint64_t t0 = uv_hrtime();
    ui_notify_check(ui);
    ui_render(ui);
    refresh();
    termout_flush();
    loopstat_frame(&ui->loopstat, uv_now(ui->loop), loopstat_since(t0));
    loopstat_key_drawn(&ui->loopstat);
    dump_state(ui);
    ui->frames++;
    bool anim = ui_animating(ui), active = uv_is_active((uv_handle_t *)&ui->anim_timer);
    if (anim && !active)
        ui_timer_start(ui, &ui->anim_timer, on_anim, UI_ANIM_MS, UI_ANIM_MS);
    else if (!anim && active)
        uv_timer_stop(&ui->anim_timer);
}

static void on_frame(uv_timer_t *t)
{
    frame(t->data);
}

static void on_drained(void *ctx)
{
    ui_t *ui = ctx;
    if (ui->frame_pending && !ui->quit) {
        ui->frame_pending = false;
        ui_request_redraw(ui);
    }
}

void ui_request_redraw(ui_t *ui)
{
    ui->requests++;
    if (ui->headless || ui->quit || uv_is_active((uv_handle_t *)&ui->frame_timer))
        return;
    uint64_t now = uv_now(ui->loop), due = loopstat_frame_ago(&ui->loopstat, 1) + UI_FRAME_MS;
    /* A second after the UI_FPS_PACED-th frame back, keys' own frames
     * (drawn at once) counted: a flood and a few keys a second together
     * stay within UI_FPS_MAX. */
    uint64_t oldest = loopstat_frame_ago(&ui->loopstat, UI_FPS_PACED);
    if (oldest && oldest + 1000 > due)
        due = oldest + 1000;
    ui_timer_start(ui, &ui->frame_timer, on_frame, due > now ? due - now : 0, 0);
}

/* ---- terminal ------------------------------------------------------------- */

static bool term_active;
/* --notify sets the window title; the one before is pushed on the
 * terminal's title stack (XTWINOPS 22) and popped (23) on every way out. */
static bool title_pushed;
#define TITLE_PUSH "\033[22;0t"
#define TITLE_POP "\033[23;0t"

static void term_restore(void)
{
    if (!term_active)
        return;
    term_active = false;
    session_quiet_logs(false);
    endwin();
    if (title_pushed)
        termout_write(TITLE_POP, strlen(TITLE_POP));
    title_pushed = false;
    termout_stop();
}

static void on_fatal_signal(int sig)
{
    term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A deliberate crash for the test that the terminal is restored after one:
 * SKVIEW_DEBUG_CRASH=MS raises SIGSEGV that many milliseconds after start. */
static void on_debug_crash(uv_timer_t *t)
{
    raise(SIGSEGV);
}

static void arm_debug_crash(ui_t *ui)
{
    const char *ms = getenv("SKVIEW_DEBUG_CRASH");
    if (ms && *ms)
        ui_timer_start(ui, &ui->crash_timer, on_debug_crash, strtoull(ms, NULL, 10), 0);
}

static void term_size(ui_t *ui)
{
    struct winsize ws;
    if (ioctl(termout_fd(), TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
        ui->rows = ws.ws_row;
        ui->cols = ws.ws_col;
    } else {
        getmaxyx(stdscr, ui->rows, ui->cols);
    }
}

/* Whether the terminal can address the cursor: without that (TERM=dumb)
 * curses draws nothing at all. */
static bool term_can_draw(void)
{
    const char *cup = tigetstr("cup");
    return cup && cup != (const char *)-1 && *cup;
}

/* The curses modes the viewer runs in, and the fatal signals that restore
 * the terminal before the program dies. */
static void term_modes(void)
{
    static const int fatal[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        signal(fatal[i], on_fatal_signal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    /* DOUBLE_CLICKED: two clicks read at once come as one (input.c). */
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
              BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

static int term_start(ui_t *ui)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "skview: the viewer needs a terminal (try --dump-screen)\n");
        return -1;
    }
    /* How long a lone Esc waits for the rest of a sequence: 25 ms, or
     * $ESCDELAY (ms) as curses programs take it (for a slow link). */
    const char *ed = getenv("ESCDELAY");
    set_escdelay(ed && atoi(ed) > 0 ? atoi(ed) : 25);
    termout_save();
    /* Ctrl-Z is ours (suspend()): curses' handler would leave the terminal
     * as we set it. libuv's handler replaces this one in start_handles(). */
    signal(SIGTSTP, SIG_IGN);
    if (!newterm(NULL, stdout, stdin)) {
        say_line("skview: cannot use terminal type '%s'", getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    term_active = true;
    session_quiet_logs(true);  /* gRPC's log lines would be drawn over the screen */
    atexit(term_restore);
    if (!term_can_draw()) {
        term_restore();
        say_line("skview: terminal type '%s' cannot move the cursor; the viewer needs "
                 "one that can (e.g. TERM=xterm-256color)", getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    term_modes();
    theme_apply(&ui->cfg.styles, theme_detect_mode());
    int rc = termout_start(ui->loop, on_drained, ui);
    if (rc) {
        term_restore();
        fprintf(stderr, "skview: cannot set up the terminal output: %s\n", uv_strerror(rc));
        return -1;
    }
    if (ui->notify) {
        termout_write(TITLE_PUSH, strlen(TITLE_PUSH));
        title_pushed = true;
    }
    term_size(ui);
    return 0;
}

/* ---- loop handles ------------------------------------------------------------ */

/* A key's answer is drawn at once, not at the next paced frame: a flood's
 * frames keep their pace (the next one is due a frame's time after this). */
static void read_keys(ui_t *ui)
{
    wint_t wc;
    int rc;
    bool redraw = false;
    while (!ui->quit && (rc = get_wch(&wc)) != ERR) {
        loopstat_key_read(&ui->loopstat);
        int key = rc == KEY_CODE_YES ? (int)(KEYS_FN | (int)wc) : (int)wc;
        int flags = input_key(ui, key);
        if (flags & UI_QUIT)
            ui->quit = true;
        else if (flags & UI_REDRAW)
            redraw = true;
    }
    if (redraw && !ui->quit && !ui->headless) {
        ui->requests++;
        uv_timer_stop(&ui->frame_timer);
        frame(ui);
    }
}

static void shutdown_ui(ui_t *ui);

static void on_input(uv_poll_t *p, int status, int events)
{
    ui_t *ui = p->data;
    read_keys(ui);
    if (ui->quit)
        shutdown_ui(ui);
}

/* Ctrl-Z: the terminal as the shell had it while stopped, then a full
 * redraw at the size of then. */
static void suspend(ui_t *ui)
{
    endwin();
    termout_suspend();
    raise(SIGSTOP);
    termout_resume();
    term_size(ui);
    resizeterm(ui->rows, ui->cols);
    clearok(curscr, TRUE);
    frame(ui);
}

static void on_signal(uv_signal_t *s, int sig)
{
    ui_t *ui = s->data;
    if (sig == SIGTSTP) {
        suspend(ui);
        return;
    }
    if (sig == SIGWINCH) {
        term_size(ui);
        resizeterm(ui->rows, ui->cols);
        frame(ui);
        return;
    }
    ui->exit_code = sig == SIGINT ? 130 : 128 + sig;
    ui->quit = true;
    shutdown_ui(ui);
}

static void on_closed(uv_handle_t *h)
{
}

/* How many of ui->signals were made (start_handles), so closed. */
static int n_signals;

static void close_handles(ui_t *ui)
{
    uv_close((uv_handle_t *)&ui->frame_timer, on_closed);
    uv_close((uv_handle_t *)&ui->anim_timer, on_closed);
    uv_close((uv_handle_t *)&ui->crash_timer, on_closed);
    uv_close((uv_handle_t *)&ui->msg_timer, on_closed);
    loopstat_close(&ui->loopstat);
    if (ui->input.data) { /* start_handles() ran */
        termout_close();
        uv_close((uv_handle_t *)&ui->input, on_closed);
        for (int i = 0; i < n_signals; i++)
            uv_close((uv_handle_t *)&ui->signals[i], on_closed);
    }
    session_close(&ui->session);
    bk_ui_close(ui);
}

static void on_sources_stopped(void *arg)
{
    close_handles(arg);
}

/* Restores the terminal first, then lets every handle close. */
static void shutdown_ui(ui_t *ui)
{
    static bool done;
    if (done)
        return;
    done = true;
    ui->quit = true;
    term_restore();
    uv_timer_stop(&ui->frame_timer);
    uv_timer_stop(&ui->anim_timer);
    uv_timer_stop(&ui->msg_timer);
    session_stop(&ui->session, on_sources_stopped, ui);
}

/* The keyboard and the signals. -1 with err filled when libuv refuses one;
 * what was made is closed by close_handles. */
static int start_handles(ui_t *ui, char *err, size_t errlen)
{
    static const int sigs[UI_SIGNALS] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP};
    int rc = uv_poll_init(ui->loop, &ui->input, STDIN_FILENO);
    if (rc < 0) {
        snprintf(err, errlen, "the terminal's input: %s", uv_strerror(rc));
        return -1;
    }
    ui->input.data = ui;
    if ((rc = uv_poll_start(&ui->input, UV_READABLE, on_input)) < 0) {
        snprintf(err, errlen, "the terminal's input: %s", uv_strerror(rc));
        return -1;
    }
    for (int i = 0; i < UI_SIGNALS; i++) {
        if ((rc = uv_signal_init(ui->loop, &ui->signals[i])) < 0 ||
            (n_signals++, ui->signals[i].data = ui, rc = uv_signal_start(&ui->signals[i], on_signal, sigs[i])) < 0) {
            snprintf(err, errlen, "signal %s: %s", strsignal(sigs[i]), uv_strerror(rc));
            return -1;
        }
    }
    return 0;
}

/* ---- setup shared by both commands ---------------------------------------- */

/* The session's hooks: a change asks for a frame, a message goes to the
 * status line. */
static void session_changed(void *ctx)
{
    ui_request_redraw(ctx);
}

static void session_message(void *ctx, bool error, const char *text)
{
    ui_message(ctx, error, "%s", text);
}

static int ui_init(ui_t *ui, const ui_opts_t *o, ui_source_t source)
{
    memset(ui, 0, sizeof *ui);
    the_ui = ui;
    setlocale(LC_ALL, "");
    ui->ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    ui->source = source;
    ui->health = -1;
    ui->headless = o->dump;
    dump_state_path = getenv("SKVIEW_DUMP_STATE");
    if (dump_state_path && !*dump_state_path)
        dump_state_path = NULL;
    sb_init(&ui->scratch);
    sb_init(&ui->popup);
    prompt_hist_init(&ui->prompt_hist);
    config_init(&ui->cfg);
    if (load_config(ui, o)) {
        config_free(&ui->cfg);
        sb_free(&ui->scratch);
        sb_free(&ui->popup);
        return EXIT_RUNTIME;
    }
    ui->notify = o->notify || ui->cfg.notify;
    for (int p = 0; p < PANE__COUNT; p++)
        view_init(&ui->views[p], (pane_id_t)p);
    if (o->focus && (ui->focus = pane_by_name(o->focus)) < 0)
        return usage_error("--focus: no pane '%s'", o->focus);
    ui->loop = xmalloc(sizeof *ui->loop);
    int rc = uv_loop_init(ui->loop);
    if (rc < 0) {
        fprintf(stderr, "skview: the event loop: %s\n", uv_strerror(rc));
        free(ui->loop);
        ui->loop = NULL;
        return EXIT_RUNTIME;
    }
    model_opts_t mo = {.history_cap = ui->cfg.history};
    session_hooks_t hooks = {.ctx = ui, .on_change = session_changed, .on_message = session_message};
    session_init(&ui->session, ui->loop, &mo, &hooks);
    ui->model = ui->session.model;
    /* uv_timer_init always returns 0 (it only fills the handle in). */
    (void)uv_timer_init(ui->loop, &ui->frame_timer);
    (void)uv_timer_init(ui->loop, &ui->anim_timer);
    (void)uv_timer_init(ui->loop, &ui->crash_timer);
    (void)uv_timer_init(ui->loop, &ui->msg_timer);
    ui->frame_timer.data = ui->anim_timer.data = ui->msg_timer.data = ui;
    msg_clock(ui);
    arm_debug_crash(ui);
    return 0;
}

static void ui_fini(ui_t *ui)
{
    uv_run(ui->loop, UV_RUN_DEFAULT);  /* until every handle closed */
    bk_ui_free(ui);
    int rc = uv_loop_close(ui->loop);
    if (rc < 0) /* a handle left open: our bug, said after the terminal is back */
        fprintf(stderr, "skview: the event loop: %s\n", uv_strerror(rc));
    free(ui->loop);
    for (int p = 0; p < PANE__COUNT; p++)
        view_free(&ui->views[p]);
    session_fini(&ui->session);
    ui->model = NULL;
    config_free(&ui->cfg);
    sb_free(&ui->scratch);
    sb_free(&ui->popup);
    const char *stats = getenv("SKVIEW_STATS");
    if (stats && *stats) {
        FILE *f = fopen(stats, "a");
        if (f) {
            fprintf(f, "frames %llu requests %llu\n", (unsigned long long)ui->frames,
                    (unsigned long long)ui->requests);
            fprintf(f, "getstate %llu auto %llu bytes %llu\n", (unsigned long long)ui->session.state_stats.state_calls,
                    (unsigned long long)ui->session.state_stats.auto_calls,
                    (unsigned long long)ui->session.state_stats.state_bytes);
            loopstat_print(&ui->loopstat, f);
            fclose(f);
        }
    }
}

static int run_interactive(ui_t *ui)
{
    if (term_start(ui)) {
        /* The source and its timers are running already: stop them so
         * that ui_fini's loop ends at once. */
        shutdown_ui(ui);
        return EXIT_RUNTIME;
    }
    char err[256];
    if (start_handles(ui, err, sizeof err)) {
        shutdown_ui(ui);  /* restores the terminal first */
        say_line("skview: %s", err);
        return EXIT_RUNTIME;
    }
    (void)loopstat_start(&ui->loopstat, ui->loop); /* unmeasured if refused */
    frame(ui);
    uv_run(ui->loop, UV_RUN_DEFAULT);
    term_restore();
    return ui->exit_code;
}

/* ---- live ----------------------------------------------------------------- */

static int start_recording(ui_t *ui, const char *path)
{
    char err[512];
    const char *note = NULL;
    if (session_record(&ui->session, path, &note, err, sizeof err)) {
        say_line("skview: %s", err);
        return -1;
    }
    if (note)
        ui_message(ui, false, "%s: %s", path, note);
    return 0;
}

/* BuildKit beside Skaffold, when asked for (ui/bk.h); its panes take the focus.
 * Returns 0, EXIT_USAGE for a bad option value, EXIT_RUNTIME when the ref
 * file cannot be read or the client cannot start (as `skview buildkit`). */
static int start_buildkit(ui_t *ui, const ui_opts_t *o)
{
    bk_ui_opts_t bo = {.addr = o->buildkit, .ref = o->ref, .ref_file = o->ref_file};
    if (!bk_ui_wanted(&bo))
        return 0;
    if (bk_ui_parse_tail(o->log_tail, &bo.tail_lines))
        return EXIT_USAGE;
    if (bk_ui_live(ui, &bo))
        return EXIT_RUNTIME;
    if (!o->focus)
        ui->focus = PANE_BUILD;
    return 0;
}

int ui_cmd_live(int argc, char **argv)
{
    ui_opts_t o;
    int rc = parse_opts(argc, argv, false, &o);
    if (rc)
        return rc == -2 ? EXIT_OK : rc;
    const char *addr = session_addr_resolve(o.addr);
    if (!addr)
        return EXIT_USAGE;
    ui_t ui;
    if ((rc = ui_init(&ui, &o, UI_SOURCE_LIVE)))
        return rc;
    if ((rc = start_buildkit(&ui, &o))) {
        close_handles(&ui);
        ui_fini(&ui);
        return rc;
    }
    if (o.record && start_recording(&ui, o.record)) {
        ui_fini(&ui);
        return EXIT_RUNTIME;
    }
    if (session_live_start(&ui.session, addr)) {
        say_line("skview: cannot start the client for %s", addr);
        ui_fini(&ui);
        return EXIT_RUNTIME;
    }
    rc = run_interactive(&ui);
    ui_fini(&ui);
    return rc;
}

/* ---- replay --------------------------------------------------------------- */

/* --at: BuildKit's or Skaffold's replay (session_io.h says how). */
static int seek_at(ui_t *ui, const char *at)
{
    return ui->bk ? bk_ui_replay_seek(ui, at) : session_replay_seek_at(&ui->session, at);
}

/* Presses the space-separated key names in keys, as a user would. */
static int press_keys(ui_t *ui, const char *keys)
{
    char buf[1024], *save = NULL;
    snprintf(buf, sizeof buf, "%s", keys);
    for (char *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
        int key = keys_parse(k);
        if (key < 0)
            return usage_error("--keys: unknown key '%s'", k);
        ui_render(ui); /* handlers read the layout of the frame on screen */
        input_key(ui, key);
    }
    return 0;
}

static int run_dump(ui_t *ui, const ui_opts_t *o)
{
    FILE *nul = fopen("/dev/null", "w+");
    use_env(FALSE);
    SCREEN *scr = nul ? newterm("xterm", nul, nul) : NULL;
    if (!scr) {
        fprintf(stderr, "skview: cannot set up a headless screen\n");
        if (nul)
            fclose(nul);
        return EXIT_RUNTIME;
    }
    resizeterm(o->rows, o->cols);
    ui->rows = o->rows;
    ui->cols = o->cols;
    theme_apply(&ui->cfg.styles, THEME_MONO);
    int rc = (o->at && seek_at(ui, o->at)) || (o->keys && press_keys(ui, o->keys)) ? EXIT_USAGE : 0;
    if (!rc) {
        ui_render(ui);
        rc = dump_screen(ui, stdout) ? EXIT_RUNTIME : EXIT_OK;
    }
    endwin();
    delscreen(scr);
    fclose(nul);
    return rc;
}

int ui_cmd_replay(int argc, char **argv)
{
    ui_opts_t o;
    int rc = parse_opts(argc, argv, true, &o);
    if (rc)
        return rc == -2 ? EXIT_OK : rc;
    ui_t ui;
    if ((rc = ui_init(&ui, &o, UI_SOURCE_REPLAY)))
        return rc;
    char err[512];
    unsigned tail = 0;
    if (bk_ui_parse_tail(o.log_tail, &tail)) {
        close_handles(&ui);
        ui_fini(&ui);
        return EXIT_USAGE;
    }
    /* A BuildKit build (rawjson, or a recording of a Status stream) plays in
     * the Build pane; anything else is a Skaffold log. Both read their file
     * several times: a pipe or FIFO is spooled first (session_io.h: session_spool). */
    bool spooled = session_spool(o.file, err, sizeof err) == 0;
    bool bk = spooled && bk_ui_is_file(o.file);
    bool opened = !spooled ? false : bk ? bk_ui_replay_open(&ui, o.file, o.speed, tail, err, sizeof err) == 0
                     : session_replay_open(&ui.session, o.file, o.speed, err, sizeof err) != NULL;
    if (!opened) {
        say_line("skview: %s", err);
        close_handles(&ui);
        ui_fini(&ui);
        return EXIT_RUNTIME;
    }
    if (o.dump) {
        rc = run_dump(&ui, &o);
        close_handles(&ui);
    } else {
        if (o.at && (rc = seek_at(&ui, o.at))) {
            close_handles(&ui);
            ui_fini(&ui);
            return rc;
        }
        if (bk) {
            bk_ui_replay_start(&ui, o.paused || o.at);
        } else {
            session_replay_start(&ui.session, o.paused || o.at);
        }
        rc = run_interactive(&ui);
    }
    ui_fini(&ui);
    return rc;
}
