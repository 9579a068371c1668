/* Internal to demo: the random generator and the phrase grammar loaded from assets/demo. */
#ifndef DEMO_INTERNAL_H
#define DEMO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "xmalloc.h"

/* ---------------------------------------------------------------- random numbers */

/* xoshiro256**, seeded through splitmix64: the same seed gives the same stream on every
 * platform, which is what makes a demo workspace reproducible. */
struct demo_rng {
	uint64_t s[4];
};

static inline uint64_t demo_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void demo_rng_seed(struct demo_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
	for (int i = 0; i < 4; i++)
		r->s[i] = demo_splitmix64(&x);
}

static inline uint64_t demo_rng_next(struct demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t t = s[1] << 17;
	uint64_t v = s[1] * 5;
	v = ((v << 7) | (v >> 57)) * 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return v;
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t demo_rng_below(struct demo_rng *r, uint64_t n)
{
	return n ? (uint64_t)(((unsigned __int128)demo_rng_next(r) * n) >> 64) : 0;
}

/* Uniform in [0, 1). */
static inline double demo_rng_unit(struct demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [lo, hi]. */
static inline int demo_rng_range(struct demo_rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)demo_rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* ---------------------------------------------------------------- grammar */

/* The phrase material: named rules of weighted alternatives (see assets/demo/README).
 * Read-only once loaded. */
struct demo_gram;

/* A concept declared with %concept. */
struct demo_concept {
	char *name;
	int side;		/* enum store_side, or -1 for either side */
	double calls;		/* share of calls that say it at stage weight 1 (0..1) */
	double near;		/* share of calls that get a near-miss exchange */
	int max;		/* most times it is said in one call */
	int phase;		/* DEMO_PHASE_* */
	double at_lo, at_hi;	/* where in the body (0..1) when phase is body */
	int internal;		/* also said in internal calls */
	double stage_weight[16];	/* multiplier per stage (index into the stage rule) */
	int rule;		/* the wordings */
	int exchange;		/* the exchange around a wording (external calls) */
	int exchange_internal;	/* the same in internal calls, or -1 */
	int near_rule;		/* near-miss exchanges, or -1 */
};

enum { DEMO_PHASE_OPEN = 0, DEMO_PHASE_BODY = 1, DEMO_PHASE_CLOSE = 2 };

/* Speaker codes of turn markers. */
enum { DEMO_SPK_ANY = 0, DEMO_SPK_R, DEMO_SPK_R2, DEMO_SPK_C, DEMO_SPK_C2, DEMO_SPK_X };

/* Bytes the expander writes into its output besides text. A turn is DEMO_MARK_TURN
 * followed by one byte, '0' + party index. A concept wording is wrapped in
 * DEMO_MARK_OPEN, one byte (1 + concept index), ..., DEMO_MARK_CLOSE. */
#define DEMO_MARK_TURN	'\x1e'
#define DEMO_MARK_OPEN	'\x01'
#define DEMO_MARK_CLOSE	'\x02'

/* Loads every *.txt file of dir (in name order). Returns 0, or -1 with
 * "FILE:LINE: what is wrong" (or "DIR: strerror") in err. *out is owned by the caller. */
int demo_gram_load(const char *dir, struct demo_gram **out, char *err, size_t errlen);
void demo_gram_free(struct demo_gram *g);

/* The rule called name, or -1. */
int demo_gram_rule(const struct demo_gram *g, const char *name);
/* Number of alternatives of a rule and the raw text of one (as written in the file). */
size_t demo_gram_alts(const struct demo_gram *g, int rule);
const char *demo_gram_raw(const struct demo_gram *g, int rule, size_t alt);
/* Picks an alternative by weight and returns its raw text. */
const char *demo_gram_pick_raw(const struct demo_gram *g, int rule, struct demo_rng *r);

size_t demo_gram_concepts(const struct demo_gram *g);
const struct demo_concept *demo_gram_concept(const struct demo_gram *g, size_t i);

/* Deal stages, from the weighted rule "stage": their names, weights and the rule-name
 * form ("Closed Won" -> "closed_won"). */
size_t demo_gram_stages(const struct demo_gram *g);
const char *demo_gram_stage(const struct demo_gram *g, size_t i);
const char *demo_gram_stage_key(const struct demo_gram *g, size_t i);
double demo_gram_stage_weight(const struct demo_gram *g, size_t i);

/* What the expander asks of the call it writes for. */
struct demo_expand_ops {
	/* The party index that speaks a turn marked with code (DEMO_SPK_*). */
	int (*speaker)(void *ctx, int code);
	/* The value of a built-in variable (me, you, rep, cust, ...) or NULL when name is
	 * not one. The string is borrowed until the next call. */
	const char *(*builtin)(void *ctx, const char *name);
};

/* Per-call expansion state; zero it, set g/rng/ops/ctx, and call demo_expand_reset()
 * at the start of every call. */
struct demo_expand {
	const struct demo_gram *g;
	struct demo_rng *rng;
	const struct demo_expand_ops *ops;
	void *ctx;
	struct sbuf out;	/* what has been expanded (text and marker bytes) */
	char **call_vars;	/* per variable: the value fixed for this call, or NULL */
	char **exch_vars;	/* per variable: the value fixed for this exchange, or NULL */
	size_t n_vars;
	int *last_alt;		/* per rule: the two alternatives picked last in this call,
				 * -1 for none */
	size_t n_rules;
};

/* Forgets the call's variables (new call) or only the exchange's. */
void demo_expand_reset(struct demo_expand *x);
void demo_expand_new_exchange(struct demo_expand *x);
/* Appends one expansion of rule to x->out. */
void demo_expand_rule(struct demo_expand *x, int rule);
void demo_expand_free(struct demo_expand *x);

#endif
