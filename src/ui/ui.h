/* The interactive viewer. */
#ifndef SKVIEW_UI_H
#define SKVIEW_UI_H

#include <stdbool.h>
#include <stdio.h>

/* The viewer's options, one per line, from the table that parses them. */
void ui_print_options(FILE *f, bool replay);

/* `skview [OPTIONS]`: live on the Skaffold address (argv[0] is "skview"). */
int ui_cmd_live(int argc, char **argv);
/* `skview replay FILE [OPTIONS]` (argv[0] is "replay"). */
int ui_cmd_replay(int argc, char **argv);

#endif
