/* Internal to learn: the index layout, features, models and the pieces that build them. */
#ifndef LEARN_INTERNAL_H
#define LEARN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "learn.h"
#include "store.h"
#include "text.h"

/* Hashed document-frequency tables: 2^DF_BITS saturating counters each. */
#define DF_BITS 22
#define DF_SIZE (1u << DF_BITS)
#define DF_MASK (DF_SIZE - 1)

/* Character n-grams of words, for spelling variants and transcription errors. */
#define GRAM_MIN 3
#define GRAM_MAX 5

/* Seeds that keep the feature spaces apart. */
#define SEED_STEM 0x5a17u
#define SEED_GRAM 0xc4a2u

/* A vocabulary id that means "not in the vocabulary". */
#define NO_WORD UINT32_MAX

/* ---------------------------------------------------------------- the index */

struct learn_index {
	/* Vocabulary: every distinct token of the workspace. */
	uint32_t n_vocab, cap_vocab;
	char *words;		/* NUL-separated */
	size_t words_len, words_cap;
	uint32_t *word_off;	/* start of word v in words */
	uint32_t *count;	/* occurrences in the workspace */
	uint32_t *stem;		/* hash of the word's stem (unigram feature id) */
	uint32_t *gram_off;	/* CSR: grams of word v are grams[gram_off[v] .. gram_off[v+1]) */
	uint32_t *grams;	/* hashes of the word's character n-grams */
	size_t n_grams, cap_grams;
	uint32_t *wmap;		/* open-addressing table word -> id + 1 (0 empty) */
	uint32_t wmap_mask;

	/* Document frequencies (sentences holding a feature), hashed, saturating. */
	int64_t n_docs;
	uint16_t *df_stem, *df_pair, *df_gram;

	/* Word vectors trained on the workspace, and the sentence-vector pieces. */
	int dims;
	float *vec;		/* n_vocab x dims; rows of words without a vector are 0 */
	uint8_t *has_vec;
	float *sif;		/* a / (a + p(word)): frequent words weigh less */
	float *common;		/* the common component removed from sentence vectors (unit) */
	int64_t vec_tokens;	/* running words the vectors were trained on */
	uint32_t vec_epoch;	/* changes each time the vectors are retrained */

	/* Sentences by id (slot = sentence id; slot 0 unused). */
	int64_t max_id;
	uint64_t *tok_off;	/* max_id + 2 entries: tokens of s are tok[tok_off[s] .. tok_off[s+1]) */
	uint32_t *tok;
	size_t n_tok, cap_tok;
	uint32_t *call;		/* call row id */
	uint8_t *side;
	uint8_t *alive;		/* 0 for ids never used or of replaced calls */
	int32_t *start_ms;
	float *norm_w;		/* norm of the word (stem + pair) block */
	float *norm_c;		/* norm of the character n-gram block */
	float *norm_d;		/* norm of the sentence vector after removing the common part */
	float *cv;		/* the sentence vector's projection on the common component */
	uint32_t *texthash;	/* hash of the token sequence: equal for repeated sentences */
};

/* idf of a document frequency, smoothed: ln((1 + N) / (1 + df)) + 1. */
float learn_idf_table(int64_t n_docs, uint32_t df);
static inline float idf_of(const struct learn_index *ix, uint32_t df)
{
	return learn_idf_table(ix->n_docs, df);
}

static inline uint32_t df_get(const uint16_t *t, uint32_t h)
{
	return t ? t[h & DF_MASK] : 0;
}

uint32_t index_word_find(const struct learn_index *ix, const char *w);
const char *index_word(const struct learn_index *ix, uint32_t v);
/* Tokens of sentence id (pointer into the index) and their number. */
static inline const uint32_t *index_tokens(const struct learn_index *ix, int64_t id, size_t *n)
{
	*n = (size_t)(ix->tok_off[id + 1] - ix->tok_off[id]);
	return ix->tok + ix->tok_off[id];
}

/* ---------------------------------------------------------------- features */

/* One token as the features see it: from the vocabulary, or made on the fly. */
struct tok_info {
	uint32_t stem;
	const uint32_t *grams;
	size_t n_grams;
	const float *vec;	/* NULL when the word has no vector */
	float sif;
};

/* A sparse vector of hashed feature ids. */
struct svec {
	uint32_t *id;
	float *val;
	size_t n, cap;
};

void svec_free(struct svec *v);

/* The three blocks of a sentence's features, unnormalised, and their norms. */
struct feats {
	struct svec w;		/* stems and stem pairs, idf-weighted */
	struct svec c;		/* character n-grams, idf-weighted */
	float *d;		/* sentence vector with the common part removed (dims) */
	float norm_w, norm_c, norm_d;
	float cv;		/* projection on the common component, before removal */
	int n_tok;
	uint32_t texthash;
};

void feats_free(struct feats *f);
/* Features of a token sequence (vocabulary ids or made-up infos). */
void feats_from_infos(const struct learn_index *ix, const struct tok_info *t, size_t n,
		      struct feats *f);
/* Features of an indexed sentence. */
void feats_of_sentence(const struct learn_index *ix, int64_t id, struct feats *f);
/* Features of any text (examples, `score` input): known words from the vocabulary,
 * others made on the fly. stem is the caller's stemmer. */
void feats_of_text(const struct learn_index *ix, text_stemmer *stem, const char *text,
		   struct feats *f);
/* Info of a vocabulary word. */
void tok_info_of(const struct learn_index *ix, uint32_t v, struct tok_info *t);

/* ---------------------------------------------------------------- models */

/* Block weights: how much each block counts against the others. */
struct blocks {
	float w, c, d;
};

/* A trained linear model over the three blocks (normalised), plus what it needs to be
 * read: threshold, calibration and the vector space it was trained in. */
struct lmodel {
	struct blocks beta;
	double bias;
	/* hashed sparse weights, open addressing: key 0 is empty (keys are hash | 1) */
	uint32_t *wkey;
	float *wval;
	uint32_t wmask;
	uint32_t *ckey;
	float *cval;
	uint32_t cmask;
	float *wd;		/* dense weights (dims) */
	int dims;
	uint32_t vec_epoch;
	double threshold;	/* on the probability */
	double cal_a, cal_b;	/* calibrated P(yes) = sigmoid(cal_a * logit + cal_b) */
};

struct lmodel *lmodel_new(int dims);
void lmodel_free(struct lmodel *m);
/* Replaces the sparse weights with the sums of w's and c's entries. */
void lmodel_set_weights(struct lmodel *m, const struct svec *w, const struct svec *c);
float model_wget(const struct lmodel *m, uint32_t h);
float model_cget(const struct lmodel *m, uint32_t h);
/* The logit of a sentence's features. */
double model_logit(const struct lmodel *m, const struct feats *f);
/* Serialisation into/out of a model blob. */
void *model_save(const struct lmodel *m, size_t *len);
struct lmodel *model_load(const void *blob, size_t len);

/* A training example. */
struct train_item {
	const struct feats *f;	/* (borrowed) */
	int y;			/* 1 yes, 0 no */
};

struct train_opts {
	struct blocks beta;
	double C;		/* inverse regularisation */
	double pos_weight;	/* weight of the yes class relative to no (0: balance) */
};

/* Trains on items with liblinear; NULL with err set when it cannot. */
struct lmodel *model_train(const struct learn_index *ix, const struct train_item *items, size_t n,
			  const struct train_opts *o, char *err, size_t errlen);

/* A model made ready to score many indexed sentences fast: per-word sums. */
struct scorer {
	const struct lmodel *m;
	const struct learn_index *ix;
	float *word_w;		/* per vocabulary word: stem weight x idf */
	float *word_c;		/* per vocabulary word: sum over its n-grams of weight x idf */
	float *word_d;		/* per vocabulary word: sif x (dense weights . vector) */
	float wd_common;	/* dense weights . common component */
	int dense;		/* the model's dense weights fit the index's vectors */
	uint32_t *pkey;		/* pair weight x idf, hashed */
	float *pval;
	uint8_t *pused;
	uint32_t pmask;
};

void scorer_init(struct scorer *s, const struct learn_index *ix, const struct lmodel *m);
void scorer_free(struct scorer *s);
double scorer_logit(const struct scorer *s, int64_t id);

static inline double sigmoid(double x)
{
	if (x >= 0) {
		double e = __builtin_exp(-x);
		return 1.0 / (1.0 + e);
	}
	double e = __builtin_exp(x);
	return e / (1.0 + e);
}

/* ---------------------------------------------------------------- vectors */

struct vec_opts {
	int dims, window, negative, epochs, threads, min_count;
	double subsample, alpha;
	uint64_t seed;
	int64_t parallel_words;	/* fewer running words than this train on one thread */
};

/* Trains skip-gram word vectors with negative sampling on the index's sentences (as
 * vocabulary ids), writing ix->vec and ix->has_vec; the same sentences and options give
 * the same vectors, on any number of threads. Returns 0, or -1 when cancelled. */
int vectors_train(struct learn_index *ix, const struct vec_opts *o, learn_progress_fn progress,
		  void *ctx, volatile int *cancel);

/* Computes the words' sif weights from their counts. */
void vectors_weights(struct learn_index *ix);
/* vectors_weights, then the common component of the sentence vectors. */
void vectors_finish(struct learn_index *ix);

/* ---------------------------------------------------------------- the pool */

/* The sentences a tracker looks at. */
struct pool {
	int64_t *ids;		/* sentence ids, ascending */
	size_t n;
};

void pool_free(struct pool *p);
/* The sentences of the given calls in settings' side and part. */
int pool_from_spans(const struct learn_index *ix, const struct store_settings *s,
		    const struct store_call_span *sp, size_t n, struct pool *p);
/* The sentences in the tracker's scope under settings s. */
int pool_build(store *st, const struct learn_index *ix, const struct store_settings *s,
	       int64_t since_unix, struct pool *p, char *err, size_t errlen);

/* ---------------------------------------------------------------- random numbers */

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
double rng_unit(struct rng *r);		/* [0, 1) */
uint64_t rng_below(struct rng *r, uint64_t n);

#endif
