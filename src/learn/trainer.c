/* Training and honest estimates: a tracker's data, the model fit, cross-validation by
 * call, the calibration over the scope, the operating threshold and the ranges. */
#include "trainer.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Model settings: how much each feature block counts, and the regularisation. */
static const struct train_opts fit_opts = {
	.beta = {.w = 1.0f, .c = 1.0f, .d = 1.0f},
	.C = 3.0,
	.pos_weight = 0,
};

/* Sentences of the scope taken as "no" besides the tags: the concept is rare, so a
 * random sentence is almost always a no, and these teach the model what ordinary talk
 * looks like. */
#define BACKGROUND 300

/* Resamples of the calls behind the ranges. */
#define BOOTSTRAP 100

/* ------------------------------------------------------------------ data */

void tdata_free(struct tdata *d)
{
	for (size_t i = 0; d->exf && i < d->n_ex; i++)
		feats_free(&d->exf[i]);
	for (size_t i = 0; d->tagf && i < d->n_tags; i++)
		feats_free(&d->tagf[i]);
	for (size_t i = 0; d->bgf && i < d->n_bg; i++)
		feats_free(&d->bgf[i]);
	free(d->exf);
	free(d->tagf);
	free(d->bgf);
	free(d->bg);
	store_examples_free(d->ex, d->n_ex);
	store_tags_free(d->tags, d->n_tags);
	store_tracker_free(d->t);
	pool_free(&d->pool);
	memset(d, 0, sizeof(*d));
}

static size_t background(const struct tdata *d, int64_t *out, size_t want);

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
	d->bg = xmalloc(BACKGROUND * sizeof(int64_t));
	d->n_bg = background(d, d->bg, BACKGROUND);
	d->bgf = xcalloc(d->n_bg + 1, sizeof(*d->bgf));
	for (size_t i = 0; i < d->n_bg; i++)
		feats_of_sentence(ix, d->bg[i], &d->bgf[i]);
	return 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t tdata_fingerprint(const struct learn_index *ix, const struct tdata *d)
{
	uint64_t h = 0xcbf29ce484222325ull;
	int32_t v[5] = {d->set->by, d->set->scope, d->set->part, d->set->part_minutes,
			(int32_t)ix->vec_epoch};
	h = fnv(h, v, sizeof(v));
	h = fnv(h, &ix->max_id, sizeof(ix->max_id));
	h = fnv(h, &ix->n_docs, sizeof(ix->n_docs));
	for (size_t i = 0; i < d->set->n_filters; i++) {
		h = fnv(h, d->set->filters[i].key, strlen(d->set->filters[i].key) + 1);
		h = fnv(h, d->set->filters[i].value, strlen(d->set->filters[i].value) + 1);
	}
	for (size_t i = 0; i < d->n_ex; i++)
		h = fnv(h, d->ex[i].text, strlen(d->ex[i].text) + 1);
	for (size_t i = 0; i < d->n_tags; i++) {
		int64_t t[3] = {d->tags[i].sentence, d->tags[i].label, d->tags[i].audit};
		h = fnv(h, t, sizeof(t));
	}
	return h;
}

/* ------------------------------------------------------------------ fitting */

/* Background sentences: a fixed random sample of the scope, minus those tagged yes or no:
 * tags are trained on as they are, and audit items are never trained on, not even as
 * background. A NOT SURE tag, audit item or not, leaves its sentence as it was,
 * untagged, so it changes nothing. */
static size_t background(const struct tdata *d, int64_t *out, size_t want)
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
			skip = d->tags[i].sentence == id && (d->tags[i].label == STORE_TAG_YES ||
							     d->tags[i].label == STORE_TAG_NO);
		for (size_t i = 0; i < n && !skip; i++)
			skip = out[i] == id;
		if (!skip)
			out[n++] = id;
	}
	return n;
}

struct lmodel *trainer_fit(const struct learn_index *ix, const struct tdata *d,
			   const uint8_t *use, char *err, size_t errlen)
{
	struct train_item *items = xcalloc(d->n_ex + d->n_tags + d->n_bg + 1, sizeof(*items));
	size_t n = 0;
	for (size_t i = 0; i < d->n_ex; i++)
		items[n++] = (struct train_item){&d->exf[i], 1};
	for (size_t i = 0; i < d->n_tags; i++)
		if (tag_trainable(&d->tags[i]) && (!use || use[i]))
			items[n++] = (struct train_item){&d->tagf[i], d->tags[i].label == STORE_TAG_YES};
	for (size_t i = 0; i < d->n_bg; i++)
		items[n++] = (struct train_item){&d->bgf[i], 0};
	struct lmodel *m = model_train(ix, items, n, &fit_opts, err, errlen);
	free(items);
	return m;
}

cJSON *trainer_recipe(const struct tdata *d)
{
	cJSON *r = cJSON_CreateObject(), *ex = cJSON_CreateArray(), *tags = cJSON_CreateArray();
	cJSON *bg = cJSON_CreateArray();
	for (size_t i = 0; i < d->n_ex; i++)
		cJSON_AddItemToArray(ex, cJSON_CreateString(d->ex[i].text));
	for (size_t i = 0; i < d->n_tags; i++) {
		if (!tag_trainable(&d->tags[i]))
			continue;
		cJSON *t = cJSON_CreateArray();
		cJSON_AddItemToArray(t, cJSON_CreateNumber((double)d->tags[i].sentence));
		cJSON_AddItemToArray(t, cJSON_CreateNumber(d->tags[i].label == STORE_TAG_YES));
		cJSON_AddItemToArray(tags, t);
	}
	for (size_t i = 0; i < d->n_bg; i++)
		cJSON_AddItemToArray(bg, cJSON_CreateNumber((double)d->bg[i]));
	cJSON_AddItemToObject(r, "examples", ex);
	cJSON_AddItemToObject(r, "tags", tags);
	cJSON_AddItemToObject(r, "background", bg);
	return r;
}

static int sentence_gone(const struct learn_index *ix, const cJSON *id)
{
	if (!cJSON_IsNumber(id))
		return 0;
	int64_t s = (int64_t)id->valuedouble;
	return s < 1 || s > ix->max_id || !ix->alive[s];
}

int trainer_recipe_follow(store *st, const struct learn_index *ix, cJSON *recipe, char *err,
			  size_t errlen)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(recipe, "tags");
	cJSON *bg = cJSON_GetObjectItemCaseSensitive(recipe, "background");
	size_t cap = (size_t)cJSON_GetArraySize(tags) + (size_t)cJSON_GetArraySize(bg) + 1, n = 0;
	cJSON **at = xmalloc(cap * sizeof(*at));
	cJSON *x;
	cJSON_ArrayForEach(x, tags)
		if (cJSON_GetArraySize(x) == 2 && sentence_gone(ix, cJSON_GetArrayItem(x, 0)))
			at[n++] = cJSON_GetArrayItem(x, 0);
	cJSON_ArrayForEach(x, bg)
		if (sentence_gone(ix, x))
			at[n++] = x;
	int64_t *ids = xmalloc((n + 1) * sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		ids[i] = (int64_t)at[i]->valuedouble;
	size_t moved;
	int rc = store_sentences_follow(st, ids, n, &moved, err, errlen);
	for (size_t i = 0; rc == 0 && i < n; i++)
		cJSON_SetNumberValue(at[i], (double)ids[i]);
	free(ids);
	free(at);
	return rc;
}

/* Features of a stored sentence id into f; 0 when it is no longer in the workspace. */
static int recipe_sentence(const struct learn_index *ix, const cJSON *id, struct feats *f)
{
	if (!cJSON_IsNumber(id))
		return 0;
	int64_t s = (int64_t)id->valuedouble;
	if (s < 1 || s > ix->max_id || !ix->alive[s])
		return 0;
	feats_of_sentence(ix, s, f);
	return 1;
}

struct lmodel *trainer_refit(const struct learn_index *ix, const cJSON *recipe, char *err,
			     size_t errlen)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(recipe, "examples");
	const cJSON *tags = cJSON_GetObjectItemCaseSensitive(recipe, "tags");
	const cJSON *bg = cJSON_GetObjectItemCaseSensitive(recipe, "background");
	size_t cap = (size_t)cJSON_GetArraySize(ex) + (size_t)cJSON_GetArraySize(tags) +
		     (size_t)cJSON_GetArraySize(bg) + 1;
	struct feats *f = xcalloc(cap, sizeof(*f));
	struct train_item *items = xcalloc(cap, sizeof(*items));
	size_t n = 0;
	const cJSON *x;
	text_stemmer *stem = text_stemmer_new();
	cJSON_ArrayForEach(x, ex)
		if (cJSON_IsString(x)) {
			feats_of_text(ix, stem, x->valuestring, &f[n]);
			items[n] = (struct train_item){&f[n], 1};
			n++;
		}
	text_stemmer_free(stem);
	cJSON_ArrayForEach(x, tags)
		if (cJSON_GetArraySize(x) == 2 && recipe_sentence(ix, cJSON_GetArrayItem(x, 0), &f[n])) {
			items[n] = (struct train_item){&f[n], cJSON_IsTrue(cJSON_GetArrayItem(x, 1)) ||
								  (cJSON_IsNumber(cJSON_GetArrayItem(x, 1)) &&
								   cJSON_GetArrayItem(x, 1)->valuedouble > 0)};
			n++;
		}
	cJSON_ArrayForEach(x, bg)
		if (recipe_sentence(ix, x, &f[n])) {
			items[n] = (struct train_item){&f[n], 0};
			n++;
		}
	struct lmodel *m = model_train(ix, items, n, &fit_opts, err, errlen);
	for (size_t i = 0; i < cap; i++)
		feats_free(&f[i]);
	free(f);
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

/* ------------------------------------------------------------------ helpers */

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

/* ------------------------------------------------------------------ estimates */

/*
 * How the estimates are made. The tags were chosen on purpose (near the examples, near
 * the model's boundary), so their own hit rate says little about the workspace:
 *
 * 1. Cross-validation by call: the tagged calls are dealt into 10 folds; each fold is
 *    held out once (10 random 90/10 splits that together cover every call) and scored
 *    by a model trained on the rest. Every tagged sentence gets a score from a model that
 *    never saw its call.
 * 2. Two estimates from those scores, which err in opposite directions:
 *    - on the tagged sentences alone: the positives that rounds find are the findable
 *      ones, so this is optimistic, most of all about the hit rate;
 *    - over the whole scope: P(yes | score) is fitted on the held-out scores (a logistic
 *      curve) and every untagged sentence in scope counts with the probability of its
 *      final-model score. The curve is learnt near the boundary, where tags are, and
 *      carries that uncertainty into the thousands of low-scored sentences, so this is
 *      pessimistic about the hit rate.
 *    The overview combines them (see mean_pr), at the threshold with the best expected
 *    F1 over the scope.
 * 3. Ranges: the calls are resampled with replacement and both estimates made again.
 *    The range spans the resampled values of the combined figure and of each estimate
 *    alone: the two err in opposite directions by an amount no resampling of the tags
 *    can show, and the truth usually lies between them, so a range of the combined
 *    figure alone would claim more than is known (it held the truth about half the
 *    time on the benchmark and the demo instead of nine times in ten).
 */

#define FOLDS TRAINER_ESTIMATE_CALLS
#define BINS 1024

/* The calls of the YES and NO tags, the groups held out together: group[i] gets tag i's
 * (-1 for any other tag) when group is not NULL. Returns how many calls. */
static size_t tag_groups(const struct tdata *d, int *group, size_t *pyes, size_t *pno)
{
	size_t yes = 0, no = 0, ng = 0;
	int64_t *calls = xcalloc(d->n_tags + 1, sizeof(int64_t));
	for (size_t i = 0; i < d->n_tags; i++) {
		const struct store_tag *t = &d->tags[i];
		if (group)
			group[i] = -1;
		if (t->label != STORE_TAG_YES && t->label != STORE_TAG_NO)
			continue;
		yes += t->label == STORE_TAG_YES;
		no += t->label == STORE_TAG_NO;
		size_t g = 0;
		while (g < ng && calls[g] != t->call)
			g++;
		if (g == ng)
			calls[ng++] = t->call;
		if (group)
			group[i] = (int)g;
	}
	free(calls);
	*pyes = yes;
	*pno = no;
	return ng;
}

int trainer_estimable(const struct tdata *d, size_t *pyes, size_t *pno, size_t *pcalls)
{
	size_t yes, no, ng = tag_groups(d, NULL, &yes, &no);
	if (pyes)
		*pyes = yes;
	if (pno)
		*pno = no;
	if (pcalls)
		*pcalls = ng;
	return ng >= FOLDS && yes >= 2 && no >= 2;
}

/* A logistic fit of P(y | z) = sigmoid(a z + b), pulled towards a = 1, b = 0 (the
 * model's own probabilities) as much as one tag would pull it. */
static void platt(const double *z, const double *y, const double *w, size_t n, double *pa, double *pb)
{
	double hi = 1, lo = 0;
	double a = 1, b = 0, lambda = 1;
	for (int it = 0; it < 100; it++) {
		double ga = lambda * (a - 1), gb = lambda * b;
		double haa = lambda, hab = 0, hbb = lambda;
		for (size_t i = 0; i < n; i++) {
			if (w[i] == 0)
				continue;
			double t = y[i] > 0.5 ? hi : lo;
			double p = sigmoid(a * z[i] + b);
			double g = w[i] * (p - t), h = w[i] * p * (1 - p);
			ga += g * z[i];
			gb += g;
			haa += h * z[i] * z[i];
			hab += h * z[i];
			hbb += h;
		}
		double det = haa * hbb - hab * hab;
		if (fabs(det) < 1e-12)
			break;
		double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
		/* damped steps keep it from running off on separable data */
		double step = 1;
		while (step > 1e-3 && (fabs(da * step) > 5 || fabs(db * step) > 5))
			step /= 2;
		a -= da * step;
		b -= db * step;
		if (fabs(da) + fabs(db) < 1e-7)
			break;
	}
	if (a < 0.05)
		a = 0.05;	/* a higher score never means less likely */
	*pa = a;
	*pb = b;
}

/* The untagged part of the scope as a histogram of final-model logits. */
struct hist {
	double lo, hi, width;
	double cnt[BINS], zsum[BINS];
};

static int bin_of(const struct hist *h, double z)
{
	int b = (int)((z - h->lo) / h->width);
	return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

/* Known tags in the estimate: held-out logit, label, call group. */
struct known {
	double z, y;
	int group;
	int fit;	/* used to fit the calibration */
};

struct estimate_in {
	const struct hist *h;
	const struct known *k;
	size_t nk;
	const double *gw;	/* weight per call group (bootstrap), NULL for 1 */
};

/* Calibration from the known tags, then the sums at every bin edge. */
static void sums(const struct estimate_in *in, double *a, double *b, double *det, double *tp,
		 double *pos, double *kdet, double *ktp, double *kpos)
{
	size_t n = in->nk;
	double *z = xmalloc((n + 1) * sizeof(double)), *y = xmalloc((n + 1) * sizeof(double));
	double *w = xmalloc((n + 1) * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		z[i] = in->k[i].z;
		y[i] = in->k[i].y;
		w[i] = in->k[i].fit ? (in->gw ? in->gw[in->k[i].group] : 1) : 0;
	}
	platt(z, y, w, n, a, b);
	/* det[e], tp[e]: detections and true ones at threshold = lower edge of bin e. */
	double total_pos = 0, known_pos = 0;
	double bdet[BINS] = {0}, btp[BINS] = {0}, kbdet[BINS] = {0}, kbtp[BINS] = {0};
	for (int e = 0; e < BINS; e++) {
		if (in->h->cnt[e] == 0)
			continue;
		double zm = in->h->zsum[e] / in->h->cnt[e];
		double p = sigmoid(*a * zm + *b) * in->h->cnt[e];
		bdet[e] += in->h->cnt[e];
		btp[e] += p;
		total_pos += p;
	}
	for (size_t i = 0; i < n; i++) {
		double gwt = in->gw ? in->gw[in->k[i].group] : 1;
		int e = bin_of(in->h, in->k[i].z);
		bdet[e] += gwt;
		btp[e] += gwt * in->k[i].y;
		total_pos += gwt * in->k[i].y;
		kbdet[e] += gwt;
		kbtp[e] += gwt * in->k[i].y;
		known_pos += gwt * in->k[i].y;
	}
	double cd = 0, ct = 0, kd = 0, kt = 0;
	for (int e = BINS - 1; e >= 0; e--) {
		cd += bdet[e];
		ct += btp[e];
		kd += kbdet[e];
		kt += kbtp[e];
		det[e] = cd;
		tp[e] = ct;
		kdet[e] = kd;
		ktp[e] = kt;
	}
	*pos = total_pos;
	*kpos = known_pos;
	free(z);
	free(y);
	free(w);
}

/* The scope-wide (1) and tagged-only (2) estimates at one threshold. */
static void parts_pr(double det, double tp, double pos, double kdet, double ktp, double kpos,
		     double pr[4])
{
	pr[0] = det > 0 ? tp / det : NAN;
	pr[1] = pos > 0 ? tp / pos : NAN;
	pr[2] = kdet > 0 ? ktp / kdet : NAN;
	pr[3] = kpos > 0 ? ktp / kpos : NAN;
}

/* The scope-wide and the tagged-only estimates together: precision as their mean, the
 * hit rate three parts scope-wide to one tagged-only, since the tagged positives are
 * the ones the rounds could find and their hit rate carries that choice in full. A side
 * with nothing to say (no detection among the tags, no tagged yes) leaves the other. */
static void mean_pr(double det, double tp, double pos, double kdet, double ktp, double kpos,
		    double *p, double *r)
{
	double x[4];
	parts_pr(det, tp, pos, kdet, ktp, kpos, x);
	double p1 = x[0], r1 = x[1], p2 = x[2], r2 = x[3];
	*p = isnan(p2) ? p1 : isnan(p1) ? p2 : (p1 + p2) / 2;
	*r = isnan(r2) ? r1 : isnan(r1) ? r2 : 0.75 * r1 + 0.25 * r2;
}

int trainer_estimate(const struct learn_index *ix, const struct tdata *d, const struct lmodel *final,
		     struct estimate *e, float *pool_logit, char *err, size_t errlen)
{
	(void)err;	/* nothing here can fail; err is kept for the callers' uniform use */
	(void)errlen;
	e->threshold = 0.5;
	e->precision = e->recall = e->f1 = NAN;
	e->precision_lo = e->precision_hi = e->recall_lo = e->recall_hi = NAN;
	e->splits = 0;
	e->held_out = 0;
	e->cal_a = 1;
	e->cal_b = 0;

	if (!trainer_estimable(d, NULL, NULL, NULL))
		return 1;
	/* Calls of the tags are the groups held out together. */
	size_t n = d->n_tags, yes, no;
	int *group = xcalloc(n + 1, sizeof(int));
	size_t ng = tag_groups(d, group, &yes, &no);

	/* 1. Held-out logits, each tag from a model that never saw its call. */
	struct rng r;
	rng_seed(&r, 0xcafe + (uint64_t)d->tracker * 31 + yes + no);
	int *fold = xmalloc(ng * sizeof(int));
	for (size_t g = 0; g < ng; g++)
		fold[g] = (int)(g % FOLDS);
	for (size_t g = ng - 1; g > 0; g--) {
		size_t j = rng_below(&r, g + 1);
		int t = fold[g];
		fold[g] = fold[j];
		fold[j] = t;
	}
	double *held = xmalloc((n + 1) * sizeof(double));
	uint8_t *have = xcalloc(n + 1, 1), *use = xmalloc(n + 1);
	for (int f = 0; f < FOLDS; f++) {
		for (size_t i = 0; i < n; i++)
			use[i] = group[i] >= 0 && fold[group[i]] != f;
		char e2[256];
		struct lmodel *m = trainer_fit(ix, d, use, e2, sizeof(e2));
		if (!m)
			continue;
		e->splits++;
		for (size_t i = 0; i < n; i++)
			if (group[i] >= 0 && fold[group[i]] == f && tag_trainable(&d->tags[i])) {
				held[i] = model_logit(m, &d->tagf[i]);
				have[i] = 1;
			}
		lmodel_free(m);
	}
	free(use);
	free(fold);

	/* Known tags: trainable ones by their held-out logit; audit ones, never trained on,
	 * by the final model's. */
	struct known *k = xcalloc(n + 1, sizeof(*k));
	size_t nk = 0;
	uint8_t *tagged = xcalloc((size_t)ix->max_id + 1, 1);
	for (size_t i = 0; i < n; i++) {
		if (group[i] < 0)
			continue;
		const struct store_tag *t = &d->tags[i];
		if (t->sentence <= ix->max_id)
			tagged[t->sentence] = 1;
		if (tag_trainable(t) && !have[i])
			continue;
		k[nk].z = tag_trainable(t) ? held[i] : model_logit(final, &d->tagf[i]);
		k[nk].y = t->label == STORE_TAG_YES;
		k[nk].group = group[i];
		k[nk].fit = 1;
		nk++;
	}
	e->held_out = (int64_t)nk;
	free(held);
	free(have);
	free(group);

	/* The untagged scope under the final model. */
	struct hist *h = xcalloc(1, sizeof(*h));
	struct scorer s;
	scorer_init(&s, ix, final);
	double *pz = xmalloc((d->pool.n + 1) * sizeof(double));
	size_t npz = 0;
	double zlo = 1e9, zhi = -1e9;
	for (size_t i = 0; i < d->pool.n; i++) {
		if (tagged[d->pool.ids[i]] && !pool_logit)
			continue;
		double z = scorer_logit(&s, d->pool.ids[i]);
		if (pool_logit)
			pool_logit[i] = (float)z;
		if (tagged[d->pool.ids[i]])
			continue;
		pz[npz++] = z;
		if (z < zlo)
			zlo = z;
		if (z > zhi)
			zhi = z;
	}
	scorer_free(&s);
	free(tagged);
	for (size_t i = 0; i < nk; i++) {
		if (k[i].z < zlo)
			zlo = k[i].z;
		if (k[i].z > zhi)
			zhi = k[i].z;
	}
	h->lo = zlo;
	h->hi = zhi + 1e-6;
	h->width = (h->hi - h->lo) / BINS;
	if (h->width <= 0)
		h->width = 1e-6;
	for (size_t i = 0; i < npz; i++) {
		int b = bin_of(h, pz[i]);
		h->cnt[b]++;
		h->zsum[b] += pz[i];
	}
	free(pz);

	/* 2-3. Calibration, sums and the threshold with the best expected F1. */
	double *det = xmalloc(BINS * sizeof(double)), *tp = xmalloc(BINS * sizeof(double)), pos;
	double *kdet = xmalloc(BINS * sizeof(double)), *ktp = xmalloc(BINS * sizeof(double)), kpos;
	struct estimate_in in = {h, k, nk, NULL};
	sums(&in, &e->cal_a, &e->cal_b, det, tp, &pos, kdet, ktp, &kpos);
	int best = -1;
	double bestf = -1;
	for (int b = 0; b < BINS; b++) {
		if (det[b] <= 0 || pos <= 0)
			continue;
		double f = 2 * tp[b] / (det[b] + pos);
		if (f > bestf) {
			bestf = f;
			best = b;
		}
	}
	if (best < 0) {
		free(det);
		free(tp);
		free(kdet);
		free(ktp);
		free(h);
		free(k);
		return 1;
	}
	double zt = h->lo + best * h->width;
	e->threshold = sigmoid(zt);
	mean_pr(det[best], tp[best], pos, kdet[best], ktp[best], kpos, &e->precision, &e->recall);
	e->f1 = bestf;

	/* 4. Ranges from resampled calls. */
	double *gw = xmalloc((ng + 1) * sizeof(double));
	/* Per figure (precision, recall) and kind (combined, scope-wide, tagged-only). */
	double *v[2][3];
	size_t nv[2][3] = {{0}};
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 3; c++)
			v[f][c] = xmalloc(BOOTSTRAP * sizeof(double));
	for (int rep = 0; rep < BOOTSTRAP; rep++) {
		memset(gw, 0, (ng + 1) * sizeof(double));
		for (size_t g = 0; g < ng; g++)
			gw[rng_below(&r, ng)] += 1;
		double a, b, p2, kp2, mix[2], pr[4];
		in.gw = gw;
		sums(&in, &a, &b, det, tp, &p2, kdet, ktp, &kp2);
		if (det[best] <= 0 || p2 <= 0)
			continue;
		mean_pr(det[best], tp[best], p2, kdet[best], ktp[best], kp2, &mix[0], &mix[1]);
		parts_pr(det[best], tp[best], p2, kdet[best], ktp[best], kp2, pr);
		for (int f = 0; f < 2; f++) {
			double x[3] = {mix[f], pr[f], pr[2 + f]};
			for (int c = 0; c < 3; c++)
				if (!isnan(x[c]))
					v[f][c][nv[f][c]++] = x[c];
		}
	}
	double lo[2] = {NAN, NAN}, hi[2] = {NAN, NAN};
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 3; c++) {
			if (!nv[f][c])
				continue;
			double l = quantile(v[f][c], nv[f][c], 0.05), h = quantile(v[f][c], nv[f][c], 0.95);
			lo[f] = isnan(lo[f]) || l < lo[f] ? l : lo[f];
			hi[f] = isnan(hi[f]) || h > hi[f] ? h : hi[f];
		}
	e->precision_lo = lo[0];
	e->precision_hi = hi[0];
	e->recall_lo = lo[1];
	e->recall_hi = hi[1];
	free(gw);
	for (int f = 0; f < 2; f++)
		for (int c = 0; c < 3; c++)
			free(v[f][c]);
	free(det);
	free(tp);
	free(kdet);
	free(ktp);
	free(h);
	free(k);
	return 0;
}
