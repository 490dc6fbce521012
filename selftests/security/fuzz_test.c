// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl and mmap fuzzer of /dev/rsmdev.
 *
 * Several worker processes (some root, some ordinary users in a shared
 * group), each with several threads, call every ioctl of the device with
 * arguments built from their own handles, other processes' handles (a
 * board in shared memory), stale handles and random or edge values, with
 * mutated bits and bad pointers; they map segments and imports at random
 * offsets, lengths, protections and flags and then touch, split, move,
 * reprotect and advise the mappings; they churn their descriptors (closed,
 * reopened read-only, dup'ed, reused as /dev/null or a pipe), fork children
 * that use the inherited files and mappings, read sysfs, poll, and (root)
 * change the limits. A signal from each worker's main thread interrupts
 * waits at random. The driver SIGKILLs a random worker every few seconds
 * and starts a new one, so files are released at random points.
 *
 * Every result is held to Documentation/rsmdev.rst (fuzz_ioctl.h,
 * fuzz_mmap.h say which promises); a broken one is a violation and fails
 * the run. Afterwards every counter in /sys/kernel/rsm/stats is back at its
 * baseline, the segment memory vmalloc'ed by the module is all given back,
 * the limits are as they were, the kernel log gained no warning, report or
 * oops, and ordinary use of the device still works. The run prints the
 * call count and a table of results per command.
 *
 * Seeded and bounded: every random choice comes from the seed (printed
 * first; --seed replays it), the run ends after --seconds or --calls,
 * whichever comes first. Replaying a seed replays each thread's choices;
 * how threads and processes interleave is up to the scheduler, as in any
 * concurrent fuzzer. --long runs for an hour.
 *
 *   fuzz_test [--seed N] [--seconds S] [--calls N] [--procs N]
 *             [--threads N] [--long]
 */
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "fuzz_mmap.h"
#include "kselftest_harness.h"

#define FZ_SEGS_LIMIT		48
#define FZ_BYTES_USER		(24ULL << 20)
#define FZ_BYTES_TOTAL		(64ULL << 20)
#define FZ_KILL_MIN_MS		700
#define FZ_KILL_MAX_MS		3000
#define FZ_STOP_LIMIT_MS	30000

static struct fz_opts fz_opts = {
	.seconds = 60,
	.max_calls = 100000000ULL,
	.procs = 4,
	.threads = 3,
};

/* -- the smaller operations ---------------------------------------------- */

static const char *const fz_seg_attrs[] = {
	"part_size", "part_count", "span", "size", "interconnect", "node_id",
	"key", "uid", "gid", "mode", "state", "generation", "importers",
	"signals", "messages", "bytes",
};
static const char *const fz_group_attrs[] = {
	"seg_id", "node_id", "part_size", "part_count", "channel_id", "state",
	"messages", "bytes",
};
static const char *const fz_chan_attrs[] = {
	"node_id", "key", "slot", "seg_id", "groups", "state",
};

#define FZ_PICK(r, a)	((a)[sec_below(r, sizeof(a) / sizeof(*(a)))])

/* sysfs entries come and go under the reader */
static void fz_op_sysfs(struct fz_thread *t)
{
	struct fz_board *b = &t->sh->board;
	struct sec_rng *r = &t->rng;
	char path[128], buf[64];
	const char *dir, *attr;
	uint32_t id;

	switch (sec_below(r, 4)) {
	case 0:
		dir = "groups";
		id = FZ_ID(fz_pick(b->groups, r));
		attr = FZ_PICK(r, fz_group_attrs);
		break;
	case 1:
		dir = "channels";
		id = FZ_ID(fz_pick(b->channels, r));
		attr = FZ_PICK(r, fz_chan_attrs);
		break;
	default:
		dir = "segments";
		id = FZ_ID(fz_pick(b->segs, r));
		attr = FZ_PICK(r, fz_seg_attrs);
	}
	snprintf(path, sizeof(path), RSM_SYSFS "/%s/%u/%s", dir, id, attr);
	if (!rsm_read_file(path, buf, sizeof(buf)) && !strcmp(attr, "state") &&
	    strcmp(buf, "created") && strcmp(buf, "published") &&
	    strcmp(buf, "revoked") && strcmp(buf, "destroyed") &&
	    strcmp(buf, "active") && strcmp(buf, "open"))
		fz_violation(t->sh, "%s reads \"%s\"", path, buf);
	atomic_fetch_add_explicit(&t->sh->sysfs_reads, 1, memory_order_relaxed);
}

static void fz_op_poll(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;
	unsigned int slot = sec_below(r, FZ_FDS);
	struct fz_fd fd = fz_fd_get(t->p, slot);
	struct pollfd pf = { .fd = fd.fd, .events = POLLIN | POLLPRI | POLLOUT };
	const short ok = POLLIN | POLLRDNORM | POLLPRI;

	if (poll(&pf, 1, (int)sec_below(r, 3)) > 0 && fz_is_rsm(&fd) &&
	    fz_fd_same(t->p, slot, &fd) && (pf.revents & ~ok))
		fz_violation(t->sh, "poll of the device: revents %#x",
			     pf.revents);
}

/* root lowers and raises the limits while everyone creates */
static void fz_op_limits(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;

	if (!t->p->admin)
		return;
	if (sec_chance(r, 50))
		sec_param_set(SEC_SEGS, sec_chance(r, 50) ? FZ_SEGS_LIMIT :
					1 + sec_below(r, FZ_SEGS_LIMIT));
	else
		sec_param_set(SEC_BYTES_USER, sec_chance(r, 50) ? FZ_BYTES_USER :
					      sec_below(r, FZ_BYTES_USER));
}

/*
 * A child shares the worker's files and inherits its mappings: it touches
 * them, calls on the files, and exits or is killed at a random point. It
 * must neither crash nor hang. Only async-signal-safe calls in the child:
 * the worker has other threads.
 */
static void fz_op_fork(struct fz_thread *t)
{
	struct sec_rng *r = &t->rng;
	struct fz_fd fds[FZ_FDS];
	struct fz_obj imp, seg;
	unsigned int i;
	int status, ms;
	pid_t pid;

	for (i = 0; i < FZ_FDS; i++)
		fds[i] = fz_fd_get(t->p, i);
	fz_pool_get(t->p, FZ_IMPORTS, r, &imp);
	fz_pool_get(t->p, FZ_SEGS, r, &seg);
	atomic_fetch_add_explicit(&t->sh->forks, 1, memory_order_relaxed);
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		for (i = 0; i < 8; i++) {
			struct fz_map *m = &t->maps[sec_below(r, FZ_MAPS)];
			int fd = fds[sec_below(r, FZ_FDS)].fd;
			struct rsm_wait w = { .timeout_ns = 0 };

			if (m < t->maps + t->nmaps && !m->dontfork)
				fz_touch(t, m);
			rsm_signal(fd, imp.id, 0);
			rsm_wait(fd, 0, sec_chance(r, 50) ? seg.id : 0, &w);
			if (sec_chance(r, 10))
				rsm_destroy(fd, seg.id);
			if (sec_chance(r, 10))
				rsm_handle_op(fd, RSM_IOC_UNIMPORT, imp.id);
		}
		_exit(0);
	}
	if (sec_chance(r, 30)) {
		usleep(sec_below(r, 2000));
		kill(pid, SIGKILL);
	}
	for (ms = 0; waitpid(pid, &status, WNOHANG) != pid; ms++) {
		if (ms == 10000) {
			fz_violation(t->sh, "a fork child did not end within 10 s");
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return;
		}
		usleep(1000);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		fz_violation(t->sh, "a fork child died of signal %d",
			     WTERMSIG(status));
}

/* -- a worker ------------------------------------------------------------ */

static void fz_op(struct fz_thread *t)
{
	unsigned int roll = sec_below(&t->rng, 1000), kind;
	long long t0 = rsm_now_ns();

	if (roll < 580)
		fz_op_ioctl(t), kind = FZ_KIND_IOCTL;
	else if (roll < 720)
		fz_op_mmap(t), kind = FZ_KIND_MMAP;
	else if (roll < 900)
		fz_op_mapping(t), kind = FZ_KIND_MAPPING;
	else if (roll < 915)
		fz_fd_churn(t->p, &t->rng), kind = FZ_KIND_CHURN;
	else if (roll < 950)
		fz_op_poll(t), kind = FZ_KIND_POLL;
	else if (roll < 990)
		fz_op_sysfs(t), kind = FZ_KIND_SYSFS;
	else if (roll < 995)
		fz_op_fork(t), kind = FZ_KIND_FORK;
	else
		fz_op_limits(t), kind = FZ_KIND_LIMITS;
	atomic_fetch_add_explicit(&t->sh->kind_ns[kind], rsm_now_ns() - t0,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&t->sh->kind_n[kind], 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&t->sh->calls, 1, memory_order_relaxed);
}

static int fz_done(struct fz_shared *sh)
{
	return fz_stopping(sh) || rsm_now_ns() >= sh->deadline_ns ||
	       atomic_load_explicit(&sh->calls, memory_order_relaxed) >=
		       sh->opts.max_calls;
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;

	while (!fz_done(t->sh))
		fz_op(t);
	atomic_store(&t->done, 1);
	return NULL;
}

static int fz_thread_setup(struct fz_thread *t)
{
	char name[32];
	int mfd;

	t->guard = mmap(NULL, 2 * FZ_PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->guard == MAP_FAILED || mprotect(t->guard + FZ_PAGE, FZ_PAGE,
					       PROT_NONE))
		return -1;
	snprintf(name, sizeof(name), "fz-ro-%u", t->index);
	mfd = memfd_create(name, MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, FZ_PAGE))
		return -1;
	t->ro_alias = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			   mfd, 0);
	t->ro_view = mmap(NULL, FZ_PAGE, PROT_READ, MAP_SHARED, mfd, 0);
	close(mfd);
	if (t->ro_alias == MAP_FAILED || t->ro_view == MAP_FAILED)
		return -1;
	return pipe2(t->pipe, O_CLOEXEC | O_NONBLOCK);
}

static void fz_on_usr1(int sig)
{
}

/* a fault the kernel promised never to deliver: report where, and die */
static struct fz_shared *fz_crash_sh;

static void fz_on_fault(int sig, siginfo_t *si, void *uc)
{
	fz_violation(fz_crash_sh, "worker got signal %d (code %d) at %p", sig,
		     si->si_code, si->si_addr);
	_exit(99);
}

/* identities: workers 0 and 1 are root, 2 and 3 users in group 3000 */
static int fz_identity(struct fz_proc *p)
{
	switch (p->index % 4) {
	case 0:
	case 1:
		p->admin = 1;
		return 0;
	case 2:
		p->uid = 1001, p->gid = 1001;
		p->groups[0] = 1001, p->groups[1] = 3000, p->ngroups = 2;
		break;
	default:
		p->uid = 1002, p->gid = 3000;
		p->groups[0] = 3000, p->ngroups = 1;
	}
	return sec_become(p->uid, p->gid, p->groups, p->ngroups, 0);
}

static int fz_worker(struct fz_shared *sh, unsigned int index, uint32_t tag)
{
	struct sigaction usr1 = { .sa_handler = fz_on_usr1 };
	struct sigaction fault = { .sa_sigaction = fz_on_fault,
				   .sa_flags = SA_SIGINFO };
	static struct fz_thread threads[FZ_MAX_THREADS];
	static struct fz_proc p;
	struct sec_rng r;
	unsigned int i, n = sh->opts.threads;
	int ms;

	p.sh = sh;
	p.index = index;
	p.tag = tag;
	fz_crash_sh = sh;
	sigaction(SIGUSR1, &usr1, NULL);	/* no SA_RESTART: EINTR */
	sigaction(SIGBUS, &fault, NULL);
	sigaction(SIGSEGV, &fault, NULL);
	if (fz_identity(&p)) {
		fz_violation(sh, "worker %u cannot change identity", index);
		return 2;
	}
	pthread_mutex_init(&p.lock, NULL);
	sec_rng_init(&r, sh->opts.seed, tag, 0xfd);
	for (i = 0; i < FZ_FDS; i++)
		p.fds[i] = (struct fz_fd){ .fd = -1, .kind = FZ_FD_CLOSED };
	for (i = 0; i < FZ_FDS; i++)
		fz_fd_open(&p, i, i == FZ_FDS - 1 ? FZ_FD_RSM_RO : FZ_FD_RSM, &r);
	for (i = 0; i < n; i++) {
		threads[i].p = &p;
		threads[i].sh = sh;
		threads[i].index = i;
		sec_rng_init(&threads[i].rng, sh->opts.seed, tag, i);
		if (fz_thread_setup(&threads[i]) ||
		    pthread_create(&threads[i].tid, NULL, fz_thread_main,
				   &threads[i])) {
			fz_violation(sh, "worker %u: cannot start thread %u",
				     index, i);
			return 2;
		}
	}
	/* the interrupter: a signal to a random thread every few ms */
	while (!fz_done(sh)) {
		usleep(2000 + sec_below(&r, 18000));
		pthread_kill(threads[sec_below(&r, n)].tid, SIGUSR1);
		atomic_fetch_add_explicit(&sh->interrupts, 1,
					  memory_order_relaxed);
	}
	/* every thread must come back out of the kernel */
	for (i = 0; i < n; i++) {
		for (ms = 0; !atomic_load(&threads[i].done); ms += 10) {
			if (ms >= FZ_STOP_LIMIT_MS) {
				fz_violation(sh, "worker %u thread %u still in a call %d s after the end",
					     index, i, ms / 1000);
				return 3;
			}
			pthread_kill(threads[i].tid, SIGUSR1);
			usleep(10000);
		}
		pthread_join(threads[i].tid, NULL);
	}
	return 0;	/* exit releases every file */
}

/* -- the driver -------------------------------------------------------- */

struct fz_run {
	pid_t pid[FZ_MAX_PROCS];
	unsigned int kills;
	unsigned int respawns;
};

static pid_t fz_spawn(struct fz_shared *sh, unsigned int index)
{
	uint32_t tag = atomic_fetch_add(&sh->next_tag, 1) + 1;
	pid_t pid = fork();

	if (!pid)
		_exit(fz_worker(sh, index, tag));
	return pid;
}

/* the end of a worker the driver did not kill */
static void fz_judge(struct fz_shared *sh, unsigned int index, int status)
{
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 99)
		return;	/* a fault, reported by the worker itself */
	if (WIFSIGNALED(status))
		fz_violation(sh, "worker %u died of signal %d", index,
			     WTERMSIG(status));
	else
		fz_violation(sh, "worker %u exited with %d", index,
			     WEXITSTATUS(status));
}

/* reap @pid within @ms; -1 if it is still there (then it is killed) */
static int fz_reap(pid_t pid, int ms, int *status)
{
	for (; ms > 0; ms -= 5) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

static void fz_drive(struct fz_shared *sh, struct fz_run *run)
{
	unsigned int n = sh->opts.procs, i;
	long long next_kill;
	struct sec_rng r;
	int status;

	sec_rng_init(&r, sh->opts.seed, 0, 0xd1);
	for (i = 0; i < n; i++)
		run->pid[i] = fz_spawn(sh, i);
	next_kill = rsm_now_ns() + 1000000LL *
		(FZ_KILL_MIN_MS + sec_below(&r, FZ_KILL_MAX_MS - FZ_KILL_MIN_MS));
	while (!fz_done(sh)) {
		usleep(20000);
		for (i = 0; i < n; i++) {
			if (waitpid(run->pid[i], &status, WNOHANG) != run->pid[i])
				continue;
			if (fz_done(sh)) {	/* ended with the run */
				fz_judge(sh, i, status);
				run->pid[i] = 0;
				continue;
			}
			fz_judge(sh, i, status);
			run->pid[i] = fz_spawn(sh, i);
			run->respawns++;
		}
		if (rsm_now_ns() < next_kill)
			continue;
		i = sec_below(&r, n);
		if (run->pid[i] > 0) {
			kill(run->pid[i], SIGKILL);
			if (fz_reap(run->pid[i], 10000, &status))
				fz_violation(sh, "worker %u did not die within 10 s of SIGKILL",
					     i);
			else if (!WIFSIGNALED(status) ||
				 WTERMSIG(status) != SIGKILL)
				fz_judge(sh, i, status);
			run->kills++;
			run->pid[i] = fz_spawn(sh, i);
		}
		next_kill = rsm_now_ns() + 1000000LL *
			(FZ_KILL_MIN_MS +
			 sec_below(&r, FZ_KILL_MAX_MS - FZ_KILL_MIN_MS));
	}
	atomic_store(&sh->stop, 1);
	for (i = 0; i < n; i++) {
		if (run->pid[i] <= 0)
			continue;
		if (fz_reap(run->pid[i], FZ_STOP_LIMIT_MS + 10000, &status))
			fz_violation(sh, "worker %u did not finish within %d s of the end",
				     i, FZ_STOP_LIMIT_MS / 1000 + 10);
		else
			fz_judge(sh, i, status);
	}
}

/* -- the report ---------------------------------------------------------- */

static const char *const fz_kind_names[FZ_NR_KINDS] = {
	"ioctl", "mmap", "mapping", "churn", "poll", "sysfs", "fork", "limits",
};

static const char *fz_row_name(unsigned int row)
{
	if (row < FZ_NR_CMDS)
		return fz_cmds[row].name;
	return row == FZ_ROW_MMAP ? "mmap" : "unknown cmd";
}

static void fz_report_rows(struct fz_shared *sh)
{
	unsigned int row, e;
	uint64_t total, v;
	char line[1024];
	int len;

	for (row = 0; row < FZ_NR_ROWS; row++) {
		for (total = 0, e = 0; e < FZ_ERRNO_MAX; e++)
			total += atomic_load(&sh->results[row][e]);
		len = snprintf(line, sizeof(line), "%-14s %9llu calls, %7.3f ms each: ok %llu",
			       fz_row_name(row), (unsigned long long)total,
			       total ? atomic_load(&sh->row_ns[row]) / 1e6 / total : 0.0,
			       (unsigned long long)atomic_load(&sh->results[row][0]));
		for (e = 1; e < FZ_ERRNO_MAX && len < (int)sizeof(line) - 40; e++) {
			v = atomic_load(&sh->results[row][e]);
			if (v)
				len += snprintf(line + len, sizeof(line) - len,
						", %s %llu", strerrorname_np(e) ?: "?",
						(unsigned long long)v);
		}
		ksft_print_msg("fuzz: %s\n", line);
	}
	/* where the threads' time went: a slow kernel shows here */
	for (len = 0, row = 0; row < FZ_NR_KINDS; row++) {
		v = atomic_load(&sh->kind_n[row]);
		len += snprintf(line + len, sizeof(line) - len,
				"%s %s %llu x %.2f ms", row ? "," : "",
				fz_kind_names[row], (unsigned long long)v,
				v ? atomic_load(&sh->kind_ns[row]) / 1e6 / v : 0.0);
	}
	ksft_print_msg("fuzz: steps:%s\n", line);
}

/*
 * The cumulative counters of stats/ never come back, but they must agree
 * with what the fuzzer saw: each success of the command counted once, plus
 * at most the failures that may still have counted (EFAULT writing the
 * result back, after which the object is undone; @also) and one call in
 * flight per thread of each killed worker. (Fork children neither create
 * nor import. A signal to a segment's importers counts once per importer,
 * possibly none, so signals cannot be tallied this way.)
 */
struct fz_tally {
	const char *stat;
	unsigned int row;	/* the command's row of results */
};

static const struct fz_tally fz_tallies[] = {
	{ "segments_created", 1 },
	{ "imports_created", 6 },
};
#define FZ_NR_TALLIES	2

static const char *fz_tally(struct fz_shared *sh, const struct fz_tally *t,
			    long long before, unsigned int kills, char *why,
			    size_t len)
{
	long long now = rsm_sysfs_num(RSM_SYSFS "/stats/%s", t->stat);
	long long ok = atomic_load(&sh->results[t->row][0]);
	long long slack = atomic_load(&sh->results[t->row][EFAULT]) +
			  (long long)kills * sh->opts.threads;

	if (before >= 0 && now - before >= ok && now - before <= ok + slack)
		return NULL;
	snprintf(why, len, "stats/%s grew by %lld for %lld successes (at most %lld more allowed)",
		 t->stat, now - before, ok, slack);
	return why;
}

/* the device still does its ordinary work after the storm */
static int fz_still_works(void)
{
	struct rsm_seg_create c;
	struct rsm_import imp;
	struct rsm_wait w;
	int fd = rsm_open(), ret = -1;
	char *own, *img;
	__u64 key = rsm_key(0xf2);

	if (fd < 0)
		return -1;
	if (rsm_create(fd, 4096, 4, 1, &c) ||
	    rsm_publish(fd, c.seg_id, key, 0600) ||
	    rsm_import_key(fd, key, RSM_ACCESS_RW, &imp))
		goto out;
	own = rsm_map(fd, c.mmap_offset, c.size, PROT_READ | PROT_WRITE);
	img = rsm_map(fd, imp.mmap_offset, imp.size, PROT_READ | PROT_WRITE);
	if (own == MAP_FAILED || img == MAP_FAILED)
		goto out;
	img[c.size - 1] = 0x7e;
	if (own[c.size - 1] == 0x7e && !rsm_signal(fd, imp.import_id, 0) &&
	    !rsm_wait(fd, 0, c.seg_id, &w) && w.pending == 1)
		ret = 0;
	munmap(own, c.size);
	munmap(img, imp.size);
out:
	close(fd);
	return ret;
}

FIXTURE(fuzz)
{
	struct sec_state state;
	struct sec_params params;
	struct fz_shared *sh;
};

FIXTURE_SETUP(fuzz)
{
	char why[SEC_WHY];

	ASSERT_EQ(0, sec_state_take(&self->state, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, sec_params_save(&self->params));
	/* room to hit every limit without starving the guest */
	ASSERT_EQ(0, sec_param_set(SEC_SEGS, FZ_SEGS_LIMIT));
	ASSERT_EQ(0, sec_param_set(SEC_BYTES_USER, FZ_BYTES_USER));
	ASSERT_EQ(0, sec_param_set(SEC_BYTES_TOTAL, FZ_BYTES_TOTAL));
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
}

FIXTURE_TEARDOWN(fuzz)
{
	EXPECT_EQ(0, sec_params_restore(&self->params));
	sec_state_close(&self->state);
}

TEST_F_TIMEOUT(fuzz, ioctl_and_mmap, 1 /* set in main() */)
{
	struct fz_shared *sh = self->sh;
	struct fz_run run = { 0 };
	char why[SEC_WHY], never[256];
	long long tally[FZ_NR_TALLIES];
	unsigned int row;
	long long t0;
	double secs;
	uint64_t calls;

	for (row = 0; row < FZ_NR_TALLIES; row++)
		tally[row] = rsm_sysfs_num(RSM_SYSFS "/stats/%s",
					   fz_tallies[row].stat);
	sh->opts = fz_opts;
	sh->key_base = (sec_mix(fz_opts.seed) & ~0xffffULL) | 0x8000;
	t0 = rsm_now_ns();
	sh->deadline_ns = t0 + (long long)(fz_opts.seconds * 1e9);
	fz_drive(sh, &run);
	for (row = 0; row < FZ_NR_TALLIES; row++)
		EXPECT_EQ(NULL, fz_tally(sh, &fz_tallies[row], tally[row],
					 run.kills, why, sizeof(why)))
			TH_LOG("%s", why);
	secs = (rsm_now_ns() - t0) / 1e9;
	calls = atomic_load(&sh->calls);

	ksft_print_msg("fuzz: seed %#llx: %llu calls in %.1f s (%.0f/s), %u processes x %u threads\n",
		       (unsigned long long)fz_opts.seed,
		       (unsigned long long)calls, secs, calls / secs,
		       fz_opts.procs, fz_opts.threads);
	ksft_print_msg("fuzz: %llu pages touched, %llu mapping ops, %llu forks, %llu descriptors churned (%llu successful calls raced a churn of their slot), %llu sysfs reads, %llu interrupts; %u workers killed, %u restarted\n",
		       (unsigned long long)atomic_load(&sh->pages_touched),
		       (unsigned long long)atomic_load(&sh->map_ops),
		       (unsigned long long)atomic_load(&sh->forks),
		       (unsigned long long)atomic_load(&sh->fd_churn),
		       (unsigned long long)atomic_load(&sh->unfiled),
		       (unsigned long long)atomic_load(&sh->sysfs_reads),
		       (unsigned long long)atomic_load(&sh->interrupts),
		       run.kills, run.respawns);
	fz_report_rows(sh);

	EXPECT_EQ(0, atomic_load(&sh->report.count))
		TH_LOG("%u violations; the first: %s (replay: --seed %#llx)",
		       atomic_load(&sh->report.count), sh->report.why,
		       (unsigned long long)fz_opts.seed);
	/* a run long enough must have reached every command's success path */
	for (never[0] = 0, row = 0; row <= FZ_ROW_MMAP; row++)
		if (!atomic_load(&sh->results[row][0]))
			snprintf(never + strlen(never), sizeof(never) - strlen(never),
				 " %s", fz_row_name(row));
	if (calls >= 20000)
		EXPECT_STREQ("", never) TH_LOG("never succeeded:%s", never);

	EXPECT_EQ(0, sec_params_restore(&self->params));
	EXPECT_EQ(0, sec_state_check(&self->state, 10000, why, sizeof(why)))
		TH_LOG("after the run: %s", why);
	EXPECT_EQ(0, fz_still_works());
	EXPECT_EQ(0, sec_state_check(&self->state, 2000, why, sizeof(why)))
		TH_LOG("after the device was used again: %s", why);
	ksft_print_msg("fuzz: %.1f s with the checks after the run\n",
		       (rsm_now_ns() - t0) / 1e9);
}

static void fz_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--seconds S] [--calls N] [--procs N] [--threads N] [--long]\n",
		prog);
	exit(2);
}

/* like TEST_HARNESS_MAIN, with the fuzzer's options first */
static void __attribute__((constructor)) fz_constructor_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "calls", required_argument, NULL, 'c' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "long", no_argument, NULL, 'L' },
		{ 0 },
	};
	int opt, seeded = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			fz_opts.seed = strtoull(optarg, NULL, 0);
			seeded = 1;
			break;
		case 'S':
			fz_opts.seconds = strtod(optarg, NULL);
			break;
		case 'c':
			fz_opts.max_calls = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			fz_opts.procs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			fz_opts.threads = strtoul(optarg, NULL, 0);
			break;
		case 'L':
			fz_opts.seconds = 3600;
			fz_opts.max_calls = 100000000000ULL;
			break;
		default:
			fz_usage(argv[0]);
		}
	}
	if (optind != argc || fz_opts.seconds <= 0 || !fz_opts.max_calls ||
	    !fz_opts.procs || fz_opts.procs > FZ_MAX_PROCS ||
	    !fz_opts.threads || fz_opts.threads > FZ_MAX_THREADS)
		fz_usage(argv[0]);
	if (!seeded)
		fz_opts.seed = sec_fresh_seed();
	/* the harness ends the test's process with _exit(): no buffered lines */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fuzz: seed %#llx (replay: %s --seed %#llx --seconds %g --procs %u --threads %u)\n",
	       (unsigned long long)fz_opts.seed, argv[0],
	       (unsigned long long)fz_opts.seed, fz_opts.seconds,
	       fz_opts.procs, fz_opts.threads);
	fflush(stdout);
	/* the run, the end of every worker and the checks after */
	_fuzz_ioctl_and_mmap_object.timeout =
		(int)fz_opts.seconds + FZ_STOP_LIMIT_MS / 1000 + 120;
	return test_harness_run(1, argv);
}
