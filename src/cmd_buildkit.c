/* Placeholder until the BuildKit commands land. */
#include <stdio.h>
#include "cli.h"
int cmd_buildkit(int argc, char **argv) { fprintf(stderr, "skview: buildkit: not built yet\n"); return EXIT_RUNTIME; }
