/* Which addresses the header flags as plaintext to a non-loopback host.
 * (Checked without dialling: tests never send traffic off loopback.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "live/client.h"

static void loopback_and_unix_are_local(void **state)
{
    (void)state;
    const char *local[] = {"127.0.0.1:50051", "127.1.2.3:9", "localhost:50051", "LOCALHOST:1",
                           "[::1]:50051", "ipv4:127.0.0.1:50051", "dns:///localhost:50051",
                           "unix:///run/skaffold.sock", "unix-abstract:skaffold"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        if (live_addr_is_remote(local[i])) fail_msg("%s flagged as remote", local[i]);
    }
}

static void anything_else_is_remote(void **state)
{
    (void)state;
    const char *remote[] = {"10.0.0.5:50051", "192.168.1.2:50051", "skaffold.example.com:50051",
                            "[2001:db8::1]:50051", "dns:///build-box:50051", "127.example.com:1",
                            "1270.0.0.1:5"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        if (!live_addr_is_remote(remote[i])) fail_msg("%s not flagged", remote[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loopback_and_unix_are_local),
        cmocka_unit_test(anything_else_is_remote),
    };
    return cmocka_run_group_tests_name("live_addr", tests, NULL, NULL);
}
