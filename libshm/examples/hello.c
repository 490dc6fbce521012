/*
 * hello - one receiver, one sender, one process each (fork), host backend:
 * the sender sends "hello" and a zero-copy message; the receiver prints
 * them. Run it with the kernel backend with "hello kernel" (needs
 * /dev/rsmdev).
 */
#include <libshm/shm.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY 0x68656c6c6f2121ULL

static int die(const char *what, int err) {
    fprintf(stderr, "hello: %s: %s\n", what, strerror(-err));
    return 1;
}

static int sender(enum shm_backend backend) {
    struct shm_connect_attr attr = {.backend = backend, .timeout_ns = 1000000000};
    struct shm_channel *ch;
    struct shm_reservation res;
    int err;

    err = shm_channel_connect(SHM_NODE_LOCAL, KEY, &attr, &ch);
    if (err)
        return die("connect", err);
    err = shm_send(ch, "hello", 5, 0, SHM_WAIT_FOREVER);
    if (err)
        return die("send", err);
    /* zero-copy: write straight into the partitions */
    err = shm_reserve(ch, 64, &res, SHM_WAIT_FOREVER);
    if (err)
        return die("reserve", err);
    int len = snprintf(res.data, res.cap, "written in place, %u B partitions", res.part_size);
    err = shm_commit(ch, &res, (size_t)len, 0);
    if (err)
        return die("commit", err);
    shm_channel_close(ch);
    return 0;
}

int main(int argc, char **argv) {
    enum shm_backend backend =
        argc > 1 && !strcmp(argv[1], "kernel") ? SHM_BACKEND_KERNEL : SHM_BACKEND_HOST;
    struct shm_endpoint_attr attr = {.backend = backend};
    struct shm_endpoint *ep;
    struct shm_msg_info info;
    struct shm_view view;
    char buf[64];
    int status, err;
    ssize_t n;
    pid_t pid;

    err = shm_endpoint_create(KEY, &attr, &ep);
    if (err)
        return die("endpoint", err);
    pid = fork();
    if (pid == 0)
        _exit(sender(backend));

    n = shm_recv(ep, buf, sizeof(buf), &info, 0, SHM_WAIT_FOREVER);
    if (n < 0)
        return die("recv", (int)n);
    printf("%.*s (channel %u, seq %llu, group %u)\n", (int)n, buf, info.channel,
           (unsigned long long)info.seq, info.group);
    err = shm_recv_view(ep, &view, SHM_WAIT_FOREVER);
    if (err)
        return die("recv_view", err);
    printf("%.*s\n", (int)view.len, (const char *)view.data);
    shm_release(ep, &view, 0);

    waitpid(pid, &status, 0);
    shm_endpoint_close(ep);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
