/* The interactive viewer. */
#ifndef SKVIEW_UI_H
#define SKVIEW_UI_H

/* `skview [OPTIONS]`: live on the Skaffold address (argv[0] is "skview"). */
int ui_cmd_live(int argc, char **argv);
/* `skview replay FILE [OPTIONS]` (argv[0] is "replay"). */
int ui_cmd_replay(int argc, char **argv);

#endif
