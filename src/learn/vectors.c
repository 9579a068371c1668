/* Word vectors trained in-process on the workspace's own sentences: skip-gram with
 * negative sampling (Mikolov et al. 2013), then smooth-inverse-frequency sentence
 * vectors with the common component removed (Arora et al. 2017). */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define EXP_TABLE 1000
#define MAX_EXP 6
#define SIF_A 1e-3

/* ------------------------------------------------------------------ random numbers */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ull;
		uint64_t z = seed;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		r->s[i] = z ^ (z >> 31);
	}
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* ------------------------------------------------------------------ training */

struct sgns {
	struct learn_index *ix;
	const struct vec_opts *o;
	float *syn0, *syn1;
	uint32_t *table;	/* negative-sampling table, counts^0.75 */
	size_t table_size;
	float *keep;		/* probability of keeping each word (subsampling) */
	float exp_table[EXP_TABLE];
	int64_t train_words;	/* words with a vector, per pass */
	int64_t done;		/* words processed by all threads (approximate) */
	learn_progress_fn progress;
	void *ctx;
	volatile int *cancel;
	int stopped;
};

struct worker {
	struct sgns *g;
	int64_t from, to;	/* sentence ids */
	int id;
};

/* A dot product in eight running sums, which the compiler turns into vector code (one
 * sum would have to be added up in order). */
static inline float dot(const float *restrict a, const float *restrict b, int n)
{
	float acc[8] = {0};
	int i = 0;
	for (; i + 8 <= n; i += 8)
		for (int k = 0; k < 8; k++)
			acc[k] += a[i + k] * b[i + k];
	float s = 0;
	for (int k = 0; k < 8; k++)
		s += acc[k];
	for (; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* The hot loop's own random numbers: a 64-bit LCG, ranges by multiply-shift (no
 * division per draw). */
static inline uint32_t lcg_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 32);
}

static inline uint32_t lcg_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((uint64_t)lcg_next(s) * n) >> 32);
}

__attribute__((optimize("O3"))) static void *train_thread(void *arg)
{
	struct worker *w = arg;
	struct sgns *g = w->g;
	struct learn_index *ix = g->ix;
	const struct vec_opts *o = g->o;
	int d = o->dims;
	uint64_t r = o->seed * 0x9e3779b97f4a7c15ull + (uint64_t)w->id * 7919 + 1;
	float *neu1e = xmalloc((size_t)d * sizeof(float));
	uint32_t *sen = NULL;
	size_t cap = 0;
	int64_t local = 0, reported = 0, total = g->train_words * o->epochs;
	for (int ep = 0; ep < o->epochs && !g->stopped; ep++) {
		for (int64_t id = w->from; id < w->to && !g->stopped; id++) {
			size_t n;
			if (!ix->alive[id])
				continue;
			const uint32_t *t = index_tokens(ix, id, &n);
			xgrow(&sen, &cap, n + 1, sizeof(uint32_t));
			size_t m = 0;
			for (size_t i = 0; i < n; i++) {
				uint32_t v = t[i];
				if (!ix->has_vec[v])
					continue;
				local++;
				if (g->keep[v] < 1 && lcg_next(&r) * 0x1p-32f > g->keep[v])
					continue;
				sen[m++] = v;
			}
			if (local - reported >= 10000) {
				__atomic_add_fetch(&g->done, local - reported, __ATOMIC_RELAXED);
				reported = local;
				if (g->cancel && *g->cancel)
					g->stopped = 1;
				if (w->id == 0 && g->progress)
					g->progress(g->ctx, "training word vectors",
						    (double)g->done / (double)(total ? total : 1));
			}
			double progress = (double)g->done / (double)(total + 1);
			float alpha = (float)(o->alpha * (1 - progress));
			if (alpha < o->alpha * 1e-4)
				alpha = (float)(o->alpha * 1e-4);
			for (size_t i = 0; i < m; i++) {
				int b = (int)lcg_below(&r, (uint32_t)o->window);
				float *in;
				for (int k = -o->window + b; k <= o->window - b; k++) {
					if (k == 0 || (int64_t)i + k < 0 || (size_t)((int64_t)i + k) >= m)
						continue;
					/* predict the centre word from the context word */
					in = g->syn0 + (size_t)sen[i + (size_t)k] * (size_t)d;
					memset(neu1e, 0, (size_t)d * sizeof(float));
					for (int s = 0; s <= o->negative; s++) {
						uint32_t target;
						float label;
						if (s == 0) {
							target = sen[i];
							label = 1;
						} else {
							target = g->table[lcg_below(&r, (uint32_t)g->table_size)];
							if (target == sen[i])
								continue;
							label = 0;
						}
						float *out = g->syn1 + (size_t)target * (size_t)d;
						float f = dot(in, out, d);
						float gr;
						if (f > MAX_EXP)
							gr = (label - 1) * alpha;
						else if (f < -MAX_EXP)
							gr = label * alpha;
						else
							gr = (label - g->exp_table[(int)((f + MAX_EXP) * (EXP_TABLE / MAX_EXP / 2))]) * alpha;
						for (int c = 0; c < d; c++)
							neu1e[c] += gr * out[c];
						for (int c = 0; c < d; c++)
							out[c] += gr * in[c];
					}
					for (int c = 0; c < d; c++)
						in[c] += neu1e[c];
				}
			}
		}
	}
	free(sen);
	free(neu1e);
	return NULL;
}

int vectors_train(struct learn_index *ix, const struct vec_opts *o, learn_progress_fn progress,
		  void *ctx, volatile int *cancel)
{
	size_t nv = ix->n_vocab, d = (size_t)o->dims;
	struct sgns g = {.ix = ix, .o = o, .progress = progress, .ctx = ctx, .cancel = cancel};
	ix->dims = o->dims;
	free(ix->vec);
	free(ix->has_vec);
	ix->vec = xcalloc(nv * d + 1, sizeof(float));
	ix->has_vec = xcalloc(nv + 1, 1);
	g.syn0 = ix->vec;
	g.syn1 = xcalloc(nv * d + 1, sizeof(float));
	g.keep = xmalloc((nv + 1) * sizeof(float));
	for (int i = 0; i < EXP_TABLE; i++) {
		float e = expf(((float)i / EXP_TABLE * 2 - 1) * MAX_EXP);
		g.exp_table[i] = e / (e + 1);
	}
	int64_t total = 0;
	for (size_t v = 0; v < nv; v++)
		if (ix->count[v] >= (uint32_t)o->min_count) {
			ix->has_vec[v] = 1;
			total += ix->count[v];
		}
	g.train_words = total;
	/* Subsampling of frequent words (word2vec's formula). */
	for (size_t v = 0; v < nv; v++) {
		double f = ix->count[v], t = o->subsample * (double)total;
		double keep = f > 0 ? (sqrt(f / t) + 1) * t / f : 1;
		g.keep[v] = keep >= 1 ? 1.0f : (float)keep;
	}
	/* Negative-sampling table. */
	double norm = 0;
	for (size_t v = 0; v < nv; v++)
		if (ix->has_vec[v])
			norm += pow(ix->count[v], 0.75);
	g.table_size = nv < 1000 ? 100000 : 10000000;
	g.table = xmalloc(g.table_size * sizeof(uint32_t));
	{
		size_t v = 0, i = 0;
		double acc = 0;
		while (v < nv && !ix->has_vec[v])
			v++;
		for (; i < g.table_size && v < nv; i++) {
			g.table[i] = (uint32_t)v;
			if ((double)i / (double)g.table_size * norm > acc + pow(ix->count[v], 0.75)) {
				acc += pow(ix->count[v], 0.75);
				do
					v++;
				while (v < nv && !ix->has_vec[v]);
			}
		}
		uint32_t last = g.table[i ? i - 1 : 0];
		for (; i < g.table_size; i++)
			g.table[i] = last;
	}
	struct rng r;
	rng_seed(&r, o->seed);
	for (size_t i = 0; i < nv * d; i++)
		g.syn0[i] = (float)((rng_unit(&r) - 0.5) / (double)d);
	int threads = o->threads;
	if (total < 500000)
		threads = 1;	/* small workspaces: one thread, the same vectors every time */
	if (total > 0) {
		pthread_t th[8];
		struct worker w[8];
		if (threads > 8)
			threads = 8;
		int64_t per = (ix->max_id + threads) / threads;
		for (int i = 0; i < threads; i++) {
			w[i] = (struct worker){&g, 1 + per * i, 1 + per * (i + 1), i};
			if (w[i].to > ix->max_id + 1)
				w[i].to = ix->max_id + 1;
		}
		for (int i = 1; i < threads; i++)
			pthread_create(&th[i], NULL, train_thread, &w[i]);
		train_thread(&w[0]);
		for (int i = 1; i < threads; i++)
			pthread_join(th[i], NULL);
	}
	for (size_t v = 0; v < nv; v++)
		if (!ix->has_vec[v])
			memset(ix->vec + v * d, 0, d * sizeof(float));
	free(g.syn1);
	free(g.keep);
	free(g.table);
	return g.stopped ? -1 : 0;
}

void vectors_weights(struct learn_index *ix)
{
	double total = 0;
	for (uint32_t v = 0; v < ix->n_vocab; v++)
		total += ix->count[v];
	free(ix->sif);
	ix->sif = xmalloc(((size_t)ix->n_vocab + 1) * sizeof(float));
	for (uint32_t v = 0; v < ix->n_vocab; v++) {
		double p = total > 0 ? ix->count[v] / total : 0;
		ix->sif[v] = (float)(SIF_A / (SIF_A + p));
	}
}

/* The first principal direction (uncentred) of a sample of sentence vectors. */
void vectors_finish(struct learn_index *ix)
{
	int d = ix->dims;
	vectors_weights(ix);
	free(ix->common);
	ix->common = xcalloc((size_t)d, sizeof(float));
	if (!d)
		return;
	/* Up to 50,000 sentences spread over the workspace. */
	int64_t step = ix->max_id / 50000 + 1;
	size_t ns = 0;
	float *m = xmalloc(((size_t)(ix->max_id / step) + 2) * (size_t)d * sizeof(float));
	for (int64_t id = 1; id <= ix->max_id; id += step) {
		size_t n;
		const uint32_t *t = index_tokens(ix, id, &n);
		if (!ix->alive[id] || !n)
			continue;
		float *row = m + ns * (size_t)d;
		memset(row, 0, (size_t)d * sizeof(float));
		for (size_t i = 0; i < n; i++) {
			if (!ix->has_vec[t[i]])
				continue;
			const float *u = ix->vec + (size_t)t[i] * (size_t)d;
			for (int k = 0; k < d; k++)
				row[k] += ix->sif[t[i]] * u[k];
		}
		for (int k = 0; k < d; k++)
			row[k] /= (float)n;
		ns++;
	}
	double *c = xmalloc((size_t)d * sizeof(double)), *next = xmalloc((size_t)d * sizeof(double));
	for (int k = 0; k < d; k++)
		c[k] = 1.0 / sqrt(d);
	for (int it = 0; it < 30; it++) {
		memset(next, 0, (size_t)d * sizeof(double));
		for (size_t i = 0; i < ns; i++) {
			const float *row = m + i * (size_t)d;
			double dot = 0;
			for (int k = 0; k < d; k++)
				dot += row[k] * c[k];
			for (int k = 0; k < d; k++)
				next[k] += dot * row[k];
		}
		double norm = 0;
		for (int k = 0; k < d; k++)
			norm += next[k] * next[k];
		norm = sqrt(norm);
		if (norm == 0)
			break;
		for (int k = 0; k < d; k++)
			c[k] = next[k] / norm;
	}
	for (int k = 0; k < d; k++)
		ix->common[k] = (float)c[k];
	free(c);
	free(next);
	free(m);
}
