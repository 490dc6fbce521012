// SPDX-License-Identifier: GPL-2.0
/*
 * libshm over /dev/rsmdev across processes:
 *  - N senders to 1 receiver, mixed sizes 1 B .. 1 MiB, every message
 *    checked by content and sequence;
 *  - a sender killed by SIGKILL in the middle of sending: the receiver and
 *    the other senders go on, the dead sender's slot is reclaimed for a new
 *    one, and every kernel counter is back at its baseline once the
 *    receiver closes;
 *  - a receiver killed by SIGKILL: a sender blocked for room and a sender
 *    about to send both fail with EIDRM, within seconds, without a signal.
 */
#include "libshm_util.h"

#include "kselftest_harness.h"

#define SENDERS 4
#define MAX_LEN (1u << 20)

static unsigned char big[MAX_LEN];

/* A sender process: hello, then count messages of sender s. */
static int run_sender(uint64_t key, uint32_t s, uint64_t count, size_t max,
		      struct lt_pipe *tell_after_first)
{
	struct shm_connect_attr a = lt_connect_attr(SHM_WAIT_ADAPTIVE, 20 * SEC);
	struct lt_hello hello = { LT_HELLO, s };
	struct shm_reservation res;
	struct shm_channel *ch;
	uint64_t k;
	int err;

	err = shm_channel_connect(SHM_NODE_LOCAL, key, &a, &ch);
	if (err)
		return 10;
	if (shm_send(ch, &hello, sizeof(hello), 0, 30 * SEC))
		return 11;
	for (k = 1; k <= count; k++) {
		size_t len = lt_length(s, k, max);

		if (k % 3 == 0) { /* zero-copy */
			if (shm_reserve(ch, len, &res, 30 * SEC))
				return 12;
			lt_fill(res.data, len, s, k);
			if (shm_commit(ch, &res, len, 0))
				return 13;
		} else {
			lt_fill(big, len, s, k);
			if (shm_send(ch, big, len, 0, 30 * SEC))
				return 14;
		}
		if (k == 1 && tell_after_first)
			lt_tell(tell_after_first);
	}
	shm_channel_close(ch);
	return 0;
}

static pid_t spawn_sender(uint64_t key, uint32_t s, uint64_t count, size_t max,
			  struct lt_pipe *tell)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(run_sender(key, s, count, max, tell));
	return pid;
}

/* What the receiver learnt so far, per channel slot and per sender. */
struct rx_book {
	int sender_of[SHM_MAX_CHANNELS];
	uint64_t next[SHM_MAX_CHANNELS]; /* next message number expected */
	uint64_t got[16];                /* messages checked, per sender */
	uint64_t bad;                    /* wrong content, length or order */
	size_t max;
	char why[160];                   /* the first bad one */
};

static void book_init(struct rx_book *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	memset(b->sender_of, -1, sizeof(b->sender_of));
	b->max = max;
}

static void book_bad(struct rx_book *b, const struct shm_view *v, const char *what)
{
	if (!b->bad++)
		snprintf(b->why, sizeof(b->why), "%s: slot %u seq %llu len %zu group %u",
			 what, v->info.channel, (unsigned long long)v->info.seq, v->len,
			 v->info.group);
}

static void book_check(struct rx_book *b, const struct shm_view *v)
{
	uint32_t slot = v->info.channel;
	const struct lt_hello *h = v->data;
	int s;

	if (v->info.seq == 1) { /* a new sender on this slot */
		if (v->len != sizeof(*h) || h->magic != LT_HELLO || h->sender >= 16) {
			book_bad(b, v, "not a hello");
			return;
		}
		b->sender_of[slot] = (int)h->sender;
		b->next[slot] = 1;
		return;
	}
	s = b->sender_of[slot];
	if (s < 0 || v->info.seq != b->next[slot] + 1) {
		book_bad(b, v, "out of sequence");
		return;
	}
	if (v->len != lt_length((uint64_t)s, b->next[slot], b->max) ||
	    !lt_matches(v->data, v->len, (uint64_t)s, b->next[slot])) {
		book_bad(b, v, "wrong length or content");
		return;
	}
	b->next[slot]++;
	b->got[s]++;
}

/*
 * Receive one message and check it; holds up to three views and releases
 * them out of order, but never blocks while holding any. 0, or -errno.
 */
static int receive_one(struct shm_endpoint *ep, struct rx_book *b, struct shm_view *held,
		       int *nheld)
{
	struct shm_view v;
	int err, i;

	err = shm_recv_view(ep, &v, *nheld ? 0 : 30 * SEC);
	if (err == -EAGAIN && *nheld) {
		for (i = *nheld - 1; i >= 0; i--)
			if (shm_release(ep, &held[i], 0))
				return -EINVAL;
		*nheld = 0;
		return 0;
	}
	if (err)
		return err;
	book_check(b, &v);
	held[(*nheld)++] = v;
	if (*nheld == 3) { /* the middle one first */
		if (shm_release(ep, &held[1], 0))
			return -EINVAL;
		held[1] = held[2];
		*nheld = 2;
	}
	return 0;
}

static int release_all(struct shm_endpoint *ep, struct shm_view *held, int *nheld)
{
	while (*nheld)
		if (shm_release(ep, &held[--*nheld], 0))
			return -EINVAL;
	return 0;
}

TEST(n_senders_to_one_receiver_mixed_sizes)
{
	const uint64_t per_sender = 300, key = rsm_key(1);
	struct shm_endpoint_attr a = lt_endpoint_attr(SENDERS);
	struct rsm_baseline base;
	struct shm_endpoint *ep;
	struct shm_view held[3];
	struct rx_book book;
	pid_t pid[SENDERS];
	uint64_t total = 0;
	int nheld = 0, s, status;

	rsm_baseline_take(&base);
	ASSERT_EQ(0, shm_endpoint_create(key, &a, &ep));
	book_init(&book, MAX_LEN);
	for (s = 0; s < SENDERS; s++)
		pid[s] = spawn_sender(key, (uint32_t)s, per_sender, MAX_LEN, NULL);
	while (total < SENDERS * per_sender && !book.bad) {
		ASSERT_EQ(0, receive_one(ep, &book, held, &nheld));
		for (total = 0, s = 0; s < SENDERS; s++)
			total += book.got[s];
	}
	ASSERT_EQ(0, release_all(ep, held, &nheld));
	EXPECT_EQ(0, book.bad) TH_LOG("%s", book.why);
	for (s = 0; s < SENDERS; s++) {
		EXPECT_EQ(per_sender, book.got[s]);
		status = lt_reap(pid[s], 30000);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("sender %d: status %#x", s, status);
	}
	/* nothing more, nothing twice */
	EXPECT_EQ(-EAGAIN, shm_recv(ep, big, sizeof(big), NULL, 0, 0));
	TH_LOG("%llu messages from %d processes checked",
	       (unsigned long long)total, SENDERS);
	shm_endpoint_close(ep);
	EXPECT_EQ(NULL, rsm_baseline_check(&base, 2000));
}

TEST(sigkill_of_a_sender_mid_send)
{
	const uint64_t per_sender = 150, key = rsm_key(2);
	struct shm_endpoint_attr a = lt_endpoint_attr(3);
	struct lt_pipe victim_started, late_ready;
	struct rsm_baseline base;
	struct shm_endpoint *ep;
	struct shm_view held[3];
	struct shm_stats st;
	struct rx_book book;
	pid_t good[2], victim, late = -1;
	int nheld = 0, status, i;
	uint64_t victim_before;

	rsm_baseline_take(&base);
	ASSERT_EQ(0, lt_pipe_open(&victim_started));
	ASSERT_EQ(0, lt_pipe_open(&late_ready));
	ASSERT_EQ(0, shm_endpoint_create(key, &a, &ep));
	book_init(&book, MAX_LEN);
	good[0] = spawn_sender(key, 0, per_sender, MAX_LEN, NULL);
	good[1] = spawn_sender(key, 1, per_sender, MAX_LEN, NULL);
	/* sender 2 sends without end (1 MiB messages among them) */
	victim = spawn_sender(key, 2, UINT64_MAX, MAX_LEN, &victim_started);
	while (!lt_heard(&victim_started, 0))
		ASSERT_EQ(0, receive_one(ep, &book, held, &nheld));
	/* let it get into its stride, then kill it wherever it is */
	while (book.got[2] < 40)
		ASSERT_EQ(0, receive_one(ep, &book, held, &nheld));
	kill(victim, SIGKILL);
	ASSERT_TRUE(WIFSIGNALED(lt_reap(victim, 10000)));
	victim_before = book.got[2];

	/* every slot is claimed (two live senders, one dead): a new sender
	 * must get the dead one's slot back from the receiver */
	late = fork();
	if (late == 0)
		_exit(run_sender(key, 3, 20, MAX_LEN, &late_ready));
	while (book.got[0] < per_sender || book.got[1] < per_sender || book.got[3] < 20) {
		ASSERT_EQ(0, receive_one(ep, &book, held, &nheld));
		ASSERT_EQ(0, book.bad) TH_LOG("%s", book.why);
	}
	ASSERT_EQ(0, release_all(ep, held, &nheld));
	EXPECT_EQ(0, book.bad);
	EXPECT_TRUE(lt_heard(&late_ready, 0));
	/* what the victim published before it died was whole and in order */
	EXPECT_GE(book.got[2], victim_before);
	for (i = 0; i < 2; i++) {
		status = lt_reap(good[i], 30000);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("sender %d: status %#x", i, status);
	}
	status = lt_reap(late, 30000);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("late sender: status %#x", status);
	ASSERT_EQ(0, shm_endpoint_stats(ep, &st));
	EXPECT_GE(st.reclaimed, 1);
	EXPECT_EQ(0, st.broken);
	TH_LOG("victim: %llu messages before SIGKILL; %llu slots reclaimed",
	       (unsigned long long)book.got[2], (unsigned long long)st.reclaimed);
	shm_endpoint_close(ep);
	EXPECT_EQ(NULL, rsm_baseline_check(&base, 2000));
}

TEST(sigkill_of_the_receiver_fails_its_senders)
{
	const struct shm_group_spec small = { 64, 4, 1, 0 };
	const uint64_t key = rsm_key(3);
	struct shm_connect_attr ca = lt_connect_attr(SHM_WAIT_ADAPTIVE, 5 * SEC);
	struct lt_pipe receiver_up, blocked_full;
	struct rsm_baseline base;
	struct shm_channel *idle;
	pid_t receiver, blocked;
	long long t0;
	int status;
	char msg[64] = "hello";

	rsm_baseline_take(&base);
	ASSERT_EQ(0, lt_pipe_open(&receiver_up));
	ASSERT_EQ(0, lt_pipe_open(&blocked_full));
	receiver = fork();
	if (receiver == 0) {
		struct shm_endpoint_attr a = lt_endpoint_attr(2);
		struct shm_endpoint *ep;

		a.groups = &small;
		a.group_count = 1;
		if (shm_endpoint_create(key, &a, &ep))
			_exit(1);
		shm_endpoint_arm(ep); /* asleep, receiving nothing */
		lt_tell(&receiver_up);
		for (;;)
			pause();
	}
	ASSERT_TRUE(lt_heard(&receiver_up, 20000));
	blocked = fork();
	if (blocked == 0) {
		struct shm_connect_attr b = lt_connect_attr(SHM_WAIT_BLOCK, 5 * SEC);
		struct shm_channel *ch;
		int err, n = 0;

		if (shm_channel_connect(SHM_NODE_LOCAL, key, &b, &ch))
			_exit(2);
		while (shm_send(ch, msg, sizeof(msg), 0, 0) == 0)
			n++;
		if (n != 4)
			_exit(3);
		lt_tell(&blocked_full);
		err = shm_send(ch, msg, sizeof(msg), 0, 60 * SEC);
		shm_channel_close(ch);
		_exit(err == -EIDRM ? 0 : 4);
	}
	ASSERT_TRUE(lt_heard(&blocked_full, 20000));
	ASSERT_EQ(0, shm_channel_connect(SHM_NODE_LOCAL, key, &ca, &idle));
	ASSERT_EQ(0, shm_send(idle, msg, sizeof(msg), 0, 0));
	usleep(100000); /* the blocked sender is asleep by now */

	t0 = rsm_now_ns();
	kill(receiver, SIGKILL);
	ASSERT_TRUE(WIFSIGNALED(lt_reap(receiver, 10000)));
	status = lt_reap(blocked, 10000);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("blocked sender: status %#x (signal %d)", status,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	EXPECT_LT(rsm_now_ns() - t0, 10 * SEC);
	/* its next send, and every one after, fails; none hangs */
	EXPECT_EQ(-EIDRM, shm_send(idle, msg, sizeof(msg), 0, SHM_WAIT_FOREVER));
	EXPECT_EQ(-EIDRM, shm_send(idle, msg, sizeof(msg), 0, 0));
	shm_channel_close(idle);
	EXPECT_EQ(NULL, rsm_baseline_check(&base, 2000));
}

TEST_HARNESS_MAIN
