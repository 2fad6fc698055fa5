/* Address helpers of the Skaffold client: the one check of user-given addresses
 * (see addr.h), and is a target loopback or remote? */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "transport/addr.h"
#include "core/common.h"
#include "core/strbuf.h"
#include "core/textsafe.h"
#include "transport/client.h"

/* A port: 1 to 65535 in decimal digits only. */
static bool port_ok(const char *p, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return false;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

static int bad(char *err, size_t errlen, const char *fmt, const char *part, size_t n)
{
    snprintf(err, errlen, fmt, (int)n, part);
    return -1;
}

/* HOST[:PORT] or [V6][:PORT] after any scheme; the port is added when missing. */
static int host_port(const char *scheme, const char *p, char *out, size_t outlen, char *err, size_t errlen)
{
    const char *port = NULL;
    size_t hostlen;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        if (!end)
            return bad(err, errlen, "%.*s'[' without ']'", "", 0);
        hostlen = (size_t)(end + 1 - p);
        if (end[1] == ':')
            port = end + 2;
        else if (end[1])
            return bad(err, errlen, "unexpected '%.*s' after ']'", end + 1, strlen(end + 1));
    } else {
        const char *colon = strrchr(p, ':');
        if (colon && strchr(p, ':') != colon) { /* several colons: a bare IPv6 address */
            struct in6_addr a6;
            if (inet_pton(AF_INET6, p, &a6) != 1)
                return bad(err, errlen, "not an IPv6 address: %.*s (with a port it needs brackets: [ADDRESS]:PORT)", p, strlen(p));
            snprintf(out, outlen, "%s[%s]:%d", scheme, p, SK_ADDR_DEFAULT_PORT);
            return 0;
        }
        hostlen = colon ? (size_t)(colon - p) : strlen(p);
        port = colon ? colon + 1 : NULL;
    }
    if (hostlen == 0 || (hostlen == 2 && *p == '['))
        return bad(err, errlen, "no host%.*s", "", 0);
    if (port && !port_ok(port, strlen(port)))
        return bad(err, errlen, "invalid port '%.*s' (1-65535)", port, strlen(port));
    if (port)
        snprintf(out, outlen, "%s%s", scheme, p);
    else
        snprintf(out, outlen, "%s%.*s:%d", scheme, (int)hostlen, p, SK_ADDR_DEFAULT_PORT);
    return 0;
}

int sk_addr_parse(const char *addr, char *out, size_t outlen, char *err, size_t errlen)
{
    static const char *const pass[] = {"unix:", "unix-abstract:"};
    static const char *const schemes[] = {"dns:///", "dns:", "ipv4:", "ipv6:"};
    if (!addr || !*addr) {
        snprintf(err, errlen, "empty address");
        return -1;
    }
    for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
        size_t n = strlen(pass[i]);
        if (!strncmp(addr, pass[i], n)) {
            if (!addr[n] || !strcmp(addr + n, "//") || !strcmp(addr + n, "///"))
                return bad(err, errlen, "no socket path after '%.*s'", pass[i], n);
            snprintf(out, outlen, "%s", addr);
            return 0;
        }
    }
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i]);
        if (!strncmp(addr, schemes[i], n)) {
            char scheme[16];
            snprintf(scheme, sizeof scheme, "%s", schemes[i]);
            return host_port(scheme, addr + n, out, outlen, err, errlen);
        }
    }
    return host_port("", addr, out, outlen, err, errlen);
}

/* Copies the host part of a gRPC target ("dns:///h:p", "ipv4:h:p", "h:p",
 * "[v6]:p") into host. */
static void addr_host(const char *addr, char *host, size_t n)
{
    const char *p = addr;
    if (!strncmp(p, "dns:///", 7))
        p += 7;
    else if (!strncmp(p, "dns:", 4) || !strncmp(p, "ipv4:", 5) || !strncmp(p, "ipv6:", 5))
        p = strchr(p, ':') + 1;
    size_t len;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        p++;
        len = end ? (size_t)(end - p) : strlen(p);
    } else {
        const char *colon = strrchr(p, ':');
        /* Several colons without brackets: a bare IPv6 address. */
        len = colon && strchr(p, ':') == colon ? (size_t)(colon - p) : strlen(p);
    }
    if (len >= n)
        len = n - 1;
    memcpy(host, p, len);
    host[len] = '\0';
}

bool sk_addr_is_remote(const char *addr)
{
    if (!addr || !strncmp(addr, "unix:", 5) || !strncmp(addr, "unix-abstract:", 14))
        return false;
    char host[256];
    addr_host(addr, host, sizeof host);
    if (!*host || !strcasecmp(host, "localhost") || !strcasecmp(host, "localhost.") ||
        !strcmp(host, "::1") || !strcmp(host, "0:0:0:0:0:0:0:1"))
        return false;
    /* The whole 127.0.0.0/8 block is loopback. */
    if (!strncmp(host, "127.", 4) && isdigit((unsigned char)host[4]))
        return false;
    return true;
}

const char *addr_resolve(const char *given)
{
    static char addr[1024];
    char err[256];
    const char *env = getenv("SKVIEW_ADDR");
    const char *from = given ? "-a" : env ? "$SKVIEW_ADDR" : NULL;
    const char *a = given ? given : env ? env : SKVIEW_DEFAULT_ADDR;
    if (sk_addr_parse(a, addr, sizeof addr, err, sizeof err) == 0)
        return addr;
    strbuf_t safe;
    sb_init(&safe);
    textsafe(&safe, a, strlen(a), 0, 0);
    usage_error("%s '%s': %s", from ? from : "address", safe.data ? safe.data : "", err);
    sb_free(&safe);
    return NULL;
}
