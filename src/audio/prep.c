/* Making calls' recordings ready: on demand, all at once, or in the background. The
 * store handle belongs to one thread, so every worker opens its own on the workspace. */
#include "audio.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "internal.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------- one call */

/* Keeps what checking a recording found; a read-only workspace checks it again next time. */
static int record_audio(store *st, int64_t call, const char *path, int ok, int64_t ms,
			char *err, size_t errlen)
{
	if (store_readonly(st))
		return 0;
	if (store_begin(st, err, errlen) != 0)
		return -1;
	if (store_call_set_audio(st, call, path, ok, ms, err, errlen) != 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err, errlen);
}

/* The party index of a sentence's speaker: its place in the call's party names. */
static int party_of(const struct store_call *c, const struct store_sentence *s)
{
	size_t i;

	for (i = 0; i < c->n_parties; i++)
		if (s->speaker && c->party_names[i] && strcmp(c->party_names[i], s->speaker) == 0)
			return (int)i;
	return s->side;
}

/* The voice of each party (an index for audio_demo_voice, whose even voices are men's and
 * odd ones women's): a woman's for a woman's name, a man's otherwise, no two alike in a
 * call of up to 8 people. */
static void party_voices(const struct store_call *c, int *voice, size_t n)
{
	int women = 0, men = 0;
	size_t i;

	for (i = 0; i < n; i++)
		voice[i] = i < c->n_parties && demo_name_is_female(c->party_names[i]) ?
			   1 + 2 * women++ : 2 * men++;
}

/* 1 when path is in the folder where the demo workspace's recordings are made. */
static int is_demo_recording(store *st, const char *path)
{
	char *dir = NULL, e[256];
	if (store_state_get(st, "demo.audio_dir", &dir, e, sizeof(e)) != 0)
		return 0;
	size_t n = strlen(dir);
	int in = n > 0 && !strncmp(path, dir, n) && path[n] == '/';
	free(dir);
	return in;
}

static int render_call(store *st, const struct store_call *c, const atomic_int *cancel,
		       int64_t *audio_ms, char *err, size_t errlen)
{
	struct store_sentence *s = NULL;
	struct audio_demo_line *lines;
	size_t n = 0, i;
	char why[512];
	int voice[16], rc;

	if (store_call_sentences(st, c->id, &s, &n, err, errlen) != 0)
		return -1;
	lines = xcalloc(n ? n : 1, sizeof(*lines));
	party_voices(c, voice, sizeof(voice) / sizeof(voice[0]));
	for (i = 0; i < n; i++) {
		int p = party_of(c, &s[i]);

		lines[i].party = p >= 0 && p < (int)(sizeof(voice) / sizeof(voice[0])) ? voice[p] : p;
		lines[i].start_ms = s[i].start_ms;
		lines[i].end_ms = s[i].end_ms;
		lines[i].text = s[i].text;
	}
	rc = audio_demo_render(lines, n, c->duration_ms, c->audio, cancel, audio_ms, why,
			       sizeof(why));
	if (rc != 0)
		errf(err, errlen, "call %s: %s", c->ext_id, why);
	free(lines);
	store_sentences_free(s, n);
	return rc;
}

int audio_call_ensure(store *st, int64_t call, const atomic_int *cancel, char **path,
		      char *err, size_t errlen)
{
	struct store_call *c = NULL;
	char why[512];
	int64_t ms;
	int rc;

	if (path)
		*path = NULL;
	rc = store_call_get_id(st, call, &c, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1 || !c)
		return errf(err, errlen, "there is no call with id %lld", (long long)call);
	if (!c->audio || !*c->audio) {
		errf(err, errlen, "call %s has no recording", c->ext_id);
		rc = 1;
		goto out;
	}
	if (c->audio_ok == 1) {
		rc = 0;
		if (access(c->audio, R_OK) == 0)
			goto out;
		int gone = errno;
		if (!is_demo_recording(st, c->audio)) {
			errf(err, errlen, "call %s: %s: %s", c->ext_id, c->audio, strerror(gone));
			rc = 1;
			goto out;
		}
		/* a demo recording deleted since it was made: made again below */
	} else if (c->audio_ok == 0 || access(c->audio, F_OK) == 0) {
		/* checked and found bad, or there but never checked: look at it now */
		if (audio_probe(c->audio, &ms, why, sizeof(why)) != 0) {
			errf(err, errlen, "call %s: %s", c->ext_id, why);
			rc = 1;
			if (c->audio_ok != 0 && record_audio(st, c->id, c->audio, 0, 0, why,
							      sizeof(why)) != 0) {
				errf(err, errlen, "%s", why);
				rc = -1;
			}
			goto out;
		}
		rc = c->audio_ok == 1 ? 0 : record_audio(st, c->id, c->audio, 1, ms, err, errlen);
		goto out;
	}
	/* not made yet, or gone: a demo recording */
	rc = render_call(st, c, cancel, &ms, err, errlen);
	if (rc == 0)
		rc = record_audio(st, c->id, c->audio, 1, ms, err, errlen);
out:
	if (rc == 0 && path)
		*path = xstrdup(c->audio);
	store_calls_free(c, 1);
	return rc;
}

/* ---------------------------------------------------------------- all at once */

struct make_all {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	const char *db;
	const int64_t *calls;
	size_t total;
	size_t next;		/* next call to take */
	size_t done, made, failed;
	int workers_left;
	const atomic_int *cancel;
	char first_err[512];
};

static void *make_all_worker(void *arg)
{
	struct make_all *m = arg;
	store *st = NULL;
	char err[512];
	int open_failed = 0;

	if (store_open(m->db, &st, err, sizeof(err)) != 0)
		open_failed = 1;
	pthread_mutex_lock(&m->lock);
	for (;;) {
		int64_t call;
		int rc;

		if (m->next >= m->total || (m->cancel && atomic_load(m->cancel)))
			break;
		call = m->calls[m->next++];
		pthread_mutex_unlock(&m->lock);
		rc = open_failed ? -1 : audio_call_ensure(st, call, m->cancel, NULL, err,
							    sizeof(err));
		pthread_mutex_lock(&m->lock);
		m->done++;
		if (rc == 0) {
			m->made++;
		} else if (rc != AUDIO_CANCELLED) {
			if (!m->failed++)
				snprintf(m->first_err, sizeof(m->first_err), "%s", err);
		}
		pthread_cond_broadcast(&m->changed);
	}
	m->workers_left--;
	pthread_cond_broadcast(&m->changed);
	pthread_mutex_unlock(&m->lock);
	store_close(st);
	return NULL;
}

int audio_demo_make_all(const char *db_path, int threads,
			void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
			const atomic_int *cancel, size_t *made, char *err, size_t errlen)
{
	struct make_all m;
	struct store_call *calls = NULL;
	int64_t *ids;
	pthread_t *tids;
	size_t n = 0, i, reported = 0;
	store *st;
	int started = 0, rc = 0;

	if (made)
		*made = 0;
	if (store_open(db_path, &st, err, errlen) != 0)
		return -1;
	if (store_calls_list(st, &calls, &n, err, errlen) != 0) {
		store_close(st);
		return -1;
	}
	store_close(st);
	ids = xcalloc(n ? n : 1, sizeof(*ids));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < n; i++)
		if (calls[i].audio && *calls[i].audio && calls[i].audio_ok == -1)
			ids[m.total++] = calls[i].id;
	store_calls_free(calls, n);
	if (progress)
		progress(ctx, 0, m.total);
	if (m.total == 0) {
		free(ids);
		return 0;
	}
	if (threads < 1) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);

		threads = cores > 0 ? (int)cores : 1;
	}
	if ((size_t)threads > m.total)
		threads = (int)m.total;
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.changed, NULL);
	m.db = db_path;
	m.calls = ids;
	m.cancel = cancel;
	tids = xcalloc((size_t)threads, sizeof(*tids));
	pthread_mutex_lock(&m.lock);
	for (i = 0; i < (size_t)threads; i++) {
		if (pthread_create(&tids[i], NULL, make_all_worker, &m) != 0)
			break;
		m.workers_left++;
		started++;
	}
	if (!started) {
		/* no thread: do the work here */
		pthread_mutex_unlock(&m.lock);
		m.workers_left = 1;
		make_all_worker(&m);
		pthread_mutex_lock(&m.lock);
	}
	while (m.workers_left > 0 || reported < m.done) {
		if (reported < m.done) {
			size_t d = m.done;

			pthread_mutex_unlock(&m.lock);
			if (progress)
				progress(ctx, d, m.total);
			pthread_mutex_lock(&m.lock);
			reported = d;
			continue;
		}
		pthread_cond_wait(&m.changed, &m.lock);
	}
	pthread_mutex_unlock(&m.lock);
	for (i = 0; i < (size_t)started; i++)
		pthread_join(tids[i], NULL);
	if (made)
		*made = m.made;
	if (m.failed) {
		rc = errf(err, errlen, "%zu of %zu recordings failed; first: %s", m.failed,
			  m.total, m.first_err);
	} else if (cancel && atomic_load(cancel) && m.done < m.total) {
		errf(err, errlen, "cancelled after %zu of %zu recordings", m.done, m.total);
		rc = AUDIO_CANCELLED;
	}
	free(tids);
	free(ids);
	pthread_cond_destroy(&m.changed);
	pthread_mutex_destroy(&m.lock);
	return rc;
}

/* ---------------------------------------------------------------- in the background */

struct prep_item {
	int64_t call;
	int status;		/* enum audio_prep_status */
	char *why;		/* for NONE and FAILED */
};

struct audio_prep {
	pthread_mutex_t lock;
	pthread_cond_t idle;		/* the worker finished */
	char *db;
	struct prep_item *items;	/* every call asked for */
	size_t n_items, cap_items;
	int64_t *queue;			/* calls waiting, front first */
	size_t n_queue, cap_queue;
	int64_t current;		/* the call being made, 0 when none */
	atomic_int cancel;		/* abandons the current call */
	int stopping;
	pthread_t thread;
	int alive, joinable;
};

const char *audio_prep_status_name(int status)
{
	switch (status) {
	case AUDIO_PREP_UNKNOWN: return "unknown";
	case AUDIO_PREP_QUEUED: return "queued";
	case AUDIO_PREP_MAKING: return "being made";
	case AUDIO_PREP_READY: return "ready";
	case AUDIO_PREP_NONE: return "no recording";
	case AUDIO_PREP_FAILED: return "failed";
	}
	return "?";
}

static struct prep_item *find_locked(audio_prep *p, int64_t call)
{
	size_t i;

	for (i = 0; i < p->n_items; i++)
		if (p->items[i].call == call)
			return &p->items[i];
	return NULL;
}

static struct prep_item *item_locked(audio_prep *p, int64_t call)
{
	struct prep_item *it = find_locked(p, call);

	if (it)
		return it;
	xgrow(&p->items, &p->cap_items, p->n_items + 1, sizeof(*p->items));
	it = &p->items[p->n_items++];
	memset(it, 0, sizeof(*it));
	it->call = call;
	it->status = AUDIO_PREP_UNKNOWN;
	return it;
}

static void set_status_locked(struct prep_item *it, int status, const char *why)
{
	it->status = status;
	free(it->why);
	it->why = why ? xstrdup(why) : NULL;
}

static void unqueue_locked(audio_prep *p, int64_t call)
{
	size_t i;

	for (i = 0; i < p->n_queue; i++) {
		if (p->queue[i] == call) {
			memmove(p->queue + i, p->queue + i + 1,
				(p->n_queue - i - 1) * sizeof(*p->queue));
			p->n_queue--;
			return;
		}
	}
}

static void push_locked(audio_prep *p, int64_t call, int front)
{
	xgrow(&p->queue, &p->cap_queue, p->n_queue + 1, sizeof(*p->queue));
	if (front) {
		memmove(p->queue + 1, p->queue, p->n_queue * sizeof(*p->queue));
		p->queue[0] = call;
	} else {
		p->queue[p->n_queue] = call;
	}
	p->n_queue++;
}

static void *prep_main(void *arg)
{
	audio_prep *p = arg;
	store *st = NULL;
	char err[512];

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n_queue > 0 && !p->stopping) {
			int64_t call = p->queue[0];
			struct prep_item *it;
			int rc = -1;

			unqueue_locked(p, call);
			it = item_locked(p, call);
			set_status_locked(it, AUDIO_PREP_MAKING, NULL);
			p->current = call;
			atomic_store(&p->cancel, 0);
			pthread_mutex_unlock(&p->lock);
			if (st || store_open(p->db, &st, err, sizeof(err)) == 0)
				rc = audio_call_ensure(st, call, &p->cancel, NULL, err, sizeof(err));
			pthread_mutex_lock(&p->lock);
			it = item_locked(p, call);
			if (rc == 0)
				set_status_locked(it, AUDIO_PREP_READY, NULL);
			else if (rc == 1)
				set_status_locked(it, AUDIO_PREP_NONE, err);
			else if (rc == AUDIO_CANCELLED)
				set_status_locked(it, AUDIO_PREP_UNKNOWN, NULL);
			else
				set_status_locked(it, AUDIO_PREP_FAILED, err);
			p->current = 0;
		}
		if (!st)
			break;
		/* the handle goes before anyone can see the worker gone */
		pthread_mutex_unlock(&p->lock);
		store_close(st);
		st = NULL;
		pthread_mutex_lock(&p->lock);
	}
	p->alive = 0;
	pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Starts the worker when there is work and none runs. */
static void kick_locked(audio_prep *p)
{
	if (p->alive || p->n_queue == 0 || p->stopping)
		return;
	if (p->joinable) {
		pthread_join(p->thread, NULL);
		p->joinable = 0;
	}
	if (pthread_create(&p->thread, NULL, prep_main, p) == 0) {
		p->alive = 1;
		p->joinable = 1;
	}
}

int audio_prep_new(const char *db_path, audio_prep **out, char *err, size_t errlen)
{
	audio_prep *p;

	*out = NULL;
	if (!db_path || !*db_path)
		return errf(err, errlen, "no workspace path");
	p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->db = xstrdup(db_path);
	atomic_init(&p->cancel, 0);
	*out = p;
	return 0;
}

void audio_prep_free(audio_prep *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	p->n_queue = 0;
	if (p->current)
		atomic_store(&p->cancel, 1);
	pthread_mutex_unlock(&p->lock);
	if (p->joinable)
		pthread_join(p->thread, NULL);
	for (i = 0; i < p->n_items; i++)
		free(p->items[i].why);
	free(p->items);
	free(p->queue);
	free(p->db);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void audio_prep_add(audio_prep *p, const int64_t *calls, size_t n)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < n; i++) {
		struct prep_item *it = item_locked(p, calls[i]);

		if (it->status != AUDIO_PREP_UNKNOWN)
			continue;
		set_status_locked(it, AUDIO_PREP_QUEUED, NULL);
		push_locked(p, calls[i], 0);
	}
	kick_locked(p);
	pthread_mutex_unlock(&p->lock);
}

static int status_locked(audio_prep *p, int64_t call, char *why, size_t whylen)
{
	struct prep_item *it = find_locked(p, call);
	int st = it ? it->status : AUDIO_PREP_UNKNOWN;

	if (why && whylen)
		snprintf(why, whylen, "%s", it && it->why ? it->why : "");
	return st;
}

int audio_prep_want(audio_prep *p, int64_t call, char *why, size_t whylen)
{
	struct prep_item *it;
	int st;

	pthread_mutex_lock(&p->lock);
	it = item_locked(p, call);
	if (it->status == AUDIO_PREP_UNKNOWN || it->status == AUDIO_PREP_QUEUED ||
	    it->status == AUDIO_PREP_FAILED) {
		unqueue_locked(p, call);
		set_status_locked(it, AUDIO_PREP_QUEUED, NULL);
		push_locked(p, call, 1);
		kick_locked(p);
	}
	st = status_locked(p, call, why, whylen);
	pthread_mutex_unlock(&p->lock);
	return st;
}

int audio_prep_status(audio_prep *p, int64_t call, char *why, size_t whylen)
{
	int st;

	pthread_mutex_lock(&p->lock);
	st = status_locked(p, call, why, whylen);
	pthread_mutex_unlock(&p->lock);
	return st;
}

void audio_prep_cancel(audio_prep *p)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n_queue; i++) {
		struct prep_item *it = find_locked(p, p->queue[i]);

		if (it)
			set_status_locked(it, AUDIO_PREP_UNKNOWN, NULL);
	}
	p->n_queue = 0;
	if (p->current)
		atomic_store(&p->cancel, 1);
	pthread_mutex_unlock(&p->lock);
}

int audio_prep_wait(audio_prep *p, int timeout_ms)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout_ms >= 0) {
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&p->lock);
	while (p->alive) {
		if (timeout_ms < 0) {
			pthread_cond_wait(&p->idle, &p->lock);
		} else if (pthread_cond_timedwait(&p->idle, &p->lock, &until) == ETIMEDOUT) {
			rc = p->alive ? 1 : 0;
			break;
		}
	}
	if (!rc && p->joinable) {
		pthread_join(p->thread, NULL);
		p->joinable = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}
