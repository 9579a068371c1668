/* The round sampler: which 25 sentences to ask next. Every item is drawn at random from
 * a stated mixture of distributions over the tracker's untagged sentences, and the
 * probability it had is kept with it: the estimates weight tags by it. */
#include "sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* The parts of a round's mixture. */
enum {
	C_WORDS,	/* close to the examples in their words (sparse view) */
	C_MEANING,	/* close to the examples in meaning (word vectors) */
	C_LIKELY,	/* scored high by the current model */
	C_BOUNDARY,	/* the current model is least sure */
	C_EXPLORE,	/* anywhere in the scope */
	C_COUNT
};

static const char *const method_names[C_COUNT] = {
	"near-examples-words", "near-examples-meaning", "likely-yes", "boundary", "explore",
};

/* Mixture weights for rounds 1, 2-4 and 5 on. Rounds 1-4 lean on the examples and the
 * model, which finds most yes sentences; a little exploration (and the audit items,
 * also uniform) shows the rest of the scope. Measured on the benchmark: more exploration
 * than this costs the first model ranking quality without helping the estimates,
 * because a rare concept is almost never met at random. */
static const double mix[3][C_COUNT] = {
	{0.325, 0.325, 0.30, 0.00, 0.05},
	{0.10, 0.10, 0.45, 0.30, 0.05},
	{0.00, 0.00, 0.35, 0.60, 0.05},
};

/* Rank-based weights: the top of a ranking gets most of the mass, yet every sentence
 * keeps a chance. */
#define RANK_OFFSET 10.0

/* A ranking entry: the key made an unsigned integer that orders like "higher first",
 * and the candidate's index. */
struct ranked {
	uint64_t key;
	uint32_t i;
};

static uint64_t desc_key(double x)
{
	if (x == 0)
		x = 0;	/* -0 ranks with +0 */
	uint64_t u;
	memcpy(&u, &x, sizeof(u));
	u = u >> 63 ? ~u : u | (1ull << 63);	/* ascending as unsigned */
	return ~u;				/* descending */
}

/* Sorts by key, keeping the order of equal keys (so ties stay in index order): a
 * least-significant-digit radix sort, a byte a pass, skipping bytes all keys share. The
 * scope can hold millions of sentences and a round ranks it twice or more. */
static void rank_sort(struct ranked *a, size_t n)
{
	struct ranked *tmp = xmalloc(n * sizeof(*tmp)), *src = a, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = {0};
		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xff]++;
		if (count[(src[0].key >> shift) & 0xff] == n)
			continue;
		size_t at = 0;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = at;
			at += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
		struct ranked *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	free(tmp);
}

/* Fills q (summing to 1) from a ranking key per candidate: weight (rank + offset)^-2;
 * equal keys rank in candidate order. */
static void rank_dist(const double *key, size_t n, double *q)
{
	if (n == 0)
		return;
	struct ranked *c = xmalloc(n * sizeof(*c));
	for (size_t i = 0; i < n; i++) {
		c[i].i = (uint32_t)i;
		c[i].key = desc_key(key[i]);
	}
	rank_sort(c, n);
	double sum = 0;
	for (size_t r = 0; r < n; r++) {
		double w = 1.0 / ((r + RANK_OFFSET) * (r + RANK_OFFSET));
		q[c[r].i] = w;
		sum += w;
	}
	for (size_t i = 0; i < n; i++)
		q[i] /= sum;
	free(c);
}

/* A centroid of the examples as a model: its logit is the sum of the block cosines. */
static struct lmodel *centroid(const struct learn_index *ix, const struct tdata *d,
			       struct blocks beta)
{
	struct lmodel *m = lmodel_new(ix->dims);
	m->beta = beta;
	m->vec_epoch = ix->vec_epoch;
	/* Sum the normalised blocks of every example into hashed maps. */
	struct svec w = {0}, c = {0};
	for (size_t i = 0; i < d->n_ex; i++) {
		const struct feats *f = &d->exf[i];
		for (size_t k = 0; f->norm_w > 0 && k < f->w.n; k++) {
			xgrow(&w.id, &w.cap, w.n + 1, sizeof(uint32_t));
			w.val = xrealloc(w.val, w.cap * sizeof(float));
			w.id[w.n] = f->w.id[k];
			w.val[w.n++] = f->w.val[k] / f->norm_w / (float)d->n_ex;
		}
		for (size_t k = 0; f->norm_c > 0 && k < f->c.n; k++) {
			xgrow(&c.id, &c.cap, c.n + 1, sizeof(uint32_t));
			c.val = xrealloc(c.val, c.cap * sizeof(float));
			c.id[c.n] = f->c.id[k];
			c.val[c.n++] = f->c.val[k] / f->norm_c / (float)d->n_ex;
		}
		for (int k = 0; f->norm_d > 0 && f->d && k < ix->dims; k++)
			m->wd[k] += f->d[k] / f->norm_d / (float)d->n_ex;
	}
	lmodel_set_weights(m, &w, &c);
	svec_free(&w);
	svec_free(&c);
	return m;
}

/* Words of two sentences in common over words in either: near-duplicates share most. */
static double overlap(const struct learn_index *ix, int64_t a, int64_t b)
{
	size_t na, nb, common = 0;
	const uint32_t *ta = index_tokens(ix, a, &na), *tb = index_tokens(ix, b, &nb);
	if (!na || !nb)
		return na == nb;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ta[i] == tb[j]) {
				common++;
				break;
			}
	size_t uni = na + nb - common;
	return uni ? (double)common / (double)uni : 1;
}

int sampler_near_duplicate(const struct learn_index *ix, int64_t a, int64_t b)
{
	return ix->texthash[a] == ix->texthash[b] || overlap(ix, a, b) >= 0.7;
}

static int near_duplicate(const struct learn_index *ix, int64_t id, const struct store_round_item *it,
			  size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sampler_near_duplicate(ix, id, it[i].sentence))
			return 1;
	return 0;
}

/* Sentences that may be asked: in scope, untagged, and not a repeat of a tagged
 * sentence or an example. */
static size_t candidates(const struct learn_index *ix, const struct tdata *d, int64_t **out)
{
	size_t cap = 64;
	uint32_t *seen = xcalloc(cap, sizeof(uint32_t));
	size_t nseen = 0;
	uint8_t *tagged = xcalloc((size_t)ix->max_id + 1, 1);
	for (size_t i = 0; i < d->n_tags; i++) {
		if (d->tags[i].sentence <= ix->max_id) {
			tagged[d->tags[i].sentence] = 1;
			xgrow(&seen, &cap, nseen + 1, sizeof(uint32_t));
			seen[nseen++] = ix->texthash[d->tags[i].sentence];
		}
	}
	for (size_t i = 0; i < d->n_ex; i++) {
		xgrow(&seen, &cap, nseen + 1, sizeof(uint32_t));
		seen[nseen++] = d->exf[i].texthash;
	}
	/* A small open-addressing set of the hashes to leave out. */
	uint32_t size = 64;
	while (size < nseen * 2 + 8)
		size *= 2;
	uint32_t *set = xcalloc(size, sizeof(uint32_t));
	for (size_t i = 0; i < nseen; i++) {
		uint32_t h = seen[i] | 1, s = (h * 0x9e3779b1u) & (size - 1);
		while (set[s] && set[s] != h)
			s = (s + 1) & (size - 1);
		set[s] = h;
	}
	int64_t *c = xmalloc((d->pool.n + 1) * sizeof(int64_t));
	size_t n = 0;
	for (size_t i = 0; i < d->pool.n; i++) {
		int64_t id = d->pool.ids[i];
		if (tagged[id])
			continue;
		uint32_t h = ix->texthash[id] | 1, s = (h * 0x9e3779b1u) & (size - 1);
		int skip = 0;
		while (set[s]) {
			if (set[s] == h) {
				skip = 1;
				break;
			}
			s = (s + 1) & (size - 1);
		}
		if (!skip)
			c[n++] = id;
	}
	free(set);
	free(seen);
	free(tagged);
	*out = c;
	return n;
}

/* Fills q from the candidates' closeness to the examples in the blocks beta weights;
 * key is scratch space for n values. */
static void rank_near_examples(const struct learn_index *ix, const struct tdata *d,
			       struct blocks beta, const int64_t *cand, size_t n, double *key,
			       double *q)
{
	struct lmodel *c = centroid(ix, d, beta);
	struct scorer s;
	scorer_init(&s, ix, c);
	for (size_t i = 0; i < n; i++)
		key[i] = scorer_logit(&s, cand[i]);
	scorer_free(&s);
	lmodel_free(c);
	rank_dist(key, n, q);
}

/* Index of the first cumulative value above u. */
static size_t pick(const double *cum, size_t n, double u)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cum[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n ? lo : n - 1;
}

int sampler_build(const struct learn_index *ix, const struct tdata *d, int number,
		  const struct lmodel *current, struct store_round_item **out, size_t *nout,
		  char *err, size_t errlen)
{
	int64_t *cand;
	size_t n = candidates(ix, d, &cand);
	*out = NULL;
	*nout = 0;
	if (n == 0) {
		free(cand);
		return errf(err, errlen, "no sentence is left to ask: every sentence in this "
			    "tracker's calls has been tagged, or says the same as a tagged sentence "
			    "or an example");
	}
	int phase = number <= 1 ? 0 : number <= LEARN_FIRST_MODEL_ROUND ? 1 : 2;
	double *q[C_COUNT], *key = xmalloc(n * sizeof(double));
	for (int k = 0; k < C_COUNT; k++)
		q[k] = xcalloc(n, sizeof(double));

	/* Close to the examples, in words and in meaning: scored only in the phases whose
	 * mixture has them (a whole pass over the scope each). */
	if (mix[phase][C_WORDS] > 0)
		rank_near_examples(ix, d, (struct blocks){1, 1, 0}, cand, n, key, q[C_WORDS]);
	if (mix[phase][C_MEANING] > 0 && ix->vec)
		rank_near_examples(ix, d, (struct blocks){0, 0, 1}, cand, n, key, q[C_MEANING]);
	struct scorer s;

	/* The current model: examples and tags so far against background sentences. */
	char e2[256];
	struct lmodel *fitted = current ? NULL : trainer_fit(ix, d, NULL, e2, sizeof(e2));
	const struct lmodel *m = current ? current : fitted;
	double threshold = current ? current->threshold : 0.5;
	int have_model = m != NULL;
	if (m) {
		struct estimate est;
		if (!current && d->n_tags && trainer_estimate(ix, d, m, &est, NULL, e2, sizeof(e2)) == 0)
			threshold = est.threshold;
		scorer_init(&s, ix, m);
		double *prob = xmalloc(n * sizeof(double));
		for (size_t i = 0; i < n; i++) {
			prob[i] = sigmoid(scorer_logit(&s, cand[i]));
			key[i] = prob[i];
		}
		scorer_free(&s);
		rank_dist(key, n, q[C_LIKELY]);
		for (size_t i = 0; i < n; i++)
			key[i] = -fabs(prob[i] - threshold);
		rank_dist(key, n, q[C_BOUNDARY]);
		free(prob);
		lmodel_free(fitted);
	}
	for (size_t i = 0; i < n; i++)
		q[C_EXPLORE][i] = 1.0 / (double)n;

	/* The mixture, renormalised over the parts that could be made. */
	double alpha[C_COUNT], asum = 0;
	for (int k = 0; k < C_COUNT; k++) {
		int made = k == C_EXPLORE || (k == C_MEANING ? ix->vec != NULL : 1);
		if ((k == C_LIKELY || k == C_BOUNDARY) && !have_model)
			made = 0;
		alpha[k] = made ? mix[phase][k] : 0;
		asum += alpha[k];
	}
	double *qm = xcalloc(n, sizeof(double)), *cum = xmalloc(n * sizeof(double));
	double acc = 0;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < C_COUNT; k++)
			qm[i] += alpha[k] / asum * q[k][i];
		acc += qm[i];
		cum[i] = acc;
	}

	/* Audit items first: uniform over the candidates, never trained on. */
	struct rng r;
	rng_seed(&r, 0x5a3b1e + (uint64_t)d->tracker * 1000003 + (uint64_t)number);
	size_t want = n < LEARN_ROUND_SIZE ? n : LEARN_ROUND_SIZE;
	size_t n_audit = number % 2 ? 3 : 2;
	if (want < 10)
		n_audit = 0;
	struct store_round_item *it = xcalloc(want + 1, sizeof(*it));
	size_t got = 0;
	for (size_t tries = 0; got < n_audit && tries < 200; tries++) {
		int64_t id = cand[rng_below(&r, n)];
		if (near_duplicate(ix, id, it, got))
			continue;
		it[got].sentence = id;
		it[got].method = "audit";
		it[got].audit = 1;
		it[got].prob = (double)n_audit / (double)n;
		got++;
	}
	size_t *which = xmalloc((want + 1) * sizeof(size_t));
	for (size_t tries = 0; got < want && tries < 20000; tries++) {
		size_t i = pick(cum, n, rng_unit(&r) * acc);
		int dup = 0;
		for (size_t j = 0; j < got && !dup; j++)
			dup = it[j].sentence == cand[i];
		if (dup || near_duplicate(ix, cand[i], it, got))
			continue;
		it[got].sentence = cand[i];
		which[got] = i;
		/* The part of the mixture that most wanted it names the method. */
		int best = C_EXPLORE;
		for (int k = 0; k < C_COUNT; k++)
			if (alpha[k] * q[k][i] > alpha[best] * q[best][i])
				best = k;
		it[got].method = (char *)method_names[best];
		got++;
	}
	/* Near-duplicates can leave a round far shorter than its candidates promised: one too
	 * short for an audit sample asks every item to train on, as a short round does. */
	if (got < 10 && n_audit) {
		for (size_t j = 0; j < got && j < n_audit; j++) {
			it[j].audit = 0;
			it[j].method = (char *)method_names[C_EXPLORE];
			which[j] = 0;
		}
		for (size_t j = 0; j < got && j < n_audit; j++)
			for (size_t i = 0; i < n; i++)
				if (cand[i] == it[j].sentence) {
					which[j] = i;
					break;
				}
		n_audit = 0;
	}
	/* Inclusion probability after the draws that were made. */
	size_t drawn = got - (got < n_audit ? got : n_audit);
	for (size_t j = n_audit; j < got; j++) {
		double qi = qm[which[j]] / acc;
		double p = 1 - pow(1 - qi, (double)(drawn ? drawn : 1));
		it[j].prob = p > 0 ? p : qi;
	}
	/* Shuffle so that the audit items and methods do not show by position. */
	for (size_t j = got; j > 1; j--) {
		size_t k = rng_below(&r, j);
		struct store_round_item t = it[j - 1];
		it[j - 1] = it[k];
		it[k] = t;
	}
	for (size_t j = 0; j < got; j++)
		it[j].position = (int)j;
	free(which);
	free(qm);
	free(cum);
	for (int k = 0; k < C_COUNT; k++)
		free(q[k]);
	free(key);
	free(cand);
	*out = it;
	*nout = got;
	return 0;
}
