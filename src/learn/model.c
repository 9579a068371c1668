/* Models: logistic regression (liblinear) over the three feature blocks, stored as
 * hashed weights, and a scorer that turns a model into per-word sums so that scoring
 * every sentence of a workspace is a few additions per word. */
#include "internal.h"

#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define MODEL_MAGIC 0x6d6f646cu	/* "modl" */
#define MODEL_VERSION 2

/* ------------------------------------------------------------------ hashed weights */

struct hmap {
	uint32_t *key;
	float *val;
	uint8_t *used;
	uint32_t mask;
	size_t n;
};

static void hmap_init(struct hmap *h, size_t n)
{
	uint32_t size = 16;
	while (size < n * 2 + 8)
		size *= 2;
	h->key = xcalloc(size, sizeof(uint32_t));
	h->val = xcalloc(size, sizeof(float));
	h->used = xcalloc(size, 1);
	h->mask = size - 1;
	h->n = 0;
}

static void hmap_free(struct hmap *h)
{
	free(h->key);
	free(h->val);
	free(h->used);
	memset(h, 0, sizeof(*h));
}

static inline uint32_t slot_of(uint32_t k)
{
	return k * 0x9e3779b1u;
}

static void hmap_put(struct hmap *h, uint32_t k, float v)
{
	uint32_t i = slot_of(k) & h->mask;
	while (h->used[i] && h->key[i] != k)
		i = (i + 1) & h->mask;
	if (!h->used[i])
		h->n++;
	h->used[i] = 1;
	h->key[i] = k;
	h->val[i] = v;
}

static inline float hmap_get(const uint32_t *key, const float *val, const uint8_t *used,
			     uint32_t mask, uint32_t k)
{
	uint32_t i = slot_of(k) & mask;
	while (used[i]) {
		if (key[i] == k)
			return val[i];
		i = (i + 1) & mask;
	}
	return 0;
}

static float model_wget_map(const struct hmap *h, uint32_t k)
{
	return hmap_get(h->key, h->val, h->used, h->mask, k);
}

/* The model keeps its maps as plain arrays (see internal.h); used flags ride along. */
struct model_maps {
	uint8_t *wused, *cused;
};

struct model_full {
	struct lmodel m;
	struct model_maps u;
};

struct lmodel *lmodel_new(int dims)
{
	struct model_full *f = xcalloc(1, sizeof(*f));
	f->m.dims = dims;
	f->m.wd = xcalloc(dims > 0 ? (size_t)dims : 1, sizeof(float));
	f->m.cal_a = 1;
	f->m.cal_b = 0;
	f->m.threshold = 0.5;
	return &f->m;
}

void lmodel_free(struct lmodel *m)
{
	if (!m)
		return;
	struct model_full *f = (struct model_full *)m;
	free(m->wkey);
	free(m->wval);
	free(m->ckey);
	free(m->cval);
	free(m->wd);
	free(f->u.wused);
	free(f->u.cused);
	free(f);
}

static void set_map(struct lmodel *m, int which, struct hmap *h)
{
	struct model_full *f = (struct model_full *)m;
	if (which == 0) {
		m->wkey = h->key;
		m->wval = h->val;
		m->wmask = h->mask;
		f->u.wused = h->used;
	} else {
		m->ckey = h->key;
		m->cval = h->val;
		m->cmask = h->mask;
		f->u.cused = h->used;
	}
}

float model_wget(const struct lmodel *m, uint32_t k)
{
	const struct model_full *f = (const struct model_full *)m;
	return m->wkey ? hmap_get(m->wkey, m->wval, f->u.wused, m->wmask, k) : 0;
}

float model_cget(const struct lmodel *m, uint32_t k)
{
	const struct model_full *f = (const struct model_full *)m;
	return m->ckey ? hmap_get(m->ckey, m->cval, f->u.cused, m->cmask, k) : 0;
}

double model_logit(const struct lmodel *m, const struct feats *f)
{
	double z = m->bias;
	if (f->norm_w > 0) {
		double s = 0;
		for (size_t i = 0; i < f->w.n; i++)
			s += (double)model_wget(m, f->w.id[i]) * f->w.val[i];
		z += m->beta.w * s / f->norm_w;
	}
	if (f->norm_c > 0) {
		double s = 0;
		for (size_t i = 0; i < f->c.n; i++)
			s += (double)model_cget(m, f->c.id[i]) * f->c.val[i];
		z += m->beta.c * s / f->norm_c;
	}
	if (f->norm_d > 0 && f->d) {
		double s = 0;
		for (int k = 0; k < m->dims; k++)
			s += (double)m->wd[k] * f->d[k];
		z += m->beta.d * s / f->norm_d;
	}
	return z;
}

void lmodel_set_weights(struct lmodel *m, const struct svec *w, const struct svec *c)
{
	struct hmap wm, cm;
	hmap_init(&wm, w->n);
	hmap_init(&cm, c->n);
	for (size_t i = 0; i < w->n; i++)
		hmap_put(&wm, w->id[i], model_wget_map(&wm, w->id[i]) + w->val[i]);
	for (size_t i = 0; i < c->n; i++)
		hmap_put(&cm, c->id[i], model_wget_map(&cm, c->id[i]) + c->val[i]);
	struct model_full *f = (struct model_full *)m;
	free(m->wkey);
	free(m->wval);
	free(f->u.wused);
	free(m->ckey);
	free(m->cval);
	free(f->u.cused);
	set_map(m, 0, &wm);
	set_map(m, 1, &cm);
}

/* ------------------------------------------------------------------ blobs */

struct mhead {
	uint32_t magic, version;
	float beta_w, beta_c, beta_d;
	double bias, threshold, cal_a, cal_b;
	uint32_t dims, vec_epoch;
	uint64_t nw, nc;
};

static void put(char **p, size_t *len, size_t *cap, const void *d, size_t n)
{
	xgrow(p, cap, *len + n, 1);
	memcpy(*p + *len, d, n);
	*len += n;
}

void *model_save(const struct lmodel *m, size_t *len)
{
	const struct model_full *f = (const struct model_full *)m;
	struct mhead h = {
		.magic = MODEL_MAGIC, .version = MODEL_VERSION, .beta_w = m->beta.w,
		.beta_c = m->beta.c, .beta_d = m->beta.d, .bias = m->bias,
		.threshold = m->threshold, .cal_a = m->cal_a, .cal_b = m->cal_b,
		.dims = (uint32_t)m->dims, .vec_epoch = m->vec_epoch,
	};
	for (uint32_t i = 0; m->wkey && i <= m->wmask; i++)
		h.nw += f->u.wused[i];
	for (uint32_t i = 0; m->ckey && i <= m->cmask; i++)
		h.nc += f->u.cused[i];
	char *p = NULL;
	size_t cap = 0;
	*len = 0;
	put(&p, len, &cap, &h, sizeof(h));
	for (uint32_t i = 0; m->wkey && i <= m->wmask; i++)
		if (f->u.wused[i]) {
			put(&p, len, &cap, &m->wkey[i], 4);
			put(&p, len, &cap, &m->wval[i], 4);
		}
	for (uint32_t i = 0; m->ckey && i <= m->cmask; i++)
		if (f->u.cused[i]) {
			put(&p, len, &cap, &m->ckey[i], 4);
			put(&p, len, &cap, &m->cval[i], 4);
		}
	put(&p, len, &cap, m->wd, (size_t)m->dims * sizeof(float));
	return p;
}

struct lmodel *model_load(const void *blob, size_t len)
{
	struct mhead h;
	const char *p = blob;
	if (len < sizeof(h))
		return NULL;
	memcpy(&h, p, sizeof(h));
	if (h.magic != MODEL_MAGIC || h.version != MODEL_VERSION)
		return NULL;
	size_t need = sizeof(h) + (h.nw + h.nc) * 8 + (size_t)h.dims * sizeof(float);
	if (len < need)
		return NULL;
	struct lmodel *m = lmodel_new((int)h.dims);
	m->beta.w = h.beta_w;
	m->beta.c = h.beta_c;
	m->beta.d = h.beta_d;
	m->bias = h.bias;
	m->threshold = h.threshold;
	m->cal_a = h.cal_a;
	m->cal_b = h.cal_b;
	m->vec_epoch = h.vec_epoch;
	p += sizeof(h);
	struct hmap w, c;
	hmap_init(&w, h.nw);
	for (uint64_t i = 0; i < h.nw; i++, p += 8) {
		uint32_t k;
		float v;
		memcpy(&k, p, 4);
		memcpy(&v, p + 4, 4);
		hmap_put(&w, k, v);
	}
	hmap_init(&c, h.nc);
	for (uint64_t i = 0; i < h.nc; i++, p += 8) {
		uint32_t k;
		float v;
		memcpy(&k, p, 4);
		memcpy(&v, p + 4, 4);
		hmap_put(&c, k, v);
	}
	set_map(m, 0, &w);
	set_map(m, 1, &c);
	memcpy(m->wd, p, (size_t)h.dims * sizeof(float));
	return m;
}

/* ------------------------------------------------------------------ training */

static void quiet(const char *s)
{
	(void)s;
}

/* Compact feature numbers for liblinear: hashed ids of the training set only. */
struct remap {
	struct hmap w, c;	/* hash -> index (stored in val as float bits) */
	int next;
	uint32_t *whash, *chash;	/* index -> hash, per block */
	int *wof, *cof;
	size_t nw, nc, capw, capc;
};

static int remap_get(struct hmap *h, uint32_t k, int *next, uint32_t **back, size_t *nb,
		     size_t *capb)
{
	uint32_t i = slot_of(k) & h->mask;
	while (h->used[i]) {
		if (h->key[i] == k) {
			int idx;
			memcpy(&idx, &h->val[i], sizeof(idx));
			return idx;
		}
		i = (i + 1) & h->mask;
	}
	int idx = ++*next;
	h->used[i] = 1;
	h->key[i] = k;
	memcpy(&h->val[i], &idx, sizeof(idx));
	h->n++;
	xgrow(back, capb, *nb + 1, sizeof(uint32_t));
	(*back)[(*nb)++] = k;
	return idx;
}

static int cmp_node(const void *a, const void *b)
{
	const struct feature_node *x = a, *y = b;
	return x->index - y->index;
}

struct lmodel *model_train(const struct learn_index *ix, const struct train_item *items, size_t n,
			   const struct train_opts *o, char *err, size_t errlen)
{
	size_t total = 0, npos = 0;
	int dims = ix->vec ? ix->dims : 0;
	for (size_t i = 0; i < n; i++) {
		total += items[i].f->w.n + items[i].f->c.n + (size_t)dims + 2;
		npos += items[i].y == 1;
	}
	if (npos == 0 || npos == n) {
		errf(err, errlen, "learn: training needs both yes and no examples");
		return NULL;
	}
	struct remap r = {0};
	hmap_init(&r.w, total / 2 + 16);
	hmap_init(&r.c, total / 2 + 16);
	/* Dense dimensions take indices 1..dims; hashed features follow; the bias is last. */
	r.next = dims;
	struct feature_node *pool = xmalloc((total + n + 1) * sizeof(*pool));
	struct feature_node **x = xmalloc(n * sizeof(*x));
	double *y = xmalloc(n * sizeof(*y));
	size_t at = 0;
	uint32_t *wback = NULL, *cback = NULL;
	size_t nwb = 0, ncb = 0, capw = 0, capc = 0;
	size_t *row_end = xmalloc(n * sizeof(*row_end));
	for (size_t i = 0; i < n; i++) {
		const struct feats *f = items[i].f;
		x[i] = pool + at;
		y[i] = items[i].y ? 1 : -1;
		size_t start = at;
		if (f->norm_d > 0 && f->d && dims)
			for (int k = 0; k < dims; k++) {
				pool[at].index = k + 1;
				pool[at++].value = o->beta.d * f->d[k] / f->norm_d;
			}
		if (f->norm_w > 0)
			for (size_t k = 0; k < f->w.n; k++) {
				pool[at].index = remap_get(&r.w, f->w.id[k], &r.next, &wback, &nwb, &capw);
				pool[at++].value = o->beta.w * f->w.val[k] / f->norm_w;
			}
		if (f->norm_c > 0)
			for (size_t k = 0; k < f->c.n; k++) {
				pool[at].index = remap_get(&r.c, f->c.id[k], &r.next, &cback, &ncb, &capc);
				pool[at++].value = o->beta.c * f->c.val[k] / f->norm_c;
			}
		qsort(pool + start, at - start, sizeof(*pool), cmp_node);
		row_end[i] = at;
		at += 2;	/* the bias node and the end mark, filled below */
	}
	int nfeat = r.next;
	for (size_t i = 0; i < n; i++) {
		pool[row_end[i]].index = nfeat + 1;
		pool[row_end[i]].value = 1;
		pool[row_end[i] + 1].index = -1;
		pool[row_end[i] + 1].value = 0;
	}
	free(row_end);

	struct problem prob = {.l = (int)n, .n = nfeat + 1, .y = y, .x = x, .bias = 1};
	int labels[2] = {1, -1};
	double pw = o->pos_weight > 0 ? o->pos_weight : (double)(n - npos) / (double)npos;
	double weights[2] = {pw, 1.0};
	struct parameter par = {
		.solver_type = L2R_LR, .eps = 0.01, .C = o->C, .nr_weight = 2,
		.weight_label = labels, .weight = weights,
	};
	struct lmodel *m = NULL;
	set_print_string_function(quiet);
	const char *bad = check_parameter(&prob, &par);
	if (bad) {
		errf(err, errlen, "learn: %s", bad);
		goto out;
	}
	struct model *ll = train(&prob, &par);
	if (!ll) {
		errf(err, errlen, "learn: liblinear could not train");
		goto out;
	}
	/* w is for the first label liblinear saw; turn it towards "yes". */
	double sign = ll->label[0] == 1 ? 1.0 : -1.0;
	m = lmodel_new(dims);
	m->beta = o->beta;
	m->vec_epoch = ix->vec_epoch;
	for (int k = 0; k < dims; k++)
		m->wd[k] = (float)(sign * ll->w[k]);
	struct hmap wm, cm;
	hmap_init(&wm, nwb);
	hmap_init(&cm, ncb);
	for (size_t k = 0; k <= r.w.mask; k++)
		if (r.w.used[k]) {
			int idx;
			memcpy(&idx, &r.w.val[k], sizeof(idx));
			hmap_put(&wm, r.w.key[k], (float)(sign * ll->w[idx - 1]));
		}
	for (size_t k = 0; k <= r.c.mask; k++)
		if (r.c.used[k]) {
			int idx;
			memcpy(&idx, &r.c.val[k], sizeof(idx));
			hmap_put(&cm, r.c.key[k], (float)(sign * ll->w[idx - 1]));
		}
	set_map(m, 0, &wm);
	set_map(m, 1, &cm);
	m->bias = sign * ll->w[nfeat];
	free_and_destroy_model(&ll);
out:
	free(wback);
	free(cback);
	hmap_free(&r.w);
	hmap_free(&r.c);
	free(pool);
	free(x);
	free(y);
	return m;
}

/* ------------------------------------------------------------------ scoring many */

void scorer_init(struct scorer *s, const struct learn_index *ix, const struct lmodel *m)
{
	const struct model_full *f = (const struct model_full *)m;
	size_t nv = ix->n_vocab;
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->ix = ix;
	s->word_w = xmalloc((nv + 1) * sizeof(float));
	s->word_c = xmalloc((nv + 1) * sizeof(float));
	s->word_d = xcalloc(nv + 1, sizeof(float));
	int dense = ix->vec && m->dims == ix->dims && m->vec_epoch == ix->vec_epoch;
	for (size_t v = 0; v < nv; v++) {
		uint32_t st = ix->stem[v];
		s->word_w[v] = model_wget(m, st) * idf_of(ix, df_get(ix->df_stem, st));
		float c = 0;
		for (uint32_t g = ix->gram_off[v]; g < ix->gram_off[v + 1]; g++) {
			uint32_t h = ix->grams[g];
			float w = model_cget(m, h);
			if (w != 0)
				c += w * idf_of(ix, df_get(ix->df_gram, h));
		}
		s->word_c[v] = c;
		if (dense && ix->has_vec[v]) {
			const float *u = ix->vec + v * (size_t)ix->dims;
			float d = 0;
			for (int k = 0; k < ix->dims; k++)
				d += m->wd[k] * u[k];
			s->word_d[v] = ix->sif[v] * d;
		}
	}
	if (dense)
		for (int k = 0; k < ix->dims; k++)
			s->wd_common += m->wd[k] * ix->common[k];
	/* Pair weights times their idf, in a map of their own. */
	struct hmap pm;
	size_t nw = 0;
	for (uint32_t i = 0; m->wkey && i <= m->wmask; i++)
		nw += f->u.wused[i];
	hmap_init(&pm, nw);
	for (uint32_t i = 0; m->wkey && i <= m->wmask; i++)
		if (f->u.wused[i] && m->wval[i] != 0)
			hmap_put(&pm, m->wkey[i],
				 m->wval[i] * idf_of(ix, df_get(ix->df_pair, m->wkey[i])));
	s->pkey = pm.key;
	s->pval = pm.val;
	s->pused = pm.used;
	s->pmask = pm.mask;
	s->dense = dense;
}

void scorer_free(struct scorer *s)
{
	free(s->word_w);
	free(s->word_c);
	free(s->word_d);
	free(s->pkey);
	free(s->pval);
	free(s->pused);
	memset(s, 0, sizeof(*s));
}

double scorer_logit(const struct scorer *s, int64_t id)
{
	const struct learn_index *ix = s->ix;
	const struct lmodel *m = s->m;
	size_t n;
	const uint32_t *t = index_tokens(ix, id, &n);
	double aw = 0, ac = 0, ad = 0;
	for (size_t i = 0; i < n; i++) {
		aw += s->word_w[t[i]];
		ac += s->word_c[t[i]];
		ad += s->word_d[t[i]];
	}
	for (size_t i = 0; i + 1 < n; i++)
		aw += hmap_get(s->pkey, s->pval, s->pused, s->pmask,
			       text_hash_pair(ix->stem[t[i]], ix->stem[t[i + 1]]));
	double z = m->bias;
	if (ix->norm_w[id] > 0)
		z += m->beta.w * aw / ix->norm_w[id];
	if (ix->norm_c[id] > 0)
		z += m->beta.c * ac / ix->norm_c[id];
	if (s->dense && ix->norm_d[id] > 0 && n > 0)
		z += m->beta.d * (ad / (double)n - ix->cv[id] * s->wd_common) / ix->norm_d[id];
	return z;
}
