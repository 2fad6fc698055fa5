/* The one check of every address the user gives for Skaffold's API (-a /
 * --addr of the viewer, ctl, events, record, and $SKVIEW_ADDR).
 *
 * Accepted, and normalised into the gRPC target that is dialled:
 *   HOST:PORT, [IPV6]:PORT     as given (PORT 1-65535, decimal)
 *   HOST, [IPV6]               HOST:50051 (Skaffold's conventional --rpc-port;
 *                              gRPC itself would dial 443)
 *   IPV6 (bare, e.g. ::1)      [IPV6]:50051
 *   unix:PATH, unix:///PATH, unix-abstract:NAME   as given (non-empty)
 *   dns:, dns:///, ipv4:, ipv6: targets           as given, port checked
 * Rejected (a usage error naming the address): an empty address, a port out
 * of range or not a number (99999 would otherwise wrap to another port),
 * an empty host, a bare IPv6 address with what looks like a port. */
#ifndef SKVIEW_ADDR_H
#define SKVIEW_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define SK_ADDR_DEFAULT_PORT 50051

/* Normalises addr into out. Returns 0, or -1 with err saying what is wrong
 * (without the address: the caller names it and where it came from). */
int sk_addr_parse(const char *addr, char *out, size_t outlen, char *err, size_t errlen);

/* The address to dial: the given one (-a, even when empty), else
 * $SKVIEW_ADDR (when set), else SKVIEW_DEFAULT_ADDR; checked and normalised
 * by sk_addr_parse ("localhost" dials localhost:50051). NULL after a usage
 * error naming the address: the caller exits EXIT_USAGE. The string is valid
 * until the next call. */
const char *addr_resolve(const char *given);

#endif
