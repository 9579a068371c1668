/* Sentence features: a word block (stems and stem pairs), a character n-gram block and
 * a dense block (the sentence vector), each weighted by idf or sif. The fast scorer in
 * model.c relies on these being sums over tokens: keep the two in step. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void svec_free(struct svec *v)
{
	free(v->id);
	free(v->val);
	memset(v, 0, sizeof(*v));
}

static void svec_push(struct svec *v, uint32_t id, float val)
{
	if (v->n + 1 > v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->id = xrealloc(v->id, v->cap * sizeof(uint32_t));
		v->val = xrealloc(v->val, v->cap * sizeof(float));
	}
	v->id[v->n] = id;
	v->val[v->n] = val;
	v->n++;
}

/* Sorts by id, keeping equal ids in the order they came (so their values add up the
 * same way whatever the length). */
static void svec_sort(struct svec *v)
{
	if (v->n <= 32) {
		/* insertion sort: sentences are short */
		for (size_t i = 1; i < v->n; i++) {
			uint32_t id = v->id[i];
			float val = v->val[i];
			size_t j = i;
			while (j > 0 && v->id[j - 1] > id) {
				v->id[j] = v->id[j - 1];
				v->val[j] = v->val[j - 1];
				j--;
			}
			v->id[j] = id;
			v->val[j] = val;
		}
		return;
	}
	/* a long text (a pasted paragraph, a `score` line): merge sort, not n squared */
	uint32_t *id = xmalloc(v->n * sizeof(uint32_t));
	float *val = xmalloc(v->n * sizeof(float));
	uint32_t *src_id = v->id, *dst_id = id;
	float *src_val = v->val, *dst_val = val;
	for (size_t w = 1; w < v->n; w *= 2) {
		for (size_t lo = 0; lo < v->n; lo += 2 * w) {
			size_t mid = lo + w < v->n ? lo + w : v->n;
			size_t hi = lo + 2 * w < v->n ? lo + 2 * w : v->n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid || b < hi) {
				size_t from = b >= hi || (a < mid && src_id[a] <= src_id[b]) ? a++ : b++;
				dst_id[k] = src_id[from];
				dst_val[k++] = src_val[from];
			}
		}
		uint32_t *ti = src_id;
		float *tv = src_val;
		src_id = dst_id;
		src_val = dst_val;
		dst_id = ti;
		dst_val = tv;
	}
	if (src_id != v->id) {
		memcpy(v->id, src_id, v->n * sizeof(uint32_t));
		memcpy(v->val, src_val, v->n * sizeof(float));
	}
	free(id);
	free(val);
}

/* Sorts by id and adds the values of equal ids; returns the norm. */
static float svec_merge(struct svec *v)
{
	svec_sort(v);
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (k && v->id[k - 1] == v->id[i]) {
			v->val[k - 1] += v->val[i];
		} else {
			v->id[k] = v->id[i];
			v->val[k] = v->val[i];
			k++;
		}
	}
	v->n = k;
	double s = 0;
	for (size_t i = 0; i < k; i++)
		s += (double)v->val[i] * v->val[i];
	return (float)sqrt(s);
}

void feats_free(struct feats *f)
{
	svec_free(&f->w);
	svec_free(&f->c);
	free(f->d);
	memset(f, 0, sizeof(*f));
}

void feats_from_infos(const struct learn_index *ix, const struct tok_info *t, size_t n,
		      struct feats *f)
{
	f->w.n = f->c.n = 0;
	f->n_tok = (int)n;
	uint32_t h = 0x811c9dc5u;
	for (size_t i = 0; i < n; i++) {
		svec_push(&f->w, t[i].stem, idf_of(ix, df_get(ix->df_stem, t[i].stem)));
		if (i + 1 < n) {
			uint32_t p = text_hash_pair(t[i].stem, t[i + 1].stem);
			svec_push(&f->w, p, idf_of(ix, df_get(ix->df_pair, p)));
		}
		for (size_t g = 0; g < t[i].n_grams; g++)
			svec_push(&f->c, t[i].grams[g], idf_of(ix, df_get(ix->df_gram, t[i].grams[g])));
		h = (h ^ t[i].stem) * 16777619u;
	}
	f->texthash = h;
	f->norm_w = svec_merge(&f->w);
	f->norm_c = svec_merge(&f->c);
	f->norm_d = 0;
	f->cv = 0;
	if (!ix->vec || !ix->dims)
		return;
	int d = ix->dims;
	if (!f->d)
		f->d = xmalloc((size_t)d * sizeof(float));
	memset(f->d, 0, (size_t)d * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		if (!t[i].vec)
			continue;
		for (int k = 0; k < d; k++)
			f->d[k] += t[i].sif * t[i].vec[k];
	}
	if (n == 0)
		return;
	double cv = 0, nd = 0, nb = 0;
	for (int k = 0; k < d; k++) {
		f->d[k] /= (float)n;
		cv += (double)f->d[k] * ix->common[k];
		nb += (double)f->d[k] * f->d[k];
	}
	for (int k = 0; k < d; k++) {
		f->d[k] -= (float)cv * ix->common[k];
		nd += (double)f->d[k] * f->d[k];
	}
	f->cv = (float)cv;
	/* A sentence that is all common component (a workspace that says one thing over
	 * and over) leaves only rounding behind: normalised, that noise would point
	 * anywhere, and the fast scorer and a text's own features would disagree on it. It
	 * has no direction of its own, so no sentence vector. */
	f->norm_d = nd > 1e-8 * nb ? (float)sqrt(nd) : 0;
}

void feats_of_sentence(const struct learn_index *ix, int64_t id, struct feats *f)
{
	size_t n;
	const uint32_t *tok = index_tokens(ix, id, &n);
	struct tok_info stack[64] = {{0}}, *t = n <= 64 ? stack : xmalloc(n * sizeof(*t));
	for (size_t i = 0; i < n; i++)
		tok_info_of(ix, tok[i], &t[i]);
	feats_from_infos(ix, t, n, f);
	if (t != stack)
		free(t);
}

struct gram_buf {
	uint32_t *g;
	size_t n, cap;
};

static void gram_push(void *ctx, uint32_t h)
{
	struct gram_buf *b = ctx;
	xgrow(&b->g, &b->cap, b->n + 1, sizeof(uint32_t));
	b->g[b->n++] = h;
}

void feats_of_text(const struct learn_index *ix, text_stemmer *stem, const char *text,
		   struct feats *f)
{
	struct text_tokens toks = {0};
	text_tokenize(text, &toks);
	struct tok_info *t = xcalloc(toks.n + 1, sizeof(*t));
	struct gram_buf gb = {0};
	size_t *gstart = xcalloc(toks.n + 1, sizeof(size_t));
	/* Unknown words get their stem and n-grams here; their grams go in one buffer that
	 * is pointed into once it stops moving. */
	for (size_t i = 0; i < toks.n; i++) {
		const char *w = text_token(&toks, i);
		uint32_t v = index_word_find(ix, w);
		if (v != NO_WORD) {
			tok_info_of(ix, v, &t[i]);
			gstart[i] = SIZE_MAX;
			continue;
		}
		const char *s = text_stem(stem, w);
		t[i].stem = text_hash(s, strlen(s), SEED_STEM);
		t[i].vec = NULL;
		t[i].sif = 1.0f;
		gstart[i] = gb.n;
		text_char_ngrams(w, GRAM_MIN, GRAM_MAX, SEED_GRAM, gram_push, &gb);
		t[i].n_grams = gb.n - gstart[i];
	}
	for (size_t i = 0; i < toks.n; i++)
		if (gstart[i] != SIZE_MAX)
			t[i].grams = gb.g + gstart[i];
	feats_from_infos(ix, t, toks.n, f);
	free(gstart);
	free(gb.g);
	free(t);
	text_tokens_free(&toks);
}
