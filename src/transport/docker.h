/* Docker's BuildKit: the Control API inside dockerd, reached the way buildx's
 * "docker" driver reaches it. A connection to the Docker socket asks
 * `POST /grpc HTTP/1.1` with `Connection: Upgrade`, `Upgrade: h2c`; dockerd
 * answers 101 and from then on the connection speaks gRPC (HTTP/2 with prior
 * knowledge). The engine runs a channel over that descriptor
 * (eng_new_dialed); a lost connection needs a new upgrade and a new channel.
 *
 * Addresses: "docker" is the daemon named by $DOCKER_HOST (unix:// only),
 * else DOCKER_DEFAULT_SOCK; "docker://PATH" names a socket. Only unix sockets:
 * tcp:// and ssh:// Docker hosts are refused with a sentence saying so.
 *
 * Errors name the socket and say what is wrong in the user's terms: no
 * daemon there, permission denied (the docker group), a Docker daemon
 * without BuildKit (no /grpc: Docker 18.09+ is needed), a socket that does
 * not answer as Docker. The dial blocks its caller for at most
 * DOCKER_DIAL_TIMEOUT_MS (a local socket answers in microseconds); the
 * engine runs it on libuv's thread pool, so the viewer's loop never waits. */
#ifndef SKVIEW_DOCKER_H
#define SKVIEW_DOCKER_H

#include <stddef.h>

#define DOCKER_DEFAULT_SOCK "/var/run/docker.sock"
#define DOCKER_DIAL_TIMEOUT_MS 5000
#define DOCKER_DIAL_TIMEOUT_TEXT "5 s"

/* 1 with the socket's path in path when addr names Docker's BuildKit, 0 when
 * it is another kind of address, -1 with err filled when it names Docker
 * but cannot be used (an empty path, a DOCKER_HOST that is not unix://). */
int docker_addr(const char *addr, char *path, size_t n, char *err, size_t errlen);

/* A connected descriptor speaking gRPC to dockerd's BuildKit, or -1 with err
 * saying why (see above). The caller owns the descriptor. */
int docker_dial(const char *path, char *err, size_t errlen);

#endif
