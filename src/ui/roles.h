/* Colour roles: what a piece of text is, never which colour it has. Themes
 * (`color <role> <fg> <bg> [attrs]`) restyle roles; init_pair is called only
 * in theme.c. X(ID, "name", fg, bg, attrs, mono attrs)
 * Colours: -1 terminal default, 0-7 the ANSI colours (black red green yellow
 * blue magenta cyan white), 8-15 their bright forms, 16-255 the xterm cube.
 * The mono attributes are what a role looks like without colour (NO_COLOR,
 * monochrome terminals), so those still tell failures from successes. */
#ifndef SKVIEW_UI_ROLES_H
#define SKVIEW_UI_ROLES_H

enum theme_attr_bits {
    TA_BOLD = 1,
    TA_DIM = 2,
    TA_UNDERLINE = 4,
    TA_REVERSE = 8,
    TA_ITALIC = 16,
    TA_STANDOUT = 32,
};

#define UI_ROLES(X) \
    X(DEFAULT,        "default",        -1, -1, 0, 0) \
    X(HEADER,         "header",         15,  4, 0, TA_REVERSE) \
    X(HEADER_LABEL,   "header-label",   14,  4, 0, TA_REVERSE) \
    X(HEADER_VALUE,   "header-value",   15,  4, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(TITLE,          "title",           6, -1, TA_BOLD, TA_BOLD) \
    X(TITLE_FOCUS,    "title-focus",     0,  6, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(BORDER,         "border",          8, -1, 0, 0) \
    X(COLUMN,         "column",          8, -1, TA_UNDERLINE, TA_UNDERLINE) \
    X(CURSOR,         "cursor",          0,  6, 0, TA_REVERSE) \
    X(OK,             "ok",              2, -1, 0, 0) \
    X(RUNNING,        "running",         3, -1, TA_BOLD, TA_BOLD) \
    X(FAILED,         "failed",          1, -1, TA_BOLD, TA_BOLD | TA_UNDERLINE) \
    X(PENDING,        "pending",         8, -1, 0, TA_DIM) \
    X(INFO,           "info",            6, -1, 0, 0) \
    X(DIM,            "dim",             8, -1, TA_DIM, TA_DIM) \
    X(CODE,           "code",            5, -1, 0, 0) \
    X(SUGGESTION,     "suggestion",      2, -1, 0, 0) \
    X(KIND,           "kind",            6, -1, 0, 0) \
    X(TIME,           "time",            8, -1, 0, TA_DIM) \
    X(STATUS,         "status",          7,  0, 0, TA_REVERSE) \
    X(HINT_KEY,       "hint-key",       11,  0, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(MSG_OK,         "msg-ok",         10,  0, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(MSG_ERROR,      "msg-error",      15,  1, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(CONN_OK,        "conn-ok",        10,  4, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(CONN_BAD,       "conn-bad",       15,  1, TA_BOLD, TA_BOLD) \
    X(REPLAY,         "replay",         13,  4, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(AUTO_ON,        "auto-on",        10,  4, TA_BOLD, TA_REVERSE | TA_BOLD) \
    X(AUTO_OFF,       "auto-off",        7,  4, TA_DIM, TA_REVERSE) \
    X(BAR_BUILD,      "bar-build",       4, -1, 0, 0) \
    X(BAR_DEPLOY,     "bar-deploy",      5, -1, 0, 0) \
    X(BAR_STATUSCHECK, "bar-statuscheck", 6, -1, 0, 0) \
    X(BAR_SYNC,       "bar-sync",        3, -1, 0, 0) \
    X(BAR_TEST,       "bar-test",        2, -1, 0, 0) \
    X(SLOW,           "slow",           11, -1, TA_BOLD, TA_BOLD) \
    X(MATCH,          "match",          11, -1, TA_UNDERLINE, TA_UNDERLINE) \
    X(POPUP,          "popup",          -1, -1, 0, 0) \
    X(POPUP_BORDER,   "popup-border",    6, -1, TA_BOLD, TA_BOLD) \
    X(LOG_SKAFFOLD,   "log-skaffold",   12, -1, 0, TA_BOLD) \
    X(LOG_DEBUG,      "log-debug",       8, -1, 0, TA_DIM) \
    X(LOG_WARN,       "log-warn",        3, -1, 0, TA_BOLD) \
    X(LOG_ERROR,      "log-error",       1, -1, TA_BOLD, TA_BOLD | TA_UNDERLINE) \
    X(LOG_MATCH,      "log-match",       0, 11, 0, TA_REVERSE) \
    X(LOG_SELECT,     "log-select",      0, 14, 0, TA_REVERSE) \
    UI_ANSI_ROLES(X)

/* How the 16 colours of ANSI SGR sequences in log lines (30-37, 90-97 and
 * their backgrounds) look: role ANSI_n is colour n. A theme can move them
 * (a light theme darkens yellow and white); without colour, SGR colours
 * drop and their attributes (bold, underline, ...) stay. */
#define UI_ANSI_ROLES(X) \
    X(ANSI_0,  "ansi-black",          0, -1, 0, 0) \
    X(ANSI_1,  "ansi-red",            1, -1, 0, 0) \
    X(ANSI_2,  "ansi-green",          2, -1, 0, 0) \
    X(ANSI_3,  "ansi-yellow",         3, -1, 0, 0) \
    X(ANSI_4,  "ansi-blue",           4, -1, 0, 0) \
    X(ANSI_5,  "ansi-magenta",        5, -1, 0, 0) \
    X(ANSI_6,  "ansi-cyan",           6, -1, 0, 0) \
    X(ANSI_7,  "ansi-white",          7, -1, 0, 0) \
    X(ANSI_8,  "ansi-bright-black",   8, -1, 0, 0) \
    X(ANSI_9,  "ansi-bright-red",     9, -1, 0, 0) \
    X(ANSI_10, "ansi-bright-green",  10, -1, 0, 0) \
    X(ANSI_11, "ansi-bright-yellow", 11, -1, 0, 0) \
    X(ANSI_12, "ansi-bright-blue",   12, -1, 0, 0) \
    X(ANSI_13, "ansi-bright-magenta", 13, -1, 0, 0) \
    X(ANSI_14, "ansi-bright-cyan",   14, -1, 0, 0) \
    X(ANSI_15, "ansi-bright-white",  15, -1, 0, 0)

typedef enum role {
#define X(id, name, fg, bg, attrs, mono) ROLE_##id,
    UI_ROLES(X)
#undef X
    ROLE__COUNT
} role_t;

#endif
