/* demo: a generated workspace of realistic B2B sales calls, deterministic from a seed,
 * with the generator's ground truth (which sentences say which concept). */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct demo_options {
	int calls;		/* number of calls (default 600) */
	uint64_t seed;
	int64_t anchor_unix;	/* calls fall in the 12 months before this instant */
	const char *assets;	/* folder holding the phrase material (assets/demo) */
	const char *labels;	/* write the ground truth here ("ID\tCONCEPT" a line), or NULL */
	const char *audio_dir;	/* when set, each call's recording is
				 * audio_dir/CALL_ID-HASH.ogg (HASH: 8 hex digits of what
				 * is said in it, when and by whom), stored as not made yet
				 * (audio_ok -1): the audio part synthesises it on first
				 * use, or takes the file already there, made for a call
				 * that says the same */
	void (*progress)(void *ctx, size_t done, size_t total);	/* may be NULL */
	void *progress_ctx;
};

struct demo_report {
	size_t calls, sentences, labelled;
	size_t concepts;	/* concepts in the material */
};

/* Generates the calls into st inside the caller's transaction. */
int demo_generate(store *st, const struct demo_options *o, struct demo_report *rep,
		  char *err, size_t errlen);

/* 1 when the first word of name is a woman's first name in the phrase material (its
 * rule first_name.female), else 0; the demo's recordings give such a person a woman's
 * voice. The material is read once, on first use; 0 for every name when it cannot be.
 * Thread-safe. */
int demo_name_is_female(const char *name);

/* The folder of the phrase material: $TRACKER_ASSETS/demo, else the build's assets/demo,
 * else assets/demo next to the executable. Returns a static string. */
const char *demo_assets_dir(void);

#endif
