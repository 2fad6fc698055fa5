/* The v2 control calls (Skaffold 2.x's server/v2/endpoints.go): Execute
 * resets the v2 State of the phases asked for, Auto* set the v2 State's
 * autoTrigger (ALREADY_EXISTS when unchanged; true also resets build or
 * deploy), Handle logs the event as the server's own. None of them triggers
 * anything: Skaffold gives the v2 server no-op callbacks, so steering goes
 * through v1. A TriggerRequest without `enabled` reads as false (Go's
 * GetEnabled()), unlike v1's INVALID_ARGUMENT. */
#include <stdio.h>
#include <string.h>
#include "core/pbjson.h"
#include "sim/sim_int.h"

void sim_v2_execute(grpc_byte_buffer *bb, sim_answer_t *a)
{
    Proto__V2__UserIntentRequest *req =
        (Proto__V2__UserIntentRequest *)sim_payload_unpack(bb, &proto__v2__user_intent_request__descriptor);
    if (!req) {
        sim_answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode UserIntentRequest");
        return;
    }
    const Proto__V2__Intent *in = req->intent;
    bool b = in && in->build, s = in && in->sync, d = in && in->deploy;
    char line[160];
    snprintf(line, sizeof line, "{\"method\":\"v2.Execute\",\"build\":%s,\"sync\":%s,\"deploy\":%s}",
             b ? "true" : "false", s ? "true" : "false", d ? "true" : "false");
    sim_log_call(line);
    pthread_mutex_lock(&sim.mu);
    if (b)
        sim_state2_reset_build();
    if (d)
        sim_state2_reset_deploy();
    pthread_mutex_unlock(&sim.mu);
    protobuf_c_message_free_unpacked(&req->base, NULL);
}

static protobuf_c_boolean *trigger_of(int which)
{
    Proto__V2__State *s = sim.state2;
    return which == 0 ? &s->buildstate->autotrigger : which == 1 ? &s->filesyncstate->autotrigger
                                                                 : &s->deploystate->autotrigger;
}

void sim_v2_auto(int which, grpc_byte_buffer *bb, sim_answer_t *a)
{
    static const char *const names[] = {"v2.AutoBuild", "v2.AutoSync", "v2.AutoDeploy"};
    static const char *const phases[] = {"Build", "Sync", "Deploy"};
    Proto__V2__TriggerRequest *req =
        (Proto__V2__TriggerRequest *)sim_payload_unpack(bb, &proto__v2__trigger_request__descriptor);
    if (!req) {
        sim_answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode TriggerRequest");
        return;
    }
    bool present = req->state && req->state->val_case == PROTO__V2__TRIGGER_STATE__VAL_ENABLED;
    bool enabled = present && req->state->enabled;
    protobuf_c_message_free_unpacked(&req->base, NULL);
    char line[128];
    snprintf(line, sizeof line, "{\"method\":\"%s\",\"enabled_present\":%s,\"enabled\":%s}", names[which],
             present ? "true" : "false", enabled ? "true" : "false");
    sim_log_call(line);
    pthread_mutex_lock(&sim.mu);
    if (!sim.state2) {
        pthread_mutex_unlock(&sim.mu);
        return;
    }
    protobuf_c_boolean *flag = trigger_of(which);
    if ((bool)*flag == enabled) {
        pthread_mutex_unlock(&sim.mu);
        snprintf(a->msg, sizeof a->msg, "auto %s is already set to %s", phases[which], enabled ? "true" : "false");
        a->code = GRPC_STATUS_ALREADY_EXISTS;
        return;
    }
    *flag = enabled;
    if (enabled && which == 0)
        sim_state2_reset_build();
    else if (enabled && which == 2)
        sim_state2_reset_deploy();
    pthread_mutex_unlock(&sim.mu);
}

void sim_v2_handle(grpc_byte_buffer *bb, sim_answer_t *a)
{
    Proto__V2__Event *ev = (Proto__V2__Event *)sim_payload_unpack(bb, &proto__v2__event__descriptor);
    if (!ev) {
        sim_answer_error(a, GRPC_STATUS_INVALID_ARGUMENT, "cannot decode Event");
        return;
    }
    strbuf_t sb;
    sb_init(&sb);
    sb_adds(&sb, "{\"method\":\"v2.Handle\",\"event\":");
    sim_v2_json(&sb, ev);
    sb_addc(&sb, '}');
    sim_log_call(sb.data);
    sb_free(&sb);
    /* The server stamps it (handle sets the timestamp). */
    sim_v2_emit(ev, 0);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}
