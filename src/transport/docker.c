/* Dialling Docker's BuildKit: the /grpc upgrade on the Docker socket; see
 * docker.h. Only the request line and the answer's status line are HTTP/1.1
 * here; what follows the 101 belongs to gRPC. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "transport/docker.h"

static const char upgrade_req[] = "POST /grpc HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\n"
                                  "Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n";

static int host_path(const char *host, char *path, size_t n, char *err, size_t errlen)
{
    if (!host || !*host) {
        snprintf(path, n, "%s", DOCKER_DEFAULT_SOCK);
        return 1;
    }
    if (strncmp(host, "unix://", 7) || !host[7]) {
        snprintf(err, errlen, "DOCKER_HOST=%s: --buildkit docker reaches Docker on a unix socket "
                 "(unix:///PATH); for another host, publish its socket or use docker://PATH", host);
        return -1;
    }
    snprintf(path, n, "%s", host + 7);
    return 1;
}

int docker_addr(const char *addr, char *path, size_t n, char *err, size_t errlen)
{
    if (!strcmp(addr, "docker"))
        return host_path(getenv("DOCKER_HOST"), path, n, err, errlen);
    if (strncmp(addr, "docker://", 9))
        return 0;
    if (!addr[9]) {
        snprintf(err, errlen, "%s: docker:// needs the socket's path (docker:///var/run/docker.sock)", addr);
        return -1;
    }
    snprintf(path, n, "%s", addr + 9);
    return 1;
}

static void connect_error(const char *path, int e, char *err, size_t errlen)
{
    if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
        snprintf(err, errlen, "no Docker daemon at %s (%s; is dockerd running? DOCKER_HOST or "
                 "docker://PATH names another socket)", path, strerror(e));
    else if (e == EACCES || e == EPERM)
        snprintf(err, errlen, "permission denied on %s (the user needs to be in the docker group, "
                 "or root)", path);
    else
        snprintf(err, errlen, "%s: %s", path, strerror(e));
}

static int connect_unix(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "%s: the socket's path is longer than %zu bytes", path, sizeof sa.sun_path - 1);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "%s: socket: %s", path, strerror(errno));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        connect_error(path, errno, err, errlen);
        close(fd);
        return -1;
    }
    return fd;
}

static long ms_left(const struct timespec *end)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* The answer's head, byte by byte up to the blank line: what follows is
 * HTTP/2 and belongs to gRPC. Returns its length, or -1 (errno-like cause in
 * *why: closed, timeout, too long). */
static int read_head(int fd, char *buf, size_t cap, const char **why)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += DOCKER_DIAL_TIMEOUT_MS / 1000;
    size_t len = 0;
    while (len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        long left = ms_left(&end);
        if (left <= 0 || poll(&p, 1, (int)left) == 0) {
            *why = "no answer within " DOCKER_DIAL_TIMEOUT_TEXT;
            return -1;
        }
        ssize_t r = read(fd, buf + len, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            *why = len ? "the connection closed in the middle of the answer" : "the connection closed without an answer";
            return -1;
        }
        buf[++len] = '\0';
        if (len >= 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4))
            return (int)len;
    }
    *why = "the answer's head is too long";
    return -1;
}

/* The first line, made printable (it came from the socket). */
static void status_line(const char *head, char *out, size_t n)
{
    size_t i = 0;
    for (; head[i] && head[i] != '\r' && head[i] != '\n' && i + 1 < n && i < 80; i++)
        out[i] = head[i] >= 0x20 && head[i] < 0x7f ? head[i] : '?';
    out[i] = '\0';
}

/* 0 when the head is a 101, else -1 with err saying what answered. */
static int check_head(const char *path, const char *head, char *err, size_t errlen)
{
    char line[96];
    status_line(head, line, sizeof line);
    int code = 0;
    if (strncmp(head, "HTTP/1.", 7) || sscanf(head + 8, " %3d", &code) != 1) {
        snprintf(err, errlen, "%s does not answer as a Docker daemon (it said '%s')", path, line);
        return -1;
    }
    if (code == 101)
        return 0;
    if (code == 404)
        snprintf(err, errlen, "the Docker daemon at %s has no BuildKit (POST /grpc: %s; Docker 18.09 or "
                 "later serves it)", path, line);
    else
        snprintf(err, errlen, "the Docker daemon at %s refused BuildKit's upgrade (POST /grpc: %s)", path, line);
    return -1;
}

static int upgrade(int fd, const char *path, char *err, size_t errlen)
{
    size_t off = 0, n = sizeof upgrade_req - 1;
    while (off < n) {
        ssize_t w = send(fd, upgrade_req + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "%s does not answer as a Docker daemon (%s)", path, strerror(errno));
            return -1;
        }
        off += (size_t)w;
    }
    char head[4096] = "";
    const char *why = "";
    if (read_head(fd, head, sizeof head, &why) < 0 && strncmp(head, "HTTP/1.", 7)) {
        char line[96];
        status_line(head, line, sizeof line);
        if (*line)
            snprintf(err, errlen, "%s does not answer as a Docker daemon (it said '%s')", path, line);
        else
            snprintf(err, errlen, "%s does not answer as a Docker daemon (%s)", path, why);
        return -1;
    }
    return check_head(path, head, err, errlen);
}

int docker_dial(const char *path, char *err, size_t errlen)
{
    int fd = connect_unix(path, err, errlen);
    if (fd < 0)
        return -1;
    if (upgrade(fd, path, err, errlen) != 0) {
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "%s: fcntl: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
