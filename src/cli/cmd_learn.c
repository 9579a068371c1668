/* Training commands: round, tag, train, overview, score, activate, publish, results,
 * rates, export, import-tracker. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ingest.h"
#include "learn.h"
#include "opts.h"
#include "text.h"
#include "xmalloc.h"

void cli_print_json(cJSON *j);
cJSON *cli_tracker_json(const struct store_tracker *t);

static void progress(void *ctx, const char *stage, double fraction)
{
	(void)ctx;
	if (!isatty(2))
		return;
	fprintf(stderr, "\r%-40s %3.0f%%", stage, fraction * 100);
	if (fraction >= 1.0)
		fputs("\r\033[K", stderr);
}

/* Opens the workspace and its index; prints why not and returns NULL. */
static struct learn_index *open_index(struct cli *c)
{
	char err[1024];
	struct learn_index *ix;
	if (!cli_store(c))
		return NULL;
	if (learn_index_load(c->st, &ix, progress, NULL, NULL, err, sizeof(err)) < 0) {
		cli_fail("%s", err);
		return NULL;
	}
	return ix;
}

/* Parses "TRACKER" plus options; returns 0 and the id, or an exit code. */
static int one_tracker(struct cli *c, int argc, char **argv, struct opt *spec, long long *id,
		       char ***rest, int *nrest)
{
	char **pos;
	int npos;
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos < 1 || (!rest && npos != 1)) {
		int rc = npos < 1 ? cli_usage_error(c, "name a tracker")
				  : cli_usage_error(c, "unexpected argument '%s'", pos[1]);
		free(pos);
		return rc;
	}
	if (cli_tracker_ref(c, pos[0], id) < 0) {
		free(pos);
		return CLI_FAIL;
	}
	if (rest) {
		*rest = pos;
		*nrest = npos;
	} else {
		free(pos);
	}
	return 0;
}

static void add_num(cJSON *o, const char *k, double v)
{
	if (isnan(v) || isinf(v))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, v);
}

static cJSON *pair(double a, double b)
{
	if (isnan(a) || isnan(b))
		return cJSON_CreateNull();
	cJSON *x = cJSON_CreateArray();
	cJSON_AddItemToArray(x, cJSON_CreateNumber(a));
	cJSON_AddItemToArray(x, cJSON_CreateNumber(b));
	return x;
}

static int commit_or_fail(struct cli *c)
{
	char err[1024];
	if (store_commit(c->st, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	return CLI_OK;
}

/* ------------------------------------------------------------------ round */

static int run_round(struct cli *c, int argc, char **argv)
{
	int json = 0, rc;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct store_round *r = NULL;
	if (store_readonly(c->st)) {
		/* the open round can be shown; a new one cannot be made */
		int got = store_round_latest(c->st, id, &r, err, sizeof(err));
		if (got < 0)
			return cli_fail("%s", err);
		if (got > 0 || r->completed) {
			store_round_free(r);
			store_writable(c->st, err, sizeof(err));
			return cli_fail("%s", err);
		}
	} else {
		struct learn_index *ix = open_index(c);
		if (!ix)
			return CLI_FAIL;
		int built;
		if (store_begin(c->st, err, sizeof(err)) < 0 ||
		    learn_round(c->st, ix, id, &r, &built, err, sizeof(err)) < 0) {
			learn_index_free(ix);
			return cli_fail("%s", err);
		}
		learn_index_free(ix);
		if ((rc = commit_or_fail(c))) {
			store_round_free(r);
			return rc;
		}
	}
	cJSON *o = cJSON_CreateObject(), *items = cJSON_CreateArray();
	cJSON_AddNumberToObject(o, "tracker", (double)id);
	cJSON_AddNumberToObject(o, "round", r->number);
	size_t tagged = 0;
	for (size_t i = 0; i < r->n_items; i++) {
		struct store_sentence *s;
		size_t n, t;
		if (store_sentence_context(c->st, r->items[i].sentence, 2, 2, &s, &n, &t, err,
					   sizeof(err)) != 0)
			continue;
		struct store_call *k = NULL;
		store_call_get_id(c->st, s[t].call, &k, err, sizeof(err));
		cJSON *x = cJSON_CreateObject(), *before = cJSON_CreateArray(), *after = cJSON_CreateArray();
		cJSON_AddNumberToObject(x, "sentence", (double)s[t].id);
		cJSON_AddStringToObject(x, "text", s[t].text);
		for (size_t j = 0; j < t; j++)
			cJSON_AddItemToArray(before, cJSON_CreateString(s[j].text));
		for (size_t j = t + 1; j < n; j++)
			cJSON_AddItemToArray(after, cJSON_CreateString(s[j].text));
		cJSON_AddItemToObject(x, "before", before);
		cJSON_AddItemToObject(x, "after", after);
		cJSON_AddStringToObject(x, "call", k ? k->ext_id : "");
		cJSON_AddStringToObject(x, "speaker", s[t].speaker);
		cJSON_AddStringToObject(x, "affiliation", store_side_name(s[t].side));
		cJSON_AddNumberToObject(x, "start_ms", s[t].start_ms);
		cJSON_AddNumberToObject(x, "end_ms", s[t].end_ms);
		if (r->items[i].tag == STORE_TAG_NONE)
			cJSON_AddNullToObject(x, "tag");
		else
			cJSON_AddStringToObject(x, "tag", store_label_name(r->items[i].tag));
		tagged += r->items[i].tag != STORE_TAG_NONE;
		cJSON_AddItemToArray(items, x);
		if (!json) {
			char *who = cli_line(s[t].speaker);
			printf("%3zu. [%lld] %s%s\n     %s (%s), %s, %d:%02d\n", i + 1,
			       (long long)s[t].id, s[t].text,
			       r->items[i].tag == STORE_TAG_NONE ? "" :
			       r->items[i].tag == STORE_TAG_YES ? "  -> yes" :
			       r->items[i].tag == STORE_TAG_NO ? "  -> no" : "  -> unsure",
			       who, store_side_name(s[t].side), k ? k->ext_id : "",
			       s[t].start_ms / 60000, s[t].start_ms / 1000 % 60);
			free(who);
		}
		store_calls_free(k, k ? 1 : 0);
		store_sentences_free(s, n);
	}
	cJSON_AddItemToObject(o, "items", items);
	if (json)
		cli_print_json(o);
	else {
		cJSON_Delete(o);
		printf("round %d: %zu of %zu tagged; tag with `tracker tag %lld SENTENCE yes|no|unsure`\n",
		       r->number, tagged, r->n_items, id);
	}
	store_round_free(r);
	return CLI_OK;
}

const struct cli_command cli_cmd_round = {
	.name = "round",
	.run = run_round,
	.summary = "the open round of 25 sentences to tag (built if none is open)",
	.usage =
	"usage: tracker round TRACKER [--json]\n"
	"\n"
	"Shows the tracker's open round; when every item of the last round has a tag, builds\n"
	"the next one. Each item is a sentence of the tracker's calls with 2 sentences of\n"
	"context either side. Needs 5 examples. On a read-only workspace it shows the open\n"
	"round, if there is one.\n",
};

/* ------------------------------------------------------------------ tag */

struct tag_line {
	long long sentence;
	int label;
	int line;
};

static int parse_label(const char *s)
{
	int l = store_label_parse(s);
	if (l != STORE_TAG_NONE)
		return l;
	if (!strcmp(s, "y") || !strcmp(s, "YES") || !strcmp(s, "Yes"))
		return STORE_TAG_YES;
	if (!strcmp(s, "n") || !strcmp(s, "NO") || !strcmp(s, "No"))
		return STORE_TAG_NO;
	if (!strcmp(s, "u") || !strcmp(s, "not-sure") || !strcmp(s, "notsure"))
		return STORE_TAG_UNSURE;
	return STORE_TAG_NONE;
}

static int by_sentence_then_line(const void *a, const void *b)
{
	const struct tag_line *x = a, *y = b;
	if (x->sentence != y->sentence)
		return x->sentence < y->sentence ? -1 : 1;
	return x->line - y->line;
}

/* The sentence given twice whose second line comes first, as the pair (first line,
 * second line) in static storage; NULL when every sentence is given once. */
static const struct tag_line *repeated_sentence(const struct tag_line *tl, size_t n)
{
	static struct tag_line pair[2];
	struct tag_line *s = xmalloc((n ? n : 1) * sizeof(*s));
	int found = 0;
	memcpy(s, tl, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_sentence_then_line);
	for (size_t i = 1; i < n; i++) {
		int second = s[i].sentence == s[i - 1].sentence &&
			     (i == 1 || s[i - 2].sentence != s[i].sentence);
		if (second && (!found || s[i].line < pair[1].line)) {
			pair[0] = s[i - 1];
			pair[1] = s[i];
			found = 1;
		}
	}
	free(s);
	return found ? pair : NULL;
}

static int run_tag(struct cli *c, int argc, char **argv)
{
	const char *file = NULL;
	char **pos, err[1024];
	int npos, rc = CLI_OK;
	long long id;
	struct opt spec[] = {{"--file", OPT_STRING, &file}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, &pos, &npos)))
		return rc;
	struct tag_line *tl = NULL;
	size_t n = 0;
	char *content = NULL;
	if (file) {
		if (npos != 1) {
			free(pos);
			return cli_usage_error(c, "give SENTENCE LABEL or --file, not both");
		}
		content = cli_read_file(file, NULL);
		if (!content) {
			free(pos);
			return cli_fail("%s: %s", file, strerror(errno));
		}
		int ln = 0;
		/* a byte order mark is how some editors begin a UTF-8 file, not a tag */
		char *start = !strncmp(content, "\xEF\xBB\xBF", 3) ? content + 3 : content;
		for (char *p = start, *q; p && *p; p = q) {
			q = strchr(p, '\n');
			if (q)
				*q++ = '\0';
			ln++;
			char a[64], l[64], extra[8];
			int got = sscanf(p, "%63s %63s %7s", a, l, extra);
			if (got <= 0)
				continue;
			char *end;
			errno = 0;
			long long sid = strtoll(a, &end, 10);
			if (got != 2 || errno || *end || sid <= 0) {
				rc = cli_fail("%s:%d: want \"SENTENCE_ID LABEL\", got \"%s\"", file, ln, p);
				goto out;
			}
			int label = parse_label(l);
			if (label == STORE_TAG_NONE) {
				rc = cli_fail("%s:%d: label must be yes, no or unsure, not \"%s\"", file, ln, l);
				goto out;
			}
			tl = xrealloc(tl, (n + 1) * sizeof(*tl));
			tl[n++] = (struct tag_line){sid, label, ln};
		}
		/* one tag a sentence: a second line would overwrite the first unseen */
		const struct tag_line *dup = repeated_sentence(tl, n);
		if (dup) {
			rc = cli_fail("%s:%d: sentence %lld is tagged on line %d already", file,
				      dup[1].line, dup[1].sentence, dup[0].line);
			goto out;
		}
	} else {
		if (npos != 3) {
			free(pos);
			return cli_usage_error(c, "give SENTENCE_ID and yes, no or unsure");
		}
		char *end;
		errno = 0;
		long long sid = strtoll(pos[1], &end, 10);
		if (errno || *end || sid <= 0) {
			rc = cli_usage_error(c, "SENTENCE_ID must be a number, not '%s'", pos[1]);
			free(pos);
			return rc;
		}
		int label = parse_label(pos[2]);
		if (label == STORE_TAG_NONE) {
			rc = cli_usage_error(c, "label must be yes, no or unsure, not '%s'", pos[2]);
			free(pos);
			return rc;
		}
		tl = xmalloc(sizeof(*tl));
		tl[n++] = (struct tag_line){sid, label, 1};
	}
	struct learn_index *ix = open_index(c);
	if (!ix) {
		rc = CLI_FAIL;
		goto out;
	}
	size_t counts[3] = {0};
	int trained_version = 0, completed = 0;
	char untrained[1024] = "";
	if (store_begin(c->st, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		rc = cli_fail("%s", err);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct learn_tag_result res;
		if (learn_tag(c->st, ix, id, tl[i].sentence, tl[i].label, &res, err, sizeof(err)) < 0) {
			if (file)
				rc = cli_fail("%s:%d: %s", file, tl[i].line, err);
			else
				rc = cli_fail("%s", err);
			learn_index_free(ix);
			goto out;
		}
		counts[tl[i].label]++;
		completed |= res.round_completed;
		if (res.trained) {
			trained_version = res.model_version;
			untrained[0] = '\0';
		} else if (res.untrained) {
			snprintf(untrained, sizeof(untrained), "%s", err);
		}
	}
	learn_index_free(ix);
	if ((rc = commit_or_fail(c)))
		goto out;
	printf("tagged %zu sentence%s (%zu yes, %zu no, %zu unsure)", n, cli_s((long long)n),
	       counts[STORE_TAG_YES],
	       counts[STORE_TAG_NO], counts[STORE_TAG_UNSURE]);
	if (completed)
		printf("; the round is complete");
	if (trained_version)
		printf("; model version %d built", trained_version);
	putchar('\n');
	if (untrained[0])
		printf("no model built: %s\n", untrained);
out:
	free(tl);
	free(content);
	free(pos);
	return rc;
}

const struct cli_command cli_cmd_tag = {
	.name = "tag",
	.run = run_tag,
	.summary = "tag sentences yes, no or unsure",
	.usage =
	"usage: tracker tag TRACKER SENTENCE_ID yes|no|unsure\n"
	"       tracker tag TRACKER --file F       (lines \"SENTENCE_ID LABEL\"; - is stdin)\n"
	"\n"
	"Tags sentences for the tracker, all or none. When the tags complete a round from\n"
	"round 4 on, the model is rebuilt. NOT SURE tags are kept but not trained on.\n",
	.writes = 1,
};

/* ------------------------------------------------------------------ train */

static int run_train(struct cli *c, int argc, char **argv)
{
	long long id;
	char err[1024];
	int rc, version = 0;
	struct opt spec[] = {{NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct learn_index *ix = open_index(c);
	if (!ix)
		return CLI_FAIL;
	int kept = 0;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    (kept = learn_train(c->st, ix, id, progress, NULL, NULL, &version, err, sizeof(err))) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	learn_index_free(ix);
	if ((rc = commit_or_fail(c)))
		return rc;
	struct store_tracker *t;
	if (store_tracker_get(c->st, id, &t, err, sizeof(err)) == 0) {
		printf("model version %d%s", version, kept ? " is up to date (no example, tag or "
		       "setting changed since it was built)" : "");
		if (!isnan(t->latest_precision))
			printf(": estimated precision %.2f, hit rate %.2f", t->latest_precision,
			       t->latest_recall);
		putchar('\n');
		store_tracker_free(t);
	}
	return CLI_OK;
}

const struct cli_command cli_cmd_train = {
	.name = "train",
	.run = run_train,
	.summary = "rebuild the tracker's model from all tags now",
	.usage =
	"usage: tracker train TRACKER\n"
	"\n"
	"Builds a new model version from the examples and every YES/NO tag, with estimates\n"
	"from 10 held-out splits by call. Before round 4 the model is provisional.\n",
	.writes = 1,
};

/* ------------------------------------------------------------------ overview */

static cJSON *samples_json(const struct learn_sample *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "sentence", (double)v[i].sentence);
		cJSON_AddStringToObject(x, "text", v[i].text);
		cJSON_AddNumberToObject(x, "score", v[i].score);
		cJSON_AddItemToArray(a, x);
	}
	return a;
}

static int run_overview(struct cli *c, int argc, char **argv)
{
	int json = 0, rc;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct learn_index *ix = open_index(c);
	if (!ix)
		return CLI_FAIL;
	struct learn_overview *o;
	if (learn_overview_get(c->st, ix, id, &o, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	learn_index_free(ix);
	/* an active tracker's newer model is a draft, as the app's overview says */
	struct store_tracker *t;
	if (store_tracker_get(c->st, id, &t, err, sizeof(err)) < 0) {
		learn_overview_free(o);
		return cli_fail("%s", err);
	}
	int live = t->active ? t->live_version : 0;
	int draft = live && o->model_version && o->model_version != live;
	int draft_settings = t->active && t->has_draft_settings;
	store_tracker_free(t);
	if (json) {
		cJSON *j = cJSON_CreateObject(), *tags = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "tracker", (double)id);
		if (o->model_version)
			cJSON_AddNumberToObject(j, "model_version", o->model_version);
		else
			cJSON_AddNullToObject(j, "model_version");
		if (live)
			cJSON_AddNumberToObject(j, "live_model_version", live);
		else
			cJSON_AddNullToObject(j, "live_model_version");
		cJSON_AddBoolToObject(j, "draft", draft);
		cJSON_AddBoolToObject(j, "draft_settings", draft_settings);
		cJSON_AddBoolToObject(j, "provisional", o->provisional);
		cJSON_AddNumberToObject(j, "rounds", o->rounds);
		cJSON_AddNumberToObject(tags, "yes", (double)o->yes);
		cJSON_AddNumberToObject(tags, "no", (double)o->no);
		cJSON_AddNumberToObject(tags, "unsure", (double)o->unsure);
		cJSON_AddItemToObject(j, "tags", tags);
		cJSON_AddNumberToObject(j, "examples", (double)o->examples);
		if (o->model_version && o->model_yes >= 0) {
			cJSON *mt = cJSON_CreateObject();
			cJSON_AddNumberToObject(mt, "yes", (double)o->model_yes);
			cJSON_AddNumberToObject(mt, "no", (double)o->model_no);
			cJSON_AddItemToObject(j, "model_tags", mt);
		} else {
			cJSON_AddNullToObject(j, "model_tags");
		}
		add_num(j, "precision", o->precision);
		add_num(j, "recall", o->recall);
		cJSON_AddItemToObject(j, "precision_ci", pair(o->precision_lo, o->precision_hi));
		cJSON_AddItemToObject(j, "recall_ci", pair(o->recall_lo, o->recall_hi));
		if (o->estimate_note)
			cJSON_AddStringToObject(j, "estimate_note", o->estimate_note);
		else
			cJSON_AddNullToObject(j, "estimate_note");
		add_num(j, "threshold", o->threshold);
		cJSON_AddNumberToObject(j, "splits", o->splits);
		cJSON_AddNumberToObject(j, "held_out", (double)o->held_out);
		add_num(j, "detections", o->est_detections);
		cJSON_AddNumberToObject(j, "scope_sentences", (double)o->scope_sentences);
		cJSON *a = cJSON_CreateObject();
		cJSON_AddNumberToObject(a, "tagged", (double)o->audit_tagged);
		cJSON_AddNumberToObject(a, "yes", (double)o->audit_yes);
		cJSON_AddNumberToObject(a, "detected", (double)o->audit_detected);
		cJSON_AddNumberToObject(a, "detected_yes", (double)o->audit_detected_yes);
		add_num(a, "precision", o->audit_precision);
		add_num(a, "recall", o->audit_recall);
		cJSON_AddBoolToObject(a, "disagrees", o->audit_disagrees);
		if (o->audit_note)
			cJSON_AddStringToObject(a, "note", o->audit_note);
		cJSON_AddItemToObject(j, "audit", a);
		cJSON *s = cJSON_CreateObject();
		add_num(s, "change", o->change);
		cJSON_AddBoolToObject(s, "plateau", o->plateau);
		if (o->advice)
			cJSON_AddStringToObject(s, "advice", o->advice);
		cJSON_AddItemToObject(j, "stability", s);
		cJSON_AddItemToObject(j, "samples", samples_json(o->samples, o->n_samples));
		cli_print_json(j);
	} else if (!o->model_version) {
		printf("no model yet: %lld yes, %lld no, %lld unsure after %d round%s; the first "
		       "model is built after round %d\n", (long long)o->yes, (long long)o->no,
		       (long long)o->unsure, o->rounds, cli_s(o->rounds), LEARN_FIRST_MODEL_ROUND);
	} else {
		/* what the model was built from: tags and examples since then wait for the
		 * next version */
		long long my = o->model_yes >= 0 ? o->model_yes : o->yes;
		long long mn = o->model_no >= 0 ? o->model_no : o->no;
		long long me = o->model_examples >= 0 ? o->model_examples : o->examples;
		printf("model version %d%s, from %lld yes / %lld no tag%s and %lld example%s\n",
		       o->model_version, o->provisional ? " (provisional)" : "", my, mn,
		       cli_s(my + mn), me, cli_s(me));
		if (my != o->yes || mn != o->no || me != o->examples)
			printf("since then: %lld yes / %lld no tag%s and %lld example%s in all "
			       "(`tracker train %lld` builds a new version from them)\n",
			       (long long)o->yes, (long long)o->no, cli_s(o->yes + o->no),
			       (long long)o->examples, cli_s(o->examples), id);
		if (draft)
			printf("a draft, not published: model version %d is live (`tracker compare "
			       "%lld`, `tracker publish %lld`)\n", live, id, id);
		else if (draft_settings)
			printf("edited settings not published (`tracker compare %lld`, `tracker "
			       "publish %lld`)\n", id, id);
		if (!isnan(o->precision)) {
			printf("estimated precision %.0f%% (%.0f-%.0f%%), hit rate %.0f%% (%.0f-%.0f%%)\n",
			       o->precision * 100, o->precision_lo * 100, o->precision_hi * 100,
			       o->recall * 100, o->recall_lo * 100, o->recall_hi * 100);
			printf("of every 10 detections about %.0f are right; it finds about %.0f of every 10 "
			       "times the concept is said\n", o->precision * 10, o->recall * 10);
		} else {
			printf("%s\n", o->estimate_note ? o->estimate_note : "too few tags for estimates yet");
		}
		printf("it would detect %.0f of the %lld sentence%s in its calls\n", o->est_detections,
		       (long long)o->scope_sentences, cli_s(o->scope_sentences));
		if (o->audit_note)
			printf("%s\n", o->audit_note);
		if (o->advice)
			printf("%s\n", o->advice);
		printf("\n%zu sentence%s it would surface:\n", o->n_samples,
		       cli_s((long long)o->n_samples));
		for (size_t i = 0; i < o->n_samples; i++)
			printf("  %.2f  [%lld] %s\n", o->samples[i].score, (long long)o->samples[i].sentence,
			       o->samples[i].text);
	}
	learn_overview_free(o);
	return CLI_OK;
}

const struct cli_command cli_cmd_overview = {
	.name = "overview",
	.run = run_overview,
	.summary = "estimated precision and hit rate, and 20 sentences it would surface",
	.usage =
	"usage: tracker overview TRACKER [--json]\n"
	"\n"
	"The performance overview: precision and hit rate estimated on calls the model has\n"
	"not seen (10 repeated 90/10 splits by call, tags weighted by how they were sampled)\n"
	"with ranges, the audit sample's check, whether more rounds are likely to help, and\n"
	"20 sentences the model would detect, spread over calls.\n",
};

/* ------------------------------------------------------------------ score */

static int run_score(struct cli *c, int argc, char **argv)
{
	int json = 0, rc;
	const char *file = NULL;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {"--file", OPT_STRING, &file},
			     {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	FILE *f = !file || !strcmp(file, "-") ? stdin : fopen(file, "r");
	if (!f)
		return cli_fail("%s: %s", file, strerror(errno));
	char **lines = NULL, *line = NULL;
	size_t n = 0, cap = 0, lcap = 0, nul_line = 0;
	ssize_t len;
	errno = 0;
	while ((len = getline(&line, &lcap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!nul_line && memchr(line, '\0', (size_t)len))
			nul_line = n + 1;	/* the text would end there unseen */
		/* a byte order mark is how some editors begin a UTF-8 file, not text */
		size_t skip = n == 0 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3) ? 3 : 0;
		xgrow(&lines, &cap, n + 1, sizeof(char *));
		lines[n++] = xstrdup(line + skip);
	}
	/* a directory, a read error: not an empty input */
	int read_errno = ferror(f) ? (errno ? errno : EIO) : 0;
	free(line);
	if (f != stdin)
		fclose(f);
	if (read_errno) {
		rc = cli_fail("%s: %s", file && strcmp(file, "-") ? file : "stdin", strerror(read_errno));
		goto out;
	}
	if (nul_line) {
		rc = cli_fail("%s:%zu: a NUL byte: not text", file && strcmp(file, "-") ? file : "stdin",
			      nul_line);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!ingest_utf8_valid(lines[i], strlen(lines[i]))) {
			rc = cli_fail("%s:%zu: invalid UTF-8", file && strcmp(file, "-") ? file : "stdin",
				      i + 1);
			goto out;
		}
	struct learn_index *ix = open_index(c);
	if (!ix) {
		rc = CLI_FAIL;
		goto out;
	}
	double *scores = xcalloc(n + 1, sizeof(double));
	int *match = xcalloc(n + 1, sizeof(int));
	if (learn_score_texts(c->st, ix, id, (const char *const *)lines, n, scores, match, err,
			      sizeof(err)) < 0) {
		rc = cli_fail("%s", err);
	} else if (json) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "text", lines[i]);
			cJSON_AddNumberToObject(x, "score", scores[i]);
			cJSON_AddBoolToObject(x, "match", match[i]);
			cJSON_AddItemToArray(a, x);
		}
		cli_print_json(a);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%.4f\t%s\t%s\n", scores[i], match[i] ? "match" : "-", lines[i]);
	}
	free(scores);
	free(match);
	learn_index_free(ix);
out:
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	return rc;
}

const struct cli_command cli_cmd_score = {
	.name = "score",
	.run = run_score,
	.summary = "score sentences, one a line, with the tracker's model",
	.usage =
	"usage: tracker score TRACKER [--file F] [--json]\n"
	"\n"
	"Scores each input line (stdin by default) as one text with the tracker's current\n"
	"model: a score from 0 to 1 and whether it matches at the model's threshold. One\n"
	"result per line, in order.\n",
};

/* ------------------------------------------------------------------ activate, publish */

static int run_activate(struct cli *c, int argc, char **argv)
{
	long months = LONG_MIN;	/* not given: 12 */
	int upcoming = 0, rc;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--backfill-months", OPT_INT, &months},
			     {"--upcoming-only", OPT_FLAG, &upcoming}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	if (upcoming && months != LONG_MIN)
		return cli_usage_error(c, "give --backfill-months N or --upcoming-only, not both");
	if (upcoming)
		months = 0;
	else if (months == LONG_MIN)
		months = 12;
	if (months < 0 || months > 120)
		return cli_usage_error(c, "--backfill-months must be 0 to 120");
	struct learn_index *ix = open_index(c);
	if (!ix)
		return CLI_FAIL;
	/* activating again would publish a draft unseen and score the past anew: an active
	 * tracker changes through publish, as in the app. Read in the transaction that
	 * activates, so that a second activate meanwhile is refused too. */
	struct store_tracker *t;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_tracker_get(c->st, id, &t, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	if (t->active) {
		learn_index_free(ix);
		if (learn_has_draft(t))
			cli_fail("tracker '%s' is active already, with unpublished changes: `tracker "
				 "compare %lld` shows them and `tracker publish %lld` makes them live",
				 t->live.name, id, id);
		else
			cli_fail("tracker '%s' is active already (model version %d, %lld detection%s; "
				 "`tracker results %lld` lists them)", t->live.name, t->live_version,
				 (long long)t->n_detections, cli_s(t->n_detections), id);
		store_tracker_free(t);
		return CLI_FAIL;
	}
	store_tracker_free(t);
	size_t n = 0;
	if (learn_activate(c->st, ix, id, (int)months, progress, NULL, NULL, &n, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	learn_index_free(ix);
	if ((rc = commit_or_fail(c)))
		return rc;
	if (months == 1)
		printf("active on upcoming calls and the past month: %zu detection%s\n", n,
		       cli_s((long long)n));
	else if (months)
		printf("active on upcoming calls and the past %ld months: %zu detection%s\n", months,
		       n, cli_s((long long)n));
	else
		printf("active on upcoming calls\n");
	return CLI_OK;
}

const struct cli_command cli_cmd_activate = {
	.name = "activate",
	.run = run_activate,
	.summary = "run the tracker on past and upcoming calls",
	.usage =
	"usage: tracker activate TRACKER [--backfill-months N | --upcoming-only]\n"
	"\n"
	"Publishes the tracker's model, scores the calls of the past N months (default 12)\n"
	"and stores the detections; calls imported later are scored as they come. At most\n"
	"100 trackers can be active. An active tracker changes through `tracker publish`.\n",
	.writes = 1,
};

static int run_publish(struct cli *c, int argc, char **argv)
{
	long long id;
	char err[1024];
	int rc;
	struct opt spec[] = {{NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct learn_index *ix = open_index(c);
	if (!ix)
		return CLI_FAIL;
	size_t n = 0;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    learn_publish(c->st, ix, id, progress, NULL, NULL, &n, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	learn_index_free(ix);
	if ((rc = commit_or_fail(c)))
		return rc;
	printf("published: %zu detection%s\n", n, cli_s((long long)n));
	return CLI_OK;
}

const struct cli_command cli_cmd_publish = {
	.name = "publish",
	.run = run_publish,
	.summary = "make an active tracker's draft model and settings live",
	.usage =
	"usage: tracker publish TRACKER\n"
	"\n"
	"After training more or editing an active tracker, its changes wait as a draft;\n"
	"publish makes them live and scores its calls again.\n",
	.writes = 1,
};

/* "model version 4 (precision 88%, hit rate 70%)" */
static void print_model(const char *who, int version, double p, double r)
{
	printf("%-6s model version %d", who, version);
	if (!isnan(p) && !isnan(r))
		printf(" (estimated precision %.0f%%, hit rate %.0f%%)", p * 100, r * 100);
	putchar('\n');
}

static int run_compare(struct cli *c, int argc, char **argv)
{
	int json = 0, rc;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct learn_index *ix = open_index(c);
	if (!ix)
		return CLI_FAIL;
	struct learn_compare *k;
	if (learn_compare(c->st, ix, id, &k, err, sizeof(err)) < 0) {
		learn_index_free(ix);
		return cli_fail("%s", err);
	}
	learn_index_free(ix);
	if (json) {
		cJSON *j = cJSON_CreateObject(), *live = cJSON_CreateObject(), *draft = cJSON_CreateObject();
		cJSON *calls = cJSON_CreateObject(), *same = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "tracker", (double)id);
		cJSON_AddNumberToObject(live, "model_version", k->live_version);
		add_num(live, "precision", k->live_precision);
		add_num(live, "recall", k->live_recall);
		cJSON_AddNumberToObject(live, "calls", (double)k->live_calls);
		cJSON_AddNumberToObject(live, "detections", (double)k->live_total);
		cJSON_AddItemToObject(j, "live", live);
		cJSON_AddNumberToObject(draft, "model_version", k->draft_version);
		add_num(draft, "precision", k->draft_precision);
		add_num(draft, "recall", k->draft_recall);
		cJSON_AddNumberToObject(draft, "calls", (double)k->draft_calls);
		cJSON_AddNumberToObject(draft, "detections", (double)k->draft_total);
		cJSON_AddBoolToObject(draft, "model_changed", k->model_changed);
		cJSON_AddBoolToObject(draft, "settings_changed", k->settings_changed);
		cJSON_AddItemToObject(j, "draft", draft);
		cJSON_AddNumberToObject(calls, "both", (double)k->calls);
		cJSON_AddNumberToObject(calls, "added", (double)k->calls_added);
		cJSON_AddNumberToObject(calls, "removed", (double)k->calls_removed);
		cJSON_AddItemToObject(j, "calls", calls);
		cJSON_AddNumberToObject(same, "sentences", (double)k->sentences);
		cJSON_AddNumberToObject(same, "live", (double)k->live_detections);
		cJSON_AddNumberToObject(same, "draft", (double)k->draft_detections);
		cJSON_AddNumberToObject(same, "both", (double)k->both);
		cJSON_AddNumberToObject(same, "only_live", (double)k->only_live);
		cJSON_AddNumberToObject(same, "only_draft", (double)k->only_draft);
		cJSON_AddItemToObject(same, "only_draft_samples", samples_json(k->gained, k->n_gained));
		cJSON_AddItemToObject(same, "only_live_samples", samples_json(k->lost, k->n_lost));
		cJSON_AddItemToObject(j, "same_calls", same);
		cli_print_json(j);
		learn_compare_free(k);
		return CLI_OK;
	}
	print_model("live:", k->live_version, k->live_precision, k->live_recall);
	if (k->model_changed)
		print_model("draft:", k->draft_version, k->draft_precision, k->draft_recall);
	else
		printf("draft: the same model, with edited settings\n");
	if (k->settings_changed)
		printf("the draft's settings cover %lld call%s: %lld more and %lld fewer than the %lld "
		       "covered now\n", (long long)k->draft_calls, cli_s(k->draft_calls),
		       (long long)k->calls_added, (long long)k->calls_removed, (long long)k->live_calls);
	printf("on the %lld call%s both cover (%lld sentence%s): live %lld detection%s, draft %lld\n",
	       (long long)k->calls, cli_s(k->calls), (long long)k->sentences, cli_s(k->sentences),
	       (long long)k->live_detections, cli_s(k->live_detections),
	       (long long)k->draft_detections);
	printf("  %lld by both, %lld only by the draft, %lld only live\n", (long long)k->both,
	       (long long)k->only_draft, (long long)k->only_live);
	printf("publishing stores %lld detection%s (%lld now)\n", (long long)k->draft_total,
	       cli_s(k->draft_total), (long long)k->live_total);
	if (k->n_gained) {
		printf("\nonly the draft detects, for example:\n");
		for (size_t i = 0; i < k->n_gained; i++)
			printf("  %.2f  [%lld] %s\n", k->gained[i].score, (long long)k->gained[i].sentence,
			       k->gained[i].text);
	}
	if (k->n_lost) {
		printf("\nonly live detects, for example:\n");
		for (size_t i = 0; i < k->n_lost; i++)
			printf("  %.2f  [%lld] %s\n", k->lost[i].score, (long long)k->lost[i].sentence,
			       k->lost[i].text);
	}
	learn_compare_free(k);
	return CLI_OK;
}

const struct cli_command cli_cmd_compare = {
	.name = "compare",
	.run = run_compare,
	.summary = "compare an active tracker's draft with what is live, before publishing",
	.usage =
	"usage: tracker compare TRACKER [--json]\n"
	"\n"
	"Sets the draft (a newer model, edited settings) against what is live, on the calls\n"
	"both cover: the detections each makes, those only one makes, with examples, the\n"
	"calls edited settings add or drop, and the detections publishing would store.\n"
	"Writes nothing.\n",
};

/* ------------------------------------------------------------------ results */

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int run_results(struct cli *c, int argc, char **argv)
{
	const char *format = "csv";
	long long id;
	char err[1024];
	int rc;
	struct opt spec[] = {{"--format", OPT_STRING, &format}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	if (strcmp(format, "csv") && strcmp(format, "json"))
		return cli_usage_error(c, "--format is csv or json, not '%s'", format);
	struct store_detection *d;
	size_t n;
	if (store_detections_list(c->st, id, &d, &n, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (!strcmp(format, "json")) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "call", d[i].call_ext_id);
			cJSON_AddStringToObject(x, "title", d[i].call_title);
			cJSON_AddStringToObject(x, "started", d[i].started);
			cJSON_AddNumberToObject(x, "sentence", (double)d[i].sentence);
			cJSON_AddNumberToObject(x, "start_ms", d[i].start_ms);
			cJSON_AddNumberToObject(x, "end_ms", d[i].end_ms);
			cJSON_AddStringToObject(x, "speaker", d[i].speaker);
			cJSON_AddStringToObject(x, "affiliation", store_side_name(d[i].side));
			cJSON_AddStringToObject(x, "text", d[i].text);
			cJSON_AddNumberToObject(x, "score", d[i].score);
			cJSON_AddNumberToObject(x, "model_version", d[i].model_version);
			cJSON_AddItemToArray(a, x);
		}
		cli_print_json(a);
	} else {
		printf("call,title,started,sentence,start_ms,end_ms,speaker,affiliation,text,score,model_version\n");
		for (size_t i = 0; i < n; i++) {
			csv_field(d[i].call_ext_id);
			putchar(',');
			csv_field(d[i].call_title);
			putchar(',');
			csv_field(d[i].started);
			printf(",%lld,%d,%d,", (long long)d[i].sentence, d[i].start_ms, d[i].end_ms);
			csv_field(d[i].speaker);
			printf(",%s,", store_side_name(d[i].side));
			csv_field(d[i].text);
			printf(",%.4f,%d\n", d[i].score, d[i].model_version);
		}
	}
	store_detections_free(d, n);
	return CLI_OK;
}

const struct cli_command cli_cmd_results = {
	.name = "results",
	.run = run_results,
	.summary = "detections of an active tracker (CSV or JSON)",
	.usage =
	"usage: tracker results TRACKER [--format csv|json]\n"
	"\n"
	"Lists the tracker's detections, newest call first: call, time, speaker, sentence,\n"
	"score and the model version that found it.\n",
};

static int run_rates(struct cli *c, int argc, char **argv)
{
	const char *by = "team";
	int json = 0, rc;
	long long id;
	char err[1024];
	struct opt spec[] = {{"--by", OPT_STRING, &by}, {"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	if (strcmp(by, "all")) {
		/* a key no call has would give one "(none)" row a week: say so instead */
		char **keys;
		size_t nk;
		int found = 0;
		struct sbuf kb = {0};
		if (store_meta_keys(c->st, &keys, &nk, err, sizeof(err)) < 0)
			return cli_fail("%s", err);
		for (size_t j = 0; j < nk; j++) {
			found |= !strcmp(keys[j], by);
			sbuf_printf(&kb, "%s, ", keys[j]);
		}
		store_strings_free(keys, nk);
		if (!found) {
			rc = cli_fail("--by %s: no call has the key '%s' (in this workspace: %sor all)",
				      by, by, kb.s ? kb.s : "");
			sbuf_free(&kb);
			return rc;
		}
		sbuf_free(&kb);
	}
	/* a tracker that is not active has scored no call: its rates would read 0% */
	struct store_tracker *t;
	if (store_tracker_get(c->st, id, &t, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (!t->active) {
		rc = cli_fail("tracker '%s' is not active: no call is scored yet, so there are no "
			      "rates (`tracker activate %lld`)", t->live.name, id);
		store_tracker_free(t);
		return rc;
	}
	store_tracker_free(t);
	struct store_rate_row *r;
	size_t n;
	if (store_detection_rates(c->st, id, !strcmp(by, "all") ? "" : by, &r, &n, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	int *moved = xmalloc((n ? n : 1) * sizeof(*moved));
	learn_rates_drift(r, n, moved);
	if (json) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "segment", r[i].segment);
			cJSON_AddStringToObject(x, "week", r[i].week);
			cJSON_AddNumberToObject(x, "calls", (double)r[i].calls);
			cJSON_AddNumberToObject(x, "calls_detected", (double)r[i].calls_detected);
			cJSON_AddNumberToObject(x, "detections", (double)r[i].detections);
			if (moved[i])
				cJSON_AddStringToObject(x, "moved", learn_drift_name(moved[i]));
			else
				cJSON_AddNullToObject(x, "moved");
			cJSON_AddItemToArray(a, x);
		}
		cli_print_json(a);
	} else {
		int all = !strcmp(by, "all");
		printf("%-9s %-22s %6s %9s %6s %s\n", "week", all ? "segment" : by, "calls",
		       "detected", "rate", "moved");
		for (size_t i = 0; i < n; i++) {
			char seg[128];
			printf("%-9s %s %6lld %9lld %5.0f%%%s%s\n", r[i].week,
			       cli_column(all ? "all calls" : *r[i].segment ? r[i].segment : "(none)",
					  22, seg, sizeof(seg)),
			       (long long)r[i].calls,
			       (long long)r[i].calls_detected,
			       r[i].calls ? 100.0 * (double)r[i].calls_detected / (double)r[i].calls : 0,
			       moved[i] ? " " : "", moved[i] ? learn_drift_name(moved[i]) : "");
		}
	}
	free(moved);
	store_rate_rows_free(r, n);
	return CLI_OK;
}

const struct cli_command cli_cmd_rates = {
	.name = "rates",
	.run = run_rates,
	.summary = "detection rate per week and team (or another metadata key)",
	.usage =
	"usage: tracker rates TRACKER [--by KEY|all] [--json]\n"
	"\n"
	"For an active tracker: per ISO week and per value of KEY (default team), the calls\n"
	"in its scope and how many had a detection. A week whose share of calls with a\n"
	"detection differs from the 8 weeks before it (in the same segment) by more than\n"
	"chance explains (two-proportion z beyond 3; at least 10 calls in the week and 20\n"
	"before) is marked moved up or down (\"moved\": \"up\" | \"down\" | null).\n",
};

/* ------------------------------------------------------------------ export, import */

static int run_export(struct cli *c, int argc, char **argv)
{
	long long id;
	char err[1024];
	int rc;
	struct opt spec[] = {{NULL, 0, NULL}};
	if ((rc = one_tracker(c, argc, argv, spec, &id, NULL, NULL)))
		return rc;
	struct store_tracker *t;
	struct store_example *ex;
	struct store_tag *tags;
	size_t nex, ntags;
	if (store_tracker_get(c->st, id, &t, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (store_examples_list(c->st, id, &ex, &nex, err, sizeof(err)) < 0 ||
	    store_tags_list(c->st, id, &tags, &ntags, err, sizeof(err)) < 0) {
		store_tracker_free(t);
		return cli_fail("%s", err);
	}
	cJSON *o = cli_tracker_json(t), *e = cJSON_CreateArray(), *g = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "format", "tracker-export-1");
	for (size_t i = 0; i < nex; i++)
		cJSON_AddItemToArray(e, cJSON_CreateString(ex[i].text));
	cJSON_AddItemToObject(o, "example_sentences", e);
	for (size_t i = 0; i < ntags; i++) {
		struct store_sentence *s;
		size_t n, k;
		if (store_sentence_context(c->st, tags[i].sentence, 0, 0, &s, &n, &k, err, sizeof(err)))
			continue;
		struct store_call *call = NULL;
		store_call_get_id(c->st, s[k].call, &call, err, sizeof(err));
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "call", call ? call->ext_id : "");
		cJSON_AddNumberToObject(x, "start_ms", s[k].start_ms);
		cJSON_AddStringToObject(x, "text", s[k].text);
		cJSON_AddStringToObject(x, "label", store_label_name(tags[i].label));
		cJSON_AddItemToArray(g, x);
		store_calls_free(call, call ? 1 : 0);
		store_sentences_free(s, n);
	}
	cJSON_AddItemToObject(o, "tagged", g);
	char *s = cJSON_Print(o);
	puts(s);
	free(s);
	cJSON_Delete(o);
	store_tags_free(tags, ntags);
	store_examples_free(ex, nex);
	store_tracker_free(t);
	return CLI_OK;
}

const struct cli_command cli_cmd_export = {
	.name = "export",
	.run = run_export,
	.summary = "write a tracker (settings, examples, tags) as JSON",
	.usage =
	"usage: tracker export TRACKER > FILE\n"
	"\n"
	"Writes the tracker's settings, example sentences and tags (with their call and\n"
	"text) as JSON, for `tracker import-tracker` in another workspace.\n",
};

/* Says where text (len bytes, from file) stops being JSON: "FILE:LINE:COLUMN: JSON
 * syntax error near 'x'", or that it ends too soon. at is where the parser stopped;
 * trailing: the JSON value was whole and at is the text after it. */
static int json_syntax_error(const char *file, const char *text, size_t len, const char *at,
			     int trailing)
{
	const char *end = text + len;
	if (!at || at < text || at > end)
		at = end;
	if (!trailing && len && at == end - 1) {
		/* The parser names the last byte both when that byte is wrong and when the
		 * text ran out: with a blank after it, text that ran out stops later. */
		char *more = xmalloc(len + 2);
		memcpy(more, text, len);
		more[len] = ' ';
		more[len + 1] = '\0';
		const char *stop = NULL;
		cJSON *o = cJSON_ParseWithLengthOpts(more, len + 1, &stop, 0);
		if (!o && stop && stop >= more + len)
			at = end;
		cJSON_Delete(o);
		free(more);
	}
	/* the parser may stop on the blank after the bad token: name the token */
	while (at > text && (at == end || isspace((unsigned char)*at)) &&
	       isspace((unsigned char)at[-1]))
		at--;
	if (at > text && at < end && isspace((unsigned char)*at))
		at--;
	int line = 1, col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			col++;	/* characters, not bytes */
		}
	}
	char near[32];
	size_t n = 0;
	for (const char *p = at; p < end && *p && *p != '\n' && *p != '\r' && n < 24; p++)
		near[n++] = *p;
	while (n > 0 && ((unsigned char)near[n - 1] & 0xC0) == 0x80)
		n--;	/* a character cut in two is left out whole */
	if (n > 0 && ((unsigned char)near[n - 1] & 0xC0) == 0xC0)
		n--;
	near[n] = '\0';
	if (trailing)
		return cli_fail("%s:%d:%d: JSON syntax error: text after the end of the export, "
				"near '%s'", file, line, col, near);
	if (at >= end || !n)
		return cli_fail("%s:%d:%d: JSON syntax error: the text ends too soon (not a whole "
				"tracker export)", file, line, col);
	return cli_fail("%s:%d:%d: JSON syntax error near '%s'", file, line, col, near);
}

/* A JSON value as an error message quotes it: 'text', 12, or what kind it is. */
static const char *shown(const cJSON *v, char *buf, size_t cap)
{
	if (cJSON_IsString(v))
		snprintf(buf, cap, "'%s'", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, cap, "%g", v->valuedouble);
	else
		snprintf(buf, cap, "%s", cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false") :
			 cJSON_IsNull(v) ? "null" : cJSON_IsArray(v) ? "a list" : "an object");
	return buf;
}

/* The settings, examples and tags of an export, checked before anything is written:
 * fills s and returns 0, or says what is wrong with which field of FILE and returns
 * CLI_FAIL. Examples and tags stay in o, known to be well formed. */
static int export_settings(struct cli *c, const char *file, const cJSON *o,
			   struct store_settings *s)
{
	char buf[1024];
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "name");
	if (!cJSON_IsString(v))
		return cli_fail("%s: \"name\": a tracker needs a name (a text)", file);
	s->name = cli_name_trim(v->valuestring);
	const char *p = cli_name_problem(*s->name ? s->name : v->valuestring, buf, sizeof(buf));
	if (p)
		return cli_fail("%s: \"name\" %s", file, p);
	v = cJSON_GetObjectItemCaseSensitive(o, "description");
	if (v && !cJSON_IsNull(v) && !cJSON_IsString(v))
		return cli_fail("%s: \"description\" must be a text", file);
	s->description = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	v = cJSON_GetObjectItemCaseSensitive(o, "mentioned_by");
	if (v && (!cJSON_IsString(v) || (s->by = cli_parse_by(v->valuestring)) < 0))
		return cli_fail("%s: \"mentioned_by\" is company, customer or any, not %s", file,
				shown(v, buf, sizeof(buf)));
	v = cJSON_GetObjectItemCaseSensitive(o, "scope");
	if (v && (!cJSON_IsString(v) || (s->scope = cli_parse_scope(v->valuestring)) < 0))
		return cli_fail("%s: \"scope\" is external, internal or all, not %s", file,
				shown(v, buf, sizeof(buf)));
	v = cJSON_GetObjectItemCaseSensitive(o, "part");
	if (v && (!cJSON_IsString(v) ||
		  cli_parse_part(v->valuestring, &s->part, &s->part_minutes) < 0))
		return cli_fail("%s: \"part\" is anytime, first:MINUTES or last:MINUTES (1 to "
				"600), not %s", file, shown(v, buf, sizeof(buf)));
	const cJSON *filters = cJSON_GetObjectItemCaseSensitive(o, "filters"), *fk;
	if (filters && !cJSON_IsNull(filters) && !cJSON_IsObject(filters))
		return cli_fail("%s: \"filters\" must map each key to a list of values", file);
	cJSON_ArrayForEach(fk, filters) {
		const cJSON *fv;
		if (!cJSON_IsArray(fk))
			return cli_fail("%s: \"filters\": %s must be a list of values", file,
					fk->string);
		cJSON_ArrayForEach(fv, fk) {
			if (!cJSON_IsString(fv))
				return cli_fail("%s: \"filters\": %s: each value must be a text",
						file, fk->string);
			int bad = cli_filter_problem(c->st, fk->string, fv->valuestring, buf,
						     sizeof(buf));
			if (bad < 0)
				return cli_fail("%s", buf);
			if (bad)
				return cli_fail("%s: \"filters\": %s=%s: %s", file, fk->string,
						fv->valuestring, buf);
			s->filters = xrealloc(s->filters, (s->n_filters + 1) * sizeof(*s->filters));
			s->filters[s->n_filters].key = xstrdup(fk->string);
			s->filters[s->n_filters++].value = xstrdup(fv->valuestring);
		}
	}
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "example_sentences");
	if (ex && !cJSON_IsArray(ex))
		return cli_fail("%s: \"example_sentences\" must be a list of texts", file);
	int i = 0;
	cJSON_ArrayForEach(v, ex) {
		if (!cJSON_IsString(v) || !*v->valuestring)
			return cli_fail("%s: \"example_sentences\"[%d] must be a sentence, not %s",
					file, i, shown(v, buf, sizeof(buf)));
		if (!ingest_utf8_valid(v->valuestring, strlen(v->valuestring)))
			return cli_fail("%s: \"example_sentences\"[%d]: invalid UTF-8", file, i);
		if (text_chars(v->valuestring, strlen(v->valuestring)) > STORE_EXAMPLE_MAX)
			return cli_fail("%s: \"example_sentences\"[%d] is %zu characters; give one "
					"sentence (at most %d)", file, i,
					text_chars(v->valuestring, strlen(v->valuestring)),
					STORE_EXAMPLE_MAX);
		i++;
	}
	if (i > LEARN_MAX_EXAMPLES)
		return cli_fail("%s: \"example_sentences\": %d examples; a tracker takes at most %d",
				file, i, LEARN_MAX_EXAMPLES);
	const cJSON *tagged = cJSON_GetObjectItemCaseSensitive(o, "tagged");
	if (tagged && !cJSON_IsArray(tagged))
		return cli_fail("%s: \"tagged\" must be a list of tags", file);
	i = 0;
	cJSON_ArrayForEach(v, tagged) {
		const cJSON *call = cJSON_GetObjectItemCaseSensitive(v, "call");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(v, "text");
		const cJSON *label = cJSON_GetObjectItemCaseSensitive(v, "label");
		if (!cJSON_IsString(call) || !cJSON_IsString(text))
			return cli_fail("%s: \"tagged\"[%d] needs \"call\" and \"text\" (texts)",
					file, i);
		if (!cJSON_IsString(label) || store_label_parse(label->valuestring) == STORE_TAG_NONE)
			return cli_fail("%s: \"tagged\"[%d]: \"label\" must be yes, no or unsure, "
					"not %s", file, i, label ? shown(label, buf, sizeof(buf))
								 : "missing");
		i++;
	}
	return CLI_OK;
}

static int run_import_tracker(struct cli *c, int argc, char **argv)
{
	char **pos, err[1024];
	int npos, rc = CLI_OK;
	struct opt spec[] = {{NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos != 1) {
		free(pos);
		return cli_usage_error(c, "name one exported tracker file");
	}
	const char *file = pos[0];
	free(pos);
	size_t len;
	char *text = cli_read_file(file, &len);
	if (!text)
		return cli_fail("%s: %s", file, strerror(errno));
	const char *stop = NULL;
	cJSON *o = cJSON_ParseWithLengthOpts(text, len, &stop, 0);
	int trailing = 0;
	if (o) {
		/* only blanks may follow the export */
		while (stop < text + len && isspace((unsigned char)*stop))
			stop++;
		if (stop < text + len) {
			cJSON_Delete(o);
			o = NULL;
			trailing = 1;
		}
	}
	if (!o) {
		int rc = json_syntax_error(file, text, len, stop, trailing);
		free(text);
		return rc;
	}
	free(text);
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "tracker-export-1")) {
		cJSON_Delete(o);
		return cli_fail("%s: not a tracker export (from `tracker export`)", file);
	}
	if (!cli_store(c)) {
		cJSON_Delete(o);
		return CLI_FAIL;
	}
	const cJSON *v;
	struct store_settings s = {.by = STORE_BY_ANY, .scope = STORE_SCOPE_EXTERNAL};
	if ((rc = export_settings(c, file, o, &s)))
		goto out;
	int64_t id;
	size_t mapped = 0, missing = 0, nex = 0;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_tracker_create(c->st, &s, &id, err, sizeof(err)) < 0) {
		rc = cli_fail("%s: %s", file, err);
		goto out;
	}
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, "example_sentences")) {
		if (store_example_add(c->st, id, v->valuestring, NULL, err, sizeof(err)) < 0) {
			rc = cli_fail("%s", err);
			goto out;
		}
		nex++;
	}
	/* Tags follow their sentence by call and text. */
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(o, "tagged")) {
		const cJSON *call = cJSON_GetObjectItemCaseSensitive(v, "call");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(v, "text");
		const cJSON *label = cJSON_GetObjectItemCaseSensitive(v, "label");
		struct store_call *k2 = NULL;
		int lab = store_label_parse(label->valuestring);
		if (store_call_get(c->st, call->valuestring, &k2, err, sizeof(err)) != 0) {
			missing++;
			continue;
		}
		struct store_sentence *ss;
		size_t ns;
		int64_t sid = 0;
		if (store_call_sentences(c->st, k2->id, &ss, &ns, err, sizeof(err)) == 0) {
			for (size_t i = 0; i < ns && !sid; i++)
				if (!strcmp(ss[i].text, text->valuestring))
					sid = ss[i].id;
			store_sentences_free(ss, ns);
		}
		store_calls_free(k2, 1);
		if (!sid || store_tag_set(c->st, id, sid, lab, NULL, err, sizeof(err)) < 0) {
			missing++;
			continue;
		}
		mapped++;
	}
	if ((rc = commit_or_fail(c)))
		goto out;
	printf("%lld\n", (long long)id);
	fprintf(stderr, "imported tracker '%s': %zu example%s, %zu tag%s", s.name, nex,
		cli_s((long long)nex), mapped, cli_s((long long)mapped));
	if (missing)
		fprintf(stderr, " (%zu tag%s whose sentence is not in this workspace %s left out)",
			missing, cli_s((long long)missing), missing == 1 ? "was" : "were");
	fputc('\n', stderr);
out:
	store_settings_clear(&s);
	cJSON_Delete(o);
	return rc;
}

const struct cli_command cli_cmd_import_tracker = {
	.name = "import-tracker",
	.run = run_import_tracker,
	.summary = "create a tracker from `tracker export` output",
	.usage =
	"usage: tracker import-tracker FILE\n"
	"\n"
	"Creates a tracker from an export: its settings and examples, and the tags whose\n"
	"sentence (same call id and text) is in this workspace. Prints the new id.\n",
	.writes = 1,
};
