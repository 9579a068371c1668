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
	int64_t done;		/* words processed by all threads */
	learn_progress_fn progress;
	void *ctx;
	volatile int *cancel;
	int stopped;
};

/* One thread's part of the training. With several threads each trains its own copy of
 * the vectors for a chunk of its sentences, noting the rows it changed; the changes are
 * then added up into the shared vectors in a fixed order, and the copies start the next
 * chunk from the sum. Nothing depends on how the threads were scheduled, so the same
 * workspace always gets the same vectors. */
struct worker {
	struct sgns *g;
	int64_t from, to;	/* sentence ids of this thread's share */
	int id;
	uint64_t r;		/* the hot loop's random state, kept across chunks */
	float *syn0, *syn1;	/* the vectors trained: the shared ones, or this thread's copy */
	uint8_t *dirty;		/* rows changed in this chunk: 1 input, 2 output (copies only) */
	uint32_t *rows;		/* the changed rows, each once */
	size_t n_rows, cap_rows;
	float *neu1e;
	uint32_t *sen;
	size_t cap_sen;
	/* for the chunk running now */
	int64_t chunk_from, chunk_to;
	int64_t base;		/* words done by all threads when the chunk began */
	int64_t words;		/* words of the chunk seen by this thread */
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

static inline void mark(struct worker *w, uint32_t row, uint8_t bit)
{
	if (!w->dirty || (w->dirty[row] & bit))
		return;
	if (!w->dirty[row]) {
		xgrow(&w->rows, &w->cap_rows, w->n_rows + 1, sizeof(uint32_t));
		w->rows[w->n_rows++] = row;
	}
	w->dirty[row] |= bit;
}

/* Subsamples sentence id into w->sen; returns its length, and counts the words seen. */
static size_t sentence_words(struct worker *w, int64_t id, int64_t *seen)
{
	const struct learn_index *ix = w->g->ix;
	size_t n, m = 0;
	const uint32_t *t = index_tokens(ix, id, &n);
	xgrow(&w->sen, &w->cap_sen, n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		uint32_t v = t[i];
		if (!ix->has_vec[v])
			continue;
		(*seen)++;
		if (w->g->keep[v] < 1 && lcg_next(&w->r) * 0x1p-32f > w->g->keep[v])
			continue;
		w->sen[m++] = v;
	}
	return m;
}

/* Skip-gram with negative sampling over one subsampled sentence of m words. */
__attribute__((optimize("O3"))) static void train_sentence(struct worker *w, size_t m, float alpha)
{
	struct sgns *g = w->g;
	const struct vec_opts *o = g->o;
	int d = o->dims;
	const uint32_t *sen = w->sen;
	float *neu1e = w->neu1e;
	for (size_t i = 0; i < m; i++) {
		int b = (int)lcg_below(&w->r, (uint32_t)o->window);
		for (int k = -o->window + b; k <= o->window - b; k++) {
			if (k == 0 || (int64_t)i + k < 0 || (size_t)((int64_t)i + k) >= m)
				continue;
			/* predict the centre word from the context word */
			uint32_t ctx = sen[i + (size_t)k];
			float *in = w->syn0 + (size_t)ctx * (size_t)d;
			mark(w, ctx, 1);
			memset(neu1e, 0, (size_t)d * sizeof(float));
			for (int s = 0; s <= o->negative; s++) {
				uint32_t target;
				float label;
				if (s == 0) {
					target = sen[i];
					label = 1;
				} else {
					target = g->table[lcg_below(&w->r, (uint32_t)g->table_size)];
					if (target == sen[i])
						continue;
					label = 0;
				}
				float *out = w->syn1 + (size_t)target * (size_t)d;
				mark(w, target, 2);
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

static float rate(const struct sgns *g, double progress)
{
	float alpha = (float)(g->o->alpha * (1 - progress));
	return alpha < g->o->alpha * 1e-4 ? (float)(g->o->alpha * 1e-4) : alpha;
}

/* One thread over its whole share for every pass, on the shared vectors. */
static void train_alone(struct worker *w)
{
	struct sgns *g = w->g;
	int64_t local = 0, reported = 0, total = g->train_words * g->o->epochs;
	for (int ep = 0; ep < g->o->epochs && !g->stopped; ep++) {
		for (int64_t id = w->from; id < w->to && !g->stopped; id++) {
			if (!g->ix->alive[id])
				continue;
			size_t m = sentence_words(w, id, &local);
			if (local - reported >= 10000) {
				g->done += local - reported;
				reported = local;
				if (g->cancel && *g->cancel)
					g->stopped = 1;
				if (g->progress)
					g->progress(g->ctx, "training word vectors",
						    (double)g->done / (double)(total ? total : 1));
			}
			train_sentence(w, m, rate(g, (double)g->done / (double)(total + 1)));
		}
	}
}

/* One thread's chunk, on its copy. The learning rate follows the words all threads
 * have done, counting the others as having kept pace with this one. */
static void *train_chunk(void *arg)
{
	struct worker *w = arg;
	struct sgns *g = w->g;
	int threads = g->o->threads;
	int64_t total = g->train_words * g->o->epochs, reported = 0;
	w->words = 0;
	for (int64_t id = w->chunk_from; id < w->chunk_to; id++) {
		if (!g->ix->alive[id])
			continue;
		size_t m = sentence_words(w, id, &w->words);
		if (w->words - reported >= 10000) {
			reported = w->words;
			if (w->id == 0 && g->progress)
				g->progress(g->ctx, "training word vectors",
					    (double)(w->base + reported * threads) / (double)(total ? total : 1));
		}
		train_sentence(w, m, rate(g, (double)(w->base + reported * threads) / (double)(total + 1)));
	}
	return NULL;
}

/* Adds every thread's changes of the chunk to the shared vectors, in thread order, and
 * brings each copy back to the sum. */
static void merge(struct sgns *g, struct worker *w, int threads, uint8_t *any, uint32_t **rows,
		  size_t *cap)
{
	size_t d = (size_t)g->o->dims, n = 0;
	for (int t = 0; t < threads; t++)
		for (size_t j = 0; j < w[t].n_rows; j++) {
			uint32_t row = w[t].rows[j];
			if (!any[row]) {
				xgrow(rows, cap, n + 1, sizeof(uint32_t));
				(*rows)[n++] = row;
			}
			any[row] |= w[t].dirty[row];
			w[t].dirty[row] = 0;
		}
	for (size_t j = 0; j < n; j++) {
		uint32_t row = (*rows)[j];
		for (int which = 0; which < 2; which++) {
			if (!(any[row] & (1 << which)))
				continue;
			float *shared = (which ? g->syn1 : g->syn0) + row * d;
			for (size_t k = 0; k < d; k++) {
				float m = shared[k], sum = m;
				for (int t = 0; t < threads; t++)
					sum += (which ? w[t].syn1 : w[t].syn0)[row * d + k] - m;
				shared[k] = sum;
			}
			for (int t = 0; t < threads; t++)
				memcpy((which ? w[t].syn1 : w[t].syn0) + row * d, shared, d * sizeof(float));
		}
		any[row] = 0;
	}
	for (int t = 0; t < threads; t++)
		w[t].n_rows = 0;
}

/* Sentences per chunk: about 20,000 words for each thread between merges. */
static int64_t chunk_sentences(const struct learn_index *ix)
{
	double per = ix->max_id > 0 ? (double)ix->n_tok / (double)ix->max_id : 1;
	int64_t k = (int64_t)(20000 / (per > 1 ? per : 1));
	return k < 64 ? 64 : k;
}

/* Several threads, each on its share, chunk by chunk. */
static void train_together(struct sgns *g, struct worker *w, int threads)
{
	size_t nv = g->ix->n_vocab, d = (size_t)g->o->dims;
	int64_t total = g->train_words * g->o->epochs, k = chunk_sentences(g->ix), per = w[0].to - w[0].from;
	uint8_t *any = xcalloc(nv + 1, 1);
	uint32_t *rows = NULL;
	size_t cap = 0;
	for (int t = 0; t < threads; t++) {
		w[t].syn0 = xmalloc(nv * d * sizeof(float) + 1);
		w[t].syn1 = xmalloc(nv * d * sizeof(float) + 1);
		memcpy(w[t].syn0, g->syn0, nv * d * sizeof(float));
		memcpy(w[t].syn1, g->syn1, nv * d * sizeof(float));
		w[t].dirty = xcalloc(nv + 1, 1);
	}
	pthread_t th[8];
	for (int ep = 0; ep < g->o->epochs && !g->stopped; ep++) {
		for (int64_t at = 0; at < per && !g->stopped; at += k) {
			for (int t = 0; t < threads; t++) {
				w[t].chunk_from = w[t].from + at;
				w[t].chunk_to = w[t].from + at + k < w[t].to ? w[t].from + at + k : w[t].to;
				w[t].base = g->done;
			}
			for (int t = 1; t < threads; t++)
				pthread_create(&th[t], NULL, train_chunk, &w[t]);
			train_chunk(&w[0]);
			for (int t = 1; t < threads; t++)
				pthread_join(th[t], NULL);
			merge(g, w, threads, any, &rows, &cap);
			for (int t = 0; t < threads; t++)
				g->done += w[t].words;
			if (g->cancel && *g->cancel)
				g->stopped = 1;
			if (g->progress)
				g->progress(g->ctx, "training word vectors",
					    (double)g->done / (double)(total ? total : 1));
		}
	}
	for (int t = 0; t < threads; t++) {
		free(w[t].syn0);
		free(w[t].syn1);
		free(w[t].dirty);
		free(w[t].rows);
	}
	free(rows);
	free(any);
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
	if (total < o->parallel_words || threads < 1)
		threads = 1;	/* small workspaces: one thread is quick enough */
	if (threads > 8)
		threads = 8;
	if (total > 0) {
		struct worker w[8];
		int64_t per = (ix->max_id + threads) / threads;
		for (int i = 0; i < threads; i++) {
			w[i] = (struct worker){.g = &g, .from = 1 + per * i, .to = 1 + per * (i + 1), .id = i,
					       .syn0 = g.syn0, .syn1 = g.syn1};
			if (w[i].to > ix->max_id + 1)
				w[i].to = ix->max_id + 1;
			w[i].r = o->seed * 0x9e3779b97f4a7c15ull + (uint64_t)i * 7919 + 1;
			w[i].neu1e = xmalloc(d * sizeof(float));
		}
		if (threads == 1)
			train_alone(&w[0]);
		else
			train_together(&g, w, threads);
		for (int i = 0; i < threads; i++) {
			free(w[i].neu1e);
			free(w[i].sen);
		}
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
