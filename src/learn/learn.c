/* The trainer's public operations: rounds, tags, models, the overview, scoring,
 * activation and publishing. */
#include "learn.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler.h"
#include "trainer.h"
#include "xmalloc.h"

#define SECONDS_PER_MONTH 2629746	/* 30.436875 days */
#define SAMPLES 20

/* ------------------------------------------------------------------ states */

int learn_has_draft(const struct store_tracker *t)
{
	return t->active && (t->has_draft_settings || (t->latest_model && t->latest_model != t->live_model));
}

const char *learn_state_name(const struct store_tracker *t)
{
	static char buf[64];
	if (t->active)
		return learn_has_draft(t) ? "active, unpublished changes" : "active";
	if (t->n_examples < LEARN_MIN_EXAMPLES)
		return "needs examples";
	int done = t->rounds - (t->round_open ? 1 : 0);
	if (t->latest_model && done >= LEARN_FIRST_MODEL_ROUND)
		return "model ready";
	if (t->rounds == 0)
		return "ready to tag";
	snprintf(buf, sizeof(buf), "in training: round %d", t->round_open ? t->rounds : t->rounds + 1);
	return buf;
}

/* ------------------------------------------------------------------ models in use */

/* The newest stored model of a tracker, loaded; retrained in memory when the index's
 * word vectors changed since it was made. Returns 1 when there is none. */
static int current_model(store *st, const struct learn_index *ix, int64_t tracker, int64_t model_id,
			 struct store_model **row, struct lmodel **m, char *err, size_t errlen)
{
	*row = NULL;
	*m = NULL;
	int rc = model_id ? store_model_get(st, model_id, row, err, errlen)
			  : store_model_latest(st, tracker, row, err, errlen);
	if (rc)
		return rc;
	*m = model_load((*row)->blob, (*row)->blob_len);
	if (*m && (*m)->vec_epoch == ix->vec_epoch)
		return 0;
	/* The vectors were retrained since: the same data gives the model in today's space,
	 * from what the model itself was trained on (later tags and examples are a draft's). */
	double threshold = *m ? (*m)->threshold : (*row)->threshold;
	double cal_a = *m ? (*m)->cal_a : 1, cal_b = *m ? (*m)->cal_b : 0;
	lmodel_free(*m);
	*m = NULL;
	cJSON *rep = cJSON_Parse((*row)->report);
	cJSON *recipe = cJSON_GetObjectItemCaseSensitive(rep, "recipe");
	if (cJSON_IsObject(recipe)) {
		if (trainer_recipe_follow(st, ix, recipe, err, errlen) == 0)
			*m = trainer_refit(ix, recipe, err, errlen);
		cJSON_Delete(rep);
		if (!*m) {
			store_model_free(*row);
			*row = NULL;
			return -1;
		}
		(*m)->threshold = threshold;
		(*m)->cal_a = cal_a;
		(*m)->cal_b = cal_b;
		return 0;
	}
	cJSON_Delete(rep);
	/* Stored before models kept what they were trained on: the tracker's data now. */
	struct tdata d;
	if (tdata_load(st, ix, tracker, &d, err, errlen) < 0) {
		store_model_free(*row);
		*row = NULL;
		return -1;
	}
	*m = trainer_fit(ix, &d, NULL, err, errlen);
	tdata_free(&d);
	if (!*m) {
		store_model_free(*row);
		*row = NULL;
		return -1;
	}
	(*m)->threshold = threshold;
	return 0;
}

/* The tracker's newest model when it was built from exactly what d holds now: 1 (and
 * *row, *m set), else 0. */
static int same_model(store *st, const struct learn_index *ix, const struct tdata *d,
		      struct store_model **row, struct lmodel **m, char *err, size_t errlen)
{
	char want[32];
	*row = NULL;
	*m = NULL;
	int rc = store_model_latest(st, d->tracker, row, err, errlen);
	if (rc)
		return rc < 0 ? -1 : 0;
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)tdata_fingerprint(ix, d));
	cJSON *r = cJSON_Parse((*row)->report);
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(r, "fingerprint");
	int same = cJSON_IsString(fp) && !strcmp(fp->valuestring, want);
	cJSON_Delete(r);
	if (same)
		*m = model_load((*row)->blob, (*row)->blob_len);
	if (!*m) {
		store_model_free(*row);
		*row = NULL;
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ rounds and tags */

/* for: what needs it, "a round" or "a model". */
static int check_ready(const struct tdata *d, const char *what, char *err, size_t errlen)
{
	if (d->n_ex < LEARN_MIN_EXAMPLES)
		return errf(err, errlen, "tracker '%s' has %zu example sentence%s; %s needs at "
			    "least %d (add them with `tracker examples %lld add ...`)",
			    d->t->live.name, d->n_ex, d->n_ex == 1 ? "" : "s", what,
			    LEARN_MIN_EXAMPLES, (long long)d->tracker);
	if (d->pool.n == 0)
		return errf(err, errlen, "tracker '%s' has no sentences %s: its filters, side "
			    "and part of the call leave no calls in this workspace",
			    d->t->live.name, !strcmp(what, "a round") ? "to ask" : "to learn from");
	return 0;
}

int learn_round(store *st, const struct learn_index *ix, int64_t tracker, struct store_round **out,
		int *built, char *err, size_t errlen)
{
	struct store_round *r = NULL;
	struct tdata d;
	*out = NULL;
	if (built)
		*built = 0;
	int rc = store_round_latest(st, tracker, &r, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0 && !r->completed) {
		*out = r;
		return 0;
	}
	int number = r ? r->number + 1 : 1;
	store_round_free(r);
	if (tdata_load(st, ix, tracker, &d, err, errlen) < 0)
		return -1;
	if (check_ready(&d, "a round", err, errlen) < 0) {
		tdata_free(&d);
		return -1;
	}
	/* The model of the present tags is stored when it was trained after the last
	 * round: use it rather than train it again. */
	struct store_model *row = NULL;
	struct lmodel *cur = NULL;
	if (same_model(st, ix, &d, &row, &cur, err, errlen) < 0) {
		tdata_free(&d);
		return -1;
	}
	struct store_round_item *items;
	size_t n;
	rc = sampler_build(ix, &d, number, cur, &items, &n, err, errlen);
	lmodel_free(cur);
	store_model_free(row);
	tdata_free(&d);
	if (rc < 0)
		return -1;
	rc = store_round_create(st, tracker, number, items, n, NULL, err, errlen);
	free(items);
	if (rc < 0)
		return -1;
	if (built)
		*built = 1;
	return store_round_latest(st, tracker, out, err, errlen) == 0 ? 0 : -1;
}

static int train(store *st, const struct learn_index *ix, int64_t tracker,
		 learn_progress_fn progress, void *ctx, volatile int *cancel, int *version,
		 int *nothing, char *err, size_t errlen);

int learn_tag(store *st, const struct learn_index *ix, int64_t tracker, int64_t sentence, int label,
	      struct learn_tag_result *res, char *err, size_t errlen)
{
	struct learn_tag_result tmp;
	if (!res)
		res = &tmp;
	memset(res, 0, sizeof(*res));
	int completed = 0;
	if (store_tag_set(st, tracker, sentence, label, &completed, err, errlen) < 0)
		return -1;
	res->round_completed = completed;
	if (!completed)
		return 0;
	struct store_round *r = NULL;
	if (store_round_latest(st, tracker, &r, err, errlen) != 0)
		return -1;
	int number = r->number;
	store_round_free(r);
	if (number < LEARN_FIRST_MODEL_ROUND)
		return 0;
	int nothing = 0;
	if (train(st, ix, tracker, NULL, NULL, NULL, &res->model_version, &nothing, err, errlen) < 0) {
		/* the tag stands: a model needs data the tracker does not have yet */
		res->untrained = nothing;
		return nothing ? 0 : -1;
	}
	res->trained = 1;
	return 0;
}

/* ------------------------------------------------------------------ training */

/* Detections of a model on a pool: a 0/1 flag per pool sentence. logit, when not NULL,
 * holds the model's logits of the pool already. */
static uint8_t *detect(const struct learn_index *ix, const struct lmodel *m, const struct pool *p,
		       const float *logit, size_t *count)
{
	float *prob = NULL;
	if (!logit) {
		prob = xmalloc((p->n + 1) * sizeof(float));
		trainer_score_pool(ix, m, p, prob);
	}
	uint8_t *on = xcalloc(p->n + 1, 1);
	*count = 0;
	for (size_t i = 0; i < p->n; i++)
		if ((logit ? sigmoid(logit[i]) : prob[i]) >= m->threshold) {
			on[i] = 1;
			(*count)++;
		}
	free(prob);
	return on;
}

static void add_num(cJSON *o, const char *k, double v)
{
	if (isnan(v) || isinf(v))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, v);
}

static double json_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int learn_train(store *st, const struct learn_index *ix, int64_t tracker, learn_progress_fn progress,
		void *ctx, volatile int *cancel, int *version, char *err, size_t errlen)
{
	return train(st, ix, tracker, progress, ctx, cancel, version, NULL, err, errlen);
}

/* learn_train; *nothing (may be NULL) is set when it fails because the tracker has
 * nothing a model can be learnt from (too few examples, no calls, no sentence that is
 * not the concept), as opposed to the workspace failing. */
static int train(store *st, const struct learn_index *ix, int64_t tracker,
		 learn_progress_fn progress, void *ctx, volatile int *cancel, int *version,
		 int *nothing, char *err, size_t errlen)
{
	struct tdata d;
	struct estimate est;
	if (nothing)
		*nothing = 0;
	if (tdata_load(st, ix, tracker, &d, err, errlen) < 0)
		return -1;
	int rc = -1;
	struct lmodel *m = NULL, *prev = NULL;
	struct store_model *prev_row = NULL;
	uint8_t *now_on = NULL, *prev_on = NULL;
	float *pool_logit = NULL;
	cJSON *rep = NULL;
	if (check_ready(&d, "a model", err, errlen) < 0) {
		if (nothing)
			*nothing = 1;
		goto out;
	}
	/* The examples are yes; a model also needs sentences that are not the concept: NO
	 * tags, or sentences of the scope not tagged yes to stand for them. */
	size_t negatives = d.n_bg;
	for (size_t i = 0; i < d.n_tags; i++)
		negatives += tag_trainable(&d.tags[i]) && d.tags[i].label == STORE_TAG_NO;
	if (negatives == 0) {
		errf(err, errlen, "tracker '%s' has nothing to set against its examples: a model "
		     "needs sentences that are not the concept, and every sentence of its calls "
		     "is tagged YES (or is in the audit sample, never trained on); tag some NO, "
		     "or widen its calls with `tracker edit`", d.t->live.name);
		if (nothing)
			*nothing = 1;
		goto out;
	}
	/* Nothing changed since the newest model: training again would make the same one. */
	int same = same_model(st, ix, &d, &prev_row, &prev, err, errlen);
	if (same < 0)
		goto out;
	if (same) {
		if (version)
			*version = prev_row->version;
		rc = 1;
		goto out;
	}
	if (progress)
		progress(ctx, "training the model", 0.1);
	m = trainer_fit(ix, &d, NULL, err, errlen);
	if (!m)
		goto out;
	if (cancel && *cancel) {
		errf(err, errlen, "cancelled");
		goto out;
	}
	if (progress)
		progress(ctx, "estimating on held-out calls", 0.4);
	pool_logit = xmalloc((d.pool.n + 1) * sizeof(float));
	int est_rc = trainer_estimate(ix, &d, m, &est, pool_logit, err, errlen);
	if (est_rc < 0)
		goto out;
	m->threshold = est.threshold;
	m->cal_a = est.cal_a;
	m->cal_b = est.cal_b;

	/* How much the detections moved since the previous version, on the whole scope. */
	size_t n_now = 0, n_prev = 0;
	now_on = detect(ix, m, &d.pool, est_rc == 0 ? pool_logit : NULL, &n_now);
	double change = NAN, prev_change = NAN;
	int has_prev = store_model_latest(st, tracker, &prev_row, err, errlen);
	if (has_prev < 0)
		goto out;
	if (has_prev == 0) {
		prev = model_load(prev_row->blob, prev_row->blob_len);
		cJSON *pr = cJSON_Parse(prev_row->report);
		prev_change = json_num(pr, "change");
		cJSON_Delete(pr);
		if (prev && prev->vec_epoch == ix->vec_epoch) {
			prev_on = detect(ix, prev, &d.pool, NULL, &n_prev);
			size_t diff = 0, uni = 0;
			for (size_t i = 0; i < d.pool.n; i++) {
				diff += now_on[i] != prev_on[i];
				uni += now_on[i] || prev_on[i];
			}
			change = uni ? (double)diff / (double)uni : 0;
		}
	}

	int64_t n_tags = 0, yes = 0, no = 0, unsure = 0;
	for (size_t i = 0; i < d.n_tags; i++) {
		n_tags += tag_trainable(&d.tags[i]);
		yes += d.tags[i].label == STORE_TAG_YES;
		no += d.tags[i].label == STORE_TAG_NO;
		unsure += d.tags[i].label == STORE_TAG_UNSURE;
	}
	rep = cJSON_CreateObject();
	add_num(rep, "precision", est.precision);
	add_num(rep, "recall", est.recall);
	add_num(rep, "precision_lo", est.precision_lo);
	add_num(rep, "precision_hi", est.precision_hi);
	add_num(rep, "recall_lo", est.recall_lo);
	add_num(rep, "recall_hi", est.recall_hi);
	add_num(rep, "f1", est.f1);
	add_num(rep, "threshold", est.threshold);
	cJSON_AddNumberToObject(rep, "splits", est.splits);
	cJSON_AddNumberToObject(rep, "held_out", (double)est.held_out);
	add_num(rep, "change", change);
	add_num(rep, "previous_change", prev_change);
	cJSON_AddNumberToObject(rep, "detections", (double)n_now);
	cJSON_AddNumberToObject(rep, "scope", (double)d.pool.n);
	cJSON_AddNumberToObject(rep, "rounds", d.rounds_done);
	cJSON_AddNumberToObject(rep, "yes", (double)yes);
	cJSON_AddNumberToObject(rep, "no", (double)no);
	cJSON_AddNumberToObject(rep, "unsure", (double)unsure);
	char fp[32];
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)tdata_fingerprint(ix, &d));
	cJSON_AddStringToObject(rep, "fingerprint", fp);
	cJSON_AddItemToObject(rep, "recipe", trainer_recipe(&d));
	char *text = cJSON_PrintUnformatted(rep);
	size_t blob_len;
	void *blob = model_save(m, &blob_len);
	struct store_model row = {
		.tracker = tracker, .threshold = est.threshold, .n_tags = (int)n_tags,
		.provisional = d.rounds_done < LEARN_FIRST_MODEL_ROUND, .state = STORE_MODEL_DRAFT,
		.precision = est.precision, .recall = est.recall, .blob = blob,
		.blob_len = blob_len, .report = text,
	};
	rc = store_model_put(st, &row, err, errlen);
	free(blob);
	free(text);
	if (rc == 0 && version)
		*version = row.version;
	if (progress)
		progress(ctx, "model ready", 1.0);
out:
	cJSON_Delete(rep);
	free(now_on);
	free(pool_logit);
	free(prev_on);
	lmodel_free(m);
	lmodel_free(prev);
	store_model_free(prev_row);
	tdata_free(&d);
	return rc;
}

/* ------------------------------------------------------------------ the overview */

/* Up to want sentences of ids (scores beside them), drawn at random with seed: one a
 * call while calls last, and never one text twice (a repeated sentence would use up two
 * of the admin's checks on one thing). Their texts are read from the store. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static struct learn_sample *sample_spread(store *st, const struct learn_index *ix,
					  const int64_t *ids, const float *score, const uint8_t *known,
					  size_t n, size_t want, uint64_t seed, size_t *nout)
{
	size_t *order = xmalloc((n + 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	struct rng rg;
	rng_seed(&rg, seed);
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_below(&rg, i);
		size_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	uint8_t *taken = xcalloc(n + 1, 1);
	struct learn_sample *out = xcalloc(want + 1, sizeof(*out));
	size_t got = 0;
	/* One a call first, then any call; within each, what the admin has tagged (known)
	 * only after the rest; never two that say the same. */
	for (int pass = 0; pass < 4 && got < want; pass++)
		for (size_t k = 0; k < n && got < want; k++) {
			if (taken[k] || (pass % 2 == 0 && known && known[order[k]]))
				continue;
			int64_t id = ids[order[k]];
			int seen = 0;
			for (size_t j = 0; j < got && !seen; j++)
				seen = (pass < 2 && out[j].call == (int64_t)ix->call[id]) ||
				       sampler_near_duplicate(ix, out[j].sentence, id);
			if (seen)
				continue;
			taken[k] = 1;
			out[got].sentence = id;
			out[got].call = ix->call[id];
			out[got].score = score[order[k]];
			got++;
		}
	free(taken);
	free(order);
	for (size_t i = 0; i < got; i++) {
		struct store_sentence *ctxs;
		size_t nc, target;
		char e[256];
		if (store_sentence_context(st, out[i].sentence, 0, 0, &ctxs, &nc, &target, e,
					   sizeof(e)) == 0) {
			out[i].text = xstrdup(ctxs[target].text);
			store_sentences_free(ctxs, nc);
		} else {
			out[i].text = xstrdup("");
		}
	}
	*nout = got;
	return out;
}

static void samples_free(struct learn_sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].text);
	free(s);
}

void learn_overview_free(struct learn_overview *o)
{
	if (!o)
		return;
	samples_free(o->samples, o->n_samples);
	free(o->audit_note);
	free(o->estimate_note);
	free(o->advice);
	free(o);
}

/* 95% Wilson interval of k successes in n. */
static void wilson(double k, double n, double *lo, double *hi)
{
	double z = 1.96, p = k / n, den = 1 + z * z / n;
	double centre = (p + z * z / (2 * n)) / den;
	double half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den;
	*lo = centre - half;
	*hi = centre + half;
}

static void audit_check(struct learn_overview *o)
{
	struct sbuf b = {0};
	o->audit_precision = o->audit_detected >= 3 ? (double)o->audit_detected_yes / (double)o->audit_detected : NAN;
	o->audit_recall = o->audit_yes >= 3 ? (double)o->audit_detected_yes / (double)o->audit_yes : NAN;
	if (!isnan(o->audit_precision) && !isnan(o->precision)) {
		double lo, hi;
		wilson((double)o->audit_detected_yes, (double)o->audit_detected, &lo, &hi);
		if (o->precision < lo || o->precision > hi) {
			o->audit_disagrees = 1;
			sbuf_printf(&b, "The audit sample (sentences drawn at random and never trained "
				    "on) finds precision %.0f%% (%lld of %lld detections right), outside "
				    "what the estimate of %.0f%% allows. ", o->audit_precision * 100,
				    (long long)o->audit_detected_yes, (long long)o->audit_detected,
				    o->precision * 100);
		}
	}
	if (!isnan(o->audit_recall) && !isnan(o->recall)) {
		double lo, hi;
		wilson((double)o->audit_detected_yes, (double)o->audit_yes, &lo, &hi);
		if (o->recall < lo || o->recall > hi) {
			o->audit_disagrees = 1;
			sbuf_printf(&b, "The audit sample finds a hit rate of %.0f%% (%lld of %lld), "
				    "outside what the estimate of %.0f%% allows. ", o->audit_recall * 100,
				    (long long)o->audit_detected_yes, (long long)o->audit_yes,
				    o->recall * 100);
		}
	}
	if (o->audit_disagrees) {
		sbuf_add(&b, "Train more rounds before trusting the estimate.");
		o->audit_note = sbuf_take(&b);
	} else if (o->audit_tagged > 0 && (isnan(o->precision) || isnan(o->recall))) {
		/* nothing to agree with: say what it holds */
		sbuf_printf(&b, "The audit sample (%lld sentence%s drawn at random, never trained on: "
			    "%lld yes, %lld no, %lld detected) has no estimate to check yet.",
			    (long long)o->audit_tagged, o->audit_tagged == 1 ? "" : "s",
			    (long long)o->audit_yes, (long long)(o->audit_tagged - o->audit_yes),
			    (long long)o->audit_detected);
		o->audit_note = sbuf_take(&b);
	} else if (o->audit_tagged > 0) {
		sbuf_printf(&b, "The audit sample (%lld sentence%s drawn at random, never trained on) "
			    "agrees with the estimate as far as it can tell.", (long long)o->audit_tagged,
			    o->audit_tagged == 1 ? "" : "s");
		o->audit_note = sbuf_take(&b);
	}
	sbuf_free(&b);
}

int learn_overview_get(store *st, const struct learn_index *ix, int64_t tracker,
		       struct learn_overview **out, char *err, size_t errlen)
{
	struct tdata d;
	*out = NULL;
	if (tdata_load(st, ix, tracker, &d, err, errlen) < 0)
		return -1;
	struct learn_overview *o = xcalloc(1, sizeof(*o));
	o->tracker = tracker;
	o->rounds = d.rounds_done;
	o->examples = (int64_t)d.n_ex;
	o->threshold = o->precision = o->recall = NAN;
	o->precision_lo = o->precision_hi = o->recall_lo = o->recall_hi = NAN;
	o->audit_precision = o->audit_recall = o->change = o->est_detections = NAN;
	o->scope_sentences = (int64_t)d.pool.n;
	o->model_yes = o->model_no = o->model_examples = -1;
	for (size_t i = 0; i < d.n_tags; i++) {
		o->yes += d.tags[i].label == STORE_TAG_YES;
		o->no += d.tags[i].label == STORE_TAG_NO;
		o->unsure += d.tags[i].label == STORE_TAG_UNSURE;
	}
	struct store_model *row = NULL;
	struct lmodel *m = NULL;
	int rc = current_model(st, ix, tracker, 0, &row, &m, err, errlen);
	if (rc < 0) {
		tdata_free(&d);
		learn_overview_free(o);
		return -1;
	}
	if (rc == 0) {
		cJSON *r = cJSON_Parse(row->report);
		o->model_version = row->version;
		o->provisional = row->provisional;
		o->threshold = m->threshold;
		o->precision = json_num(r, "precision");
		o->recall = json_num(r, "recall");
		o->precision_lo = json_num(r, "precision_lo");
		o->precision_hi = json_num(r, "precision_hi");
		o->recall_lo = json_num(r, "recall_lo");
		o->recall_hi = json_num(r, "recall_hi");
		if (isnan(o->precision) || isnan(o->recall)) {
			size_t yes, no, calls, in_scope = 0;
			trainer_estimable(&d, &yes, &no, &calls);
			/* the pool is in id order, and a call's sentence ids are consecutive */
			for (size_t i = 0; i < d.pool.n; i++)
				in_scope += !i || ix->call[d.pool.ids[i]] != ix->call[d.pool.ids[i - 1]];
			if (in_scope < TRAINER_ESTIMATE_CALLS)
				o->estimate_note = xasprintf(
					"No estimate: it needs YES and NO tags from %d calls or more, and "
					"this tracker's settings leave %zu call%s: widen them (scope, "
					"filters, part of the call) for one.", TRAINER_ESTIMATE_CALLS,
					in_scope, in_scope == 1 ? "" : "s");
			else
				o->estimate_note = xasprintf(
					"No estimate yet: it needs YES and NO tags (2 of each at least) "
					"from %d calls or more; so far %zu YES and %zu NO from %zu call%s. "
					"Tag another round.", TRAINER_ESTIMATE_CALLS, yes, no, calls,
					calls == 1 ? "" : "s");
		}
		o->splits = (int)json_num(r, "splits");
		o->held_out = (int64_t)json_num(r, "held_out");
		o->change = json_num(r, "change");
		double prev_change = json_num(r, "previous_change");
		double my = json_num(r, "yes"), mn = json_num(r, "no");
		const cJSON *rex = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(r, "recipe"), "examples");
		if (!isnan(my) && !isnan(mn)) {
			o->model_yes = (int64_t)my;
			o->model_no = (int64_t)mn;
		}
		if (cJSON_IsArray(rex))
			o->model_examples = cJSON_GetArraySize(rex);
		cJSON_Delete(r);
		if (isnan(o->change))
			o->advice = xstrdup("This is the first model: tag another round to see whether "
					    "its detections settle.");
		else if (o->change < 0.05 && (isnan(prev_change) || prev_change < 0.10)) {
			o->plateau = 1;
			o->advice = xasprintf("The model has settled: only %.0f%% of its detections "
					      "changed with the last round, so more rounds are unlikely "
					      "to change much.", o->change * 100);
		} else {
			o->advice = xasprintf("%.0f%% of the model's detections changed with the last "
					      "round: more rounds are likely to help.", o->change * 100);
		}

		/* The audit sample: never trained on, so the model meets it fresh. */
		for (size_t i = 0; i < d.n_tags; i++) {
			const struct store_tag *t = &d.tags[i];
			if (!t->audit || (t->label != STORE_TAG_YES && t->label != STORE_TAG_NO))
				continue;
			int hit = sigmoid(model_logit(m, &d.tagf[i])) >= m->threshold;
			o->audit_tagged++;
			o->audit_yes += t->label == STORE_TAG_YES;
			o->audit_detected += hit;
			o->audit_detected_yes += hit && t->label == STORE_TAG_YES;
		}
		audit_check(o);

		/* What it would detect in the calls, and 20 of those spread over calls. */
		float *prob = xmalloc((d.pool.n + 1) * sizeof(float));
		trainer_score_pool(ix, m, &d.pool, prob);
		size_t nd = 0;
		int64_t *det = xmalloc((d.pool.n + 1) * sizeof(int64_t));
		for (size_t i = 0; i < d.pool.n; i++)
			if (prob[i] >= m->threshold) {
				det[nd] = d.pool.ids[i];
				prob[nd++] = prob[i];
			}
		o->est_detections = (double)nd;
		/* The sentences the admin has tagged, and their repeats, say nothing new: the
		 * samples show what the model finds on its own first. */
		uint8_t *known = xcalloc(nd + 1, 1);
		uint32_t *th = xmalloc((d.n_tags + 1) * sizeof(uint32_t));
		size_t nth = 0;
		for (size_t j = 0; j < d.n_tags; j++)
			if (d.tags[j].sentence <= ix->max_id)
				th[nth++] = ix->texthash[d.tags[j].sentence];
		qsort(th, nth, sizeof(*th), cmp_u32);
		for (size_t i = 0; i < nd; i++)
			known[i] = bsearch(&ix->texthash[det[i]], th, nth, sizeof(*th), cmp_u32) != NULL;
		free(th);
		o->samples = sample_spread(st, ix, det, prob, known, nd, SAMPLES,
					   (uint64_t)row->id * 7777 + 1, &o->n_samples);
		free(known);
		free(det);
		free(prob);
	}
	store_model_free(row);
	lmodel_free(m);
	tdata_free(&d);
	*out = o;
	return 0;
}

/* ------------------------------------------------------------------ scoring */

int learn_score_texts(store *st, const struct learn_index *ix, int64_t tracker,
		      const char *const *texts, size_t n, double *scores, int *match,
		      char *err, size_t errlen)
{
	struct store_model *row;
	struct lmodel *m;
	int rc = current_model(st, ix, tracker, 0, &row, &m, err, errlen);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return errf(err, errlen, "tracker %lld has no model yet: a model is built after "
			    "round %d (or with `tracker train %lld`)", (long long)tracker,
			    LEARN_FIRST_MODEL_ROUND, (long long)tracker);
	text_stemmer *stem = text_stemmer_new();
	struct feats f = {0};
	for (size_t i = 0; i < n; i++) {
		feats_of_text(ix, stem, texts[i], &f);
		scores[i] = sigmoid(model_logit(m, &f));
		match[i] = scores[i] >= m->threshold;
	}
	feats_free(&f);
	text_stemmer_free(stem);
	store_model_free(row);
	lmodel_free(m);
	return 0;
}

/* ------------------------------------------------------------------ activation */

/* Scores the pool with a model and returns the detections. */
static struct store_detection_in *detections_of(const struct learn_index *ix, const struct lmodel *m,
						const struct pool *p, size_t *n)
{
	float *prob = xmalloc((p->n + 1) * sizeof(float));
	trainer_score_pool(ix, m, p, prob);
	struct store_detection_in *d = NULL;
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < p->n; i++)
		if (prob[i] >= m->threshold) {
			xgrow(&d, &cap, *n + 1, sizeof(*d));
			d[*n].sentence = p->ids[i];
			d[*n].call = ix->call[p->ids[i]];
			d[*n].score = prob[i];
			(*n)++;
		}
	free(prob);
	return d;
}

/* Calls an active tracker covers: started inside its window, or imported after it was
 * activated. */
static int active_pool(store *st, const struct learn_index *ix, const struct store_settings *set,
		       int64_t activated_at, int months, struct pool *p, char *err, size_t errlen)
{
	struct store_call_span *sp;
	size_t n, k = 0;
	if (store_calls_matching(st, set, INT64_MIN, &sp, &n, err, errlen) < 0)
		return -1;
	int64_t since = activated_at - (int64_t)months * SECONDS_PER_MONTH;
	for (size_t i = 0; i < n; i++)
		if (months > 0 ? sp[i].started_unix >= since || sp[i].imported_unix >= activated_at
			       : sp[i].imported_unix > activated_at || sp[i].started_unix >= activated_at)
			sp[k++] = sp[i];
	pool_from_spans(ix, set, sp, k, p);
	free(sp);
	return 0;
}

static int store_scored(store *st, const struct learn_index *ix, int64_t tracker, int64_t model_id,
			const struct lmodel *m, int64_t activated_at, int months, size_t *count,
			char *err, size_t errlen)
{
	struct store_tracker *t;
	struct pool p = {0};
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		return -1;
	int rc = active_pool(st, ix, &t->live, activated_at, months, &p, err, errlen);
	store_tracker_free(t);
	if (rc < 0)
		return -1;
	size_t n;
	struct store_detection_in *d = detections_of(ix, m, &p, &n);
	rc = store_detections_replace(st, tracker, model_id, d, n, err, errlen);
	free(d);
	pool_free(&p);
	if (count)
		*count = n;
	return rc;
}

int learn_activate(store *st, const struct learn_index *ix, int64_t tracker, int months,
		   learn_progress_fn progress, void *ctx, volatile int *cancel,
		   size_t *detections, char *err, size_t errlen)
{
	struct store_tracker *t = NULL, *all = NULL;
	size_t n_all = 0;
	int rc = -1;
	struct store_model *row = NULL;
	struct lmodel *m = NULL;
	if (months < 0 || months > 120)
		return errf(err, errlen, "months of past calls must be 0 to 120, not %d", months);
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		return -1;
	if (store_trackers_list(st, &all, &n_all, err, errlen) < 0)
		goto out;
	int active = 0;
	for (size_t i = 0; i < n_all; i++)
		active += all[i].active && all[i].id != tracker;
	if (active >= LEARN_MAX_ACTIVE) {
		errf(err, errlen, "%d trackers are active already, the most there can be at once; "
		     "delete one that is no longer needed before activating '%s'", active,
		     t->live.name);
		goto out;
	}
	int has = current_model(st, ix, tracker, 0, &row, &m, err, errlen);
	if (has < 0)
		goto out;
	if (has > 0) {
		errf(err, errlen, "tracker '%s' has no model yet: tag %d rounds first (`tracker "
		     "round %lld`)", t->live.name, LEARN_FIRST_MODEL_ROUND, (long long)tracker);
		goto out;
	}
	if (t->has_draft_settings && store_tracker_publish_settings(st, tracker, err, errlen) < 0)
		goto out;
	if (progress)
		progress(ctx, "scoring past calls", 0.1);
	if (cancel && *cancel) {
		errf(err, errlen, "cancelled");
		goto out;
	}
	if (store_tracker_set_active(st, tracker, 1, months, err, errlen) < 0 ||
	    store_tracker_set_live_model(st, tracker, row->id, err, errlen) < 0 ||
	    store_model_set_state(st, row->id, STORE_MODEL_PUBLISHED, err, errlen) < 0)
		goto out;
	store_tracker_free(t);
	t = NULL;
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		goto out;
	if (store_scored(st, ix, tracker, row->id, m, t->activated_at, months, detections, err, errlen) < 0)
		goto out;
	if (progress)
		progress(ctx, "active", 1.0);
	rc = 0;
out:
	store_model_free(row);
	lmodel_free(m);
	store_trackers_free(all, n_all);
	store_tracker_free(t);
	return rc;
}

int learn_publish(store *st, const struct learn_index *ix, int64_t tracker,
		  learn_progress_fn progress, void *ctx, volatile int *cancel,
		  size_t *detections, char *err, size_t errlen)
{
	struct store_tracker *t = NULL;
	struct store_model *row = NULL;
	struct lmodel *m = NULL;
	int rc = -1;
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		return -1;
	if (!t->active) {
		errf(err, errlen, "tracker '%s' is not active: activate it (`tracker activate %lld`), "
		     "which publishes its model", t->live.name, (long long)tracker);
		goto out;
	}
	if (!learn_has_draft(t)) {
		errf(err, errlen, "tracker '%s' has no unpublished changes", t->live.name);
		goto out;
	}
	if (t->has_draft_settings && store_tracker_publish_settings(st, tracker, err, errlen) < 0)
		goto out;
	if (current_model(st, ix, tracker, 0, &row, &m, err, errlen) != 0)
		goto out;
	if (cancel && *cancel) {
		errf(err, errlen, "cancelled");
		goto out;
	}
	if (progress)
		progress(ctx, "scoring calls again", 0.2);
	if (store_tracker_set_live_model(st, tracker, row->id, err, errlen) < 0 ||
	    store_model_set_state(st, row->id, STORE_MODEL_PUBLISHED, err, errlen) < 0 ||
	    store_scored(st, ix, tracker, row->id, m, t->activated_at, t->backfill_months,
			 detections, err, errlen) < 0)
		goto out;
	if (progress)
		progress(ctx, "published", 1.0);
	rc = 0;
out:
	store_model_free(row);
	lmodel_free(m);
	store_tracker_free(t);
	return rc;
}

/* ------------------------------------------------------------------ draft against live */

void learn_compare_free(struct learn_compare *c)
{
	if (!c)
		return;
	samples_free(c->gained, c->n_gained);
	samples_free(c->lost, c->n_lost);
	free(c);
}

/* Distinct calls of a pool's sentences (bitmap over call row ids, given). */
static int64_t pool_calls(const struct learn_index *ix, const struct pool *p, uint8_t *seen,
			  size_t n_seen)
{
	int64_t k = 0;
	memset(seen, 0, n_seen);
	for (size_t i = 0; i < p->n; i++) {
		uint32_t c = ix->call[p->ids[i]];
		if (c < n_seen && !seen[c]++)
			k++;
	}
	return k;
}

int learn_compare(store *st, const struct learn_index *ix, int64_t tracker,
		  struct learn_compare **out, char *err, size_t errlen)
{
	struct store_tracker *t = NULL;
	struct store_model *live_row = NULL, *draft_row = NULL;
	struct lmodel *draft = NULL;
	struct store_detection *det = NULL;
	size_t n_det = 0;
	struct pool pl = {0}, pd = {0};
	float *sd = NULL, *live_score = NULL, *gs = NULL, *ls = NULL;
	int64_t *gid = NULL, *lid = NULL;
	uint8_t *in_live = NULL, *calls_l = NULL, *calls_d = NULL;
	struct learn_compare *c = NULL;
	int rc = -1;
	*out = NULL;
	if (store_tracker_get(st, tracker, &t, err, errlen) < 0)
		return -1;
	if (!t->active || !t->live_model) {
		errf(err, errlen, "tracker '%s' is not active: nothing is live to compare with (its "
		     "overview shows the model)", t->live.name);
		goto out;
	}
	if (!learn_has_draft(t)) {
		errf(err, errlen, "tracker '%s' has no unpublished changes to compare", t->live.name);
		goto out;
	}
	/* What is live is what it detected: the stored detections. The draft is the newest
	 * model on the draft's settings. */
	if (store_model_get(st, t->live_model, &live_row, err, errlen) != 0 ||
	    current_model(st, ix, tracker, 0, &draft_row, &draft, err, errlen) != 0 ||
	    store_detections_list(st, tracker, &det, &n_det, err, errlen) < 0)
		goto out;
	const struct store_settings *dset = t->has_draft_settings ? &t->draft : &t->live;
	if (active_pool(st, ix, &t->live, t->activated_at, t->backfill_months, &pl, err, errlen) < 0 ||
	    active_pool(st, ix, dset, t->activated_at, t->backfill_months, &pd, err, errlen) < 0)
		goto out;

	c = xcalloc(1, sizeof(*c));
	c->live_version = live_row->version;
	c->draft_version = draft_row->version;
	c->model_changed = live_row->id != draft_row->id;
	c->settings_changed = t->has_draft_settings;
	c->live_precision = live_row->precision;
	c->live_recall = live_row->recall;
	c->draft_precision = draft_row->precision;
	c->draft_recall = draft_row->recall;
	c->live_total = (int64_t)n_det;

	/* Calls each covers, and the calls both do. */
	size_t n_calls = 1;
	for (int64_t id = 1; id <= ix->max_id; id++)
		if (ix->call[id] + (size_t)1 > n_calls)
			n_calls = ix->call[id] + (size_t)1;
	calls_l = xcalloc(n_calls, 1);
	calls_d = xcalloc(n_calls, 1);
	c->live_calls = pool_calls(ix, &pl, calls_l, n_calls);
	c->draft_calls = pool_calls(ix, &pd, calls_d, n_calls);
	for (size_t i = 0; i < n_calls; i++) {
		c->calls += calls_l[i] && calls_d[i];
		c->calls_added += !calls_l[i] && calls_d[i];
		c->calls_removed += calls_l[i] && !calls_d[i];
	}

	/* The live scope's sentences, with the live detections' scores (-1: none). */
	in_live = xcalloc((size_t)ix->max_id + 1, 1);
	live_score = xmalloc(((size_t)ix->max_id + 1) * sizeof(float));
	for (size_t i = 0; i < pl.n; i++) {
		in_live[pl.ids[i]] = 1;
		live_score[pl.ids[i]] = -1;
	}
	for (size_t i = 0; i < n_det; i++)
		if (det[i].sentence <= ix->max_id && in_live[det[i].sentence])
			live_score[det[i].sentence] = (float)det[i].score;

	/* The draft on its own calls; on the sentences both scopes hold, against live. */
	sd = xmalloc((pd.n + 1) * sizeof(float));
	trainer_score_pool(ix, draft, &pd, sd);
	size_t n_gain = 0, n_lost = 0;
	gid = xmalloc((pd.n + 1) * sizeof(int64_t));
	gs = xmalloc((pd.n + 1) * sizeof(float));
	lid = xmalloc((pl.n + 1) * sizeof(int64_t));
	ls = xmalloc((pl.n + 1) * sizeof(float));
	for (size_t i = 0; i < pd.n; i++) {
		int64_t id = pd.ids[i];
		int b = sd[i] >= draft->threshold;
		c->draft_total += b;
		if (!in_live[id])
			continue;
		int a = live_score[id] >= 0;
		c->sentences++;
		c->live_detections += a;
		c->draft_detections += b;
		c->both += a && b;
		if (b && !a) {
			gid[n_gain] = id;
			gs[n_gain++] = sd[i];
		} else if (a && !b) {
			lid[n_lost] = id;
			ls[n_lost++] = live_score[id];
		}
	}
	c->only_draft = (int64_t)n_gain;
	c->only_live = (int64_t)n_lost;
	uint64_t seed = (uint64_t)draft_row->id * 7919 + (uint64_t)live_row->id;
	c->gained = sample_spread(st, ix, gid, gs, NULL, n_gain, LEARN_COMPARE_SAMPLES, seed, &c->n_gained);
	c->lost = sample_spread(st, ix, lid, ls, NULL, n_lost, LEARN_COMPARE_SAMPLES, seed + 1, &c->n_lost);
	*out = c;
	c = NULL;
	rc = 0;
out:
	learn_compare_free(c);
	free(gid);
	free(gs);
	free(lid);
	free(ls);
	free(in_live);
	free(live_score);
	free(calls_l);
	free(calls_d);
	free(sd);
	pool_free(&pl);
	pool_free(&pd);
	store_detections_free(det, n_det);
	lmodel_free(draft);
	store_model_free(live_row);
	store_model_free(draft_row);
	store_tracker_free(t);
	return rc;
}

int learn_score_new_calls(store *st, const int64_t *calls, size_t n,
			  struct learn_import_report *rep, char *err, size_t errlen)
{
	struct store_tracker *t = NULL;
	size_t nt = 0;
	struct learn_index *ix = NULL;
	int rc = -1;
	memset(rep, 0, sizeof(*rep));
	if (n == 0 || store_trackers_list(st, &t, &nt, err, errlen) < 0)
		return n == 0 ? 0 : -1;
	size_t active = 0;
	for (size_t i = 0; i < nt; i++)
		active += t[i].active != 0;
	if (!active) {
		rc = 0;
		goto out;
	}
	if (learn_index_load(st, &ix, NULL, NULL, NULL, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < nt; i++) {
		if (!t[i].active || !t[i].live_model)
			continue;
		struct store_model *row;
		struct lmodel *m;
		if (current_model(st, ix, t[i].id, t[i].live_model, &row, &m, err, errlen) != 0)
			goto out;
		struct store_call_span *sp;
		size_t ns, k = 0;
		if (store_calls_matching(st, &t[i].live, INT64_MIN, &sp, &ns, err, errlen) < 0) {
			store_model_free(row);
			lmodel_free(m);
			goto out;
		}
		for (size_t j = 0; j < ns; j++)
			for (size_t c = 0; c < n; c++)
				if (sp[j].call == calls[c]) {
					sp[k++] = sp[j];
					break;
				}
		struct pool p;
		pool_from_spans(ix, &t[i].live, sp, k, &p);
		free(sp);
		size_t nd;
		struct store_detection_in *d = detections_of(ix, m, &p, &nd);
		int r2 = store_detections_add(st, t[i].id, row->id, d, nd, err, errlen);
		free(d);
		pool_free(&p);
		store_model_free(row);
		lmodel_free(m);
		if (r2 < 0)
			goto out;
		rep->trackers++;
		rep->detections += nd;
	}
	rc = 0;
out:
	learn_index_free(ix);
	store_trackers_free(t, nt);
	return rc;
}
