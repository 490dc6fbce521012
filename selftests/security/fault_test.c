// SPDX-License-Identifier: GPL-2.0
/*
 * The fault test: four senders and one receiver (libshm over /dev/rsmdev)
 * under load, while a driver SIGKILLs a random one of them at a random
 * point, again and again, and starts a new one in its place.
 *
 * Every message carries its sender, the sender's incarnation, its number in
 * its connection and a checksum of all of it. The receiver checks each one
 * it is given: checksum, length, sender, and that a connection's messages
 * come whole, once and in order (the library's sequence number and ours
 * agree) - a killed sender's last message is either delivered whole or not
 * at all. Whatever a sender sees is held to the documentation: while its
 * receiver lives, sends succeed; once the driver has killed its receiver,
 * its next send (or the one it is blocked in) fails with EIDRM, within
 * seconds - checked for every sender connected to every killed receiver.
 * After the run every process exits cleanly, the live counters, the sysfs
 * object directories and the vmalloc'ed segment memory are back at their
 * baseline, the kernel log is clean, and the last incarnations of all four
 * senders had messages delivered after the last kill.
 *
 * Seeded: the victims and the moments come from the seed (printed;
 * --seed replays the choices, the interleaving is the scheduler's).
 *
 *   fault_test [--seed N] [--kills N] [--seconds S]
 */
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <libshm/shm.h>

#include "sec_util.h"
#include "kselftest_harness.h"

#define FT_SENDERS	4
#define FT_PROCS	(FT_SENDERS + 1)	/* index 0 is the receiver */
#define FT_MAX_RX	1024			/* receiver incarnations */
#define FT_MAX_LEN	(48U << 10)
#define FT_MAGIC	0x46544d31U		/* "FTM1" */
#define FT_SEC		1000000000LL
#define FT_ERR_LIMIT_MS	10000	/* a dead receiver's senders know by then */

static struct {
	uint64_t seed;
	unsigned int kills;
	double seconds;
} ft_opts = { .kills = 60, .seconds = 300 };

/* the head of every message; the checksum covers all of it, sum as 0 */
struct ft_head {
	uint32_t magic;
	uint32_t sender;	/* 0 .. FT_SENDERS - 1 */
	uint32_t sgen;		/* the sender's incarnation */
	uint32_t len;		/* of the whole message */
	uint64_t n;		/* in its connection, from 1 */
	uint64_t sum;
};

/* what the driver and a sender slot's processes share */
struct ft_sender {
	_Atomic uint32_t gen;		/* incarnation now running */
	_Atomic uint32_t conn_rx;	/* receiver connected to; 0: none */
	_Atomic uint32_t err_rx;	/* receiver of its last failed send */
	_Atomic int err;		/* that failure */
	_Atomic uint64_t delivered;	/* counted by the receiver */
};

struct ft_shared {
	uint64_t seed;
	uint64_t key_base;
	_Atomic int stop_senders;	/* first the senders stop ... */
	_Atomic int stop_receiver;	/* ... then the receiver */
	_Atomic uint32_t rx_up;		/* receiver whose endpoint is up */
	_Atomic uint8_t rx_dead[FT_MAX_RX];	/* set before its SIGKILL */
	struct ft_sender s[FT_SENDERS];
	_Atomic uint64_t delivered, bytes, send_errors, reclaimed;
	struct sec_report report;
};

static const struct shm_group_spec ft_groups[] = {
	{ 64, 256, 4, 0 },		/* up to 256 B */
	{ 1024, 64, 16, 0 },		/* up to 16 KiB */
	{ 16384, 12, 3, 0 },		/* up to 48 KiB */
};

/*
 * The checksum of a whole message, its head's sum field read as zero (it
 * is the fourth 8-byte word).
 */
static uint64_t ft_sum(const void *msg, size_t len)
{
	const unsigned char *p = msg;
	uint64_t x = 0x736563, w;
	size_t i;

	for (i = 0; i < len; i += 8) {
		w = 0;
		if (i != offsetof(struct ft_head, sum))
			memcpy(&w, p + i, len - i < 8 ? len - i : 8);
		x = sec_mix(x ^ w);
	}
	return sec_mix(x ^ len);
}

/* lengths log-uniform over 32 B .. FT_MAX_LEN: every group is used */
static size_t ft_length(struct sec_rng *r)
{
	size_t base = (size_t)32 << sec_below(r, 11);	/* 32 B .. 32 KiB */
	size_t len = base + sec_below(r, base);

	return len > FT_MAX_LEN ? FT_MAX_LEN : len;
}

static void ft_build(void *buf, size_t len, uint32_t sender, uint32_t sgen,
		     uint64_t n, struct sec_rng *r)
{
	struct ft_head h = {
		.magic = FT_MAGIC, .sender = sender, .sgen = sgen,
		.len = (uint32_t)len, .n = n,
	};
	unsigned char *p = buf;
	uint64_t x = sec_rand(r);
	size_t i;

	for (i = sizeof(h); i < len; i += 8) {
		x = sec_mix(x);
		memcpy(p + i, &x, len - i < 8 ? len - i : 8);
	}
	memcpy(p, &h, sizeof(h));
	h.sum = ft_sum(p, len);
	memcpy(p + offsetof(struct ft_head, sum), &h.sum, sizeof(h.sum));
}

/* -- a sender ------------------------------------------------------------ */

static int ft_receiver_dead(struct ft_shared *sh, uint32_t rx)
{
	return rx < FT_MAX_RX && atomic_load(&sh->rx_dead[rx]);
}

static void ft_connect(struct ft_shared *sh, struct ft_sender *me,
		       struct shm_channel **ch, uint64_t *n)
{
	struct shm_connect_attr a = {
		.backend = SHM_BACKEND_KERNEL,
		.wait_mode = SHM_WAIT_ADAPTIVE,
		.timeout_ns = 2 * FT_SEC,
	};
	uint32_t rx = atomic_load(&sh->rx_up);
	int err;

	if (!rx) {
		usleep(2000);
		return;
	}
	err = shm_channel_connect(SHM_NODE_LOCAL, sh->key_base + rx, &a, ch);
	if (!err) {
		atomic_store(&me->conn_rx, rx);
		*n = 0;
		return;
	}
	*ch = NULL;
	usleep(2000);		/* then the caller tries again */
	if (err == -EBUSY) {
		return;		/* every slot taken, for now */
	} else if (!ft_receiver_dead(sh, rx)) {
		sec_violation(&sh->report, "connect to live receiver %u: %s",
			      rx, strerror(-err));
	} else if (err != -ENOENT && err != -EIDRM && err != -EPROTO) {
		/* a receiver being killed may be found in any state */
		sec_violation(&sh->report, "connect to dead receiver %u: %s",
			      rx, strerror(-err));
	}
}

static int ft_send(struct shm_channel *ch, unsigned char *buf, size_t len,
		   struct sec_rng *r, const struct ft_head *h)
{
	struct shm_reservation res;
	int err;

	if (sec_chance(r, 70)) {
		ft_build(buf, len, h->sender, h->sgen, h->n, r);
		return shm_send(ch, buf, len, 0, 20 * FT_SEC);
	}
	/* zero-copy: a kill may land between reserve and commit */
	err = shm_reserve(ch, len, &res, 20 * FT_SEC);
	if (err)
		return err;
	ft_build(res.data, len, h->sender, h->sgen, h->n, r);
	return shm_commit(ch, &res, len, 0);
}

static int ft_sender_main(struct ft_shared *sh, uint32_t index, uint32_t gen)
{
	static unsigned char buf[FT_MAX_LEN];
	struct ft_sender *me = &sh->s[index];
	struct shm_channel *ch = NULL;
	struct ft_head h = { .sender = index, .sgen = gen };
	struct sec_rng r;
	uint32_t rx;
	int err;

	sec_rng_init(&r, sh->seed, index + 1, gen);
	while (!atomic_load(&sh->stop_senders)) {
		if (!ch) {
			ft_connect(sh, me, &ch, &h.n);
			continue;
		}
		h.n++;
		err = ft_send(ch, buf, ft_length(&r), &r, &h);
		if (!err)
			continue;
		rx = atomic_load(&me->conn_rx);
		atomic_store(&me->err, err);
		atomic_store(&me->err_rx, rx);
		atomic_fetch_add(&sh->send_errors, 1);
		if (!ft_receiver_dead(sh, rx))
			sec_violation(&sh->report, "sender %u: send %llu failed with %s while receiver %u lives",
				      index, (unsigned long long)h.n,
				      strerror(-err), rx);
		else if (err != -EIDRM)
			sec_violation(&sh->report, "sender %u: send to dead receiver %u: %s, not EIDRM",
				      index, rx, strerror(-err));
		shm_channel_close(ch);
		ch = NULL;
		atomic_store(&me->conn_rx, 0);
	}
	if (ch)
		shm_channel_close(ch);
	return 0;
}

/* -- the receiver -------------------------------------------------------- */

struct ft_conn {
	uint32_t sender;
	uint32_t sgen;
	uint64_t next;		/* 0: no connection seen on the slot */
};

static void ft_check(struct ft_shared *sh, struct ft_conn *slots,
		     const struct shm_view *v)
{
	struct ft_conn *c = &slots[v->info.channel % SHM_MAX_CHANNELS];
	struct ft_head h;

	if (v->len < sizeof(h)) {
		sec_violation(&sh->report, "a %zu-byte message", v->len);
		return;
	}
	memcpy(&h, v->data, sizeof(h));
	if (h.magic != FT_MAGIC || h.len != v->len || h.sender >= FT_SENDERS) {
		sec_violation(&sh->report, "slot %u seq %llu: not a message of the test (magic %#x, len %u of %zu, sender %u)",
			      v->info.channel, (unsigned long long)v->info.seq,
			      h.magic, h.len, v->len, h.sender);
		return;
	}
	if (h.n == 1)		/* a new connection on the slot */
		*c = (struct ft_conn){ .sender = h.sender, .sgen = h.sgen,
				       .next = 1 };
	if (!c->next || h.sender != c->sender || h.sgen != c->sgen ||
	    h.n != c->next || v->info.seq != h.n)
		sec_violation(&sh->report, "slot %u: message %llu (seq %llu) of sender %u/%u, expected %llu of %u/%u",
			      v->info.channel, (unsigned long long)h.n,
			      (unsigned long long)v->info.seq, h.sender, h.sgen,
			      (unsigned long long)c->next, c->sender, c->sgen);
	/* one report per gap: follow the connection from here */
	*c = (struct ft_conn){ .sender = h.sender, .sgen = h.sgen,
			       .next = h.n + 1 };
	if (h.sum != ft_sum(v->data, v->len)) {
		sec_violation(&sh->report, "slot %u: message %llu of sender %u/%u (%u bytes) is corrupt",
			      v->info.channel, (unsigned long long)h.n,
			      h.sender, h.sgen, h.len);
		return;
	}
	atomic_fetch_add(&sh->s[h.sender].delivered, 1);
	atomic_fetch_add(&sh->delivered, 1);
	atomic_fetch_add(&sh->bytes, v->len);
}

static int ft_receiver_main(struct ft_shared *sh, uint32_t gen)
{
	struct shm_endpoint_attr a = {
		.backend = SHM_BACKEND_KERNEL,
		.groups = ft_groups,
		.group_count = sizeof(ft_groups) / sizeof(*ft_groups),
		.max_channels = 2 * FT_SENDERS,
	};
	static struct ft_conn slots[SHM_MAX_CHANNELS];
	struct shm_view held[4];
	struct shm_endpoint *ep;
	struct shm_stats st;
	struct sec_rng r;
	int err, nheld = 0, i;

	sec_rng_init(&r, sh->seed, 0, gen);
	err = shm_endpoint_create(sh->key_base + gen, &a, &ep);
	if (err) {
		sec_violation(&sh->report, "receiver %u: endpoint: %s", gen,
			      strerror(-err));
		return 2;
	}
	atomic_store(&sh->rx_up, gen);
	while (!atomic_load(&sh->stop_receiver)) {
		/* blocks only while it holds nothing */
		err = shm_recv_view(ep, &held[nheld], nheld ? 0 : 50000000LL);
		if (err == -EAGAIN || err == -ETIMEDOUT) {
			while (nheld)
				shm_release(ep, &held[--nheld], 0);
			continue;
		}
		if (err) {
			sec_violation(&sh->report, "receiver %u: %s", gen,
				      strerror(-err));
			return 3;
		}
		ft_check(sh, slots, &held[nheld]);
		if (++nheld < (int)ARRAY_SIZE(held))
			continue;
		/* full: give back one at random, then the rest in turn */
		i = sec_below(&r, nheld);
		if (shm_release(ep, &held[i], 0))
			sec_violation(&sh->report, "receiver %u: release", gen);
		held[i] = held[--nheld];
	}
	while (nheld)
		shm_release(ep, &held[--nheld], 0);
	if (!shm_endpoint_stats(ep, &st))
		atomic_fetch_add(&sh->reclaimed, st.reclaimed);
	shm_endpoint_close(ep);
	return 0;
}

/* -- the driver ---------------------------------------------------------- */

/* a sender that must see the death of the receiver it is connected to */
struct ft_pending {
	uint32_t sender;
	uint32_t gen;
	uint32_t rx;
	long long deadline;
};

struct ft_run {
	pid_t pid[FT_PROCS];
	uint32_t rx_gen;		/* the receiver now running */
	unsigned int kills, rx_kills, since_rx_kill;
	unsigned int told;		/* pending senders that got EIDRM */
	struct ft_pending pend[FT_MAX_RX];
	unsigned int npend;
};

static pid_t ft_spawn(struct ft_shared *sh, struct ft_run *run,
		      unsigned int i)
{
	struct ft_sender *s = &sh->s[i ? i - 1 : 0];
	uint32_t gen;
	pid_t pid;

	if (!i) {
		gen = ++run->rx_gen;
	} else {
		gen = atomic_fetch_add(&s->gen, 1) + 1;
		atomic_store(&s->conn_rx, 0);
		atomic_store(&s->err_rx, 0);
	}
	pid = fork();
	if (!pid)
		_exit(i ? ft_sender_main(sh, i - 1, gen) :
			  ft_receiver_main(sh, gen));
	return pid;
}

/* how a process of the run ended: 0 when as it should */
static int ft_reap(struct ft_shared *sh, pid_t pid, unsigned int i,
		   int killed)
{
	int status, ms;

	for (ms = 0; waitpid(pid, &status, WNOHANG) != pid; ms++) {
		if (ms == 30000) {
			sec_violation(&sh->report, "process %u did not end within 30 s%s",
				      i, killed ? " of SIGKILL" : "");
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(1000);
	}
	if (killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 0;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	sec_violation(&sh->report, "process %u ended with status %#x", i,
		      status);
	return -1;
}

/* drop what is settled: told, killed since, or too late (a violation) */
static void ft_settle(struct ft_shared *sh, struct ft_run *run)
{
	long long now = rsm_now_ns();
	unsigned int i = 0;

	while (i < run->npend) {
		struct ft_pending *p = &run->pend[i];
		struct ft_sender *s = &sh->s[p->sender];

		if (atomic_load(&s->err_rx) >= p->rx) {
			run->told++;
		} else if (atomic_load(&s->gen) == p->gen &&
			   now < p->deadline) {
			i++;
			continue;
		} else if (atomic_load(&s->gen) == p->gen) {
			sec_violation(&sh->report, "sender %u still connected to receiver %u %d s after its SIGKILL",
				      p->sender, p->rx, FT_ERR_LIMIT_MS / 1000);
		}
		*p = run->pend[--run->npend];
	}
}

static void ft_kill(struct ft_shared *sh, struct ft_run *run, unsigned int i)
{
	uint32_t rx = run->rx_gen, s;

	if (!i) {
		uint32_t up = rx;

		/* no new connection to it; the connected must all be told */
		atomic_compare_exchange_strong(&sh->rx_up, &up, 0);
		atomic_store(&sh->rx_dead[rx], 1);
		for (s = 0; s < FT_SENDERS && run->npend < FT_MAX_RX; s++)
			if (atomic_load(&sh->s[s].conn_rx) == rx)
				run->pend[run->npend++] = (struct ft_pending){
					.sender = s,
					.gen = atomic_load(&sh->s[s].gen),
					.rx = rx,
					.deadline = rsm_now_ns() +
						    FT_ERR_LIMIT_MS * 1000000LL,
				};
		run->rx_kills++;
		run->since_rx_kill = 0;
	} else {
		run->since_rx_kill++;
	}
	kill(run->pid[i], SIGKILL);
	ft_reap(sh, run->pid[i], i, 1);
	run->kills++;
	run->pid[i] = ft_spawn(sh, run, i);
}

/* every sender's latest incarnation gets messages through; 0 if so */
static int ft_all_deliver(struct ft_shared *sh, int ms)
{
	uint64_t before[FT_SENDERS];
	unsigned int s, moved;

	for (s = 0; s < FT_SENDERS; s++)
		before[s] = atomic_load(&sh->s[s].delivered);
	for (; ms > 0; ms -= 10) {
		for (moved = 0, s = 0; s < FT_SENDERS; s++)
			moved += atomic_load(&sh->s[s].delivered) > before[s] + 10;
		if (moved == FT_SENDERS)
			return 0;
		usleep(10000);
	}
	return -1;
}

static void ft_drive(struct ft_shared *sh, struct ft_run *run)
{
	long long end = rsm_now_ns() + (long long)(ft_opts.seconds * 1e9);
	unsigned int i, ms;
	struct sec_rng r;

	sec_rng_init(&r, sh->seed, 0xd1, 0);
	for (i = 0; i < FT_PROCS; i++)
		run->pid[i] = ft_spawn(sh, run, i);
	while (run->kills < ft_opts.kills && rsm_now_ns() < end &&
	       run->rx_gen + 1 < FT_MAX_RX) {
		/* now and then at once (connect, create), else under way */
		ms = sec_chance(&r, 25) ? sec_below(&r, 20) :
					  40 + sec_below(&r, 360);
		usleep(ms * 1000);
		ft_settle(sh, run);
		/* random, but never long without a receiver's death */
		i = run->since_rx_kill >= 6 ? 0 : sec_below(&r, FT_PROCS);
		ft_kill(sh, run, i);
	}
	if (ft_all_deliver(sh, 20000))
		sec_violation(&sh->report, "not every sender got messages through after the last kill");
	while (run->npend) {
		usleep(10000);
		ft_settle(sh, run);
	}
	atomic_store(&sh->stop_senders, 1);
	for (i = 1; i < FT_PROCS; i++)
		ft_reap(sh, run->pid[i], i, 0);
	atomic_store(&sh->stop_receiver, 1);
	ft_reap(sh, run->pid[0], 0, 0);
}

FIXTURE(fault)
{
	struct sec_state state;
	struct ft_shared *sh;
};

FIXTURE_SETUP(fault)
{
	char why[SEC_WHY];

	ASSERT_EQ(0, sec_state_take(&self->state, why, sizeof(why)))
		TH_LOG("%s", why);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
}

FIXTURE_TEARDOWN(fault)
{
	sec_state_close(&self->state);
}

TEST_F_TIMEOUT(fault, sigkill_senders_and_receiver, 1 /* set in main() */)
{
	struct ft_shared *sh = self->sh;
	struct ft_run run = { 0 };
	char why[SEC_WHY];
	long long t0 = rsm_now_ns();

	sh->seed = ft_opts.seed;
	sh->key_base = (rsm_key(0) ^ (sec_mix(ft_opts.seed) << 40)) &
		       ~0xfffffULL;
	ft_drive(sh, &run);

	ksft_print_msg("fault: seed %#llx: %u kills (%u receivers, %u senders) in %.1f s\n",
		       (unsigned long long)ft_opts.seed, run.kills,
		       run.rx_kills, run.kills - run.rx_kills,
		       (rsm_now_ns() - t0) / 1e9);
	ksft_print_msg("fault: %llu messages (%llu bytes) delivered, every one checked; %llu failed sends; %u senders of a killed receiver got EIDRM; %llu slots reclaimed by the last receiver\n",
		       (unsigned long long)atomic_load(&sh->delivered),
		       (unsigned long long)atomic_load(&sh->bytes),
		       (unsigned long long)atomic_load(&sh->send_errors),
		       run.told, (unsigned long long)atomic_load(&sh->reclaimed));
	EXPECT_EQ(0, atomic_load(&sh->report.count))
		TH_LOG("%u violations; the first: %s (replay: --seed %#llx)",
		       atomic_load(&sh->report.count), sh->report.why,
		       (unsigned long long)ft_opts.seed);
	EXPECT_GE(run.kills, ft_opts.kills);
	EXPECT_LE(1, run.rx_kills);
	EXPECT_LE(1, run.told);
	EXPECT_LE(1000, atomic_load(&sh->delivered));
	EXPECT_EQ(0, sec_state_check(&self->state, 10000, why, sizeof(why)))
		TH_LOG("after the run: %s", why);
}

/* like TEST_HARNESS_MAIN, with the test's options first */
static void __attribute__((constructor)) ft_constructor_last(void)
{
	if (!__constructor_order)
		__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "kills", required_argument, NULL, 'k' },
		{ "seconds", required_argument, NULL, 'S' },
		{ 0 },
	};
	int opt, seeded = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			ft_opts.seed = strtoull(optarg, NULL, 0);
			seeded = 1;
			break;
		case 'k':
			ft_opts.kills = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			ft_opts.seconds = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: %s [--seed N] [--kills N] [--seconds S]\n",
				argv[0]);
			return 2;
		}
	}
	if (optind != argc || ft_opts.seconds <= 0) {
		fprintf(stderr, "usage: %s [--seed N] [--kills N] [--seconds S]\n",
			argv[0]);
		return 2;
	}
	if (!seeded)
		ft_opts.seed = sec_fresh_seed();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# fault: seed %#llx (replay: %s --seed %#llx --kills %u)\n",
	       (unsigned long long)ft_opts.seed, argv[0],
	       (unsigned long long)ft_opts.seed, ft_opts.kills);
	_fault_sigkill_senders_and_receiver_object.timeout =
		(int)ft_opts.seconds + 120;
	return test_harness_run(1, argv);
}
