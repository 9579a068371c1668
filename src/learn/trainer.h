/* Internal to learn: what the trainer knows of a tracker, training and estimates. */
#ifndef LEARN_TRAINER_H
#define LEARN_TRAINER_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* A tracker's examples, tags and scope, with their features. */
struct tdata {
	int64_t tracker;
	struct store_tracker *t;
	const struct store_settings *set;	/* settings in use (draft if any) (borrowed) */
	struct store_example *ex;
	size_t n_ex;
	struct feats *exf;			/* features of each example */
	struct store_tag *tags;
	size_t n_tags;
	struct feats *tagf;			/* features of each tagged sentence */
	struct pool pool;			/* sentences in scope */
	int64_t *bg;				/* background sentences taken as no */
	struct feats *bgf;			/* ...and their features */
	size_t n_bg;
	int rounds_done;			/* completed rounds */
	int rounds;				/* rounds made */
};

int tdata_load(store *st, const struct learn_index *ix, int64_t tracker, struct tdata *d,
	       char *err, size_t errlen);
void tdata_free(struct tdata *d);

/* A hash of everything a model is built from (index, settings, examples, tags): equal
 * fingerprints give the same model, so it need not be trained again. */
uint64_t tdata_fingerprint(const struct learn_index *ix, const struct tdata *d);

/* Which tags a model may learn from: yes/no tags that are not audit items. */
static inline int tag_trainable(const struct store_tag *t)
{
	return !t->audit && (t->label == STORE_TAG_YES || t->label == STORE_TAG_NO);
}

/* Trains on the examples, the tags with use[i] set (all trainable ones when use is
 * NULL) and background sentences of the scope taken as no. */
struct lmodel *trainer_fit(const struct learn_index *ix, const struct tdata *d,
			   const uint8_t *use, char *err, size_t errlen);

/* What a model is trained on, as JSON stored with it (example texts, trainable tags as
 * [sentence, label] and background sentence ids): when the workspace's word vectors are
 * trained again, a model is refitted from exactly that in the new space, not from tags
 * that came after it. */
struct cJSON *trainer_recipe(const struct tdata *d);
/* Points the recipe's sentences that a re-import replaced at the same sentences of the
 * new calls, as their tags were (store_sentences_follow). */
int trainer_recipe_follow(store *st, const struct learn_index *ix, struct cJSON *recipe,
			  char *err, size_t errlen);
/* The model trainer_fit would make from a recipe (sentences no longer in the workspace
 * are left out); NULL with err when it cannot be trained. */
struct lmodel *trainer_refit(const struct learn_index *ix, const struct cJSON *recipe,
			     char *err, size_t errlen);

/* What cross-validation found. */
struct estimate {
	double threshold;	/* operating threshold on the probability */
	double precision, recall, f1;
	double precision_lo, precision_hi, recall_lo, recall_hi;
	int splits;		/* splits that could be trained */
	int64_t held_out;	/* held-out predictions they made */
	double cal_a, cal_b;	/* calibration of the logit (P(yes) on the workspace) */
};

/* Whether the tags can give an estimate: YES and NO tags (at least 2 of each) from
 * TRAINER_ESTIMATE_CALLS calls or more, as the held-out splits need. Returns 1 when they
 * can, 0 when not; *yes, *no and *calls say what there is. */
#define TRAINER_ESTIMATE_CALLS 10
int trainer_estimable(const struct tdata *d, size_t *yes, size_t *no, size_t *calls);

/* Cross-validation by call (10 folds of the tagged calls), a calibration of the score
 * fitted on the held-out scores, and the whole scope under the final model give the
 * threshold with the best expected F1 and the estimates at it (see trainer.c). Returns
 * 1 (leaving the estimates NAN and the threshold 0.5) when there are too few tags.
 * pool_logit, when not NULL, receives the final model's logit of every pool sentence
 * (d->pool.n of them) when it returns 0, saving the caller another pass. */
int trainer_estimate(const struct learn_index *ix, const struct tdata *d,
		     const struct lmodel *final, struct estimate *e, float *pool_logit,
		     char *err, size_t errlen);

/* Probabilities of the pool sentences under a model (fast path). */
void trainer_score_pool(const struct learn_index *ix, const struct lmodel *m,
			const struct pool *p, float *prob);

#endif
