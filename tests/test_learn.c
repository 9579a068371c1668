/* learn: the trainer. Word vectors on a small corpus made here; the round sampler
 * (filters, side, part of the call, scope, repeats, near-duplicates, refusals, how
 * items were chosen); the classifier wrapper (separation, save and load, the fast
 * scorer); the estimator against a generated workspace whose truth is known; NOT SURE
 * tags; activation, calls imported later, the active-tracker limit and publishing.
 *
 * The workspace is generated here: sales calls where customers sometimes ask for a
 * lower price (the concept, in many wordings), and sometimes talk about prices or
 * discounts without asking (the near misses), so every sentence's truth is known.
 * Only behaviour and contracts are checked, never figures a tuning change would move. */
#include "learn.h"

#include <cjson/cJSON.h>

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../src/learn/internal.h"
#include "../src/learn/trainer.h"
#include "ingest.h"
#include "store.h"
#include "testhelp.h"
#include "text.h"
#include "xmalloc.h"

/* The clock the store sees (TRACKER_NOW): calls are imported at T_IMPORT, trackers
 * activated at T_ACTIVATE, later calls imported at T_LATER. */
#define T_IMPORT 1780000000LL
#define T_ACTIVATE (T_IMPORT + 1000)
#define T_LATER (T_IMPORT + 2000)
#define MONTH_S 2629746LL	/* the length of a month activation counts in */
#define DAY_S 86400LL

/* ------------------------------------------------------------------ helpers */

static char err[1024];

/* Setup that must work for the rest of the suite to mean anything: when it does not,
 * the case fails and the suite stops with its report. */
static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL %s\n  setup failed: %s: %s\n", test_case_name, what, err);
		test_in_case = 1;
		test_case_failed = 1;
		test_tmp_cleanup();
		test_report("test_learn");
		exit(1);
	}
}

static void set_now(long long t)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", t);
	setenv("TRACKER_NOW", b, 1);
}

static int contains(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

#define CHECK_HAS(s, part) CHECK_MSG(contains((s), (part)), "\"%s\" does not contain \"%s\"", \
	(s), (part))

/* A small deterministic generator, independent of the trainer's own. */
static uint64_t rnd_state;

static uint64_t rnd_next(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rnd_below(int n)
{
	return (int)(rnd_next() % (uint64_t)n);
}

static double rnd_unit(void)
{
	return (double)(rnd_next() >> 11) * 0x1.0p-53;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ the generated world */

static const char *const f_thing[] = {
	"the dashboard", "the reporting module", "single sign-on", "the mobile app", "the API",
	"the CSV export", "the forecasting view", "the admin console", "the Salesforce sync",
	"the alerts", "call recording", "the data warehouse link",
};
static const char *const f_team[] = {
	"the sales team", "our finance people", "the ops group", "marketing", "IT",
	"the support desk", "our managers", "the board",
};
static const char *const f_when[] = {
	"next week", "on Friday", "by the end of the month", "in the third quarter", "tomorrow",
	"after the holidays", "this quarter", "in two weeks",
};
static const char *const f_num[] = {"12", "40", "75", "150", "300", "eight", "a dozen", "fifty"};
static const char *const f_tool[] = {
	"Salesforce", "HubSpot", "a spreadsheet", "Zendesk", "an old in-house tool", "Gong",
};

static const char *const s_company[] = {
	"Thanks for joining today.", "Let me share my screen and walk you through {thing}.",
	"{thing} syncs with your CRM every hour.", "The enterprise plan includes {thing}.",
	"We can set up a pilot for {team} {when}.", "I will send the proposal {when}.",
	"Implementation usually takes about {num} days.", "Our security team can answer that {when}.",
	"Does that answer your question about {thing}?", "Let us book a follow-up {when}.",
	"Most customers your size roll out {thing} first.", "You can try {thing} during the pilot.",
	"I can loop in our solutions engineer {when}.", "Great question.", "Sure, happy to show that.",
	"The onboarding team will reach out {when}.", "We have a case study on {thing} for {team}.",
};
/* Said by our side about prices: never the concept, which is the customer asking. */
static const char *const s_company_price[] = {
	"Pricing is per seat, billed annually.", "The price list is on our website.",
	"We can offer a discount if you sign {when}.", "The annual plan costs less than paying monthly.",
	"Our prices went up last quarter.",
};
static const char *const s_customer[] = {
	"Yeah, that makes sense.", "Mm-hmm.", "We use {tool} today.", "Our team is about {num} people.",
	"How long does onboarding take for {team}?", "We need approval from {team} first.",
	"Security review is a must for {team}.", "{thing} looks useful for us.",
	"We tried {tool} last year and it did not stick.", "Can {thing} handle {num} records?",
	"Let me check with {team} {when}.", "Who else in our industry uses {thing}?",
	"We would want {thing} working {when}.", "How does {thing} compare to {tool}?", "Right, okay.",
	"That is good to know.", "Could you show us {thing} again?",
};
/* The concept: the customer asks for a lower price. Built from parts, so that the
 * rounds see only some of its wordings; the near misses reuse the same parts around
 * other requests, and prices and discounts in other senses, so that a model of
 * words alone makes mistakes both ways. */
static const char *const c_open[] = {"", "Honestly, ", "Look, ", "So ", "Okay, but ", "One more thing, "};
static const char *const c_ask[] = {
	"can you", "could you", "would you be able to", "is there any way you could",
	"any chance you could",
};
static const char *const c_concession[] = {
	"do better on the price", "lower the rate", "knock something off the total",
	"sharpen the pencil on this", "come down a bit on the number", "give us a discount",
	"waive the setup fee", "throw in onboarding for free", "match the quote from {tool}",
	"meet us at a lower figure", "take ten percent off", "cut the per-seat cost",
};
static const char *const c_other[] = {
	"walk us through the price", "explain how the discount works for partners",
	"send the price list to {team}", "lower the volume a bit", "come down to our office {when}",
	"throw in a slide about security", "match the fields from {tool}",
	"waive the training session for {team}", "do better on the timeline",
	"give us a demo of {thing}", "meet us at the office {when}", "cut the demo short today",
	"share the rate card with {team}", "take a look at our setup",
};
static const char *const c_cond[] = {
	"", " if we sign {when}", " for {num} seats", " for a two year contract", " for {team}",
};
static const char *const s_positive_flat[] = {
	"We would need a better price to move forward.", "That number has to come down before we sign.",
	"We were hoping for a discount on the annual plan.", "Our budget only works if you lower the price.",
	"Give us a better rate and we can sign {when}.", "Is that your final price or is there some flexibility?",
};
static const char *const s_near_flat[] = {
	"What does the enterprise plan cost?", "The price is fine for us.",
	"We got a nice discount from {tool} last year.", "Is the price per seat or per account?",
	"Our finance team tracks the cost of every tool.", "We paid full price for {tool}.",
	"The discount {tool} gave us ends {when}.", "Is the rate the same for {team}?",
	"We need a better process before we sign.", "That number looks right to me.",
};

static const char *const teams[] = {"East", "West", "North"};
static const char *const stages[] = {"Discovery", "Demo", "Negotiation", "Renewal"};
static const char *const reps[] = {"Dana Reyes", "Sam Ortiz", "Priya Nair", "Tom Becker"};
static const char *const customers[] = {"Lee Park", "Ana Silva", "Mark Chen", "Eva Novak", "Raj Patel"};

/* What the test knows of each call and sentence. */
struct wcall {
	int64_t row;		/* call row id */
	int64_t first, n;	/* its sentence ids */
	int scope;		/* STORE_SCOPE_EXTERNAL / INTERNAL */
	int team, stage;	/* indexes into teams, stages */
	int64_t started;	/* unix seconds */
	int64_t dur_ms;
	int64_t imported;	/* the store's clock when it was put */
};

struct wsent {
	int call;		/* index into world.calls, -1 for no sentence */
	int side;
	int start_ms;
	int pos;		/* the truth: a customer asking for a lower price */
	char *text;
};

struct world {
	store *st;
	struct wcall *calls;
	size_t n_calls, cap_calls;
	struct wsent *s;	/* by sentence id */
	int64_t max_id;
	size_t cap_s;
};

static struct world W;

/* Calls made the same way but never put in the workspace: the customers' sentences of
 * their external calls, with their truth, stand for "calls the model has not seen". */
struct heldout {
	char **text;
	uint8_t *pos;
	size_t n, cap;
};

static struct heldout H;

static void fill(struct sbuf *b, const char *t)
{
	size_t start = b->len;
	while (*t) {
		if (*t == '{') {
			const char *e = strchr(t, '}');
			size_t k = (size_t)(e - t - 1);
			const char *v = "";
			if (!strncmp(t + 1, "thing", k))
				v = f_thing[rnd_below(COUNT(f_thing))];
			else if (!strncmp(t + 1, "team", k))
				v = f_team[rnd_below(COUNT(f_team))];
			else if (!strncmp(t + 1, "when", k))
				v = f_when[rnd_below(COUNT(f_when))];
			else if (!strncmp(t + 1, "num", k))
				v = f_num[rnd_below(COUNT(f_num))];
			else if (!strncmp(t + 1, "tool", k))
				v = f_tool[rnd_below(COUNT(f_tool))];
			sbuf_add(b, v);
			t = e + 1;
		} else {
			sbuf_addc(b, *t++);
		}
	}
	if (b->s[start] >= 'a' && b->s[start] <= 'z')
		b->s[start] = (char)(b->s[start] - 'a' + 'A');
}

static const char *pick(const char *const *a, size_t n)
{
	return a[rnd_below((int)n)];
}

/* Adds n calls to the world (and the store, in one transaction, then brings the index
 * up to date), or with heldout set to H only. Calls start eight to nine days apart
 * going back from newest; sentences of customers are the concept with probability
 * p_pos and a near miss with the same. Returns the index of the first call. */
static size_t gen_calls(int n, uint64_t seed, int64_t newest, double p_pos, int first_no,
			int heldout)
{
	size_t first_call = W.n_calls;
	rnd_state = seed;
	if (!heldout)
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	int64_t started = newest;
	for (int i = 0; i < n; i++) {
		int no = first_no + i;
		int internal = no % 6 == 5;
		struct store_party_in parties[3];
		size_t np = 0;
		parties[np++] = (struct store_party_in){.ext_id = "p1", .name = (char *)reps[no % 4], .side = STORE_COMPANY};
		if (internal) {
			parties[np++] = (struct store_party_in){.ext_id = "p2", .name = (char *)reps[(no + 1) % 4], .side = STORE_COMPANY};
		} else {
			parties[np++] = (struct store_party_in){.ext_id = "p2", .name = (char *)customers[no % 5], .side = STORE_CUSTOMER};
			if (rnd_unit() < 0.4)
				parties[np++] = (struct store_party_in){.ext_id = "p3", .name = (char *)customers[(no + 2) % 5], .side = STORE_CUSTOMER};
		}
		/* Utterances of one to three sentences; the test keeps each sentence's truth. */
		int n_utt = 30 + rnd_below(11);
		struct ingest_utt *u = xcalloc((size_t)n_utt, sizeof(*u));
		char **utext = xcalloc((size_t)n_utt, sizeof(char *));
		int *gen_pos = NULL;
		size_t n_gen = 0, cap_gen = 0;
		int t = 0;
		for (int k = 0; k < n_utt; k++) {
			int p = k % (int)np;
			int side = parties[p].side;
			struct sbuf b = {0};
			int ns = 1 + rnd_below(3);
			for (int j = 0; j < ns; j++) {
				int pos = 0;
				const char *tpl;
				double r = rnd_unit();
				char made[256];
				if (side == STORE_CUSTOMER && r < 2 * p_pos) {
					pos = r < p_pos;
					if (rnd_unit() < 0.25) {
						tpl = pos ? pick(s_positive_flat, COUNT(s_positive_flat))
							  : pick(s_near_flat, COUNT(s_near_flat));
					} else {
						snprintf(made, sizeof(made), "%s%s %s%s?",
							 pick(c_open, COUNT(c_open)), pick(c_ask, COUNT(c_ask)),
							 pos ? pick(c_concession, COUNT(c_concession))
							     : pick(c_other, COUNT(c_other)),
							 pick(c_cond, COUNT(c_cond)));
						tpl = made;
					}
				} else if (side == STORE_CUSTOMER) {
					tpl = pick(s_customer, COUNT(s_customer));
				} else if (r < 0.04) {
					tpl = pick(s_company_price, COUNT(s_company_price));
				} else {
					tpl = pick(s_company, COUNT(s_company));
				}
				if (j)
					sbuf_addc(&b, ' ');
				fill(&b, tpl);
				xgrow(&gen_pos, &cap_gen, n_gen + 1, sizeof(int));
				gen_pos[n_gen++] = pos;
			}
			utext[k] = sbuf_take(&b);
			int d = 90 * (int)strlen(utext[k]);
			u[k] = (struct ingest_utt){p, t, t + d, utext[k]};
			t += d + 300 + rnd_below(600);
		}
		struct store_sentence_in *s;
		size_t ns;
		ingest_sentences_from_utts(u, (size_t)n_utt, &s, &ns);
		if (ns != n_gen) {
			snprintf(err, sizeof(err), "call %d split into %zu sentences, generated %zu", no, ns, n_gen);
			must(0, "generator");
		}
		char ext[32], title[64], iso[32];
		snprintf(ext, sizeof(ext), "call-%04d", no);
		snprintf(title, sizeof(title), "Call %d", no);
		time_t tt = (time_t)started;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		int team = rnd_below(3), stage = rnd_below(4);
		struct store_kv meta[2] = {{"team", (char *)teams[team]}, {"deal_stage", (char *)stages[stage]}};
		struct store_call_in c = {
			.ext_id = ext, .title = title, .started = iso, .started_unix = started,
			.duration_ms = t + 2000, .scope = internal ? STORE_SCOPE_INTERNAL : STORE_SCOPE_EXTERNAL,
			.language = "en", .audio = NULL, .audio_ok = 0, .meta = meta, .n_meta = 2,
			.parties = parties, .n_parties = np, .sentences = s, .n_sentences = ns,
		};
		if (heldout) {
			for (size_t k = 0; k < ns && !internal; k++) {
				if (parties[s[k].party].side != STORE_CUSTOMER)
					continue;
				xgrow(&H.text, &H.cap, H.n + 1, sizeof(char *));
				H.pos = xrealloc(H.pos, H.cap);
				H.text[H.n] = xstrdup(s[k].text);
				H.pos[H.n++] = (uint8_t)gen_pos[k];
			}
			goto next;
		}
		int64_t row, first;
		int replaced;
		must(store_call_put(W.st, &c, &row, &first, &replaced, err, sizeof(err)) == 0, "put call");
		xgrow(&W.calls, &W.cap_calls, W.n_calls + 1, sizeof(*W.calls));
		const char *now = getenv("TRACKER_NOW");
		W.calls[W.n_calls] = (struct wcall){
			.row = row, .first = first, .n = (int64_t)ns, .scope = c.scope, .team = team,
			.stage = stage, .started = started, .dur_ms = c.duration_ms,
			.imported = now ? strtoll(now, NULL, 10) : 0,
		};
		int64_t last = first + (int64_t)ns - 1;
		if (last > W.max_id) {
			size_t need = (size_t)last + 1;
			size_t old = W.cap_s;
			xgrow(&W.s, &W.cap_s, need, sizeof(*W.s));
			for (size_t k = old; k < W.cap_s; k++)
				W.s[k] = (struct wsent){.call = -1};
			W.max_id = last;
		}
		for (size_t k = 0; k < ns; k++) {
			struct wsent *w = &W.s[first + (int64_t)k];
			w->call = (int)W.n_calls;
			w->side = parties[s[k].party].side;
			w->start_ms = s[k].start_ms;
			w->pos = gen_pos[k] && w->side == STORE_CUSTOMER;
			w->text = xstrdup(s[k].text);
		}
		W.n_calls++;
next:
		ingest_sentences_free(s, ns);
		for (int k = 0; k < n_utt; k++)
			free(utext[k]);
		free(utext);
		free(u);
		free(gen_pos);
		started -= DAY_S + rnd_below((int)DAY_S) + 7 * DAY_S;
	}
	if (heldout)
		return first_call;
	must(learn_index_update(W.st, NULL, NULL, NULL, err, sizeof(err)) == 0, "index update");
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	return first_call;
}

static void world_free(void)
{
	for (size_t i = 0; i < H.n; i++)
		free(H.text[i]);
	free(H.text);
	free(H.pos);
	for (int64_t i = 0; i <= W.max_id && W.s; i++)
		free(W.s[i].text);
	free(W.s);
	free(W.calls);
}

static struct learn_index *load_index(void)
{
	struct learn_index *ix = NULL;
	must(learn_index_load(W.st, &ix, NULL, NULL, NULL, err, sizeof(err)) == 0, "index load");
	return ix;
}

/* ------------------------------------------------------------------ trackers */

struct tspec {
	const char *name;
	int by, scope, part, minutes;
	const char *filters[4];	/* "key=value" */
};

/* The store's settings for a spec; kv and buf hold the filters (KEY=VALUE cut in two). */
static void settings_of(const struct tspec *t, struct store_settings *s, struct store_kv kv[4],
			char buf[4][64])
{
	memset(s, 0, sizeof(*s));
	s->name = (char *)t->name;
	s->description = "";
	s->by = t->by;
	s->scope = t->scope;
	s->part = t->part;
	s->part_minutes = t->minutes;
	size_t n = 0;
	for (int i = 0; i < 4 && t->filters[i]; i++) {
		snprintf(buf[i], 64, "%s", t->filters[i]);
		char *eq = strchr(buf[i], '=');
		*eq = 0;
		kv[n++] = (struct store_kv){buf[i], eq + 1};
	}
	s->filters = kv;
	s->n_filters = n;
}

/* Creates a tracker with n_examples real sentences of the concept from the workspace as
 * its examples: distinct texts, after skipping the first `skip` of them. */
static int64_t make_tracker(const struct tspec *t, int n_examples, int skip)
{
	struct store_settings s;
	struct store_kv kv[4];
	char buf[4][64];
	int64_t id = 0;
	settings_of(t, &s, kv, buf);
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	must(store_tracker_create(W.st, &s, &id, err, sizeof(err)) == 0, "create tracker");
	const char *used[LEARN_MAX_EXAMPLES];
	int got = 0, seen = 0;
	for (int64_t i = 1; i <= W.max_id && got < n_examples; i++) {
		if (W.s[i].call < 0 || !W.s[i].pos)
			continue;
		int dup = 0;
		for (int j = 0; j < got && !dup; j++)
			dup = !strcmp(used[j], W.s[i].text);
		if (dup || seen++ < skip)
			continue;
		used[got++] = W.s[i].text;
		must(store_example_add(W.st, id, W.s[i].text, NULL, err, sizeof(err)) == 0, "example");
	}
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	return id;
}

/* 1 when sentence id lies in the tracker's scope, by what the test knows. */
static int in_scope(const struct tspec *t, int64_t id)
{
	if (id < 1 || id > W.max_id || W.s[id].call < 0)
		return 0;
	const struct wsent *s = &W.s[id];
	const struct wcall *c = &W.calls[s->call];
	if (t->scope != STORE_SCOPE_ALL && c->scope != t->scope)
		return 0;
	if (t->by == STORE_BY_COMPANY && s->side != STORE_COMPANY)
		return 0;
	if (t->by == STORE_BY_CUSTOMER && s->side != STORE_CUSTOMER)
		return 0;
	if (t->part == STORE_PART_FIRST && s->start_ms >= t->minutes * 60000)
		return 0;
	if (t->part == STORE_PART_LAST && s->start_ms < c->dur_ms - t->minutes * 60000LL)
		return 0;
	/* Filters: values of one key are alternatives, different keys must all hold. */
	const char *keys[2] = {"team", "deal_stage"};
	const char *have[2] = {teams[c->team], stages[c->stage]};
	for (int k = 0; k < 2; k++) {
		int named = 0, ok = 0;
		for (int i = 0; i < 4 && t->filters[i]; i++) {
			size_t kl = strlen(keys[k]);
			if (strncmp(t->filters[i], keys[k], kl) || t->filters[i][kl] != '=')
				continue;
			named = 1;
			ok |= !strcmp(t->filters[i] + kl + 1, have[k]);
		}
		if (named && !ok)
			return 0;
	}
	return 1;
}

/* Tags every untagged item of the open round (building one if none is open) from the
 * truth; every unsure_every-th item is tagged NOT SURE (0: never). Returns the round's
 * number, or -1 with err set when no round could be made. */
static int answer_round(struct learn_index *ix, int64_t tr, int unsure_every,
			struct store_round **keep)
{
	struct store_round *r = NULL;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	if (learn_round(W.st, ix, tr, &r, NULL, err, sizeof(err)) < 0) {
		store_rollback(W.st);
		return -1;
	}
	int number = r->number;
	for (size_t i = 0; i < r->n_items; i++) {
		if (r->items[i].tag != STORE_TAG_NONE)
			continue;
		int64_t id = r->items[i].sentence;
		int label = W.s[id].pos ? STORE_TAG_YES : STORE_TAG_NO;
		if (unsure_every && (int)i % unsure_every == unsure_every - 1)
			label = STORE_TAG_UNSURE;
		must(learn_tag(W.st, ix, tr, id, label, NULL, err, sizeof(err)) == 0, "tag");
	}
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	if (keep)
		*keep = r;
	else
		store_round_free(r);
	return number;
}

static struct store_tracker *tracker_get(int64_t id)
{
	struct store_tracker *t = NULL;
	must(store_tracker_get(W.st, id, &t, err, sizeof(err)) == 0, "tracker get");
	return t;
}

/* Scores of sentences through the public path (`tracker score`): texts in, scores and
 * matches out. */
static void score_ids(struct learn_index *ix, int64_t tr, const int64_t *ids, size_t n,
		      double *score, int *match)
{
	const char **texts = xmalloc((n + 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		texts[i] = W.s[ids[i]].text;
	must(learn_score_texts(W.st, ix, tr, texts, n, score, match, err, sizeof(err)) == 0, "score");
	free(texts);
}

/* Sentence ids the test's own reading of the tracker's scope holds, optionally only in
 * calls started at or after since (0: all) or put at or after imported_since. */
static int64_t *scope_ids(const struct tspec *t, int64_t since, int64_t imported_since, size_t *n)
{
	int64_t *ids = xmalloc(((size_t)W.max_id + 1) * sizeof(int64_t));
	*n = 0;
	for (int64_t i = 1; i <= W.max_id; i++) {
		if (!in_scope(t, i))
			continue;
		const struct wcall *c = &W.calls[W.s[i].call];
		if (since && c->started < since && !(imported_since && c->imported >= imported_since))
			continue;
		ids[(*n)++] = i;
	}
	return ids;
}

/* ------------------------------------------------------------------ vectors */

/* A corpus where "price" and "cost" fill the same slots, "puppy" and "kitten" others,
 * "monday" and "friday" a third kind, each with varied words around them. */
static void test_vectors(void)
{
	static const char *const money[] = {
		"what is the %s of the %s plan for us", "the %s of the %s plan is too high",
		"can you lower the %s for the %s plan", "we compared the %s of the %s plan with others",
		"the %s per seat on the %s plan seems steep", "our finance team asked about the %s of the %s plan",
	};
	static const char *const pets[] = {
		"the %s chased the %s ball across the garden", "my %s sleeps on the %s sofa all day",
		"we adopted a %s from the %s shelter", "the %s needs a walk in the %s park",
		"feed the %s twice a day with %s food", "the %s licked the %s bowl clean",
	};
	static const char *const days[] = {
		"let us meet on %s at the %s office", "the %s call moved to the %s room",
		"i am out on %s for the %s offsite", "every %s we review the %s pipeline",
		"send it before %s so the %s team can read it", "the demo is booked for %s with the %s group",
	};
	static const char *const adj[] = {
		"basic", "premium", "enterprise", "starter", "red", "big", "old", "new", "local",
		"quiet", "north", "small", "green", "blue", "team", "sales",
	};
	TEST("vectors: words used in the same contexts end up closer than words that are not");
	char path[4200];
	snprintf(path, sizeof(path), "%s/vectors.db", test_tmpdir);
	store *st = NULL;
	must(store_open(path, &st, err, sizeof(err)) == 0, "open vectors store");
	must(store_begin(st, err, sizeof(err)) == 0, "begin");
	rnd_state = 42;
	int64_t total = 0;
	for (int call = 0; call < 40; call++) {
		struct ingest_utt u[50];
		char buf[50][200];
		for (int k = 0; k < 50; k++) {
			int kind = rnd_below(3);
			const char *tpl, *word;
			if (kind == 0) {
				tpl = money[rnd_below(COUNT(money))];
				word = rnd_below(2) ? "price" : "cost";
			} else if (kind == 1) {
				tpl = pets[rnd_below(COUNT(pets))];
				word = rnd_below(2) ? "puppy" : "kitten";
			} else {
				tpl = days[rnd_below(COUNT(days))];
				word = rnd_below(2) ? "monday" : "friday";
			}
			snprintf(buf[k], sizeof(buf[k]), tpl, word, adj[rnd_below(COUNT(adj))]);
			strcat(buf[k], ".");
			u[k] = (struct ingest_utt){k % 2, k * 3000, k * 3000 + 2500, buf[k]};
		}
		struct store_sentence_in *s;
		size_t ns;
		ingest_sentences_from_utts(u, 50, &s, &ns);
		struct store_party_in parties[2] = {
			{.ext_id = "p1", .name = "Dana Reyes", .side = STORE_COMPANY}, {.ext_id = "p2", .name = "Lee Park", .side = STORE_CUSTOMER},
		};
		char ext[32];
		snprintf(ext, sizeof(ext), "v-%d", call);
		struct store_call_in c = {
			.ext_id = ext, .title = ext, .started = "2026-01-05T10:00:00Z",
			.started_unix = 1767607200, .duration_ms = 160000, .scope = STORE_SCOPE_EXTERNAL,
			.language = "en", .parties = parties, .n_parties = 2, .sentences = s,
			.n_sentences = ns,
		};
		int replaced;
		must(store_call_put(st, &c, NULL, NULL, &replaced, err, sizeof(err)) == 0, "put call");
		total += (int64_t)ns;
		ingest_sentences_free(s, ns);
	}
	must(learn_index_update(st, NULL, NULL, NULL, err, sizeof(err)) == 0, "index");
	must(store_commit(st, err, sizeof(err)) == 0, "commit");
	struct learn_index *ix = NULL;
	must(learn_index_load(st, &ix, NULL, NULL, NULL, err, sizeof(err)) == 0, "load");

	struct learn_index_info info;
	learn_index_info_get(ix, &info);
	CHECK_INT(info.sentences, total);
	CHECK(info.dims > 0);
	CHECK(info.tokens > 0);

	static const char *const w[6] = {"price", "cost", "puppy", "kitten", "monday", "friday"};
	const float *v[6];
	for (int i = 0; i < 6; i++) {
		uint32_t id = index_word_find(ix, w[i]);
		CHECK_MSG(id != NO_WORD && ix->has_vec[id], "no vector for %s", w[i]);
		v[i] = id != NO_WORD && ix->has_vec[id] ? ix->vec + (size_t)id * (size_t)ix->dims : NULL;
	}
	double cs[6][6];
	for (int a = 0; a < 6; a++)
		for (int b = 0; b < 6; b++) {
			double dot = 0, na = 0, nb = 0;
			for (int k = 0; v[a] && v[b] && k < ix->dims; k++) {
				dot += (double)v[a][k] * v[b][k];
				na += (double)v[a][k] * v[a][k];
				nb += (double)v[b][k] * v[b][k];
			}
			cs[a][b] = na > 0 && nb > 0 ? dot / sqrt(na * nb) : 0;
		}
	/* Each pair of substitutes is closer than either word is to any word of another
	 * kind, by a margin random vectors would not give. */
	for (int p = 0; p < 3; p++) {
		int a = 2 * p, b = 2 * p + 1;
		for (int o = 0; o < 6; o++) {
			if (o / 2 == p)
				continue;
			CHECK_MSG(cs[a][b] > cs[a][o] + 0.1, "cos(%s,%s)=%.3f vs cos(%s,%s)=%.3f",
				  w[a], w[b], cs[a][b], w[a], w[o], cs[a][o]);
			CHECK_MSG(cs[a][b] > cs[b][o] + 0.1, "cos(%s,%s)=%.3f vs cos(%s,%s)=%.3f",
				  w[a], w[b], cs[a][b], w[b], w[o], cs[b][o]);
		}
	}

	TEST("vectors: trained on two threads, the same sentences give the same vectors every time");
	{
		size_t nv = ix->n_vocab, d = (size_t)ix->dims;
		float *first = xmalloc(nv * d * sizeof(float) + 1);
		struct vec_opts o = {
			.dims = ix->dims, .window = 5, .negative = 5, .threads = 2, .min_count = 2,
			.subsample = 1e-3, .alpha = 0.025, .seed = 7, .epochs = 5, .parallel_words = 0,
		};
		int same = 1;
		for (int run = 0; run < 3; run++) {
			must(vectors_train(ix, &o, NULL, NULL, NULL) == 0, "train vectors");
			if (run == 0)
				memcpy(first, ix->vec, nv * d * sizeof(float));
			else
				same &= !memcmp(first, ix->vec, nv * d * sizeof(float));
		}
		CHECK_MSG(same, "two-thread training gave different vectors on the same sentences");
		/* and they are as good: substitutes closer than words of another kind */
		double ab = 0, ao = 0, na = 0, nb = 0, no = 0;
		const float *a = ix->vec + (size_t)index_word_find(ix, "price") * d;
		const float *b = ix->vec + (size_t)index_word_find(ix, "cost") * d;
		const float *c = ix->vec + (size_t)index_word_find(ix, "puppy") * d;
		for (size_t k = 0; k < d; k++) {
			ab += (double)a[k] * b[k];
			ao += (double)a[k] * c[k];
			na += (double)a[k] * a[k];
			nb += (double)b[k] * b[k];
			no += (double)c[k] * c[k];
		}
		CHECK_MSG(ab / sqrt(na * nb) > ao / sqrt(na * no) + 0.1, "cos(price,cost)=%.3f vs cos(price,puppy)=%.3f",
			  ab / sqrt(na * nb), ao / sqrt(na * no));
		free(first);
	}

	TEST("index: updating with nothing new keeps the index; new sentences are added without retraining the vectors");
	uint32_t epoch = ix->vec_epoch;
	must(store_begin(st, err, sizeof(err)) == 0, "begin");
	CHECK(learn_index_update(st, NULL, NULL, NULL, err, sizeof(err)) == 0);
	struct store_sentence_in one = {0, 0, 0, 1000, "the price of the premium plan is fine."};
	struct store_party_in p1 = {.ext_id = "p1", .name = "Dana Reyes", .side = STORE_COMPANY};
	struct store_call_in c = {
		.ext_id = "v-extra", .title = "extra", .started = "2026-01-06T10:00:00Z",
		.started_unix = 1767693600, .duration_ms = 2000, .scope = STORE_SCOPE_EXTERNAL,
		.language = "en", .parties = &p1, .n_parties = 1, .sentences = &one, .n_sentences = 1,
	};
	int64_t first = 0;
	int replaced;
	CHECK(store_call_put(st, &c, NULL, &first, &replaced, err, sizeof(err)) == 0);
	CHECK(learn_index_update(st, NULL, NULL, NULL, err, sizeof(err)) == 0);
	must(store_commit(st, err, sizeof(err)) == 0, "commit");
	learn_index_free(ix);
	ix = NULL;
	must(learn_index_load(st, &ix, NULL, NULL, NULL, err, sizeof(err)) == 0, "load");
	learn_index_info_get(ix, &info);
	CHECK_INT(info.sentences, total + 1);
	CHECK_INT(ix->vec_epoch, epoch);
	CHECK(first > 0 && first <= ix->max_id && ix->alive[first]);
	learn_index_free(ix);
	store_close(st);
}

/* ------------------------------------------------------------------ the sampler */

/* Token sequences of two sentences are the same (numbers fold to one token). */
static char *token_key(const char *text)
{
	struct text_tokens t = {0};
	struct sbuf b = {0};
	text_tokenize(text, &t);
	for (size_t i = 0; i < t.n; i++) {
		sbuf_add(&b, text_token(&t, i));
		sbuf_addc(&b, ' ');
	}
	text_tokens_free(&t);
	return sbuf_take(&b);
}

/* Checks the rules every round of tracker t obeys: size, scope, no repeats of earlier
 * rounds, no two items with one token sequence, a method and a probability per item,
 * two or three audit items in a full round. seen[] marks sentences asked before. */
static void check_round(const struct tspec *t, const struct store_round *r, uint8_t *seen,
			int *violations)
{
	CHECK_MSG(r->n_items >= 1 && r->n_items <= LEARN_ROUND_SIZE, "%zu items", r->n_items);
	size_t audit = 0;
	char **keys = xcalloc(r->n_items + 1, sizeof(char *));
	for (size_t i = 0; i < r->n_items; i++) {
		const struct store_round_item *it = &r->items[i];
		int64_t id = it->sentence;
		if (!in_scope(t, id)) {
			(*violations)++;
			if (*violations <= 3)
				CHECK_MSG(0, "%s: sentence %lld (\"%s\") is out of scope", t->name,
					  (long long)id, id <= W.max_id && W.s[id].text ? W.s[id].text : "?");
		}
		CHECK_MSG(!seen[id], "%s: sentence %lld asked again in round %d", t->name,
			  (long long)id, r->number);
		seen[id] = 1;
		CHECK_MSG(it->method && *it->method, "%s: item %zu has no method", t->name, i);
		CHECK_MSG(it->prob > 0 && it->prob <= 1, "%s: item %zu (%s) has probability %g",
			  t->name, i, it->method ? it->method : "?", it->prob);
		audit += it->audit != 0;
		keys[i] = token_key(W.s[id].text);
		for (size_t j = 0; j < i; j++)
			CHECK_MSG(strcmp(keys[i], keys[j]), "%s: round %d asks \"%s\" twice", t->name,
				  r->number, W.s[id].text);
	}
	if (r->n_items == LEARN_ROUND_SIZE)
		CHECK_MSG(audit >= 2 && audit <= 3, "%s: round %d has %zu audit items", t->name,
			  r->number, audit);
	for (size_t i = 0; i < r->n_items; i++)
		free(keys[i]);
	free(keys);
}

static void test_sampler(struct learn_index *ix)
{
	static const struct tspec specs[] = {
		{"east customers", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, STORE_PART_ANYTIME, 0,
		 {"team=East"}},
		{"internal company", STORE_BY_COMPANY, STORE_SCOPE_INTERNAL, STORE_PART_ANYTIME, 0, {0}},
		{"west or north negotiation, first minute", STORE_BY_ANY, STORE_SCOPE_ALL,
		 STORE_PART_FIRST, 1, {"team=West", "team=North", "deal_stage=Negotiation"}},
		{"customers, last minute", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, STORE_PART_LAST, 1, {0}},
	};
	uint8_t *seen = xcalloc((size_t)W.max_id + 1, 1);
	for (size_t k = 0; k < COUNT(specs); k++) {
		const struct tspec *t = &specs[k];
		char name[160];
		snprintf(name, sizeof(name), "round: items respect the tracker's scope (%s), never come "
			 "back, never repeat one another, and say how they were chosen", t->name);
		TEST(name);
		/* The scope must leave sentences out for the check to mean anything. */
		size_t n_scope;
		int64_t *ids = scope_ids(t, 0, 0, &n_scope);
		int64_t alive = 0;
		for (int64_t i = 1; i <= W.max_id; i++)
			alive += W.s[i].call >= 0;
		CHECK(n_scope > LEARN_ROUND_SIZE && (int64_t)n_scope < alive / 2);
		free(ids);
		int64_t tr = make_tracker(t, 5, (int)k);
		memset(seen, 0, (size_t)W.max_id + 1);
		int violations = 0;
		for (int round = 1; round <= 3; round++) {
			struct store_round *r = NULL;
			int got = answer_round(ix, tr, 0, &r);
			CHECK_MSG(got == round, "round %d: %s", round, got < 0 ? err : "wrong number");
			if (got < 0)
				break;
			check_round(t, r, seen, &violations);
			store_round_free(r);
		}
		CHECK_MSG(violations == 0, "%d items out of scope", violations);
	}

	TEST("round: the open round comes back unchanged until each item has a tag");
	{
		const struct tspec t = {"reopen", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		int64_t tr = make_tracker(&t, 5, 2);
		struct store_round *a = NULL, *b = NULL;
		int built = -1;
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		CHECK(learn_round(W.st, ix, tr, &a, &built, err, sizeof(err)) == 0);
		CHECK_INT(built, 1);
		CHECK(a && learn_tag(W.st, ix, tr, a->items[0].sentence, STORE_TAG_NO, NULL, err,
				     sizeof(err)) == 0);
		CHECK(learn_round(W.st, ix, tr, &b, &built, err, sizeof(err)) == 0);
		CHECK_INT(built, 0);
		CHECK(a && b && a->id == b->id && a->n_items == b->n_items);
		for (size_t i = 0; a && b && i < a->n_items && i < b->n_items; i++)
			CHECK_INT(a->items[i].sentence, b->items[i].sentence);
		CHECK(b && b->items[0].tag == STORE_TAG_NO);
		must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
		store_round_free(a);
		store_round_free(b);
	}

	TEST("round: the first round brings sentences close to the examples more often than chance");
	{
		const struct tspec t = {"close to examples", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		size_t n_scope, pos = 0;
		int64_t *ids = scope_ids(&t, 0, 0, &n_scope);
		for (size_t i = 0; i < n_scope; i++)
			pos += W.s[ids[i]].pos;
		free(ids);
		int64_t tr = make_tracker(&t, 5, 3);
		struct store_round *r = NULL;
		int yes = 0;
		if (answer_round(ix, tr, 0, &r) == 1) {
			for (size_t i = 0; i < r->n_items; i++)
				yes += W.s[r->items[i].sentence].pos;
			double chance = (double)pos / (double)n_scope * (double)r->n_items;
			CHECK_MSG(yes >= 2 * chance && yes >= 3, "%d yes in round 1; chance gives %.1f", yes,
				  chance);
		} else {
			CHECK_MSG(0, "%s", err);
		}
		store_round_free(r);
	}

	TEST("round: a sentence with the same words as a tagged one or an example is not asked");
	{
		const struct tspec t = {"no repeated words", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0,
					{"team=North"}};
		int64_t tr = make_tracker(&t, 5, 4);
		struct store_example *ex = NULL;
		size_t nex = 0;
		must(store_examples_list(W.st, tr, &ex, &nex, err, sizeof(err)) == 0, "examples");
		size_t cap = 64, nk = 0;
		char **known = xmalloc(cap * sizeof(char *));
		for (size_t i = 0; i < nex; i++)
			known[nk++] = token_key(ex[i].text);
		store_examples_free(ex, nex);
		int repeats = 0;
		for (int round = 1; round <= 4; round++) {
			struct store_round *r = NULL;
			if (answer_round(ix, tr, 0, &r) < 0) {
				CHECK_MSG(0, "%s", err);
				break;
			}
			for (size_t i = 0; i < r->n_items; i++) {
				char *k = token_key(W.s[r->items[i].sentence].text);
				for (size_t j = 0; j < nk; j++)
					if (!strcmp(k, known[j])) {
						if (repeats++ < 3)
							CHECK_MSG(0, "round %d asks \"%s\" again", round,
								  W.s[r->items[i].sentence].text);
						break;
					}
				xgrow(&known, &cap, nk + 1, sizeof(char *));
				known[nk++] = k;
			}
			store_round_free(r);
		}
		CHECK_INT(repeats, 0);
		for (size_t j = 0; j < nk; j++)
			free(known[j]);
		free(known);
	}

	TEST("round: refused with fewer than 5 examples, saying so, and nothing is stored");
	{
		const struct tspec t = {"four examples", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		int64_t tr = make_tracker(&t, 4, 0);
		struct store_round *r = NULL;
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		err[0] = 0;
		CHECK(learn_round(W.st, ix, tr, &r, NULL, err, sizeof(err)) < 0);
		CHECK(r == NULL);
		CHECK_HAS(err, "4 example");
		CHECK_HAS(err, "at least 5");
		store_rollback(W.st);
		CHECK_INT(store_round_latest(W.st, tr, &r, err, sizeof(err)), 1);
		store_round_free(r);
		r = NULL;
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		CHECK(store_example_add(W.st, tr, "Could you knock a little off the price?", NULL, err,
					sizeof(err)) == 0);
		CHECK_MSG(learn_round(W.st, ix, tr, &r, NULL, err, sizeof(err)) == 0, "%s", err);
		CHECK(r && r->n_items == LEARN_ROUND_SIZE);
		must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
		store_round_free(r);
	}

	TEST("round: refused when the filters leave no calls, saying so");
	{
		static const struct tspec none[] = {
			{"no such team", STORE_BY_ANY, STORE_SCOPE_EXTERNAL, 0, 0, {"team=Nowhere"}},
			{"customers on internal calls", STORE_BY_CUSTOMER, STORE_SCOPE_INTERNAL, 0, 0, {0}},
		};
		for (size_t k = 0; k < COUNT(none); k++) {
			int64_t tr = make_tracker(&none[k], 5, 0);
			struct store_round *r = NULL;
			must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
			err[0] = 0;
			CHECK(learn_round(W.st, ix, tr, &r, NULL, err, sizeof(err)) < 0);
			CHECK_HAS(err, none[k].name);
			CHECK_HAS(err, "leave no calls");
			store_rollback(W.st);
			CHECK_INT(store_round_latest(W.st, tr, &r, err, sizeof(err)), 1);
			store_round_free(r);
		}
	}

	TEST("round: a small scope gives a shorter round, then an error saying none is left");
	{
		const struct tspec t = {"tiny", STORE_BY_COMPANY, STORE_SCOPE_INTERNAL, STORE_PART_FIRST, 1,
					{"team=East"}};
		int64_t tr = make_tracker(&t, 5, 0);
		int short_round = 0, rounds = 0, ok = 0;
		size_t asked = 0;
		while (rounds < 40) {
			struct store_round *r = NULL;
			if (answer_round(ix, tr, 0, &r) < 0) {
				ok = 1;
				break;
			}
			rounds++;
			asked += r->n_items;
			short_round |= r->n_items < LEARN_ROUND_SIZE;
			store_round_free(r);
		}
		CHECK_MSG(ok, "rounds never ran out");
		CHECK_HAS(err, "no sentence is left");
		CHECK(short_round);
		/* None left means every sentence in scope was asked or repeats one that was. */
		size_t n_scope;
		int64_t *ids = scope_ids(&t, 0, 0, &n_scope);
		CHECK(asked <= n_scope && asked > 0);
		struct store_tag *tags = NULL;
		size_t nt = 0;
		must(store_tags_list(W.st, tr, &tags, &nt, err, sizeof(err)) == 0, "tags");
		size_t left = 0;
		for (size_t i = 0; i < n_scope; i++) {
			char *k = token_key(W.s[ids[i]].text);
			int covered = 0;
			for (size_t j = 0; j < nt && !covered; j++) {
				char *kj = token_key(W.s[tags[j].sentence].text);
				covered = !strcmp(k, kj);
				free(kj);
			}
			left += !covered;
			free(k);
		}
		CHECK_MSG(left == 0, "%zu sentences in scope were never asked", left);
		store_tags_free(tags, nt);
		free(ids);
	}
	free(seen);
}

/* ------------------------------------------------------------------ the classifier */

/* Synthetic features: the word block only, a few ids from a class's own set and some
 * shared noise ids. */
static void synth(struct feats *f, int cls)
{
	memset(f, 0, sizeof(*f));
	f->w.cap = 8;
	f->w.id = xmalloc(8 * sizeof(uint32_t));
	f->w.val = xmalloc(8 * sizeof(float));
	uint32_t base = cls ? 1000 : 2000;
	for (int k = 0; k < 3; k++) {
		f->w.id[f->w.n] = base + (uint32_t)rnd_below(6);
		f->w.val[f->w.n++] = 1.0f;
	}
	for (int k = 0; k < 3; k++) {
		f->w.id[f->w.n] = 5000 + (uint32_t)rnd_below(40);
		f->w.val[f->w.n++] = 1.0f;
	}
	double s = 0;
	for (size_t k = 0; k < f->w.n; k++)
		s += (double)f->w.val[k] * f->w.val[k];
	f->norm_w = (float)sqrt(s);
}

/* The fast scorer gives the model's logit of every live sentence's features. */
static void check_scorer(const struct learn_index *ix, const struct lmodel *m)
{
	struct scorer s;
	scorer_init(&s, ix, m);
	size_t bad = 0, n = 0;
	double worst = 0;
	int64_t worst_id = 0;
	for (int64_t id = 1; id <= ix->max_id; id++) {
		if (!ix->alive[id])
			continue;
		struct feats f = {0};
		feats_of_sentence(ix, id, &f);
		double a = model_logit(m, &f), b = scorer_logit(&s, id);
		double diff = fabs(a - b) / fmax(1.0, fabs(a));
		if (diff > worst) {
			worst = diff;
			worst_id = id;
		}
		bad += diff > 1e-4;
		n++;
		feats_free(&f);
	}
	CHECK_MSG(bad == 0, "%zu of %zu sentences differ; worst %g at sentence %lld", bad, n, worst,
		  (long long)worst_id);
	scorer_free(&s);
}

static void test_model(struct learn_index *ix, int64_t trained)
{
	TEST("model: logistic regression separates separable synthetic features");
	{
		struct learn_index bare = {0};	/* no word vectors: the sparse blocks only */
		struct feats f[300];
		struct train_item items[200];
		rnd_state = 7;
		for (int i = 0; i < 300; i++)
			synth(&f[i], i % 3 == 0);
		for (int i = 0; i < 200; i++)
			items[i] = (struct train_item){&f[i], i % 3 == 0};
		struct train_opts o = {.beta = {1, 1, 1}, .C = 1.0};
		struct lmodel *m = model_train(&bare, items, 200, &o, err, sizeof(err));
		CHECK_MSG(m != NULL, "%s", err);
		int wrong_train = 0, wrong_new = 0;
		for (int i = 0; m && i < 300; i++) {
			double z = model_logit(m, &f[i]);
			int right = (i % 3 == 0) ? z > 0 : z < 0;
			if (i < 200)
				wrong_train += !right;
			else
				wrong_new += !right;
		}
		CHECK_INT(wrong_train, 0);
		CHECK_INT(wrong_new, 0);
		lmodel_free(m);

		TEST("model: training with only one class fails and says why");
		for (int i = 0; i < 50; i++)
			items[i].y = 1;
		err[0] = 0;
		m = model_train(&bare, items, 50, &o, err, sizeof(err));
		CHECK(m == NULL);
		CHECK_HAS(err, "both yes and no");
		lmodel_free(m);
		for (int i = 0; i < 300; i++)
			feats_free(&f[i]);
	}

	struct tdata d;
	must(tdata_load(W.st, ix, trained, &d, err, sizeof(err)) == 0, "tdata");
	struct lmodel *m = trainer_fit(ix, &d, NULL, err, sizeof(err));
	must(m != NULL, "fit");

	TEST("model: a trained model separates the tagged yes from the tagged no");
	{
		int right = 0, n = 0;
		for (size_t i = 0; i < d.n_tags; i++) {
			if (!tag_trainable(&d.tags[i]))
				continue;
			double z = model_logit(m, &d.tagf[i]);
			right += (d.tags[i].label == STORE_TAG_YES) == (z > 0);
			n++;
		}
		CHECK_MSG(n > 50 && right >= n * 9 / 10, "%d of %d tags on the right side", right, n);
	}

	TEST("model: saved and loaded, a model gives the same logits, threshold and calibration");
	{
		m->threshold = 0.37;
		m->cal_a = 1.3;
		m->cal_b = -0.2;
		size_t len = 0;
		void *blob = model_save(m, &len);
		struct lmodel *l = model_load(blob, len);
		CHECK(l != NULL);
		if (l) {
			CHECK(l->threshold == m->threshold && l->cal_a == m->cal_a && l->cal_b == m->cal_b);
			CHECK(l->bias == m->bias && l->dims == m->dims && l->vec_epoch == m->vec_epoch);
			CHECK(l->beta.w == m->beta.w && l->beta.c == m->beta.c && l->beta.d == m->beta.d);
			int differ = 0;
			for (size_t i = 0; i < d.n_tags; i++)
				differ += model_logit(l, &d.tagf[i]) != model_logit(m, &d.tagf[i]);
			for (size_t i = 0; i < d.n_ex; i++)
				differ += model_logit(l, &d.exf[i]) != model_logit(m, &d.exf[i]);
			CHECK_INT(differ, 0);
			/* Saved again, the same bytes. */
			size_t len2 = 0;
			void *blob2 = model_save(l, &len2);
			CHECK(len2 == len && !memcmp(blob, blob2, len));
			free(blob2);
		}
		lmodel_free(l);

		TEST("model: a truncated or foreign blob does not load");
		CHECK(model_load(blob, len - 1) == NULL);
		CHECK(model_load(blob, 10) == NULL);
		char *bad = xmalloc(len);
		memcpy(bad, blob, len);
		bad[0] ^= 0x55;
		CHECK(model_load(bad, len) == NULL);
		free(bad);
		free(blob);
	}

	TEST("scorer: the fast scorer gives the model's logit for every sentence of the workspace");
	check_scorer(ix, m);

	TEST("scorer: a sentence's text scores as the indexed sentence does");
	{
		struct scorer s;
		scorer_init(&s, ix, m);
		text_stemmer *stem = text_stemmer_new();
		size_t bad = 0, n = 0;
		double worst = 0;
		for (int64_t id = 1; id <= ix->max_id; id += 3) {
			if (!ix->alive[id])
				continue;
			struct feats f = {0};
			feats_of_text(ix, stem, W.s[id].text, &f);
			double a = model_logit(m, &f), b = scorer_logit(&s, id);
			double diff = fabs(a - b) / fmax(1.0, fabs(a));
			worst = fmax(worst, diff);
			bad += diff > 1e-4;
			n++;
			feats_free(&f);
		}
		CHECK_MSG(bad == 0, "%zu of %zu sentences differ; worst %g", bad, n, worst);
		text_stemmer_free(stem);
		scorer_free(&s);
	}
	lmodel_free(m);
	tdata_free(&d);
}

/* Texts far longer than a sentence: a pasted paragraph as an example, a `score` line of
 * a whole transcript. Their features must be made in n log n, not n squared. */
static void test_long_text(struct learn_index *ix)
{
	TEST("features: a text of 30,000 words is made in under 2 seconds, ids sorted and unique");
	struct sbuf b = {0};
	static const char *const words[] = {"price", "discount", "cheaper", "seat", "contract",
					    "renewal", "quarter", "budget"};
	for (int i = 0; i < 30000; i++)	/* "pricebaa", "discountcaa": digits would be one token */
		sbuf_printf(&b, "%s%c%c%c ", words[i % 8], 'a' + i % 26, 'a' + i / 26 % 26,
			    'a' + i / 676 % 26);
	text_stemmer *stem = text_stemmer_new();
	struct feats f = {0};
	clock_t t0 = clock();
	feats_of_text(ix, stem, b.s, &f);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK_MSG(secs < 2, "took %.1f s", secs);
	int sorted = 1;
	for (size_t i = 1; i < f.w.n; i++)
		sorted &= f.w.id[i - 1] < f.w.id[i];
	for (size_t i = 1; i < f.c.n; i++)
		sorted &= f.c.id[i - 1] < f.c.id[i];
	CHECK(sorted);
	CHECK(f.w.n > 0 && f.c.n > 0 && f.norm_w > 0 && f.norm_c > 0);
	CHECK(isfinite(f.norm_w) && isfinite(f.norm_c));
	feats_free(&f);

	TEST("features: a long text's features are those of its words, whatever the order");
	{
		/* the same words reversed: equal ids add up to the same values */
		struct sbuf fw = {0}, bw = {0};
		for (int i = 0; i < 60; i++)
			sbuf_printf(&fw, "%s ", words[i % 8]);
		for (int i = 59; i >= 0; i--)
			sbuf_printf(&bw, "%s ", words[i % 8]);
		struct feats a = {0}, z = {0};
		feats_of_text(ix, stem, fw.s, &a);
		feats_of_text(ix, stem, bw.s, &z);
		int same = a.c.n == z.c.n && fabsf(a.norm_c - z.norm_c) < 1e-3f * a.norm_c;
		for (size_t i = 0; same && i < a.c.n; i++)
			same = a.c.id[i] == z.c.id[i] && fabsf(a.c.val[i] - z.c.val[i]) < 1e-3f;
		CHECK(same);
		feats_free(&a);
		feats_free(&z);
		sbuf_free(&fw);
		sbuf_free(&bw);
	}
	text_stemmer_free(stem);
	sbuf_free(&b);
}

/* ------------------------------------------------------------------ estimates */

/* True precision and recall of the tracker's current model on calls it has never
 * seen: the held-out calls, made like the workspace's but never put in it. */
static void truth_of(struct learn_index *ix, int64_t tr, double *p, double *r, size_t *n_det)
{
	double *score = xmalloc((H.n + 1) * sizeof(double));
	int *match = xmalloc((H.n + 1) * sizeof(int));
	must(learn_score_texts(W.st, ix, tr, (const char *const *)H.text, H.n, score, match, err,
			       sizeof(err)) == 0, "score");
	size_t tp = 0, fp = 0, fn = 0;
	for (size_t i = 0; i < H.n; i++) {
		tp += match[i] && H.pos[i];
		fp += match[i] && !H.pos[i];
		fn += !match[i] && H.pos[i];
	}
	*p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
	*r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
	*n_det = tp + fp;
	free(score);
	free(match);
}

static const struct tspec est_spec = {"asks for a discount", STORE_BY_CUSTOMER,
				      STORE_SCOPE_EXTERNAL, STORE_PART_ANYTIME, 0, {0}};

/* Estimates and truths after rounds 4 and 6, one pair a workspace. */
#define EST_WORLDS 8
struct est_point {
	double p_est, p_true, r_est, r_true;
	double p_lo, p_hi, r_lo, r_hi;	/* the overview's ranges */
	size_t n_det;
};
static struct est_point est_pts[2][EST_WORLDS];
static int est_n[2];

/* Lower-cased words of a text, as a set: how many of a's are in b's, over both. */
static double word_jaccard(const char *a, const char *b)
{
	char wa[64][32], wb[64][32];
	size_t na = 0, nb = 0;
	for (int side = 0; side < 2; side++) {
		const char *t = side ? b : a;
		char (*w)[32] = side ? wb : wa;
		size_t *n = side ? &nb : &na;
		while (*t && *n < 64) {
			while (*t && !isalnum((unsigned char)*t) && *t != '\'')
				t++;
			size_t k = 0;
			while (*t && (isalnum((unsigned char)*t) || *t == '\'')) {
				if (k < 31)
					w[*n][k++] = (char)tolower((unsigned char)*t);
				t++;
			}
			if (!k)
				continue;
			w[*n][k] = 0;
			int dup = 0;
			for (size_t j = 0; j < *n && !dup; j++)
				dup = !strcmp(w[j], w[*n]);
			if (!dup)
				(*n)++;
		}
	}
	size_t common = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (!strcmp(wa[i], wb[j])) {
				common++;
				break;
			}
	size_t all = na + nb - common;
	return all ? (double)common / (double)all : 1;
}

/* Trains the concept's tracker through rounds answered by the truth, and keeps the
 * overview's estimates with the truth on held-out calls after round 4 and round 6 (for
 * test_estimate_accuracy). With detailed set, also checks what the overview holds. */
static int64_t test_estimates(struct learn_index *ix, int detailed)
{
	int64_t tr = make_tracker(&est_spec, 5, 0);
	char name[128];
	for (int round = 1; round <= 6; round++) {
		struct store_round *r = NULL;
		int got = answer_round(ix, tr, 0, &r);
		store_round_free(r);
		if (got != round) {
			TEST("estimate: rounds answered by the truth");
			CHECK_MSG(0, "round %d: %s", round, err);
			return tr;
		}
		struct learn_overview *o = NULL;
		must(learn_overview_get(W.st, ix, tr, &o, err, sizeof(err)) == 0, "overview");
		if (round == 3 && detailed) {
			TEST("estimate: before round 4 there is no model and no estimate");
			CHECK_INT(o->model_version, 0);
			CHECK(isnan(o->precision) && isnan(o->recall));
		}
		if (round != 4 && round != 6) {
			learn_overview_free(o);
			continue;
		}
		int k = round == 4 ? 0 : 1;
		struct est_point *e = &est_pts[k][est_n[k]++ % EST_WORLDS];
		truth_of(ix, tr, &e->p_true, &e->r_true, &e->n_det);
		e->p_est = o->precision;
		e->r_est = o->recall;
		e->p_lo = o->precision_lo;
		e->p_hi = o->precision_hi;
		e->r_lo = o->recall_lo;
		e->r_hi = o->recall_hi;
		if (!detailed) {
			learn_overview_free(o);
			continue;
		}

		snprintf(name, sizeof(name), "estimate: after round %d the ranges are ordered inside [0, 1] "
			 "and come from held-out splits", round);
		TEST(name);
		CHECK(o->precision_lo <= o->precision_hi && o->recall_lo <= o->recall_hi);
		CHECK(o->precision_lo >= 0 && o->precision_hi <= 1 && o->recall_lo >= 0 && o->recall_hi <= 1);
		CHECK(o->splits >= 2 && o->held_out > 0);
		CHECK(o->threshold > 0 && o->threshold < 1);

		snprintf(name, sizeof(name), "overview: after round %d up to 20 surfaced sentences, each a "
			 "detection in scope, spread over calls, no text twice", round);
		TEST(name);
		CHECK(o->n_samples > 0 && o->n_samples <= 20);
		int calls_seen[1024] = {0};
		size_t distinct = 0;
		for (size_t i = 0; i < o->n_samples; i++) {
			const struct learn_sample *s = &o->samples[i];
			CHECK(in_scope(&est_spec, s->sentence));
			CHECK(s->score >= o->threshold - 1e-6);
			CHECK_STR(s->text, W.s[s->sentence].text);
			int c = W.s[s->sentence].call;
			if (c >= 0 && c < 1024 && !calls_seen[c]++)
				distinct++;
		}
		for (size_t i = 0; i < o->n_samples; i++)
			for (size_t j = i + 1; j < o->n_samples; j++)
				CHECK_MSG(strcasecmp(o->samples[i].text, o->samples[j].text) != 0,
					  "surfaced twice: %s", o->samples[i].text);
		/* One a call while calls with detections last; as many as there are distinct
		 * detected texts, up to 20. */
		size_t det_calls = 0, det_texts = 0;
		{
			size_t n;
			int64_t *ids = scope_ids(&est_spec, 0, 0, &n);
			double *score = xmalloc((n + 1) * sizeof(double));
			int *match = xmalloc((n + 1) * sizeof(int));
			score_ids(ix, tr, ids, n, score, match);
			uint8_t seen[1024] = {0};
			for (size_t i = 0; i < n; i++)
				if (match[i] && !seen[W.s[ids[i]].call]++)
					det_calls++;
			for (size_t i = 0; i < n && det_texts < 20; i++) {
				int first = match[i];
				for (size_t j = 0; j < i && first; j++)
					first = !match[j] || strcasecmp(W.s[ids[j]].text, W.s[ids[i]].text);
				det_texts += first;
			}
			free(score);
			free(match);
			free(ids);
		}
		size_t want = det_calls < o->n_samples ? det_calls : o->n_samples;
		CHECK_MSG(distinct >= want, "%zu calls among %zu samples; %zu calls have detections",
			  distinct, o->n_samples, det_calls);
		CHECK_MSG(o->n_samples == det_texts, "%zu surfaced; %zu distinct texts detected (up to 20)",
			  o->n_samples, det_texts);

		snprintf(name, sizeof(name), "overview: after round %d tagged sentences surface only for "
			 "calls with nothing else; no two alike", round);
		TEST(name);
		{
			struct store_tag *tags;
			size_t nt, tagged_shown = 0;
			must(store_tags_list(W.st, tr, &tags, &nt, err, sizeof(err)) == 0, "tags");
			/* calls with a detected sentence the admin has not tagged */
			size_t n, untagged = 0;
			int64_t *ids = scope_ids(&est_spec, 0, 0, &n);
			double *score = xmalloc((n + 1) * sizeof(double));
			int *match = xmalloc((n + 1) * sizeof(int));
			uint8_t fresh_call[1024] = {0};
			score_ids(ix, tr, ids, n, score, match);
			for (size_t i = 0; i < n; i++) {
				int fresh = match[i];
				for (size_t j = 0; j < nt && fresh; j++)
					fresh = strcasecmp(W.s[tags[j].sentence].text, W.s[ids[i]].text) != 0;
				if (fresh && W.s[ids[i]].call >= 0 && W.s[ids[i]].call < 1024)
					fresh_call[W.s[ids[i]].call] = 1;
				untagged += fresh;
			}
			for (size_t i = 0; i < o->n_samples; i++) {
				int tagged = 0;
				for (size_t j = 0; j < nt && !tagged; j++)
					tagged = !strcasecmp(W.s[tags[j].sentence].text, o->samples[i].text);
				int c = W.s[o->samples[i].sentence].call;
				tagged_shown += tagged && c >= 0 && c < 1024 && fresh_call[c];
			}
			free(score);
			free(match);
			free(ids);
			store_tags_free(tags, nt);
			CHECK_MSG(untagged < 20 || tagged_shown == 0, "%zu of %zu surfaced sentences were "
				  "tagged in calls with untagged detections; %zu untagged detected",
				  tagged_shown, o->n_samples, untagged);
			/* words in common over words in either, as a reader would count them */
			for (size_t i = 0; i < o->n_samples; i++)
				for (size_t j = i + 1; j < o->n_samples; j++) {
					double jac = word_jaccard(o->samples[i].text, o->samples[j].text);
					CHECK_MSG(jac < 0.7, "nearly the same (%.2f): '%s' and '%s'", jac,
						  o->samples[i].text, o->samples[j].text);
				}
		}
		learn_overview_free(o);
	}

	TEST("overview: tag counts, rounds and the audit sample");
	{
		struct learn_overview *o = NULL;
		must(learn_overview_get(W.st, ix, tr, &o, err, sizeof(err)) == 0, "overview");
		CHECK_INT(o->yes + o->no + o->unsure, 6 * LEARN_ROUND_SIZE);
		CHECK_INT(o->rounds, 6);
		CHECK_INT(o->examples, 5);
		CHECK(o->yes > 0 && o->no > 0);
		/* Two or three audit items a round, all tagged here. */
		CHECK_MSG(o->audit_tagged >= 12 && o->audit_tagged <= 18, "%lld audit tags",
			  (long long)o->audit_tagged);
		CHECK(o->advice && *o->advice);
		CHECK(!isnan(o->change) && o->change >= 0 && o->change <= 1);
		learn_overview_free(o);
	}
	return tr;
}

/* The same on a workspace of its own, made with another seed. */
static void estimate_world(uint64_t seed)
{
	struct world saved = W;
	struct heldout saved_h = H;
	memset(&W, 0, sizeof(W));
	memset(&H, 0, sizeof(H));
	char path[4200];
	snprintf(path, sizeof(path), "%s/est-%llu.db", test_tmpdir, (unsigned long long)seed);
	must(store_open(path, &W.st, err, sizeof(err)) == 0, "open");
	gen_calls(90, seed, T_IMPORT - DAY_S, 0.05, 1, 0);
	gen_calls(90, seed + 1, T_IMPORT - DAY_S, 0.05, 1001, 1);
	struct learn_index *ix = load_index();
	test_estimates(ix, 0);
	learn_index_free(ix);
	store_close(W.st);
	world_free();
	W = saved;
	H = saved_h;
}

/* How far the estimates land from the truth over the workspaces. A single workspace's
 * truth moves with which wordings of the concept its rounds happened to meet, so the
 * rule is on the mean error over eight workspaces and on the worst one. Precision must
 * be within 0.10 on average (against the benchmark's goal of 0.06 over eight concepts)
 * and 0.25 at worst (over three times the half-width of the 90% ranges the overview
 * gives). The hit rate is allowed 0.15 on average and 0.35 at worst: wordings of the
 * concept that no round has met yet score low and are invisible to any estimate made
 * from the tags (only the audit sample and the little exploration of the rounds can
 * reveal them, a few sentences a round). An estimator that is right where the tags
 * reach meets both; a broken one, or one that believes its tags alone, does not. */
static void test_estimate_accuracy(void)
{
	for (int k = 0; k < 2; k++) {
		char name[256], table[1024];
		int round = k ? 6 : 4, n = est_n[k] < EST_WORLDS ? est_n[k] : EST_WORLDS;
		snprintf(name, sizeof(name), "estimate: after round %d, precision within 0.10 and recall "
			 "within 0.15 of the truth on held-out calls on average over %d workspaces (0.25 "
			 "and 0.35 at worst)", round, n);
		TEST(name);
		double ep = 0, er = 0, wp = 0, wr = 0;
		size_t at = 0;
		table[0] = 0;
		for (int i = 0; i < n; i++) {
			const struct est_point *e = &est_pts[k][i];
			double dp = fabs(e->p_est - e->p_true), dr = fabs(e->r_est - e->r_true);
			ep += dp / n;
			er += dr / n;
			wp = fmax(wp, isnan(dp) ? 1 : dp);
			wr = fmax(wr, isnan(dr) ? 1 : dr);
			at += (size_t)snprintf(table + at, sizeof(table) - at, "\n    precision %.3f (true %.3f)"
					       "  recall %.3f (true %.3f)", e->p_est, e->p_true, e->r_est,
					       e->r_true);
		}
		CHECK_INT(n, EST_WORLDS);
		CHECK_MSG(ep <= 0.10 && wp <= 0.25, "precision: mean error %.3f, worst %.3f%s", ep, wp, table);
		double rmean = 0.15, rworst = 0.35;
		CHECK_MSG(er <= rmean && wr <= rworst, "recall: mean error %.3f, worst %.3f%s", er, wr, table);

		/* The ranges claim 90%: over eight workspaces that is 7.2 on average, and 6 or
		 * more in all but 4% of draws. Precision is held to it. The hit rate's range
		 * is only reported: like its estimate, it cannot see wordings no round has met,
		 * and these workspaces are made to have them. */
		snprintf(name, sizeof(name), "estimate: after round %d the precision range holds "
			 "the truth in at least 6 of %d workspaces", round, n);
		TEST(name);
		int pin = 0, rin = 0;
		at = 0;
		table[0] = 0;
		for (int i = 0; i < n; i++) {
			const struct est_point *e = &est_pts[k][i];
			pin += e->p_lo <= e->p_true && e->p_true <= e->p_hi;
			rin += e->r_lo <= e->r_true && e->r_true <= e->r_hi;
			at += (size_t)snprintf(table + at, sizeof(table) - at, "\n    precision %.3f-%.3f "
					       "(true %.3f)  recall %.3f-%.3f (true %.3f)", e->p_lo, e->p_hi,
					       e->p_true, e->r_lo, e->r_hi, e->r_true);
		}
		CHECK_MSG(pin >= 6, "precision in range %d times (recall %d times)%s", pin, rin, table);
	}
}

/* ------------------------------------------------------------------ NOT SURE */

static int64_t test_unsure(struct learn_index *ix)
{
	const struct tspec t = {"unsure kept apart", STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
	int64_t tr = make_tracker(&t, 5, 5);
	for (int round = 1; round <= 4; round++)
		must(answer_round(ix, tr, 0, NULL) == round, "rounds");
	size_t n;
	int64_t *ids = scope_ids(&t, 0, 0, &n);
	double *s1 = xmalloc((n + 1) * sizeof(double)), *s2 = xmalloc((n + 1) * sizeof(double));
	int *m1 = xmalloc((n + 1) * sizeof(int)), *m2 = xmalloc((n + 1) * sizeof(int));
	score_ids(ix, tr, ids, n, s1, m1);
	struct store_tracker *before = tracker_get(tr);

	TEST("tags: NOT SURE tags are kept, counted and never asked again");
	struct store_round *r = NULL;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	must(learn_round(W.st, ix, tr, &r, NULL, err, sizeof(err)) == 0, "round 5");
	/* The round's audit items first: a NOT SURE audit item must not change the model
	 * either (audit items tagged yes or no are kept out of its background). */
	int64_t unsure[10];
	int nu = 0, audits = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->n_items && nu < 10; i++)
			if ((r->items[i].audit != 0) == (pass == 0)) {
				unsure[nu++] = r->items[i].sentence;
				audits += pass == 0;
			}
	CHECK(audits > 0);
	for (int i = 0; i < nu; i++)
		CHECK(learn_tag(W.st, ix, tr, unsure[i], STORE_TAG_UNSURE, NULL, err, sizeof(err)) == 0);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	store_round_free(r);
	struct store_tag *tags = NULL;
	size_t nt = 0;
	must(store_tags_list(W.st, tr, &tags, &nt, err, sizeof(err)) == 0, "tags");
	int kept = 0;
	for (size_t i = 0; i < nt; i++)
		for (int k = 0; k < 10; k++)
			kept += tags[i].sentence == unsure[k] && tags[i].label == STORE_TAG_UNSURE;
	CHECK_INT(kept, 10);
	store_tags_free(tags, nt);
	struct learn_overview *o = NULL;
	must(learn_overview_get(W.st, ix, tr, &o, err, sizeof(err)) == 0, "overview");
	CHECK_INT(o->unsure, 10);
	learn_overview_free(o);

	TEST("tags: NOT SURE tags do not change the model (same scores and matches on every sentence)");
	int version = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK(learn_train(W.st, ix, tr, NULL, NULL, NULL, &version, err, sizeof(err)) >= 0);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	score_ids(ix, tr, ids, n, s2, m2);
	size_t moved = 0, flipped = 0;
	double worst = 0;
	for (size_t i = 0; i < n; i++) {
		worst = fmax(worst, fabs(s1[i] - s2[i]));
		moved += fabs(s1[i] - s2[i]) > 1e-9;
		flipped += m1[i] != m2[i];
	}
	CHECK_MSG(moved == 0 && flipped == 0, "%zu of %zu scores moved (most by %.2g), %zu matches "
		  "changed; model version %d -> %d", moved, n, worst, flipped, before->latest_version, version);
	store_tracker_free(before);

	TEST("trainer: NOT SURE tags change neither the fit nor the estimate");
	{
		struct tdata d;
		must(tdata_load(W.st, ix, tr, &d, err, sizeof(err)) == 0, "tdata");
		/* The same data with a hundred more sentences of the scope tagged NOT SURE. */
		struct tdata du = d;
		size_t extra = 100;
		du.tags = xcalloc(d.n_tags + extra, sizeof(*du.tags));
		du.tagf = xcalloc(d.n_tags + extra, sizeof(*du.tagf));
		memcpy(du.tags, d.tags, d.n_tags * sizeof(*d.tags));
		memcpy(du.tagf, d.tagf, d.n_tags * sizeof(*d.tagf));
		uint8_t *tagged = xcalloc((size_t)ix->max_id + 1, 1);
		for (size_t i = 0; i < d.n_tags; i++)
			tagged[d.tags[i].sentence] = 1;
		rnd_state = 11;
		size_t k = d.n_tags;
		while (k < d.n_tags + extra) {
			int64_t id = d.pool.ids[rnd_below((int)d.pool.n)];
			if (tagged[id])
				continue;
			tagged[id] = 1;
			du.tags[k] = (struct store_tag){.seq = (int64_t)k + 1000, .sentence = id,
							.label = STORE_TAG_UNSURE, .call = ix->call[id]};
			feats_of_sentence(ix, id, &du.tagf[k]);
			k++;
		}
		du.n_tags = k;
		struct lmodel *m1 = trainer_fit(ix, &d, NULL, err, sizeof(err));
		struct lmodel *m2 = trainer_fit(ix, &du, NULL, err, sizeof(err));
		must(m1 && m2, "fit");
		size_t differ = 0;
		for (size_t i = 0; i < du.n_tags; i++)
			differ += model_logit(m1, &du.tagf[i]) != model_logit(m2, &du.tagf[i]);
		CHECK_MSG(differ == 0, "%zu of %zu tagged sentences score differently", differ, du.n_tags);
		struct estimate e1, e2;
		CHECK(trainer_estimate(ix, &d, m1, &e1, NULL, err, sizeof(err)) == 0);
		CHECK(trainer_estimate(ix, &du, m1, &e2, NULL, err, sizeof(err)) == 0);
		CHECK_MSG(e1.threshold == e2.threshold && e1.precision == e2.precision &&
			  e1.recall == e2.recall, "threshold %.4f -> %.4f, precision %.3f -> %.3f, "
			  "recall %.3f -> %.3f", e1.threshold, e2.threshold, e1.precision, e2.precision,
			  e1.recall, e2.recall);
		/* Asked for the scope's logits, the estimate gives those the fast scorer gives,
		 * tagged sentences too, and the same figures. */
		struct estimate e3;
		float *z = xmalloc((d.pool.n + 1) * sizeof(float));
		float *prob = xmalloc((d.pool.n + 1) * sizeof(float));
		CHECK(trainer_estimate(ix, &d, m1, &e3, z, err, sizeof(err)) == 0);
		trainer_score_pool(ix, m1, &d.pool, prob);
		size_t off = 0;
		for (size_t i = 0; i < d.pool.n; i++)
			off += fabs(1 / (1 + exp(-(double)z[i])) - prob[i]) > 1e-6;
		CHECK_MSG(off == 0, "%zu of %zu scope logits differ from the fast scorer's", off,
			  d.pool.n);
		CHECK(e3.threshold == e1.threshold && e3.precision == e1.precision &&
		      e3.recall == e1.recall);
		free(z);
		free(prob);
		lmodel_free(m1);
		lmodel_free(m2);
		for (size_t i = d.n_tags; i < du.n_tags; i++)
			feats_free(&du.tagf[i]);
		free(du.tags);
		free(du.tagf);
		free(tagged);
		tdata_free(&d);
	}

	/* The rest of round 5 answered; the unsure sentences never come back. */
	must(answer_round(ix, tr, 0, NULL) == 5, "round 5");
	for (int round = 6; round <= 7; round++) {
		struct store_round *rr = NULL;
		must(answer_round(ix, tr, 0, &rr) == round, "later rounds");
		for (size_t i = 0; i < rr->n_items; i++)
			for (int k = 0; k < 10; k++)
				CHECK(rr->items[i].sentence != unsure[k]);
		store_round_free(rr);
	}
	free(ids);
	free(s1);
	free(s2);
	free(m1);
	free(m2);
	return tr;
}

/* ------------------------------------------------------------------ activation */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Compares a tracker's stored detections with the sentences `score` matches among ids:
 * the same set (a sentence within 1e-4 of the threshold may go either way), each
 * detection's score that of `score`, made by model version `version`. */
static void check_detections(struct learn_index *ix, int64_t tr, const int64_t *ids, size_t n,
			     int version, size_t *count)
{
	double *score = xmalloc((n + 1) * sizeof(double));
	int *match = xmalloc((n + 1) * sizeof(int));
	score_ids(ix, tr, ids, n, score, match);
	struct store_model *row = NULL;
	struct store_tracker *t = tracker_get(tr);
	must(store_model_get(W.st, t->live_model, &row, err, sizeof(err)) == 0, "live model");
	double threshold = row->threshold;
	store_model_free(row);
	store_tracker_free(t);
	struct store_detection *d = NULL;
	size_t nd = 0;
	must(store_detections_list(W.st, tr, &d, &nd, err, sizeof(err)) == 0, "detections");
	int64_t *got = xmalloc((nd + 1) * sizeof(int64_t));
	for (size_t i = 0; i < nd; i++)
		got[i] = d[i].sentence;
	qsort(got, nd, sizeof(*got), cmp_i64);
	size_t missing = 0, extra = 0, wrong_version = 0, wrong_score = 0, expected = 0;
	uint8_t *want = xcalloc((size_t)W.max_id + 1, 1);
	for (size_t i = 0; i < n; i++) {
		int near = fabs(score[i] - threshold) < 1e-4;
		if (match[i] && !near) {
			want[ids[i]] = 1;
			expected++;
			if (!bsearch(&ids[i], got, nd, sizeof(*got), cmp_i64)) {
				if (missing++ < 3)
					CHECK_MSG(0, "sentence %lld (score %.4f) matches but was not detected",
						  (long long)ids[i], score[i]);
			}
		} else if (near) {
			want[ids[i]] = 2;	/* either way */
		}
	}
	for (size_t i = 0; i < nd; i++) {
		int64_t id = d[i].sentence;
		if (id < 1 || id > W.max_id || !want[id]) {
			if (extra++ < 3)
				CHECK_MSG(0, "sentence %lld detected but does not match (or is out of scope "
					  "or window)", (long long)id);
			continue;
		}
		wrong_version += d[i].model_version != version;
		for (size_t k = 0; k < n; k++)
			if (ids[k] == id) {
				wrong_score += fabs(d[i].score - score[k]) > 1e-4;
				break;
			}
	}
	CHECK_MSG(missing == 0 && extra == 0, "%zu missing, %zu extra of %zu expected", missing, extra,
		  expected);
	CHECK_INT(wrong_version, 0);
	CHECK_INT(wrong_score, 0);
	*count = nd;
	free(want);
	free(got);
	store_detections_free(d, nd);
	free(score);
	free(match);
}

static int64_t *window_ids(const struct tspec *t, int64_t activated, int months, size_t *n)
{
	return scope_ids(t, activated - months * MONTH_S, activated, n);
}

static void test_activation(struct learn_index *ix, int64_t est_tr, int64_t unsure_tr)
{
	size_t n, count = 0;
	int64_t *ids;

	TEST("activate: the detections are the sentences `score` matches in scope and in the backfill window");
	set_now(T_ACTIVATE);
	struct store_tracker *t = tracker_get(est_tr);
	int version = t->latest_version;
	store_tracker_free(t);
	size_t made = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_activate(W.st, ix, est_tr, 6, NULL, NULL, NULL, &made, err, sizeof(err)) == 0,
		  "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	ids = window_ids(&est_spec, T_ACTIVATE, 6, &n);
	size_t all_n;
	int64_t *all = scope_ids(&est_spec, 0, 0, &all_n);
	CHECK_MSG(n > 0 && n < all_n, "the window must leave calls out: %zu of %zu", n, all_n);
	free(all);
	check_detections(ix, est_tr, ids, n, version, &count);
	CHECK_INT(count, made);
	CHECK(count > 0);
	free(ids);
	t = tracker_get(est_tr);
	CHECK(t->active && t->backfill_months == 6 && t->live_model == t->latest_model);
	CHECK_STR(learn_state_name(t), "active");
	CHECK(!learn_has_draft(t));
	store_tracker_free(t);

	TEST("activate: upcoming calls only stores no detection");
	made = 99;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_activate(W.st, ix, unsure_tr, 0, NULL, NULL, NULL, &made, err, sizeof(err)) == 0,
		  "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	CHECK_INT(made, 0);
	t = tracker_get(unsure_tr);
	CHECK(t->active && t->n_detections == 0);
	store_tracker_free(t);

	TEST("activate: a tracker without a model is refused, saying so");
	{
		const struct tspec s = {"no model yet", STORE_BY_ANY, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		int64_t tr = make_tracker(&s, 5, 0);
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		err[0] = 0;
		CHECK(learn_activate(W.st, ix, tr, 12, NULL, NULL, NULL, NULL, err, sizeof(err)) < 0);
		CHECK_HAS(err, "no model");
		store_rollback(W.st);
		t = tracker_get(tr);
		CHECK(!t->active);
		store_tracker_free(t);
	}

}

/* Calls put after activation reach every active tracker through learn_score_new_calls,
 * as `tracker import` does. */
static void test_import(struct learn_index **ixp, int64_t est_tr, int64_t unsure_tr)
{
	struct learn_index *ix;
	struct store_tracker *t;
	TEST("import: calls imported later are scored by every active tracker, and only those");
	set_now(T_LATER);
	size_t first_new = gen_calls(4, 99, T_LATER - DAY_S, 0.15, 500, 0);
	learn_index_free(*ixp);
	ix = *ixp = load_index();
	int64_t new_rows[4];
	for (int i = 0; i < 4; i++)
		new_rows[i] = W.calls[first_new + (size_t)i].row;
	struct store_tracker *before = tracker_get(est_tr);
	struct store_detection *d0 = NULL;
	size_t nd0 = 0;
	must(store_detections_list(W.st, est_tr, &d0, &nd0, err, sizeof(err)) == 0, "detections");
	struct learn_import_report rep = {0};
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_score_new_calls(W.st, new_rows, 4, &rep, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	CHECK_INT(rep.trackers, 2);
	/* Each active tracker holds the new calls' matches in its scope: the upcoming-only
	 * one nothing else, the backfilled one what it had before as well. */
	int64_t *nids = xmalloc(((size_t)W.max_id + 1) * sizeof(int64_t));
	size_t nn = 0, count_u = 0;
	for (int64_t i = W.calls[first_new].first; i <= W.max_id; i++)
		if (in_scope(&est_spec, i))
			nids[nn++] = i;
	CHECK(nn > 0);
	t = tracker_get(unsure_tr);
	check_detections(ix, unsure_tr, nids, nn, t->latest_version, &count_u);
	CHECK(count_u > 0);
	store_tracker_free(t);
	t = tracker_get(est_tr);
	size_t added = (size_t)(t->n_detections - before->n_detections);
	CHECK(added > 0);
	CHECK_INT(rep.detections, added + count_u);
	store_tracker_free(t);
	struct store_detection *d1 = NULL;
	size_t nd1 = 0;
	must(store_detections_list(W.st, est_tr, &d1, &nd1, err, sizeof(err)) == 0, "detections");
	size_t kept = 0, fresh = 0, right = 0;
	int64_t first_id = W.calls[first_new].first;
	for (size_t i = 0; i < nd1; i++) {
		if (d1[i].sentence >= first_id) {
			fresh++;
			for (size_t k = 0; k < nn; k++)
				if (nids[k] == d1[i].sentence) {
					right++;
					break;
				}
			continue;
		}
		for (size_t k = 0; k < nd0; k++)
			if (d0[k].sentence == d1[i].sentence) {
				kept++;
				break;
			}
	}
	CHECK_INT(kept, nd0);
	CHECK_INT(fresh, added);
	CHECK_INT(right, fresh);
	{
		double *score = xmalloc((nn + 1) * sizeof(double));
		int *match = xmalloc((nn + 1) * sizeof(int));
		score_ids(ix, est_tr, nids, nn, score, match);
		size_t want = 0;
		for (size_t k = 0; k < nn; k++)
			want += match[k];
		CHECK_MSG(fresh == want, "%zu detections in the new calls, %zu matches", fresh, want);
		free(score);
		free(match);
	}
	store_detections_free(d0, nd0);
	store_detections_free(d1, nd1);
	store_tracker_free(before);
	free(nids);

	TEST("import: trackers that are not active get no detections from new calls");
	{
		struct store_tracker *all = NULL;
		size_t na = 0;
		must(store_trackers_list(W.st, &all, &na, err, sizeof(err)) == 0, "list");
		size_t wrong = 0;
		for (size_t i = 0; i < na; i++)
			wrong += !all[i].active && all[i].n_detections != 0;
		CHECK_INT(wrong, 0);
		store_trackers_free(all, na);
	}
}

/* Distinct calls among sentence ids. */
static size_t calls_of(const int64_t *ids, size_t n)
{
	uint8_t *seen = xcalloc(W.n_calls + 1, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!seen[W.s[ids[i]].call]++)
			k++;
	free(seen);
	return k;
}

static int detected_in(const struct store_detection *d, size_t n, int64_t sentence)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].sentence == sentence)
			return 1;
	return 0;
}

/* Training more or editing an active tracker waits as a draft until published. */
static void test_publish(struct learn_index *ix, int64_t est_tr)
{
	size_t n, count;
	int64_t *ids;
	struct store_tracker *t = tracker_get(est_tr);
	int live_version = t->latest_version;
	store_tracker_free(t);
	struct store_detection *d0 = NULL;
	size_t nd0 = 0;
	must(store_detections_list(W.st, est_tr, &d0, &nd0, err, sizeof(err)) == 0, "detections");

	TEST("publish: training more after activation makes a draft; the live detections stay");
	int version = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK(store_example_add(W.st, est_tr, "Can you give us a better price if we sign today?", NULL,
				err, sizeof(err)) == 0);
	/* And two that are not the concept, as an admin may add by mistake: the draft then
	 * detects more than it should, what comparing it before publishing shows. */
	CHECK(store_example_add(W.st, est_tr, "Is the price per seat or per account?", NULL,
				err, sizeof(err)) == 0);
	CHECK(store_example_add(W.st, est_tr, "What does the enterprise plan cost?", NULL,
				err, sizeof(err)) == 0);
	CHECK(learn_train(W.st, ix, est_tr, NULL, NULL, NULL, &version, err, sizeof(err)) >= 0);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	CHECK(version > live_version);
	t = tracker_get(est_tr);
	CHECK(learn_has_draft(t));
	CHECK_STR(learn_state_name(t), "active, unpublished changes");
	CHECK(t->live_model != t->latest_model);
	store_tracker_free(t);
	struct store_detection *d1 = NULL;
	size_t nd1 = 0;
	must(store_detections_list(W.st, est_tr, &d1, &nd1, err, sizeof(err)) == 0, "detections");
	CHECK_INT(nd1, nd0);
	size_t same = 0;
	for (size_t i = 0; i < nd1 && i < nd0; i++)
		same += d1[i].sentence == d0[i].sentence && d1[i].model_version == live_version;
	CHECK_INT(same, nd0);
	store_detections_free(d1, nd1);

	TEST("compare: a draft model against the live detections on the same calls, before publishing");
	size_t draft_matches = 0;
	{
		struct learn_compare *c = NULL;
		CHECK_MSG(learn_compare(W.st, ix, est_tr, &c, err, sizeof(err)) == 0, "%s", err);
		ids = window_ids(&est_spec, T_ACTIVATE, 6, &n);
		double *score = xmalloc((n + 1) * sizeof(double));
		int *match = xmalloc((n + 1) * sizeof(int));
		score_ids(ix, est_tr, ids, n, score, match);	/* the newest model: the draft */
		size_t live = 0, both = 0, gained = 0, lost = 0;
		for (size_t i = 0; i < n; i++) {
			int a = detected_in(d0, nd0, ids[i]), b = match[i];
			live += a;
			draft_matches += b;
			both += a && b;
			gained += b && !a;
			lost += a && !b;
		}
		CHECK(c && c->model_changed && !c->settings_changed);
		CHECK_INT(c->live_version, live_version);
		CHECK_INT(c->draft_version, version);
		CHECK_INT(c->live_calls, calls_of(ids, n));
		CHECK_INT(c->draft_calls, c->live_calls);
		CHECK_INT(c->calls, c->live_calls);
		CHECK(c->calls_added == 0 && c->calls_removed == 0);
		CHECK_INT(c->sentences, n);
		CHECK_INT(c->live_detections, live);
		CHECK_INT(c->live_total, nd0);
		CHECK_INT(c->draft_detections, draft_matches);
		CHECK_INT(c->draft_total, draft_matches);
		CHECK_INT(c->both, both);
		CHECK_INT(c->only_draft, gained);
		CHECK_INT(c->only_live, lost);
		CHECK(gained > 0);
		/* As many shown each way as there are distinct texts, up to the limit. */
		size_t gained_texts = 0, lost_texts = 0;
		for (size_t i = 0; i < n; i++) {
			int a = detected_in(d0, nd0, ids[i]), b = match[i];
			if (a == b)
				continue;
			int first = 1;
			for (size_t k = 0; k < i && first; k++)
				first = !(match[k] == b && detected_in(d0, nd0, ids[k]) == a &&
					  !strcasecmp(W.s[ids[k]].text, W.s[ids[i]].text));
			if (first && b)
				gained_texts++;
			else if (first)
				lost_texts++;
		}
		CHECK_INT(c->n_gained, gained_texts < LEARN_COMPARE_SAMPLES ? gained_texts : LEARN_COMPARE_SAMPLES);
		CHECK_INT(c->n_lost, lost_texts < LEARN_COMPARE_SAMPLES ? lost_texts : LEARN_COMPARE_SAMPLES);
		for (size_t i = 0; i < c->n_gained; i++) {
			size_t k = 0;
			while (k < n && ids[k] != c->gained[i].sentence)
				k++;
			CHECK_MSG(k < n && match[k] && !detected_in(d0, nd0, ids[k]),
				  "sentence %lld shown as gained", (long long)c->gained[i].sentence);
			CHECK_STR(c->gained[i].text, W.s[c->gained[i].sentence].text);
		}
		for (size_t i = 0; i < c->n_lost; i++) {
			size_t k = 0;
			while (k < n && ids[k] != c->lost[i].sentence)
				k++;
			CHECK_MSG(k < n && !match[k] && detected_in(d0, nd0, ids[k]),
				  "sentence %lld shown as lost", (long long)c->lost[i].sentence);
		}
		CHECK(c->draft_precision == c->draft_precision && c->live_precision == c->live_precision);
		free(score);
		free(match);
		free(ids);
		learn_compare_free(c);
	}
	store_detections_free(d0, nd0);

	TEST("model: refitted from what it was trained on (as when the word vectors are trained "
	     "again), the live model is itself, not one with the draft's examples");
	{
		t = tracker_get(est_tr);
		struct store_model *row = NULL;
		must(store_model_get(W.st, t->live_model, &row, err, sizeof(err)) == 0, "live model");
		struct lmodel *stored = model_load(row->blob, row->blob_len);
		cJSON *rep = cJSON_Parse(row->report);
		const cJSON *recipe = cJSON_GetObjectItemCaseSensitive(rep, "recipe");
		CHECK(cJSON_IsObject(recipe));
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(recipe, "tags")), row->n_tags);
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(recipe, "examples")),
			  t->n_examples - 3);	/* the three added since are the draft's */
		struct lmodel *refit = trainer_refit(ix, recipe, err, sizeof(err));
		CHECK_MSG(refit != NULL, "%s", err);
		size_t differ = 0, n_cmp = 0;
		for (int64_t id = 1; refit && stored && id <= ix->max_id; id += 7) {
			if (!ix->alive[id])
				continue;
			struct feats f = {0};
			feats_of_sentence(ix, id, &f);
			differ += fabs(model_logit(refit, &f) - model_logit(stored, &f)) > 1e-4;
			n_cmp++;
			feats_free(&f);
		}
		CHECK(n_cmp > 100);
		CHECK_MSG(differ == 0, "%zu of %zu sentences score differently", differ, n_cmp);
		lmodel_free(refit);
		lmodel_free(stored);
		cJSON_Delete(rep);
		store_model_free(row);
		store_tracker_free(t);
	}

	TEST("publish: makes the draft model live and scores the calls again with it");
	size_t made = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_publish(W.st, ix, est_tr, NULL, NULL, NULL, &made, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	t = tracker_get(est_tr);
	CHECK(!learn_has_draft(t));
	CHECK_STR(learn_state_name(t), "active");
	CHECK(t->live_model == t->latest_model);
	store_tracker_free(t);
	ids = window_ids(&est_spec, T_ACTIVATE, 6, &n);
	check_detections(ix, est_tr, ids, n, version, &count);
	CHECK_INT(count, made);
	CHECK_INT(made, draft_matches);
	free(ids);

	TEST("publish: with nothing unpublished, or on a tracker not active, it is refused");
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	err[0] = 0;
	CHECK(learn_publish(W.st, ix, est_tr, NULL, NULL, NULL, NULL, err, sizeof(err)) < 0);
	CHECK_HAS(err, "no unpublished changes");
	store_rollback(W.st);
	{
		const struct tspec s = {"never active", STORE_BY_ANY, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		int64_t tr = make_tracker(&s, 5, 0);
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		err[0] = 0;
		CHECK(learn_publish(W.st, ix, tr, NULL, NULL, NULL, NULL, err, sizeof(err)) < 0);
		CHECK_HAS(err, "not active");
		store_rollback(W.st);

		TEST("compare: refused with nothing unpublished, or on a tracker not active, saying so");
		struct learn_compare *c = NULL;
		err[0] = 0;
		CHECK(learn_compare(W.st, ix, est_tr, &c, err, sizeof(err)) < 0 && !c);
		CHECK_HAS(err, "no unpublished changes");
		err[0] = 0;
		CHECK(learn_compare(W.st, ix, tr, &c, err, sizeof(err)) < 0 && !c);
		CHECK_HAS(err, "not active");
	}

	TEST("publish: edited filters of an active tracker are a draft until published, then rule the detections");
	struct tspec east = est_spec;
	east.filters[0] = "team=East";
	struct store_settings s;
	struct store_kv kv[4];
	char buf[4][64];
	settings_of(&east, &s, kv, buf);
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK(store_tracker_set_settings(W.st, est_tr, &s, 1, err, sizeof(err)) == 0);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	t = tracker_get(est_tr);
	CHECK(learn_has_draft(t));
	CHECK_STR(learn_state_name(t), "active, unpublished changes");
	CHECK_INT(t->live.n_filters, 0);
	size_t before = (size_t)t->n_detections;
	store_tracker_free(t);
	CHECK_INT(before, count);
	struct learn_compare *cmp = NULL;
	CHECK_MSG(learn_compare(W.st, ix, est_tr, &cmp, err, sizeof(err)) == 0, "%s", err);
	made = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_publish(W.st, ix, est_tr, NULL, NULL, NULL, &made, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	t = tracker_get(est_tr);
	CHECK(!learn_has_draft(t) && !t->has_draft_settings);
	CHECK(t->live.n_filters == 1 && !strcmp(t->live.filters[0].value, "East"));
	version = t->latest_version;
	store_tracker_free(t);
	ids = window_ids(&east, T_ACTIVATE, 6, &n);
	check_detections(ix, est_tr, ids, n, version, &count);
	CHECK(count < before);

	TEST("compare: edited filters are compared on the calls both settings cover; the draft's "
	     "total is what publishing then stores");
	if (cmp) {
		size_t all_n;
		int64_t *all = window_ids(&est_spec, T_ACTIVATE, 6, &all_n);
		CHECK(cmp->settings_changed && !cmp->model_changed);
		CHECK_INT(cmp->live_version, cmp->draft_version);
		CHECK_INT(cmp->live_calls, calls_of(all, all_n));
		CHECK_INT(cmp->draft_calls, calls_of(ids, n));
		CHECK_INT(cmp->calls, cmp->draft_calls);
		CHECK_INT(cmp->calls_removed, cmp->live_calls - cmp->draft_calls);
		CHECK_INT(cmp->calls_added, 0);
		CHECK_INT(cmp->sentences, n);
		CHECK_INT(cmp->live_total, before);
		CHECK_INT(cmp->draft_total, count);
		/* The same model on the same sentences: nothing changes but the calls. */
		CHECK(cmp->only_draft == 0 && cmp->only_live == 0);
		CHECK_INT(cmp->both, count);
		free(all);
	}
	learn_compare_free(cmp);
	free(ids);

	/* Back to every team for what follows. */
	settings_of(&est_spec, &s, kv, buf);
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	must(store_tracker_set_settings(W.st, est_tr, &s, 1, err, sizeof(err)) == 0, "settings");
	must(learn_publish(W.st, ix, est_tr, NULL, NULL, NULL, NULL, err, sizeof(err)) == 0, "publish");
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
}

/* Sentences indexed before an update must still score through the fast scorer as their
 * features do: activation and publishing use the one, `score` the other. */
static void test_after_import(struct learn_index *ix, int64_t est_tr)
{
	TEST("scorer: after new calls are indexed, older sentences still score as their features do");
	struct tdata d;
	must(tdata_load(W.st, ix, est_tr, &d, err, sizeof(err)) == 0, "tdata");
	struct lmodel *m = trainer_fit(ix, &d, NULL, err, sizeof(err));
	must(m != NULL, "fit");
	check_scorer(ix, m);
	lmodel_free(m);
	tdata_free(&d);

	TEST("publish: after new calls are imported, the detections are still what `score` matches");
	int version = 0;
	size_t made = 0, count = 0, nw;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	must(store_example_add(W.st, est_tr, "Would you consider a lower price for a longer contract?",
			       NULL, err, sizeof(err)) == 0, "example");
	must(learn_train(W.st, ix, est_tr, NULL, NULL, NULL, &version, err, sizeof(err)) >= 0, "train");
	CHECK_MSG(learn_publish(W.st, ix, est_tr, NULL, NULL, NULL, &made, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	int64_t *ids = window_ids(&est_spec, T_ACTIVATE, 6, &nw);
	check_detections(ix, est_tr, ids, nw, version, &count);
	CHECK_INT(count, made);
	free(ids);
}

/* The most trackers active at once, and what happens at the limit. */
static void test_limit(struct learn_index *ix, int64_t model_of)
{
	TEST("activate: 100 trackers may be active; the 101st is refused with that reason");
	set_now(T_LATER + 100);
	struct store_model *src = NULL;
	must(store_model_latest(W.st, model_of, &src, err, sizeof(err)) == 0, "model");
	struct store_tracker *all = NULL;
	size_t na = 0;
	must(store_trackers_list(W.st, &all, &na, err, sizeof(err)) == 0, "list");
	int active = 0;
	for (size_t i = 0; i < na; i++)
		active += all[i].active != 0;
	store_trackers_free(all, na);
	int64_t last = 0, extra = 0;
	int refused_early = 0;
	for (int i = 0; active < LEARN_MAX_ACTIVE + 1; i++) {
		char name[32];
		snprintf(name, sizeof(name), "limit %d", i);
		const struct tspec s = {name, STORE_BY_CUSTOMER, STORE_SCOPE_EXTERNAL, 0, 0, {0}};
		int64_t tr = make_tracker(&s, 0, 0);
		struct store_model row = *src;
		row.tracker = tr;
		row.report = src->report;
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		must(store_model_put(W.st, &row, err, sizeof(err)) == 0, "model put");
		must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
		if (active == LEARN_MAX_ACTIVE) {
			extra = tr;
			break;
		}
		must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
		if (learn_activate(W.st, ix, tr, 0, NULL, NULL, NULL, NULL, err, sizeof(err)) < 0) {
			store_rollback(W.st);
			refused_early = active;
			break;
		}
		must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
		active++;
		last = tr;
	}
	store_model_free(src);
	CHECK_MSG(!refused_early, "refused with %d active: %s", refused_early, err);
	CHECK(extra > 0);
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	err[0] = 0;
	CHECK(learn_activate(W.st, ix, extra, 12, NULL, NULL, NULL, NULL, err, sizeof(err)) < 0);
	store_rollback(W.st);
	CHECK_HAS(err, "100");
	CHECK_HAS(err, "active");
	/* there is no deactivating: it names what there is */
	CHECK_MSG(!contains(err, "deactivate"), "\"%s\" names an operation that does not exist", err);
	CHECK_HAS(err, "delete one");
	struct store_tracker *t = tracker_get(extra);
	CHECK(!t->active && t->n_detections == 0);
	store_tracker_free(t);

	TEST("activate: at the limit, an active tracker can be activated again");
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(learn_activate(W.st, ix, last, 0, NULL, NULL, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");

	TEST("activate: once one is deactivated, the 101st may be activated");
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK(store_tracker_set_active(W.st, last, 0, 0, err, sizeof(err)) == 0);
	CHECK_MSG(learn_activate(W.st, ix, extra, 0, NULL, NULL, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	t = tracker_get(extra);
	CHECK(t->active);
	store_tracker_free(t);
}

/* ------------------------------------------------------------------ drift */

/* A binomial draw from a fixed generator, so the series are the same every run. */
static int64_t drift_draw(uint64_t *state, int64_t n, double p)
{
	int64_t k = 0;
	for (int64_t i = 0; i < n; i++) {
		/* splitmix64 */
		uint64_t x = (*state += 0x9E3779B97F4A7C15ULL);
		x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
		x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
		x ^= x >> 31;
		if ((double)(x >> 11) / 9007199254740992.0 < p)
			k++;
	}
	return k;
}

static void test_drift(void)
{
	struct learn_week w[60];
	int moved[60];
	double z[60];

	TEST("drift: a jump from 20% to 50% is marked up in the week it happens");
	for (int i = 0; i < 12; i++)
		w[i] = (struct learn_week){40, i < 10 ? 8 : 20};
	learn_drift(w, 12, moved, z);
	for (int i = 0; i < 10; i++)
		CHECK_MSG(moved[i] == LEARN_DRIFT_NONE, "week %d z %.2f", i, z[i]);
	CHECK_MSG(moved[10] == LEARN_DRIFT_UP, "z %.2f", z[10]);
	CHECK_STR(learn_drift_name(moved[10]), "up");

	TEST("drift: a fall from 40% to 10% is marked down");
	for (int i = 0; i < 12; i++)
		w[i] = (struct learn_week){50, i < 9 ? 20 : 5};
	learn_drift(w, 12, moved, z);
	CHECK_MSG(moved[9] == LEARN_DRIFT_DOWN, "z %.2f", z[9]);
	CHECK_STR(learn_drift_name(moved[9]), "down");
	CHECK(learn_drift_name(LEARN_DRIFT_NONE) == NULL);
	for (int i = 0; i < 9; i++)
		CHECK(moved[i] == LEARN_DRIFT_NONE);

	TEST("drift: the baseline is the 8 weeks before, so an old level is forgotten");
	/* 8 weeks at 50% after 10 at 20%: the week after them, still at 50%, has not moved */
	for (int i = 0; i < 19; i++)
		w[i] = (struct learn_week){40, i < 10 ? 8 : 20};
	learn_drift(w, 19, moved, z);
	CHECK(moved[10] == LEARN_DRIFT_UP);
	CHECK_MSG(moved[18] == LEARN_DRIFT_NONE, "z %.2f", z[18]);

	TEST("drift: weeks with too few calls, or too thin a baseline, are never marked");
	for (int i = 0; i < 12; i++)
		w[i] = (struct learn_week){40, 4};
	w[11] = (struct learn_week){LEARN_DRIFT_MIN_WEEK - 1, LEARN_DRIFT_MIN_WEEK - 1};
	learn_drift(w, 12, moved, z);
	CHECK(moved[11] == LEARN_DRIFT_NONE);
	CHECK(z[11] == 0);
	w[0] = (struct learn_week){LEARN_DRIFT_MIN_BASELINE - 1, 1};
	w[1] = (struct learn_week){40, 40};
	learn_drift(w, 2, moved, z);
	CHECK(moved[1] == LEARN_DRIFT_NONE);
	learn_drift(w, 0, moved, NULL);	/* no weeks: nothing to do */

	TEST("drift: a rate of 0% throughout has nothing to compare");
	for (int i = 0; i < 10; i++)
		w[i] = (struct learn_week){30, 0};
	learn_drift(w, 10, moved, NULL);
	for (int i = 0; i < 10; i++)
		CHECK(moved[i] == LEARN_DRIFT_NONE);

	TEST("drift: a stable noisy series (30% of 15 to 60 calls a week) is not marked");
	uint64_t state = 42;
	for (int i = 0; i < 52; i++) {
		int64_t n = 15 + drift_draw(&state, 45, 0.5) * 2;
		w[i] = (struct learn_week){n, drift_draw(&state, n, 0.3)};
	}
	learn_drift(w, 52, moved, z);
	for (int i = 0; i < 52; i++)
		CHECK_MSG(moved[i] == LEARN_DRIFT_NONE, "week %d: %lld of %lld, z %.2f", i,
			  (long long)w[i].calls_detected, (long long)w[i].calls, z[i]);

	TEST("drift: over 100 stable series, about as few weeks marked as chance allows");
	int marked = 0, weeks = 0;
	for (uint64_t seed = 1; seed <= 100; seed++) {
		state = seed;
		double p = 0.05 + 0.5 * (double)(seed % 10) / 10;
		for (int i = 0; i < 52; i++) {
			int64_t n = 10 + drift_draw(&state, 60, 0.5);
			w[i] = (struct learn_week){n, drift_draw(&state, n, p)};
		}
		learn_drift(w, 52, moved, NULL);
		for (int i = 0; i < 52; i++, weeks++)
			marked += moved[i] != LEARN_DRIFT_NONE;
	}
	CHECK_MSG(marked * 100 <= weeks, "%d of %d weeks marked", marked, weeks);
}

/* ------------------------------------------------------------------ main */

/* The recipe's tags whose sentences are not in the index now. */
static size_t recipe_gone(const struct learn_index *ix, const cJSON *recipe, int64_t *first)
{
	size_t gone = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(recipe, "tags")) {
		int64_t id = (int64_t)cJSON_GetArrayItem(x, 0)->valuedouble;
		if (first && !*first)
			*first = id;
		gone += id < 1 || id > ix->max_id || !ix->alive[id];
	}
	return gone;
}

static void test_replaced(struct learn_index **ixp, int64_t est_tr)
{
	TEST("model: a call imported again keeps what the live model was trained on, as it keeps "
	     "the tags: its recipe leads to the new call's sentences");
	struct store_tracker *t = tracker_get(est_tr);
	struct store_model *row = NULL;
	must(store_model_get(W.st, t->live_model, &row, err, sizeof(err)) == 0, "live model");
	cJSON *rep = cJSON_Parse(row->report);
	cJSON *recipe = cJSON_GetObjectItemCaseSensitive(rep, "recipe");
	int64_t s0 = 0;
	CHECK_INT(recipe_gone(*ixp, recipe, &s0), 0);
	must(s0 > 0, "a tag in the recipe");

	/* the call of that tag, imported again as it is */
	struct store_call *c = NULL;
	struct store_sentence *ss = NULL;
	size_t ns = 0;
	must(store_call_get_id(W.st, (*ixp)->call[s0], &c, err, sizeof(err)) == 0, "call");
	must(store_call_sentences(W.st, c->id, &ss, &ns, err, sizeof(err)) == 0, "sentences");
	struct store_party_in *pin = xcalloc(ns + 1, sizeof(*pin));
	struct store_sentence_in *sin = xcalloc(ns + 1, sizeof(*sin));
	size_t np = 0;
	for (size_t i = 0; i < ns; i++) {
		size_t p = 0;
		while (p < np && strcmp(pin[p].name, ss[i].speaker))
			p++;
		if (p == np)
			pin[np++] = (struct store_party_in){ss[i].speaker, ss[i].speaker, ss[i].side, 0};
		sin[i] = (struct store_sentence_in){(int)p, ss[i].utt, ss[i].start_ms, ss[i].end_ms,
						    ss[i].text};
	}
	struct store_call_in in = {
		.ext_id = c->ext_id, .title = c->title, .started = c->started,
		.started_unix = c->started_unix, .duration_ms = c->duration_ms, .scope = c->scope,
		.language = c->language, .meta = c->meta, .n_meta = c->n_meta, .parties = pin,
		.n_parties = np, .sentences = sin, .n_sentences = ns,
	};
	int replaced = 0;
	int64_t kept = 0, dropped = 0;
	must(store_begin(W.st, err, sizeof(err)) == 0, "begin");
	CHECK_MSG(store_call_put(W.st, &in, NULL, NULL, &replaced, err, sizeof(err)) == 0, "%s", err);
	must(store_commit(W.st, err, sizeof(err)) == 0, "commit");
	store_call_put_carried(W.st, &kept, &dropped);
	CHECK_INT(replaced, 1);
	CHECK(kept > 0);
	CHECK_INT(dropped, 0);
	learn_index_free(*ixp);
	*ixp = load_index();

	size_t gone = recipe_gone(*ixp, recipe, NULL);
	CHECK(gone > 0);
	CHECK_MSG(trainer_recipe_follow(W.st, *ixp, recipe, err, sizeof(err)) == 0, "%s", err);
	CHECK_INT(recipe_gone(*ixp, recipe, NULL), 0);
	/* each now names a sentence of the same text */
	int64_t now = (int64_t)cJSON_GetArrayItem(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(recipe, "tags"), 0), 0)->valuedouble;
	CHECK(now != s0);
	struct store_sentence *a = NULL;
	size_t na = 0;
	must(store_call_sentences(W.st, (*ixp)->call[now], &a, &na, err, sizeof(err)) == 0, "new");
	const char *was = NULL, *is = NULL;
	for (size_t i = 0; i < ns; i++)
		if (ss[i].id == s0)
			was = ss[i].text;
	for (size_t i = 0; i < na; i++)
		if (a[i].id == now)
			is = a[i].text;
	CHECK(was && is && !strcmp(was, is));
	store_sentences_free(a, na);
	free(pin);
	free(sin);
	store_sentences_free(ss, ns);
	store_calls_free(c, 1);
	cJSON_Delete(rep);
	store_model_free(row);
	store_tracker_free(t);
}

int main(void)
{
	test_tmp_setup("test_learn");
	set_now(T_IMPORT);
	char path[4200];
	snprintf(path, sizeof(path), "%s/w.db", test_tmpdir);
	must(store_open(path, &W.st, err, sizeof(err)) == 0, "open");
	gen_calls(90, 1, T_IMPORT - DAY_S, 0.05, 1, 0);
	gen_calls(90, 2, T_IMPORT - DAY_S, 0.05, 1001, 1);
	struct learn_index *ix = load_index();

	test_drift();
	test_vectors();
	test_sampler(ix);
	int64_t est = test_estimates(ix, 1);
	for (uint64_t seed = 3; seed < 3 + 2 * (EST_WORLDS - 1); seed += 2)
		estimate_world(seed);
	test_estimate_accuracy();
	test_model(ix, est);
	test_long_text(ix);
	int64_t uns = test_unsure(ix);
	test_activation(ix, est, uns);
	test_publish(ix, est);
	test_import(&ix, est, uns);
	test_after_import(ix, est);
	test_limit(ix, est);
	test_replaced(&ix, est);

	learn_index_free(ix);
	store_close(W.st);
	world_free();
	test_tmp_cleanup();
	return test_report("test_learn");
}
