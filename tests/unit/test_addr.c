/* Which addresses the header flags as plaintext to a non-loopback host.
 * (Checked without dialling: tests never send traffic off loopback.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "transport/addr.h"
#include "transport/client.h"

static void loopback_and_unix_are_local(void **state)
{
    (void)state;
    const char *local[] = {"127.0.0.1:50051", "127.1.2.3:9", "localhost:50051", "LOCALHOST:1",
                           "[::1]:50051", "ipv4:127.0.0.1:50051", "dns:///localhost:50051",
                           "unix:///run/skaffold.sock", "unix-abstract:skaffold"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        if (sk_addr_is_remote(local[i])) fail_msg("%s flagged as remote", local[i]);
    }
}

static void anything_else_is_remote(void **state)
{
    (void)state;
    const char *remote[] = {"10.0.0.5:50051", "192.168.1.2:50051", "skaffold.example.com:50051",
                            "[2001:db8::1]:50051", "dns:///build-box:50051", "127.example.com:1",
                            "1270.0.0.1:5"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++) {
        if (!sk_addr_is_remote(remote[i])) fail_msg("%s not flagged", remote[i]);
    }
}

/* Every accepted form, and the target it dials. */
static void addresses_are_normalised(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"127.0.0.1:50052", "127.0.0.1:50052"},
        {"localhost", "localhost:50051"},        /* gRPC alone would dial 443 */
        {"build-box", "build-box:50051"},
        {"::1", "[::1]:50051"},
        {"fe80::1", "[fe80::1]:50051"},
        {"[::1]", "[::1]:50051"},
        {"[::1]:1", "[::1]:1"},
        {"host:65535", "host:65535"},
        {"unix:/run/skaffold.sock", "unix:/run/skaffold.sock"},
        {"unix:///run/skaffold.sock", "unix:///run/skaffold.sock"},
        {"unix-abstract:skaffold", "unix-abstract:skaffold"},
        {"dns:///localhost", "dns:///localhost:50051"},
        {"dns:///localhost:7", "dns:///localhost:7"},
        {"ipv4:127.0.0.1:9", "ipv4:127.0.0.1:9"},
        {"ipv6:[::1]:9", "ipv6:[::1]:9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256], err[256] = "";
        if (sk_addr_parse(cases[i][0], out, sizeof out, err, sizeof err) != 0)
            fail_msg("%s rejected: %s", cases[i][0], err);
        if (strcmp(out, cases[i][1]))
            fail_msg("%s -> %s, expected %s", cases[i][0], out, cases[i][1]);
    }
}

/* What would dial a port the user did not mean, or none: rejected, saying why. */
static void bad_addresses_are_rejected(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"", "empty address"},
        {"127.0.0.1:99999", "invalid port '99999'"},   /* would wrap to 34463 */
        {"127.0.0.1:65536", "invalid port '65536'"},
        {"host:abc", "invalid port 'abc'"},
        {"host:0", "invalid port '0'"},
        {"host:", "invalid port ''"},
        {"host:-1", "invalid port '-1'"},
        {"host: 80", "invalid port ' 80'"},
        {":50051", "no host"},
        {"[]:1", "no host"},
        {"[::1]:x", "invalid port 'x'"},
        {"[::1", "'[' without ']'"},
        {"[::1]x", "unexpected 'x' after ']'"},
        {"::1:99999", "not an IPv6 address"},
        {"unix:", "no socket path"},
        {"unix:///", "no socket path"},
        {"dns:///h:99999", "invalid port"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256] = "", err[256] = "";
        if (sk_addr_parse(cases[i][0], out, sizeof out, err, sizeof err) == 0)
            fail_msg("'%s' accepted as %s", cases[i][0], out);
        if (!strstr(err, cases[i][1]))
            fail_msg("'%s': \"%s\" does not say \"%s\"", cases[i][0], err, cases[i][1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loopback_and_unix_are_local),
        cmocka_unit_test(anything_else_is_remote),
        cmocka_unit_test(addresses_are_normalised),
        cmocka_unit_test(bad_addresses_are_rejected),
    };
    return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
