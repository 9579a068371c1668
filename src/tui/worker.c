/* The background worker: one thread with its own store handle runs the long work
 * (loading the index, building rounds, training, the overview, activation) one job at
 * a time, and publishes what it is doing under a lock. The UI copies a snapshot once
 * per loop turn and takes finished results by job id. */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define MAX_QUEUE 16
#define MAX_DONE 32

struct job {
	unsigned id;
	int kind;
	int64_t tracker;
	int months;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	store *st;		/* the worker thread's own handle */
	learn_index *ix;	/* loaded once; read-only and shared afterwards */
	int quit;
	unsigned next_id;
	struct job queue[MAX_QUEUE];
	int nqueue;
	struct job running;	/* valid when busy */
	int busy;
	volatile int cancel;	/* polled by the running job */
	char stage[128];
	double fraction;
	int index_state;
	char index_err[512];
	unsigned finished;
	struct job_result done[MAX_DONE];
	int ndone;
};

static const char *job_stage(int kind)
{
	switch (kind) {
	case JOB_INDEX: return "Loading the workspace index";
	case JOB_ROUND: return "Preparing the round";
	case JOB_TRAIN: return "Training the model";
	case JOB_OVERVIEW: return "Estimating precision and hit rate";
	case JOB_ACTIVATE: return "Scoring past calls";
	case JOB_PUBLISH: return "Publishing and scoring calls again";
	case JOB_COMPARE: return "Comparing the draft with what is live";
	}
	return "Working";
}

static int cancellable(int kind)
{
	return kind == JOB_TRAIN || kind == JOB_ACTIVATE || kind == JOB_PUBLISH;
}

/* learn's progress callback: runs on the worker thread, never blocks for long. */
static void on_progress(void *ctx, const char *stage, double fraction)
{
	struct worker *w = ctx;
	pthread_mutex_lock(&w->lock);
	if (stage && *stage) {
		snprintf(w->stage, sizeof(w->stage), "%s", stage);
		if (w->stage[0] >= 'a' && w->stage[0] <= 'z')
			w->stage[0] = (char)(w->stage[0] - 'a' + 'A');
	}
	w->fraction = fraction;
	pthread_mutex_unlock(&w->lock);
}

/* Keeps a finished result; the oldest untaken one goes when there is no room. */
static void finish_locked(struct worker *w, struct job_result *r)
{
	if (w->ndone == MAX_DONE) {
		job_result_clear(&w->done[0]);
		memmove(w->done, w->done + 1, (MAX_DONE - 1) * sizeof(w->done[0]));
		w->ndone--;
	}
	w->done[w->ndone++] = *r;
	w->finished++;
}

static void run_job(struct worker *w, const struct job *j, struct job_result *r)
{
	char *err = r->err;
	size_t errlen = sizeof(r->err);
	int rc = 0;
	if (j->kind == JOB_INDEX) {
		learn_index *ix = NULL;
		rc = learn_index_load(w->st, &ix, on_progress, w, &w->cancel, err, errlen);
		pthread_mutex_lock(&w->lock);
		if (rc == 0) {
			w->ix = ix;
			w->index_state = 1;
		} else {
			w->index_state = -1;
			snprintf(w->index_err, sizeof(w->index_err), "%s", err);
		}
		pthread_mutex_unlock(&w->lock);
		r->rc = rc < 0 ? -1 : 0;
		return;
	}
	if (!w->ix) {
		snprintf(err, errlen, "the workspace index is not loaded: %.400s",
			 w->index_err[0] ? w->index_err : "it failed earlier");
		r->rc = -1;
		return;
	}
	switch (j->kind) {
	case JOB_ROUND:
		/* read-only: the open round is shown; making one says why it cannot */
		rc = store_readonly(w->st) ? 0 : store_begin(w->st, err, errlen);
		if (rc == 0)
			rc = learn_round(w->st, w->ix, j->tracker, &r->round, &r->built, err, errlen);
		break;
	case JOB_TRAIN:
		rc = store_begin(w->st, err, errlen);
		if (rc == 0)
			rc = learn_train(w->st, w->ix, j->tracker, on_progress, w, &w->cancel,
					 &r->version, err, errlen);
		if (rc > 0)
			rc = 0;	/* the model was up to date */
		break;
	case JOB_OVERVIEW:
		rc = learn_overview_get(w->st, w->ix, j->tracker, &r->overview, err, errlen);
		break;
	case JOB_COMPARE:
		rc = learn_compare(w->st, w->ix, j->tracker, &r->compare, err, errlen);
		break;
	case JOB_ACTIVATE:
		rc = store_begin(w->st, err, errlen);
		if (rc == 0)
			rc = learn_activate(w->st, w->ix, j->tracker, j->months, on_progress, w,
					    &w->cancel, &r->detections, err, errlen);
		break;
	case JOB_PUBLISH:
		rc = store_begin(w->st, err, errlen);
		if (rc == 0)
			rc = learn_publish(w->st, w->ix, j->tracker, on_progress, w, &w->cancel,
					   &r->detections, err, errlen);
		break;
	}
	if (j->kind != JOB_OVERVIEW && j->kind != JOB_COMPARE) {	/* these write nothing */
		if (rc == 0 && w->cancel) {
			rc = -1;
			snprintf(err, errlen, "cancelled");
		}
		if (rc == 0)
			rc = store_commit(w->st, err, errlen);
		else
			store_rollback(w->st);
	}
	r->rc = rc < 0 ? (w->cancel ? 1 : -1) : 0;
	if (r->rc != 0) {
		store_round_free(r->round);
		r->round = NULL;
		learn_overview_free(r->overview);
		r->overview = NULL;
		learn_compare_free(r->compare);
		r->compare = NULL;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->quit && w->nqueue == 0)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->quit)
			break;
		w->running = w->queue[0];
		memmove(w->queue, w->queue + 1, (size_t)(w->nqueue - 1) * sizeof(w->queue[0]));
		w->nqueue--;
		w->busy = 1;
		w->cancel = 0;
		snprintf(w->stage, sizeof(w->stage), "%s", job_stage(w->running.kind));
		w->fraction = -1;
		struct job j = w->running;
		pthread_mutex_unlock(&w->lock);

		struct job_result r;
		memset(&r, 0, sizeof(r));
		r.id = j.id;
		r.kind = j.kind;
		r.tracker = j.tracker;
		run_job(w, &j, &r);

		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		finish_locked(w, &r);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int worker_new(const char *db, struct worker **out, char *err, size_t errlen)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	if (store_open(db, &w->st, err, errlen) < 0) {
		free(w);
		return -1;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->next_id = 1;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		errf(err, errlen, "cannot start the background worker");
		store_close(w->st);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->wake);
		free(w);
		return -1;
	}
	worker_submit(w, JOB_INDEX, 0, 0);
	*out = w;
	return 0;
}

void worker_free(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	w->cancel = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (int i = 0; i < w->ndone; i++)
		job_result_clear(&w->done[i]);
	learn_index_free(w->ix);
	store_close(w->st);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}

unsigned worker_submit(struct worker *w, int kind, int64_t tracker, int months)
{
	pthread_mutex_lock(&w->lock);
	unsigned id = w->next_id++;
	if (w->nqueue == MAX_QUEUE) {
		/* never expected: refuse by finishing it as failed */
		struct job_result r;
		memset(&r, 0, sizeof(r));
		r.id = id;
		r.kind = kind;
		r.tracker = tracker;
		r.rc = -1;
		snprintf(r.err, sizeof(r.err), "too much background work queued; try again");
		finish_locked(w, &r);
	} else {
		w->queue[w->nqueue++] = (struct job){id, kind, tracker, months};
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	return id;
}

void worker_cancel(struct worker *w, unsigned job)
{
	pthread_mutex_lock(&w->lock);
	if (w->busy && w->running.id == job && cancellable(w->running.kind)) {
		w->cancel = 1;
	} else {
		for (int i = 0; i < w->nqueue; i++) {
			if (w->queue[i].id != job)
				continue;
			struct job_result r;
			memset(&r, 0, sizeof(r));
			r.id = job;
			r.kind = w->queue[i].kind;
			r.tracker = w->queue[i].tracker;
			r.rc = 1;
			snprintf(r.err, sizeof(r.err), "cancelled");
			memmove(w->queue + i, w->queue + i + 1,
				(size_t)(w->nqueue - i - 1) * sizeof(w->queue[0]));
			w->nqueue--;
			finish_locked(w, &r);
			break;
		}
	}
	pthread_mutex_unlock(&w->lock);
}

void worker_snapshot(struct worker *w, struct worker_snapshot *out)
{
	pthread_mutex_lock(&w->lock);
	memset(out, 0, sizeof(*out));
	out->busy = w->busy;
	out->queued = w->nqueue;
	if (w->busy) {
		out->job = w->running.id;
		out->kind = w->running.kind;
		out->tracker = w->running.tracker;
		out->cancellable = cancellable(w->running.kind);
		out->cancelling = w->cancel;
		snprintf(out->stage, sizeof(out->stage), "%s", w->stage);
		out->fraction = w->fraction;
	}
	out->index_state = w->index_state;
	snprintf(out->index_err, sizeof(out->index_err), "%s", w->index_err);
	out->finished = w->finished;
	pthread_mutex_unlock(&w->lock);
}

int worker_take(struct worker *w, unsigned job, struct job_result *out)
{
	int found = 0;
	pthread_mutex_lock(&w->lock);
	for (int i = 0; i < w->ndone; i++) {
		if (w->done[i].id != job)
			continue;
		*out = w->done[i];
		memmove(w->done + i, w->done + i + 1, (size_t)(w->ndone - i - 1) * sizeof(w->done[0]));
		w->ndone--;
		found = 1;
		break;
	}
	pthread_mutex_unlock(&w->lock);
	return found;
}

void job_result_clear(struct job_result *r)
{
	store_round_free(r->round);
	learn_overview_free(r->overview);
	learn_compare_free(r->compare);
	memset(r, 0, sizeof(*r));
}

const learn_index *worker_index(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	const learn_index *ix = w->ix;
	pthread_mutex_unlock(&w->lock);
	return ix;
}
