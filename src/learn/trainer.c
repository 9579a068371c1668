/* Training and honest estimates: a tracker's data, the model fit, cross-validation by
 * call with sampling weights, the operating threshold and the ranges. */
#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Model settings: how much each feature block counts, and the regularisation. */
static const struct train_opts fit_opts = {
	.beta = {.w = 1.0f, .c = 1.0f, .d = 0.7f},
	.C = 1.0,
	.pos_weight = 0,
};

/* Sentences of the scope taken as "no" besides the tags: the concept is rare, so a
 * random sentence is almost always a no, and these teach the model what ordinary talk
 * looks like. */
#define BACKGROUND 300

#define SPLITS 10
#define BOOTSTRAP 200

/* ------------------------------------------------------------------ data */

void tdata_free(struct tdata *d)
{
	for (size_t i = 0; d->exf && i < d->n_ex; i++)
		feats_free(&d->exf[i]);
	for (size_t i = 0; d->tagf && i < d->n_tags; i++)
		feats_free(&d->tagf[i]);
	free(d->exf);
	free(d->tagf);
	store_examples_free(d->ex, d->n_ex);
	store_tags_free(d->tags, d->n_tags);
	store_tracker_free(d->t);
	pool_free(&d->pool);
	memset(d, 0, sizeof(*d));
}

int tdata_load(store *st, const struct learn_index *ix, int64_t tracker, struct tdata *d,
	       char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->tracker = tracker;
	if (store_tracker_get(st, tracker, &d->t, err, errlen) < 0)
		return -1;
	d->set = d->t->has_draft_settings ? &d->t->draft : &d->t->live;
	d->rounds = d->t->rounds;
	d->rounds_done = d->t->rounds - (d->t->round_open ? 1 : 0);
	if (store_examples_list(st, tracker, &d->ex, &d->n_ex, err, errlen) < 0 ||
	    store_tags_list(st, tracker, &d->tags, &d->n_tags, err, errlen) < 0 ||
	    pool_build(st, ix, d->set, 0, &d->pool, err, errlen) < 0) {
		tdata_free(d);
		return -1;
	}
	text_stemmer *stem = text_stemmer_new();
	d->exf = xcalloc(d->n_ex + 1, sizeof(*d->exf));
	for (size_t i = 0; i < d->n_ex; i++)
		feats_of_text(ix, stem, d->ex[i].text, &d->exf[i]);
	text_stemmer_free(stem);
	d->tagf = xcalloc(d->n_tags + 1, sizeof(*d->tagf));
	for (size_t i = 0; i < d->n_tags; i++)
		if (d->tags[i].sentence <= ix->max_id)
			feats_of_sentence(ix, d->tags[i].sentence, &d->tagf[i]);
	return 0;
}

/* ------------------------------------------------------------------ fitting */

/* Background sentences: a fixed random sample of the scope, minus tagged ones. */
static size_t background(const struct learn_index *ix, const struct tdata *d, int64_t *out, size_t want)
{
	struct rng r;
	size_t n = 0;
	if (!d->pool.n)
		return 0;
	rng_seed(&r, 0xb4c6 + (uint64_t)d->tracker);
	for (size_t tries = 0; n < want && tries < want * 4; tries++) {
		int64_t id = d->pool.ids[rng_below(&r, d->pool.n)];
		int skip = 0;
		for (size_t i = 0; i < d->n_tags && !skip; i++)
			skip = d->tags[i].sentence == id;
		for (size_t i = 0; i < n && !skip; i++)
			skip = out[i] == id;
		(void)ix;
		if (!skip)
			out[n++] = id;
	}
	return n;
}

struct lmodel *trainer_fit(const struct learn_index *ix, const struct tdata *d,
			   const uint8_t *use, char *err, size_t errlen)
{
	int64_t bg[BACKGROUND];
	size_t nbg = background(ix, d, bg, BACKGROUND);
	struct feats *bgf = xcalloc(nbg + 1, sizeof(*bgf));
	struct train_item *items = xcalloc(d->n_ex + d->n_tags + nbg + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < d->n_ex; i++)
		items[n++] = (struct train_item){&d->exf[i], 1};
	for (size_t i = 0; i < d->n_tags; i++)
		if (tag_trainable(&d->tags[i]) && (!use || use[i]))
			items[n++] = (struct train_item){&d->tagf[i], d->tags[i].label == STORE_TAG_YES};
	for (size_t i = 0; i < nbg; i++) {
		feats_of_sentence(ix, bg[i], &bgf[i]);
		items[n++] = (struct train_item){&bgf[i], 0};
	}
	struct lmodel *m = model_train(ix, items, n, &fit_opts, err, errlen);
	for (size_t i = 0; i < nbg; i++)
		feats_free(&bgf[i]);
	free(bgf);
	free(items);
	return m;
}

void trainer_score_pool(const struct learn_index *ix, const struct lmodel *m,
			const struct pool *p, float *prob)
{
	struct scorer s;
	scorer_init(&s, ix, m);
	for (size_t i = 0; i < p->n; i++)
		prob[i] = (float)sigmoid(scorer_logit(&s, p->ids[i]));
	scorer_free(&s);
}

/* ------------------------------------------------------------------ estimates */

/* A held-out prediction. */
struct pred {
	float prob;
	float w;	/* 1 / probability the tag had of being asked */
	int y;
	int group;	/* call, as an index */
};

static double weight_of(const struct store_tag *t)
{
	return t->prob > 0 ? 1.0 / t->prob : 1.0;
}

/* Weighted precision and recall at threshold t over predictions. */
static void pr_at(const struct pred *p, size_t n, const double *gw, double t, double *prec,
		  double *rec)
{
	double tp = 0, fp = 0, fn = 0;
	for (size_t i = 0; i < n; i++) {
		double w = p[i].w * (gw ? gw[p[i].group] : 1.0);
		if (p[i].prob >= t) {
			if (p[i].y)
				tp += w;
			else
				fp += w;
		} else if (p[i].y) {
			fn += w;
		}
	}
	*prec = tp + fp > 0 ? tp / (tp + fp) : NAN;
	*rec = tp + fn > 0 ? tp / (tp + fn) : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double quantile(double *v, size_t n, double q)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double f = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

int trainer_estimate(const struct learn_index *ix, const struct tdata *d, struct estimate *e,
		     char *err, size_t errlen)
{
	e->threshold = 0.5;
	e->precision = e->recall = e->f1 = NAN;
	e->precision_lo = e->precision_hi = e->recall_lo = e->recall_hi = NAN;
	e->splits = 0;
	e->held_out = 0;
	e->cal_a = 1;
	e->cal_b = 0;

	/* Calls of the trainable tags are the groups that are held out together. */
	size_t n = d->n_tags, ng = 0, yes = 0;
	int *group = xcalloc(n + 1, sizeof(int));
	int64_t *calls = xcalloc(n + 1, sizeof(int64_t));
	for (size_t i = 0; i < n; i++) {
		group[i] = -1;
		if (!tag_trainable(&d->tags[i]))
			continue;
		yes += d->tags[i].label == STORE_TAG_YES;
		size_t g = 0;
		while (g < ng && calls[g] != d->tags[i].call)
			g++;
		if (g == ng)
			calls[ng++] = d->tags[i].call;
		group[i] = (int)g;
	}
	if (ng < 4 || yes == 0) {
		free(group);
		free(calls);
		return 1;
	}
	struct pred *preds = NULL;
	size_t np = 0, cap = 0;
	uint8_t *use = xmalloc(n + 1);
	uint8_t *held = xmalloc(ng + 1);
	int *order = xmalloc((ng + 1) * sizeof(int));
	struct rng r;
	rng_seed(&r, 0xcafe + (uint64_t)d->tracker * 31 + n);
	size_t k_out = (ng + 9) / 10;
	for (int s = 0; s < SPLITS; s++) {
		for (size_t g = 0; g < ng; g++)
			order[g] = (int)g;
		for (size_t g = ng - 1; g > 0; g--) {
			size_t j = rng_below(&r, g + 1);
			int t = order[g];
			order[g] = order[j];
			order[j] = t;
		}
		memset(held, 0, ng);
		for (size_t g = 0; g < k_out; g++)
			held[order[g]] = 1;
		for (size_t i = 0; i < n; i++)
			use[i] = group[i] >= 0 && !held[group[i]];
		char e2[256];
		struct lmodel *m = trainer_fit(ix, d, use, e2, sizeof(e2));
		if (!m)
			continue;
		e->splits++;
		for (size_t i = 0; i < n; i++) {
			if (group[i] < 0 || !held[group[i]])
				continue;
			xgrow(&preds, &cap, np + 1, sizeof(*preds));
			preds[np].prob = (float)sigmoid(model_logit(m, &d->tagf[i]));
			preds[np].w = (float)weight_of(&d->tags[i]);
			preds[np].y = d->tags[i].label == STORE_TAG_YES;
			preds[np].group = group[i];
			np++;
		}
		lmodel_free(m);
	}
	free(use);
	free(held);
	free(order);
	free(calls);
	free(group);
	(void)err;
	(void)errlen;
	e->held_out = (int64_t)np;
	if (np == 0) {
		free(preds);
		return 1;
	}

	/* The threshold that gives the best weighted F1 on held-out predictions. */
	double best = -1, best_t = 0.5;
	for (size_t i = 0; i < np; i++) {
		double t = preds[i].prob, p, rc;
		pr_at(preds, np, NULL, t, &p, &rc);
		if (isnan(p) || isnan(rc) || p + rc == 0)
			continue;
		double f = 2 * p * rc / (p + rc);
		if (f > best + 1e-9 || (fabs(f - best) <= 1e-9 && t > best_t)) {
			best = f;
			best_t = t;
		}
	}
	e->threshold = best_t;
	pr_at(preds, np, NULL, best_t, &e->precision, &e->recall);
	e->f1 = best > 0 ? best : 0;

	/* Ranges: resample calls with replacement. */
	double *gw = xmalloc((ng + 1) * sizeof(double));
	double *ps = xmalloc(BOOTSTRAP * sizeof(double)), *rs = xmalloc(BOOTSTRAP * sizeof(double));
	size_t nps = 0, nrs = 0;
	for (int b = 0; b < BOOTSTRAP; b++) {
		memset(gw, 0, (ng + 1) * sizeof(double));
		for (size_t g = 0; g < ng; g++)
			gw[rng_below(&r, ng)] += 1;
		double p, rc;
		pr_at(preds, np, gw, best_t, &p, &rc);
		if (!isnan(p))
			ps[nps++] = p;
		if (!isnan(rc))
			rs[nrs++] = rc;
	}
	e->precision_lo = quantile(ps, nps, 0.05);
	e->precision_hi = quantile(ps, nps, 0.95);
	e->recall_lo = quantile(rs, nrs, 0.05);
	e->recall_hi = quantile(rs, nrs, 0.95);
	free(gw);
	free(ps);
	free(rs);
	free(preds);
	return 0;
}
