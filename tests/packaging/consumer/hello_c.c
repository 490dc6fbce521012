/*
 * hello_c - a program outside the tree, built only from what is installed
 * (pkg-config libshm, or CMake's find_package(libshm)): one endpoint and one
 * channel to it in this process, one message sent and received.
 *
 *   hello_c kernel|host
 *
 * Prints "hello_c: <backend>: received '<message>' on /dev/rsmdev" and
 * exits 0 when the message came back intact; otherwise one line saying
 * which call failed and with which error, and exit 1.
 */
#include <libshm/shm.h>
#include <linux/rsmdev.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, long err) {
    fprintf(stderr, "hello_c: %s: %s\n", what, strerror((int)-err));
    return 1;
}

int main(int argc, char **argv) {
    const char msg[] = "one message through the installed libshm";
    const int kernel = argc > 1 && !strcmp(argv[1], "kernel");
    const uint64_t key = 0x6b67000000000000ULL | (uint64_t)getpid();
    struct shm_endpoint_attr eattr = {
        .backend = kernel ? SHM_BACKEND_KERNEL : SHM_BACKEND_HOST,
    };
    struct shm_connect_attr cattr = {
        .backend = eattr.backend,
        .timeout_ns = 1000000000,
    };
    struct shm_endpoint *ep;
    struct shm_channel *ch;
    struct shm_msg_info info;
    char buf[128];
    ssize_t n;
    int err;

    if (argc != 2 || (!kernel && strcmp(argv[1], "host"))) {
        fprintf(stderr, "usage: hello_c kernel|host\n");
        return 2;
    }
    err = shm_endpoint_create(key, &eattr, &ep);
    if (err)
        return fail("shm_endpoint_create", err);
    err = shm_channel_connect(SHM_NODE_LOCAL, key, &cattr, &ch);
    if (err)
        return fail("shm_channel_connect", err);
    err = shm_send(ch, msg, sizeof(msg), 0, 1000000000);
    if (err)
        return fail("shm_send", err);
    n = shm_recv(ep, buf, sizeof(buf), &info, 0, 1000000000);
    if (n < 0)
        return fail("shm_recv", n);
    if ((size_t)n != sizeof(msg) || memcmp(buf, msg, sizeof(msg))) {
        fprintf(stderr, "hello_c: received %zd bytes that are not the message sent\n", n);
        return 1;
    }
    shm_channel_close(ch);
    shm_endpoint_close(ep);
    printf("hello_c: %s: received '%s' on /dev/%s\n", argv[1], buf, RSMDEV_NAME);
    return 0;
}
