/* learn: the in-process trainer. The workspace index (tokens, word vectors trained on
 * the workspace's own calls, sentence features), tagging rounds (active learning),
 * models (logistic regression), honest estimates, activation and scoring.
 *
 * Functions return 0 on success or -1 with a message in err that says what is wrong in
 * the user's terms. They write inside the caller's transaction (store_begin/commit) and
 * never print. A learn_index is read-only once loaded and may be shared by threads;
 * each thread uses its own store handle. */
#ifndef LEARN_H
#define LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Progress of long work: a stage ("training word vectors") and the fraction done.
 * Called from the working thread, every few thousand items; must not block. */
typedef void (*learn_progress_fn)(void *ctx, const char *stage, double fraction);

/* The fewest examples a tracker needs before its first round. */
#define LEARN_MIN_EXAMPLES 5
/* The most examples a tracker may have. */
#define LEARN_MAX_EXAMPLES 100
/* Items in a round. */
#define LEARN_ROUND_SIZE 25
/* The round after which the first model is built. */
#define LEARN_FIRST_MODEL_ROUND 4
/* The most trackers active at once. */
#define LEARN_MAX_ACTIVE 100

typedef struct learn_index learn_index;

/* ---------------------------------------------------------------- the index */

/* Brings the stored index up to date with the workspace's sentences: builds it when
 * there is none (or the workspace has changed too much since the word vectors were
 * trained), else adds the new sentences. cancel (may be NULL) is polled; when it
 * becomes non-zero the function fails with "cancelled". */
int learn_index_update(store *st, learn_progress_fn progress, void *ctx,
		       volatile int *cancel, char *err, size_t errlen);

/* Loads the stored index (updating it first when sentences are missing from it). On a
 * workspace opened read-only (store_readonly) an index that would need updating is built
 * in memory for this use, and not saved. *out is owned by the caller: learn_index_free. */
int learn_index_load(store *st, learn_index **out, learn_progress_fn progress, void *ctx,
		     volatile int *cancel, char *err, size_t errlen);
void learn_index_free(learn_index *ix);

struct learn_index_info {
	int64_t sentences;	/* sentences indexed */
	int64_t vocabulary;	/* distinct words */
	int dims;		/* word vector dimensions */
	int64_t tokens;		/* running words the vectors were trained on */
};
void learn_index_info_get(const learn_index *ix, struct learn_index_info *out);

/* ---------------------------------------------------------------- rounds and tags */

/* The tracker's open round; if none is open, builds and stores the next one. Fails
 * with a message saying why when the tracker has fewer than LEARN_MIN_EXAMPLES
 * examples, when its filters leave no calls, or when no sentence is left to ask. *out
 * is owned by the caller (store_round_free). *built is set to 1 when a new round was
 * made (built may be NULL). */
int learn_round(store *st, const learn_index *ix, int64_t tracker, struct store_round **out,
		int *built, char *err, size_t errlen);

/* What tagging did. */
struct learn_tag_result {
	int round_completed;	/* the tag completed its round */
	int trained;		/* ...and a model version was built (round 4 onward) */
	int model_version;	/* the version built, when trained */
	int untrained;		/* ...but no model could be built from what the tracker has
				 * (say, every sentence of its calls is tagged yes): err says
				 * why, and the tag stands */
};

/* Tags a sentence yes / no / unsure (STORE_TAG_*). When this completes a round from
 * round LEARN_FIRST_MODEL_ROUND on, the model is rebuilt (a new version); when the
 * tracker has nothing a model can be learnt from, the tag is kept all the same, with
 * res->untrained set and the reason in err. res may be NULL. */
int learn_tag(store *st, const learn_index *ix, int64_t tracker, int64_t sentence, int label,
	      struct learn_tag_result *res, char *err, size_t errlen);

/* Rebuilds the model from all tags and examples now and stores it as a new version
 * (provisional before round LEARN_FIRST_MODEL_ROUND). Fails, saying why, when the
 * tracker has fewer than LEARN_MIN_EXAMPLES examples, no calls in scope, or no
 * sentence that is not the concept (every one tagged yes). When nothing it is built from
 * (examples, tags, settings, the workspace) changed since the newest version, that
 * version is kept, since training again would make the same model: returns 1 then.
 * *version (may be NULL) gets the version in use. */
int learn_train(store *st, const learn_index *ix, int64_t tracker, learn_progress_fn progress,
		void *ctx, volatile int *cancel, int *version, char *err, size_t errlen);

/* ---------------------------------------------------------------- the overview */

struct learn_sample {
	int64_t sentence;
	int64_t call;
	double score;
	char *text;
};

struct learn_overview {
	int64_t tracker;
	int model_version;	/* 0 before any model */
	int provisional;	/* built before round 4 */
	int rounds;		/* rounds completed */
	int64_t yes, no, unsure; /* tags */
	int64_t examples;
	/* The YES and NO tags and examples the model was built from (later ones wait for
	 * the next version); -1 when the model does not say. */
	int64_t model_yes, model_no, model_examples;
	double threshold;	/* operating threshold on the score (NAN without a model) */
	/* Estimates on calls the model has not seen; NAN before a model exists. */
	double precision, recall;
	double precision_lo, precision_hi, recall_lo, recall_hi;
	char *estimate_note;	/* with a model but no estimate: what the estimate needs, or NULL */
	int splits;		/* held-out splits the estimate comes from */
	int64_t held_out;	/* tagged sentences those splits scored */
	double est_detections;	/* detections expected in the tracker's calls */
	int64_t scope_sentences; /* sentences in the tracker's scope */
	/* The audit sample: tags of sentences drawn at random, never trained on. */
	int64_t audit_tagged, audit_yes, audit_detected, audit_detected_yes;
	double audit_precision, audit_recall;	/* NAN when too few to say */
	int audit_disagrees;	/* the audit contradicts the estimate */
	char *audit_note;	/* a sentence saying so, or NULL */
	/* Stability: share of detections on a fixed pool that changed since the previous
	 * model version (NAN with one version), and the reading of it. */
	double change;
	int plateau;		/* more rounds are unlikely to change much */
	char *advice;		/* one sentence: train more / looks stable */
	/* 20 sentences the model would surface, sampled over calls. */
	struct learn_sample *samples;
	size_t n_samples;
};

int learn_overview_get(store *st, const learn_index *ix, int64_t tracker,
		       struct learn_overview **out, char *err, size_t errlen);
void learn_overview_free(struct learn_overview *o);

/* ---------------------------------------------------------------- scoring */

/* Scores texts (one sentence each, not split) with the tracker's current model:
 * scores[i] in [0, 1], match[i] = scores[i] >= the model's threshold. Fails when the
 * tracker has no model yet. */
int learn_score_texts(store *st, const learn_index *ix, int64_t tracker,
		      const char *const *texts, size_t n, double *scores, int *match,
		      char *err, size_t errlen);

/* ---------------------------------------------------------------- activation */

/* Activates a tracker on the calls of the past `months` months and on calls imported
 * from now on (months 0: upcoming calls only): scores them with the current model,
 * stores the detections and publishes the model. Refused when LEARN_MAX_ACTIVE
 * trackers are active already, or the tracker has no model. *detections may be NULL. */
int learn_activate(store *st, const learn_index *ix, int64_t tracker, int months,
		   learn_progress_fn progress, void *ctx, volatile int *cancel,
		   size_t *detections, char *err, size_t errlen);

/* Makes an active tracker's draft (a newer model, edited settings) live and scores its
 * calls again. */
int learn_publish(store *st, const learn_index *ix, int64_t tracker,
		  learn_progress_fn progress, void *ctx, volatile int *cancel,
		  size_t *detections, char *err, size_t errlen);

/* Sentences shown of what a draft would change, each way. */
#define LEARN_COMPARE_SAMPLES 5

/* An active tracker's draft set against what is live, on the same calls, before it is
 * published. */
struct learn_compare {
	int live_version, draft_version; /* model versions (equal when only settings changed) */
	int model_changed;		/* the draft has a newer model */
	int settings_changed;		/* the draft has edited settings */
	/* The estimates stored with each model, NAN when unknown. */
	double live_precision, live_recall, draft_precision, draft_recall;
	/* Calls in the activation window each one's settings cover, those both cover, and
	 * those only the draft's (added) or only the live settings (removed) cover. */
	int64_t live_calls, draft_calls, calls, calls_added, calls_removed;
	/* Both models on the same sentences (those in both scopes): detections of each,
	 * those both make, and those only one makes. */
	int64_t sentences;
	int64_t live_detections, draft_detections, both, only_live, only_draft;
	/* Detections over each one's own calls: now, and after publishing. */
	int64_t live_total, draft_total;
	/* Up to LEARN_COMPARE_SAMPLES sentences each, spread over calls: detected only by
	 * the draft (score: the draft's), only by the live model (score: the live one's). */
	struct learn_sample *gained, *lost;
	size_t n_gained, n_lost;
};

/* Compares an active tracker's draft with its live model and settings. Fails when the
 * tracker is not active or has no unpublished changes. *out: learn_compare_free. */
int learn_compare(store *st, const learn_index *ix, int64_t tracker, struct learn_compare **out,
		  char *err, size_t errlen);
void learn_compare_free(struct learn_compare *c);

struct learn_import_report {
	size_t trackers;	/* active trackers that scored the new calls */
	size_t detections;	/* detections they made */
};

/* Scores newly imported calls with every active tracker (after learn_index_update). */
int learn_score_new_calls(store *st, const int64_t *calls, size_t n,
			  struct learn_import_report *rep, char *err, size_t errlen);

/* 1 when a tracker has unpublished changes (a model or settings newer than live). */
int learn_has_draft(const struct store_tracker *t);

/* A tracker's state in words: "needs examples", "in training: round 3", "model ready",
 * "active", "active, unpublished changes". Returns a static string. */
const char *learn_state_name(const struct store_tracker *t);

/* ---------------------------------------------------------------- monitoring */

/* Weeks before a week that make its baseline (at most). */
#define LEARN_DRIFT_BASELINE_WEEKS 8
/* The fewest calls a baseline needs, and a week needs, to be compared at all. */
#define LEARN_DRIFT_MIN_BASELINE 20
#define LEARN_DRIFT_MIN_WEEK 10
/* How far (in standard errors) a week's rate must be from its baseline's. */
#define LEARN_DRIFT_Z 3.0

/* One week of one segment: calls in the tracker's scope, and those with a detection. */
struct learn_week {
	int64_t calls;
	int64_t calls_detected;
};

/* Which way a week's detection rate moved: not beyond chance, up or down. */
enum learn_drift { LEARN_DRIFT_NONE = 0, LEARN_DRIFT_UP = 1, LEARN_DRIFT_DOWN = -1 };

/* Marks the weeks of one segment whose share of calls with a detection moved. w holds
 * the segment's weeks with calls, oldest first; moved (n entries, the caller's) gets a
 * enum learn_drift for each. A week is compared with the weeks before it (up to
 * LEARN_DRIFT_BASELINE_WEEKS of them, pooled) by a two-proportion z test; it moved when
 * |z| > LEARN_DRIFT_Z. Weeks with fewer than LEARN_DRIFT_MIN_WEEK calls, or whose
 * baseline has fewer than LEARN_DRIFT_MIN_BASELINE, are never marked. z (may be NULL)
 * gets each week's z, 0 when it was not compared. Pure: no store, no allocation. */
void learn_drift(const struct learn_week *w, size_t n, int *moved, double *z);

/* learn_drift over store_detection_rates rows: each segment's rows (in the order given,
 * oldest week first) make one series. moved (n entries, the caller's) gets each row's
 * enum learn_drift. */
void learn_rates_drift(const struct store_rate_row *r, size_t n, int *moved);

/* "up", "down" or NULL for an enum learn_drift. */
const char *learn_drift_name(int moved);

#endif
