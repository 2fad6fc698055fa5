/* Docker's BuildKit addresses: which socket "docker" and "docker://PATH"
 * name, what $DOCKER_HOST may be, and the dial's sentences for a missing
 * daemon and for a socket that answers something other than Docker's 101
 * (a real unix socket in a temporary directory; a child process answers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "transport/bk_client.h"
#include "transport/docker.h"

static void docker_addresses(void **state)
{
    (void)state;
    char path[256], err[512];
    unsetenv("DOCKER_HOST");
    assert_int_equal(docker_addr("docker", path, sizeof path, err, sizeof err), 1);
    assert_string_equal(path, DOCKER_DEFAULT_SOCK);
    setenv("DOCKER_HOST", "unix:///tmp/d.sock", 1);
    assert_int_equal(docker_addr("docker", path, sizeof path, err, sizeof err), 1);
    assert_string_equal(path, "/tmp/d.sock");
    assert_int_equal(docker_addr("docker:///run/x.sock", path, sizeof path, err, sizeof err), 1);
    assert_string_equal(path, "/run/x.sock");
    assert_int_equal(docker_addr("unix:///run/buildkit/buildkitd.sock", path, sizeof path, err, sizeof err), 0);
    assert_int_equal(docker_addr("docker://", path, sizeof path, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs the socket's path"));
    setenv("DOCKER_HOST", "tcp://10.0.0.1:2375", 1);
    assert_int_equal(docker_addr("docker", path, sizeof path, err, sizeof err), -1);
    assert_non_null(strstr(err, "DOCKER_HOST=tcp://10.0.0.1:2375: --buildkit docker reaches Docker on a unix socket"));
    /* bk_target refuses it the same way, and keeps the other schemes. */
    assert_int_equal(bk_target("docker", path, sizeof path, err, sizeof err), -1);
    assert_int_equal(bk_target("ssh://host", path, sizeof path, err, sizeof err), -1);
    assert_non_null(strstr(err, "use unix://, tcp:// or docker://"));
    unsetenv("DOCKER_HOST");
}

/* A server on a fresh socket that answers one connection with `answer`. */
static pid_t serve_once(const char *path, const char *answer)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(s, 1), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int c = accept(s, NULL, NULL);
        char buf[512];
        if (c >= 0 && read(c, buf, sizeof buf) > 0 && write(c, answer, strlen(answer)) < 0)
            _exit(1);
        _exit(0);
    }
    close(s);
    return pid;
}

static void dial_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/skview-dock.XXXXXX", path[300], err[768];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/none.sock", dir);
    assert_int_equal(docker_dial(path, err, sizeof err), -1);
    assert_non_null(strstr(err, "no Docker daemon at "));
    static const char *const cases[][2] = {
        {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "has no BuildKit (POST /grpc: HTTP/1.1 404 Not Found;"},
        {"HTTP/1.1 500 Internal Server Error\r\n\r\n", "refused BuildKit's upgrade (POST /grpc: HTTP/1.1 500"},
        {"SSH-2.0-OpenSSH\r\n", "does not answer as a Docker daemon (it said 'SSH-2.0-OpenSSH')"},
        {"", "does not answer as a Docker daemon (the connection closed without an answer)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, "%s/s%zu.sock", dir, i);
        pid_t pid = serve_once(path, cases[i][0]);
        assert_int_equal(docker_dial(path, err, sizeof err), -1);
        if (!strstr(err, cases[i][1]))
            fail_msg("answer %zu: %s", i, err);
        waitpid(pid, NULL, 0);
        unlink(path);
    }
    /* 101: the descriptor is handed over, ready for HTTP/2. */
    snprintf(path, sizeof path, "%s/ok.sock", dir);
    pid_t pid = serve_once(path, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
    int fd = docker_dial(path, err, sizeof err);
    assert_true(fd >= 0);
    close(fd);
    waitpid(pid, NULL, 0);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docker_addresses),
        cmocka_unit_test(dial_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
