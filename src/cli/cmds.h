/* Headless commands that talk to a live server (src/cli/cmds.c). */
#ifndef SKVIEW_CMDS_H
#define SKVIEW_CMDS_H

#include <stdbool.h>
#include <stdint.h>

/* skview ctl [-a ADDR] build|sync|deploy|auto-build|auto-sync|auto-deploy on|off|state|emit JSON */
int cmd_ctl(int argc, char **argv);
/* skview record -a ADDR -o FILE */
int cmd_record(int argc, char **argv);
/* skview events -a ADDR [--json] [--follow] [--quiet MS]: the live stream
 * on stdout. Without follow, exits once the history has been delivered
 * (session.h, until_history: quiet_ms of quiet, then GetState agreeing;
 * 0 = the default). */
int events_live(const char *addr, bool json, bool follow, uint32_t quiet_ms);
/* skview state -a ADDR: skview's own live mirror (the stream folded and
 * reconciled with GetState), printed as `skview state FILE` prints a fold,
 * once the stream has been quiet. Exit 1 naming the address, the RPC and the
 * status when the server cannot be reached. */
int state_live(const char *addr, uint32_t quiet_ms);

#endif
