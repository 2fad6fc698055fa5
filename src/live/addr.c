/* Address helpers of the live client: is a target loopback or remote? */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include "live/client.h"

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

bool live_addr_is_remote(const char *addr)
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
