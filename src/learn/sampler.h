/* Internal to learn: building a round. */
#ifndef LEARN_SAMPLER_H
#define LEARN_SAMPLER_H

#include "trainer.h"

/* Draws round `number` for the tracker (current: the model of its present tags with its
 * threshold, or NULL to train one here): up to LEARN_ROUND_SIZE sentences, each with the
 * method that chose it and the probability it had. *out is owned by the caller (free();
 * the method strings are static). Fails when no sentence is left to ask. */
int sampler_build(const struct learn_index *ix, const struct tdata *d, int number,
		  const struct lmodel *current, struct store_round_item **out, size_t *nout,
		  char *err, size_t errlen);

/* 1 when two sentences say the same: the same words in order, or most words in common
 * (a round, or the overview's samples, shows only one of them). */
int sampler_near_duplicate(const struct learn_index *ix, int64_t a, int64_t b);

#endif
