/* The workspace index: vocabulary, document frequencies, word vectors and per-sentence
 * tokens and norms, kept in the store as blobs and brought up to date after imports. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define INDEX_MAGIC 0x7472696eu		/* "trin" */
#define INDEX_VERSION 3

/* Vector training settings; the corpus size picks the epochs. */
#define VEC_DIMS 100
/* Retrain the vectors when the workspace has grown by this share since. */
#define VEC_REGROW 0.5

float learn_idf_table(int64_t n_docs, uint32_t df)
{
	return logf((1.0f + (float)n_docs) / (1.0f + (float)df)) + 1.0f;
}

/* ------------------------------------------------------------------ vocabulary */

static uint32_t word_hash(const char *w)
{
	return text_hash(w, strlen(w), 0x77);
}

const char *index_word(const struct learn_index *ix, uint32_t v)
{
	return ix->words + ix->word_off[v];
}

uint32_t index_word_find(const struct learn_index *ix, const char *w)
{
	if (!ix->wmap)
		return NO_WORD;
	uint32_t h = word_hash(w) & ix->wmap_mask;
	for (;;) {
		uint32_t e = ix->wmap[h];
		if (!e)
			return NO_WORD;
		if (!strcmp(index_word(ix, e - 1), w))
			return e - 1;
		h = (h + 1) & ix->wmap_mask;
	}
}

static void wmap_put(struct learn_index *ix, uint32_t v)
{
	uint32_t h = word_hash(index_word(ix, v)) & ix->wmap_mask;
	while (ix->wmap[h])
		h = (h + 1) & ix->wmap_mask;
	ix->wmap[h] = v + 1;
}

static void wmap_rebuild(struct learn_index *ix)
{
	uint32_t size = 1024;
	while (size < ix->n_vocab * 2u + 16)
		size *= 2;
	free(ix->wmap);
	ix->wmap = xcalloc(size, sizeof(uint32_t));
	ix->wmap_mask = size - 1;
	for (uint32_t v = 0; v < ix->n_vocab; v++)
		wmap_put(ix, v);
}

struct gram_ctx {
	struct learn_index *ix;
};

static void push_gram(void *ctx, uint32_t h)
{
	struct learn_index *ix = ((struct gram_ctx *)ctx)->ix;
	xgrow(&ix->grams, &ix->cap_grams, ix->n_grams + 1, sizeof(uint32_t));
	ix->grams[ix->n_grams++] = h;
}

/* Adds a word (stemming it and cutting its n-grams); returns its id. */
static uint32_t word_add(struct learn_index *ix, text_stemmer *stem, const char *w)
{
	uint32_t v = index_word_find(ix, w);
	if (v != NO_WORD)
		return v;
	v = ix->n_vocab;
	if (v + 1 >= ix->cap_vocab) {
		size_t cap = ix->cap_vocab ? ix->cap_vocab * 2 : 4096;
		ix->word_off = xrealloc(ix->word_off, cap * sizeof(uint32_t));
		ix->count = xrealloc(ix->count, cap * sizeof(uint32_t));
		ix->stem = xrealloc(ix->stem, cap * sizeof(uint32_t));
		ix->gram_off = xrealloc(ix->gram_off, (cap + 1) * sizeof(uint32_t));
		ix->cap_vocab = (uint32_t)cap;
	}
	size_t len = strlen(w);
	xgrow(&ix->words, &ix->words_cap, ix->words_len + len + 1, 1);
	memcpy(ix->words + ix->words_len, w, len + 1);
	ix->word_off[v] = (uint32_t)ix->words_len;
	ix->words_len += len + 1;
	ix->count[v] = 0;
	const char *s = text_stem(stem, w);
	ix->stem[v] = text_hash(s, strlen(s), SEED_STEM);
	if (v == 0)
		ix->gram_off[0] = 0;
	struct gram_ctx g = {ix};
	text_char_ngrams(w, GRAM_MIN, GRAM_MAX, SEED_GRAM, push_gram, &g);
	ix->gram_off[v + 1] = (uint32_t)ix->n_grams;
	ix->n_vocab++;
	if (ix->n_vocab * 2u >= ix->wmap_mask)
		wmap_rebuild(ix);
	else
		wmap_put(ix, v);
	return v;
}

void tok_info_of(const struct learn_index *ix, uint32_t v, struct tok_info *t)
{
	t->stem = ix->stem[v];
	t->grams = ix->grams + ix->gram_off[v];
	t->n_grams = ix->gram_off[v + 1] - ix->gram_off[v];
	t->vec = ix->has_vec && ix->has_vec[v] ? ix->vec + (size_t)v * (size_t)ix->dims : NULL;
	t->sif = ix->sif ? ix->sif[v] : 1.0f;
}

/* ------------------------------------------------------------------ sentences */

static void slots_grow(struct learn_index *ix, int64_t max_id)
{
	if (max_id <= ix->max_id && ix->tok_off)
		return;
	size_t old = ix->tok_off ? (size_t)ix->max_id + 1 : 0, n = (size_t)max_id + 1;
	ix->tok_off = xrealloc(ix->tok_off, (n + 1) * sizeof(uint64_t));
	ix->call = xrealloc(ix->call, n * sizeof(uint32_t));
	ix->side = xrealloc(ix->side, n);
	ix->alive = xrealloc(ix->alive, n);
	ix->start_ms = xrealloc(ix->start_ms, n * sizeof(int32_t));
	ix->norm_w = xrealloc(ix->norm_w, n * sizeof(float));
	ix->norm_c = xrealloc(ix->norm_c, n * sizeof(float));
	ix->norm_d = xrealloc(ix->norm_d, n * sizeof(float));
	ix->cv = xrealloc(ix->cv, n * sizeof(float));
	ix->texthash = xrealloc(ix->texthash, n * sizeof(uint32_t));
	uint64_t end = old ? ix->tok_off[old] : 0;
	if (!old)
		ix->tok_off[0] = 0;
	for (size_t i = old; i < n; i++) {
		ix->tok_off[i + 1] = end;
		ix->call[i] = 0;
		ix->side[i] = 0;
		ix->alive[i] = 0;
		ix->start_ms[i] = 0;
		ix->norm_w[i] = ix->norm_c[i] = ix->norm_d[i] = ix->cv[i] = 0;
		ix->texthash[i] = 0;
	}
	ix->max_id = max_id;
}

struct scan_ctx {
	struct learn_index *ix;
	text_stemmer *stem;
	struct text_tokens toks;
	int64_t total, done;
	int64_t filled;		/* tok_off is set up to this slot */
	learn_progress_fn progress;
	void *pctx;
	volatile int *cancel;
};

static int scan_one(void *ctx, const struct store_sentence_row *r)
{
	struct scan_ctx *c = ctx;
	struct learn_index *ix = c->ix;
	if (c->cancel && *c->cancel)
		return 1;
	if (r->id > ix->max_id)
		return 0;	/* written after the scan began */
	text_tokenize(r->text, &c->toks);
	/* Sentences arrive in id order: ids skipped (replaced calls) get no tokens. */
	for (int64_t k = c->filled + 1; k <= r->id; k++)
		ix->tok_off[k] = ix->n_tok;
	c->filled = r->id;
	xgrow(&ix->tok, &ix->cap_tok, ix->n_tok + c->toks.n, sizeof(uint32_t));
	for (size_t i = 0; i < c->toks.n; i++) {
		uint32_t v = word_add(ix, c->stem, text_token(&c->toks, i));
		ix->count[v]++;
		ix->tok[ix->n_tok++] = v;
	}
	ix->tok_off[r->id + 1] = ix->n_tok;
	c->filled = r->id + 1;
	ix->call[r->id] = (uint32_t)r->call;
	ix->side[r->id] = (uint8_t)r->side;
	ix->alive[r->id] = 1;
	ix->start_ms[r->id] = r->start_ms;
	if (c->progress && ++c->done % 4096 == 0)
		c->progress(c->pctx, "reading sentences", c->total ? (double)c->done / (double)c->total : 0);
	return 0;
}

/* Sorts and removes duplicates; returns the new count. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static size_t uniq(uint32_t *a, size_t n)
{
	if (n < 2)
		return n;
	qsort(a, n, sizeof(*a), cmp_u32);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (a[i] != a[k - 1])
			a[k++] = a[i];
	return k;
}

static void df_bump(uint16_t *t, uint32_t h)
{
	if (t[h & DF_MASK] < UINT16_MAX)
		t[h & DF_MASK]++;
}

/* Counts the features of sentences [from, to] into the df tables. */
static void df_count(struct learn_index *ix, int64_t from, int64_t to)
{
	uint32_t *buf = NULL;
	size_t cap = 0;
	for (int64_t id = from; id <= to; id++) {
		size_t n;
		const uint32_t *t = index_tokens(ix, id, &n);
		if (!ix->alive[id] || n == 0)
			continue;
		ix->n_docs++;
		xgrow(&buf, &cap, n + 1, sizeof(*buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = ix->stem[t[i]];
		size_t k = uniq(buf, n);
		for (size_t i = 0; i < k; i++)
			df_bump(ix->df_stem, buf[i]);
		for (size_t i = 0; i + 1 < n; i++)
			buf[i] = text_hash_pair(ix->stem[t[i]], ix->stem[t[i + 1]]);
		k = uniq(buf, n ? n - 1 : 0);
		for (size_t i = 0; i < k; i++)
			df_bump(ix->df_pair, buf[i]);
		size_t ng = 0;
		for (size_t i = 0; i < n; i++)
			ng += ix->gram_off[t[i] + 1] - ix->gram_off[t[i]];
		xgrow(&buf, &cap, ng + 1, sizeof(*buf));
		ng = 0;
		for (size_t i = 0; i < n; i++)
			for (uint32_t g = ix->gram_off[t[i]]; g < ix->gram_off[t[i] + 1]; g++)
				buf[ng++] = ix->grams[g];
		k = uniq(buf, ng);
		for (size_t i = 0; i < k; i++)
			df_bump(ix->df_gram, buf[i]);
	}
	free(buf);
}

/* Sparse norms and the text hash of sentences [from, to]. */
static void norms_sparse(struct learn_index *ix, int64_t from, int64_t to)
{
	for (int64_t id = from; id <= to; id++) {
		if (!ix->alive[id])
			continue;
		struct feats f = {0};
		feats_of_sentence(ix, id, &f);
		ix->norm_w[id] = f.norm_w;
		ix->norm_c[id] = f.norm_c;
		ix->texthash[id] = f.texthash;
		feats_free(&f);
	}
}

/* Dense pieces (projection on the common component, norm) of sentences [from, to]. */
static void norms_dense(struct learn_index *ix, int64_t from, int64_t to)
{
	if (!ix->dims || !ix->vec)
		return;
	for (int64_t id = from; id <= to; id++) {
		if (!ix->alive[id])
			continue;
		struct feats f = {0};
		feats_of_sentence(ix, id, &f);
		ix->norm_d[id] = f.norm_d;
		ix->cv[id] = f.cv;
		feats_free(&f);
	}
}

/* ------------------------------------------------------------------ save and load */

struct header {
	uint32_t magic, version;
	uint32_t n_vocab, dims;
	int64_t n_docs, max_id;
	uint64_t n_tok, n_grams, words_len;
	int64_t vec_tokens;
	uint32_t vec_epoch, has_vectors;
};

struct wbuf {
	char *p;
	size_t len, cap;
};

static void put(struct wbuf *b, const void *data, size_t n)
{
	xgrow(&b->p, &b->cap, b->len + n, 1);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

struct rbuf {
	const char *p;
	size_t len, at;
	int bad;
};

static void *take(struct rbuf *b, size_t n)
{
	if (b->bad || b->len - b->at < n) {
		b->bad = 1;
		return xcalloc(1, n ? n : 1);
	}
	void *d = xmalloc(n ? n : 1);
	memcpy(d, b->p + b->at, n);
	b->at += n;
	return d;
}

/* df tables are mostly empty: kept as (slot, count) pairs. */
static void put_df(struct wbuf *b, const uint16_t *t)
{
	uint64_t nz = 0;
	for (uint32_t i = 0; i < DF_SIZE; i++)
		nz += t[i] != 0;
	put(b, &nz, sizeof(nz));
	for (uint32_t i = 0; i < DF_SIZE; i++)
		if (t[i]) {
			put(b, &i, sizeof(i));
			put(b, &t[i], sizeof(t[i]));
		}
}

static uint16_t *take_df(struct rbuf *b)
{
	uint16_t *t = xcalloc(DF_SIZE, sizeof(uint16_t));
	uint64_t *nz = take(b, sizeof(uint64_t));
	for (uint64_t k = 0; k < *nz && !b->bad; k++) {
		uint32_t *i = take(b, sizeof(uint32_t));
		uint16_t *v = take(b, sizeof(uint16_t));
		if (*i < DF_SIZE)
			t[*i] = *v;
		free(i);
		free(v);
	}
	free(nz);
	return t;
}

/* Appends the index as the store keeps it to b. */
static void index_encode(const struct learn_index *ix, struct wbuf *b)
{
	struct header h = {
		.magic = INDEX_MAGIC, .version = INDEX_VERSION, .n_vocab = ix->n_vocab,
		.dims = (uint32_t)ix->dims, .n_docs = ix->n_docs, .max_id = ix->max_id,
		.n_tok = ix->n_tok, .n_grams = ix->n_grams, .words_len = ix->words_len,
		.vec_tokens = ix->vec_tokens, .vec_epoch = ix->vec_epoch,
		.has_vectors = ix->vec != NULL,
	};
	size_t nv = ix->n_vocab, ns = (size_t)ix->max_id + 1;
	put(b, &h, sizeof(h));
	put(b, ix->words, ix->words_len);
	put(b, ix->word_off, nv * sizeof(uint32_t));
	put(b, ix->count, nv * sizeof(uint32_t));
	put(b, ix->stem, nv * sizeof(uint32_t));
	put(b, ix->gram_off, (nv + 1) * sizeof(uint32_t));
	put(b, ix->grams, ix->n_grams * sizeof(uint32_t));
	put_df(b, ix->df_stem);
	put_df(b, ix->df_pair);
	put_df(b, ix->df_gram);
	if (ix->vec) {
		put(b, ix->vec, nv * (size_t)ix->dims * sizeof(float));
		put(b, ix->has_vec, nv);
		put(b, ix->sif, nv * sizeof(float));
		put(b, ix->common, (size_t)ix->dims * sizeof(float));
	}
	put(b, ix->tok_off, (ns + 1) * sizeof(uint64_t));
	put(b, ix->tok, ix->n_tok * sizeof(uint32_t));
	put(b, ix->call, ns * sizeof(uint32_t));
	put(b, ix->side, ns);
	put(b, ix->start_ms, ns * sizeof(int32_t));
	put(b, ix->norm_w, ns * sizeof(float));
	put(b, ix->norm_c, ns * sizeof(float));
	put(b, ix->norm_d, ns * sizeof(float));
	put(b, ix->cv, ns * sizeof(float));
	put(b, ix->texthash, ns * sizeof(uint32_t));
}

static int index_save(store *st, const struct learn_index *ix, char *err, size_t errlen)
{
	struct wbuf b = {0};
	index_encode(ix, &b);
	int rc = store_blob_put(st, "learn.index", b.p, b.len, err, errlen);
	free(b.p);
	return rc;
}

void learn_index_free(struct learn_index *ix)
{
	if (!ix)
		return;
	free(ix->words);
	free(ix->word_off);
	free(ix->count);
	free(ix->stem);
	free(ix->gram_off);
	free(ix->grams);
	free(ix->wmap);
	free(ix->df_stem);
	free(ix->df_pair);
	free(ix->df_gram);
	free(ix->vec);
	free(ix->has_vec);
	free(ix->sif);
	free(ix->common);
	free(ix->tok_off);
	free(ix->tok);
	free(ix->call);
	free(ix->side);
	free(ix->alive);
	free(ix->start_ms);
	free(ix->norm_w);
	free(ix->norm_c);
	free(ix->norm_d);
	free(ix->cv);
	free(ix->texthash);
	free(ix);
}

static struct learn_index *index_empty(void)
{
	struct learn_index *ix = xcalloc(1, sizeof(*ix));
	ix->df_stem = xcalloc(DF_SIZE, sizeof(uint16_t));
	ix->df_pair = xcalloc(DF_SIZE, sizeof(uint16_t));
	ix->df_gram = xcalloc(DF_SIZE, sizeof(uint16_t));
	ix->gram_off = xcalloc(1, sizeof(uint32_t));
	wmap_rebuild(ix);
	slots_grow(ix, 0);
	return ix;
}

/* Makes an index from its stored form; returns 1 when it is from an older layout, -1
 * when it is damaged. */
static int index_decode(const void *data, size_t len, struct learn_index **out, char *err,
			size_t errlen)
{
	*out = NULL;
	struct rbuf b = {data, len, 0, 0};
	struct header *h = take(&b, sizeof(*h));
	if (b.bad || h->magic != INDEX_MAGIC || h->version != INDEX_VERSION) {
		free(h);
		return 1;
	}
	struct learn_index *ix = xcalloc(1, sizeof(*ix));
	size_t nv = h->n_vocab, ns = (size_t)h->max_id + 1;
	ix->n_vocab = ix->cap_vocab = h->n_vocab;
	ix->dims = (int)h->dims;
	ix->n_docs = h->n_docs;
	ix->max_id = h->max_id;
	ix->n_tok = ix->cap_tok = h->n_tok;
	ix->n_grams = ix->cap_grams = h->n_grams;
	ix->words_len = ix->words_cap = h->words_len;
	ix->vec_tokens = h->vec_tokens;
	ix->vec_epoch = h->vec_epoch;
	ix->words = take(&b, h->words_len);
	ix->word_off = take(&b, nv * sizeof(uint32_t));
	ix->count = take(&b, nv * sizeof(uint32_t));
	ix->stem = take(&b, nv * sizeof(uint32_t));
	ix->gram_off = take(&b, (nv + 1) * sizeof(uint32_t));
	ix->grams = take(&b, h->n_grams * sizeof(uint32_t));
	ix->df_stem = take_df(&b);
	ix->df_pair = take_df(&b);
	ix->df_gram = take_df(&b);
	if (h->has_vectors) {
		ix->vec = take(&b, nv * (size_t)ix->dims * sizeof(float));
		ix->has_vec = take(&b, nv);
		ix->sif = take(&b, nv * sizeof(float));
		ix->common = take(&b, (size_t)ix->dims * sizeof(float));
	}
	ix->tok_off = take(&b, (ns + 1) * sizeof(uint64_t));
	ix->tok = take(&b, h->n_tok * sizeof(uint32_t));
	ix->call = take(&b, ns * sizeof(uint32_t));
	ix->side = take(&b, ns);
	ix->start_ms = take(&b, ns * sizeof(int32_t));
	ix->norm_w = take(&b, ns * sizeof(float));
	ix->norm_c = take(&b, ns * sizeof(float));
	ix->norm_d = take(&b, ns * sizeof(float));
	ix->cv = take(&b, ns * sizeof(float));
	ix->texthash = take(&b, ns * sizeof(uint32_t));
	ix->alive = xcalloc(ns, 1);
	int bad = b.bad;
	free(h);
	if (bad) {
		learn_index_free(ix);
		return errf(err, errlen, "learn: the stored index is damaged; it will be rebuilt "
			    "(delete blob learn.index)");
	}
	wmap_rebuild(ix);
	*out = ix;
	return 0;
}

/* Reads the stored index; returns 1 when there is none (or it is from an older
 * layout), -1 on error. */
static int index_read(store *st, struct learn_index **out, char *err, size_t errlen)
{
	void *data;
	size_t len;
	*out = NULL;
	int rc = store_blob_get(st, "learn.index", &data, &len, err, errlen);
	if (rc)
		return rc;
	rc = index_decode(data, len, out, err, errlen);
	free(data);
	return rc;
}

/* Marks which indexed sentences still exist: those inside a call's span. */
static int mark_alive(store *st, struct learn_index *ix, char *err, size_t errlen)
{
	struct store_call_span *sp;
	size_t n;
	if (store_calls_matching(st, NULL, INT64_MIN, &sp, &n, err, errlen) < 0)
		return -1;
	memset(ix->alive, 0, (size_t)ix->max_id + 1);
	for (size_t i = 0; i < n; i++)
		for (int64_t id = sp[i].first; id < sp[i].first + sp[i].n && id <= ix->max_id; id++)
			ix->alive[id] = 1;
	free(sp);
	return 0;
}

/* ------------------------------------------------------------------ building */

static int train_vectors(struct learn_index *ix, learn_progress_fn progress, void *ctx,
			 volatile int *cancel)
{
	int64_t tokens = (int64_t)ix->n_tok;
	struct vec_opts o = {
		.dims = VEC_DIMS, .window = 5, .negative = 5, .threads = 2, .min_count = 2,
		.subsample = 1e-3, .alpha = 0.025, .seed = 0x5eed, .parallel_words = 500000,
	};
	/* About 4M running words in all: small workspaces get more passes (up to 25), large
	 * ones at least one. */
	o.epochs = tokens > 0 ? (int)(4000000 / tokens) : 1;
	if (o.epochs < 3)
		o.epochs = tokens > 4000000 ? 1 : 3;
	if (o.epochs > 25)
		o.epochs = 25;
	if (vectors_train(ix, &o, progress, ctx, cancel) < 0)
		return -1;
	ix->vec_tokens = tokens;
	ix->vec_epoch++;
	vectors_finish(ix);
	return 0;
}

static int cancelled(volatile int *cancel, char *err, size_t errlen)
{
	if (cancel && *cancel)
		return errf(err, errlen, "cancelled");
	return 0;
}

/* The stored index brought up to date with the workspace's sentences, in *out (NULL
 * when it is up to date already), without saving it. */
static int index_build(store *st, struct learn_index **out, learn_progress_fn progress,
		       void *ctx, volatile int *cancel, char *err, size_t errlen)
{
	struct learn_index *ix = NULL;
	struct store_summary sum;
	*out = NULL;
	int rc = index_read(st, &ix, err, errlen);
	if (rc < 0)
		return -1;
	if (store_summary_get(st, &sum, err, errlen) < 0) {
		learn_index_free(ix);
		return -1;
	}
	if (ix && sum.max_sentence <= ix->max_id) {
		learn_index_free(ix);	/* nothing new */
		return 0;
	}
	if (!ix)
		ix = index_empty();
	int64_t from = ix->max_id + 1;
	uint32_t old_vocab = ix->n_vocab;
	slots_grow(ix, sum.max_sentence);
	text_stemmer *stem = text_stemmer_new();
	struct scan_ctx sc = {
		.ix = ix, .stem = stem, .total = sum.max_sentence - from + 1, .filled = from,
		.progress = progress, .pctx = ctx, .cancel = cancel,
	};
	rc = store_sentences_scan(st, from - 1, scan_one, &sc, err, errlen);
	for (int64_t k = sc.filled + 1; k <= ix->max_id + 1; k++)
		ix->tok_off[k] = ix->n_tok;
	text_tokens_free(&sc.toks);
	text_stemmer_free(stem);
	if (rc < 0 || cancelled(cancel, err, errlen) < 0)
		goto fail;
	if (mark_alive(st, ix, err, errlen) < 0)
		goto fail;
	if (progress)
		progress(ctx, "counting words", 0);
	df_count(ix, from, ix->max_id);
	/* The vectors are trained on the first build and again when the workspace has grown
	 * a lot; otherwise new sentences use the vectors there are. */
	int retrain = !ix->vec || (double)ix->n_tok > (1.0 + VEC_REGROW) * (double)ix->vec_tokens;
	if (retrain) {
		if (train_vectors(ix, progress, ctx, cancel) < 0) {
			errf(err, errlen, "cancelled");
			goto fail;
		}
	} else {
		/* Words first seen now have no vector; they still count in the sparse blocks. */
		size_t nv = ix->n_vocab, d = (size_t)ix->dims;
		ix->vec = xrealloc(ix->vec, nv * d * sizeof(float));
		ix->has_vec = xrealloc(ix->has_vec, nv);
		ix->sif = xrealloc(ix->sif, nv * sizeof(float));
		memset(ix->vec + (size_t)old_vocab * d, 0, (nv - old_vocab) * d * sizeof(float));
		memset(ix->has_vec + old_vocab, 0, nv - old_vocab);
		vectors_weights(ix);
	}
	/* New sentences change the idf of words and their weights in sentence vectors, so
	 * every sentence's norms are made again: the fast scorer reads them. */
	if (progress)
		progress(ctx, "sentence features", 0.5);
	norms_sparse(ix, 1, ix->max_id);
	norms_dense(ix, 1, ix->max_id);
	*out = ix;
	return 0;
fail:
	learn_index_free(ix);
	return -1;
}

int learn_index_update(store *st, learn_progress_fn progress, void *ctx, volatile int *cancel,
		       char *err, size_t errlen)
{
	struct learn_index *ix;
	if (index_build(st, &ix, progress, ctx, cancel, err, errlen) < 0)
		return -1;
	if (!ix)
		return 0;	/* nothing new */
	if (progress)
		progress(ctx, "saving the index", 0.9);
	int rc = index_save(st, ix, err, errlen);
	learn_index_free(ix);
	if (rc < 0)
		return -1;
	if (progress)
		progress(ctx, "index ready", 1.0);
	return 0;
}

/* A workspace opened read-only whose stored index is missing, from an older layout or
 * behind its sentences: the index is built in memory for this use and not kept. It goes
 * through its stored form, so that it is the same as one read from a workspace that was
 * brought up to date and saved. */
static int index_build_unsaved(store *st, struct learn_index **out, learn_progress_fn progress,
			       void *ctx, volatile int *cancel, char *err, size_t errlen)
{
	struct learn_index *ix;
	*out = NULL;
	if (progress)
		progress(ctx, "indexing in memory (the workspace is read-only)", 0);
	if (index_build(st, &ix, progress, ctx, cancel, err, errlen) < 0)
		return -1;
	if (!ix)
		return index_read(st, out, err, errlen) == 0 ? 0 :
		       errf(err, errlen, "learn: could not read the index");
	struct wbuf b = {0};
	index_encode(ix, &b);
	learn_index_free(ix);
	int rc = index_decode(b.p, b.len, out, err, errlen);
	free(b.p);
	if (rc != 0)
		return errf(err, errlen, "learn: could not read the index just built");
	if (progress)
		progress(ctx, "index ready", 1.0);
	return 0;
}

int learn_index_load(store *st, struct learn_index **out, learn_progress_fn progress, void *ctx,
		     volatile int *cancel, char *err, size_t errlen)
{
	struct store_summary sum;
	*out = NULL;
	if (store_summary_get(st, &sum, err, errlen) < 0)
		return -1;
	struct learn_index *ix = NULL;
	int rc = index_read(st, &ix, err, errlen);
	if (rc < 0)
		return -1;
	if (rc > 0 || sum.max_sentence > ix->max_id) {
		learn_index_free(ix);
		ix = NULL;
		if (store_readonly(st)) {
			if (index_build_unsaved(st, &ix, progress, ctx, cancel, err, errlen) < 0)
				return -1;
		} else {
			if (learn_index_update(st, progress, ctx, cancel, err, errlen) < 0)
				return -1;
			if (index_read(st, &ix, err, errlen) != 0)
				return errf(err, errlen, "learn: could not read the index just built");
		}
	}
	if (mark_alive(st, ix, err, errlen) < 0) {
		learn_index_free(ix);
		return -1;
	}
	*out = ix;
	return 0;
}

void learn_index_info_get(const struct learn_index *ix, struct learn_index_info *o)
{
	int64_t n = 0;
	for (int64_t id = 1; id <= ix->max_id; id++)
		n += ix->alive[id];
	o->sentences = n;
	o->vocabulary = ix->n_vocab;
	o->dims = ix->vec ? ix->dims : 0;
	o->tokens = ix->vec_tokens;
}
