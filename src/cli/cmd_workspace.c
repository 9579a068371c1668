/* Workspace commands: demo, import, calls, show. */
#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audio.h"
#include "cli.h"
#include "demo.h"
#include "ingest.h"
#include "learn.h"
#include "opts.h"
#include "xmalloc.h"

/* Prints a cJSON value on stdout and frees it. */
void cli_print_json(cJSON *j)
{
	char *s = cJSON_PrintUnformatted(j);
	puts(s);
	free(s);
	cJSON_Delete(j);
}

static void date_of(int64_t unix, char *buf, size_t cap)
{
	time_t t = (time_t)unix;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%d", &tm);
}

int cli_print_summary(struct cli *c, FILE *f)
{
	char err[1024], a[16], b[16];
	struct store_summary s;
	if (store_summary_get(c->st, &s, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	date_of(s.first_unix, a, sizeof(a));
	date_of(s.last_unix, b, sizeof(b));
	fprintf(f, "workspace %s: %lld call%s (%lld external, %lld internal), %lld sentence%s",
		c->db, (long long)s.calls, cli_s(s.calls), (long long)s.external_calls,
		(long long)s.internal_calls, (long long)s.sentences, cli_s(s.sentences));
	if (s.calls)
		fprintf(f, ", %s to %s", a, b);
	fprintf(f, "; %lld tracker%s (%lld active)\n", (long long)s.trackers, cli_s(s.trackers),
		(long long)s.active_trackers);
	return CLI_OK;
}

/* ------------------------------------------------------------------ progress */

struct progress {
	const char *what;
	int shown;
};

static void show_progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	if (!isatty(2))
		return;
	fprintf(stderr, "\r%s: %zu/%zu", p->what, done, total);
	p->shown = 1;
	if (done >= total)
		fputc('\n', stderr);
}

static void learn_progress(void *ctx, const char *stage, double fraction)
{
	struct progress *p = ctx;
	if (!isatty(2))
		return;
	fprintf(stderr, "\r%s: %-32s %3.0f%%", p->what, stage, fraction * 100);
	p->shown = 1;
	if (fraction >= 1.0)
		fputc('\n', stderr);
}

/* Removes a workspace this command made before it failed, so that a failed first
 * import or demo leaves nothing behind. */
static void drop_new_workspace(struct cli *c)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	store_close(c->st);
	c->st = NULL;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *p = xasprintf("%s%s", c->db, suffixes[i]);
		unlink(p);
		free(p);
	}
}

/* ------------------------------------------------------------------ demo */

static int run_demo(struct cli *c, int argc, char **argv)
{
	/* the seed: --seed's, else tracker.conf's (which may take all 64 bits) */
	long calls = c->cfg.demo_calls, seed = LONG_MIN;
	const char *labels = NULL, *audio = "lazy";
	char **pos;
	int npos;
	struct opt spec[] = {
		{"--calls", OPT_INT, &calls}, {"--seed", OPT_INT, &seed},
		{"--labels", OPT_STRING, &labels}, {"--audio", OPT_STRING, &audio}, {NULL, 0, NULL},
	};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos) {
		int rc = cli_usage_error(c, "unexpected argument '%s'", pos[0]);
		free(pos);
		return rc;
	}
	free(pos);
	if (calls < 1 || calls > 100000)
		return cli_usage_error(c, "--calls must be 1 to 100000");
	if (seed < 0 && seed != LONG_MIN)
		return cli_usage_error(c, "--seed must not be negative");
	if (strcmp(audio, "none") && strcmp(audio, "lazy") && strcmp(audio, "all"))
		return cli_usage_error(c, "--audio is none, lazy or all, not '%s'", audio);

	char err[1024];
	int existed = access(c->db, F_OK) == 0;
	store *st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	struct store_summary s;
	if (store_summary_get(st, &s, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (s.calls > 0)
		return cli_fail("%s already holds %lld call%s; the demo needs a new workspace "
				"(give another --db)", c->db, (long long)s.calls, cli_s(s.calls));

	char *audio_dir = NULL;
	if (strcmp(audio, "none")) {
		audio_dir = c->cfg.audio_cache ? xstrdup(c->cfg.audio_cache)
					       : xasprintf("%s.audio", c->db);
		if (mkdir(audio_dir, 0755) < 0 && access(audio_dir, W_OK) < 0) {
			int rc = cli_fail("%s: cannot make the recordings folder", audio_dir);
			free(audio_dir);
			return rc;
		}
		char *abs = realpath(audio_dir, NULL);
		if (abs) {
			free(audio_dir);
			audio_dir = abs;
		}
	}
	struct progress pg = {"generating calls", 0};
	struct demo_options o = {
		.calls = (int)calls, .seed = seed == LONG_MIN ? c->cfg.demo_seed : (uint64_t)seed,
		.anchor_unix = (int64_t)time(NULL),
		.assets = NULL, .labels = labels, .audio_dir = audio_dir,
		.progress = show_progress, .progress_ctx = &pg,
	};
	const char *now = getenv("TRACKER_NOW");
	if (now && *now)
		o.anchor_unix = strtoll(now, NULL, 10);
	struct demo_report rep = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = CLI_OK;
	struct progress lp = {"indexing", 0};
	struct timespec tg;
	if (store_begin(st, err, sizeof(err)) < 0 ||
	    demo_generate(st, &o, &rep, err, sizeof(err)) < 0 ||
	    (audio_dir && store_state_set(st, "demo.audio_dir", audio_dir, err, sizeof(err)) < 0) ||
	    clock_gettime(CLOCK_MONOTONIC, &tg) < 0 ||
	    learn_index_update(st, learn_progress, &lp, NULL, err, sizeof(err)) < 0 ||
	    store_commit(st, err, sizeof(err)) < 0) {
		store_rollback(st);
		rc = cli_fail("%s", err);
		if (!existed) {
			drop_new_workspace(c);
			if (audio_dir)
				rmdir(audio_dir);	/* only when nothing was put in it */
		}
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("demo: %zu call%s, %zu sentence%s, %zu labelled with %zu concept%s; generated in "
	       "%.2f s, indexed in %.2f s\n", rep.calls, cli_s((long long)rep.calls), rep.sentences,
	       cli_s((long long)rep.sentences), rep.labelled, rep.concepts,
	       cli_s((long long)rep.concepts),
	       (double)(tg.tv_sec - t0.tv_sec) + (double)(tg.tv_nsec - t0.tv_nsec) / 1e9,
	       (double)(t1.tv_sec - tg.tv_sec) + (double)(t1.tv_nsec - tg.tv_nsec) / 1e9);
	if (labels)
		printf("ground truth written to %s\n", labels);
	if (audio_dir && !strcmp(audio, "all")) {
		struct progress ap = {"making recordings", 0};
		size_t made = 0;
		if (audio_demo_make_all(c->db, 0, show_progress, &ap, NULL, &made, err, sizeof(err)) < 0)
			rc = cli_fail("%s", err);
		printf("%zu recording%s made in %s\n", made, cli_s((long long)made), audio_dir);
	} else if (audio_dir) {
		printf("recordings are made on first use in %s\n", audio_dir);
	}
	if (cli_print_summary(c, stdout) != CLI_OK)
		rc = CLI_FAIL;
out:
	free(audio_dir);
	return rc;
}

const struct cli_command cli_cmd_demo = {
	.name = "demo",
	.run = run_demo,
	.summary = "create a demo workspace of generated sales calls",
	.usage =
	"usage: tracker demo [--db PATH] [--calls N] [--seed S] [--labels FILE] [--audio none|lazy|all]\n"
	"\n"
	"Creates a workspace of N generated B2B sales calls (default 600, from tracker.conf),\n"
	"the same for the same seed. --labels writes the generator's ground truth, one\n"
	"\"SENTENCE_ID<TAB>CONCEPT\" a line. Recordings are synthesised when first played\n"
	"(lazy, the default), all now (all), or never (none). The workspace must be new.\n",
	.creates = 1,
	.writes = 1,
};

/* ------------------------------------------------------------------ import */

static int run_import(struct cli *c, int argc, char **argv)
{
	char **pos, err[4096];
	int npos;
	struct opt spec[] = {{NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos == 0) {
		free(pos);
		return cli_usage_error(c, "name at least one file to import");
	}
	int existed = access(c->db, F_OK) == 0;
	store *st = cli_store(c);
	if (!st) {
		free(pos);
		return CLI_FAIL;
	}
	struct ingest_report rep = {0};
	struct progress lp = {"indexing", 0};
	struct learn_import_report lrep = {0};
	int rc = CLI_OK;
	if (store_begin(st, err, sizeof(err)) < 0 ||
	    ingest_files(st, (const char *const *)pos, (size_t)npos, &rep, err, sizeof(err)) < 0 ||
	    learn_index_update(st, learn_progress, &lp, NULL, err, sizeof(err)) < 0 ||
	    learn_score_new_calls(st, rep.call_ids, rep.n_call_ids, &lrep, err, sizeof(err)) < 0 ||
	    store_commit(st, err, sizeof(err)) < 0) {
		store_rollback(st);
		fprintf(stderr, "tracker: %s\n", err);
		if (existed) {
			fprintf(stderr, "tracker: nothing was imported; the workspace is unchanged\n");
		} else {
			drop_new_workspace(c);
			fprintf(stderr, "tracker: nothing was imported; no workspace was made\n");
		}
		rc = CLI_FAIL;
		goto out;
	}
	for (size_t i = 0; i < rep.n_notes; i++)
		fprintf(stderr, "%s\n", rep.notes[i]);
	printf("imported %zu call%s (%zu sentence%s)", rep.calls, cli_s((long long)rep.calls),
	       rep.sentences, cli_s((long long)rep.sentences));
	if (rep.replaced == 1)
		printf(", 1 replaced an existing call");
	else if (rep.replaced)
		printf(", %zu replaced existing calls", rep.replaced);
	putchar('\n');
	if (lrep.trackers)
		printf("scored by %zu active tracker%s: %zu detection%s\n", lrep.trackers,
		       cli_s((long long)lrep.trackers), lrep.detections,
		       cli_s((long long)lrep.detections));
out:
	ingest_report_free(&rep);
	free(pos);
	return rc;
}

const struct cli_command cli_cmd_import = {
	.name = "import",
	.run = run_import,
	.summary = "import calls (.json .jsonl .vtt)",
	.usage =
	"usage: tracker import [--db PATH] FILE...\n"
	"\n"
	"Imports calls: .json (one call or an array), .jsonl (one call a line) or .vtt\n"
	"(WebVTT with <v Name> voices; NAME.meta.json beside it adds id, title, started,\n"
	"scope, meta, parties and audio). A call with an id already in the workspace replaces\n"
	"it; one id twice in the files imported is an error. On a malformed call the error\n"
	"names FILE:LINE and the call, and nothing is imported. Active trackers score the\n"
	"new calls.\n",
	.creates = 1,
	.writes = 1,
};

/* ------------------------------------------------------------------ calls */

static cJSON *call_json(const struct store_call *k)
{
	cJSON *o = cJSON_CreateObject(), *m = cJSON_CreateObject(), *p = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "id", k->ext_id);
	cJSON_AddStringToObject(o, "title", k->title);
	cJSON_AddStringToObject(o, "started", k->started);
	cJSON_AddStringToObject(o, "scope", store_scope_name(k->scope));
	cJSON_AddStringToObject(o, "language", k->language);
	cJSON_AddNumberToObject(o, "duration_ms", (double)k->duration_ms);
	for (size_t i = 0; i < k->n_meta; i++)
		cJSON_AddStringToObject(m, k->meta[i].key, k->meta[i].value);
	cJSON_AddItemToObject(o, "meta", m);
	for (size_t i = 0; i < k->n_parties; i++) {
		cJSON *q = cJSON_CreateObject();
		cJSON_AddStringToObject(q, "name", k->party_names[i]);
		cJSON_AddStringToObject(q, "affiliation", store_side_name(k->party_sides[i]));
		cJSON_AddItemToArray(p, q);
	}
	cJSON_AddItemToObject(o, "parties", p);
	cJSON_AddNumberToObject(o, "sentences", (double)k->n_sentences);
	if (k->audio)
		cJSON_AddStringToObject(o, "audio", k->audio);
	else
		cJSON_AddNullToObject(o, "audio");
	cJSON_AddStringToObject(o, "recording", !k->audio ? "none" : k->audio_ok == 1 ? "ok" :
				k->audio_ok < 0 ? "made on first use" : "unusable");
	return o;
}

static int run_calls(struct cli *c, int argc, char **argv)
{
	int json = 0, npos;
	char **pos, err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	free(pos);
	if (npos)
		return cli_usage_error(c, "unexpected argument");
	store *st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	struct store_call *calls;
	size_t n;
	if (store_calls_list(st, &calls, &n, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (json) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, call_json(&calls[i]));
		cli_print_json(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			struct store_call *k = &calls[i];
			char date[16];
			date_of(k->started_unix, date, sizeof(date));
			const char *team = "";
			for (size_t j = 0; j < k->n_meta; j++)
				if (!strcmp(k->meta[j].key, "team"))
					team = k->meta[j].value;
			char col[96];
			char *title = cli_line(k->title);
			printf("%-12s %s %-8s %5lld sentence%-1s %3lld min  %s %s\n", k->ext_id, date,
			       store_scope_name(k->scope), (long long)k->n_sentences,
			       cli_s(k->n_sentences), (long long)((k->duration_ms + 30000) / 60000),
			       cli_column(team, 18, col, sizeof(col)), title);
			free(title);
		}
		fprintf(stdout, "%zu call%s\n", n, cli_s((long long)n));
	}
	store_calls_free(calls, n);
	return CLI_OK;
}

const struct cli_command cli_cmd_calls = {
	.name = "calls",
	.run = run_calls,
	.summary = "list the workspace's calls",
	.usage =
	"usage: tracker calls [--db PATH] [--json]\n"
	"\n"
	"Lists the calls, newest first. --json: an array of calls with id, title, started,\n"
	"scope, metadata, parties, sentence count and recording.\n",
};

/* ------------------------------------------------------------------ show */

static void ms_text(int ms, char *buf, size_t cap)
{
	snprintf(buf, cap, "%d:%02d.%d", ms / 60000, ms / 1000 % 60, ms / 100 % 10);
}

static int run_show(struct cli *c, int argc, char **argv)
{
	int json = 0, npos;
	char **pos, err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos != 1) {
		free(pos);
		return cli_usage_error(c, "name one call");
	}
	const char *ref = pos[0];
	free(pos);
	store *st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	struct store_call *k;
	int rc = store_call_get(st, ref, &k, err, sizeof(err));
	if (rc < 0)
		return cli_fail("%s", err);
	if (rc > 0)
		return cli_fail("no call '%s' in %s (`tracker calls` lists them)", ref, c->db);
	struct store_sentence *s;
	size_t n;
	if (store_call_sentences(st, k->id, &s, &n, err, sizeof(err)) < 0) {
		store_calls_free(k, 1);
		return cli_fail("%s", err);
	}
	if (json) {
		cJSON *o = call_json(k), *t = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddNumberToObject(x, "sentence", (double)s[i].id);
			cJSON_AddStringToObject(x, "speaker", s[i].speaker);
			cJSON_AddStringToObject(x, "affiliation", store_side_name(s[i].side));
			cJSON_AddNumberToObject(x, "start_ms", s[i].start_ms);
			cJSON_AddNumberToObject(x, "end_ms", s[i].end_ms);
			cJSON_AddStringToObject(x, "text", s[i].text);
			cJSON_AddItemToArray(t, x);
		}
		cJSON_AddItemToObject(o, "transcript", t);
		cli_print_json(o);
	} else {
		/* one line each, whatever the import's texts hold */
		char *title = cli_line(k->title);
		printf("%s  %s  %s  %s\n", k->ext_id, title, k->started, store_scope_name(k->scope));
		free(title);
		for (size_t i = 0; i < k->n_meta; i++) {
			char *key = cli_line(k->meta[i].key), *value = cli_line(k->meta[i].value);
			printf("  %s: %s\n", key, value);
			free(key);
			free(value);
		}
		putchar('\n');
		int prev_utt = -1;
		for (size_t i = 0; i < n; i++) {
			char t[32];
			ms_text(s[i].start_ms, t, sizeof(t));
			if (s[i].utt != prev_utt) {
				char *who = cli_line(s[i].speaker);
				printf("%8s  %s (%s)\n", t, who, store_side_name(s[i].side));
				free(who);
			}
			printf("%8s  [%lld] %s\n", "", (long long)s[i].id, s[i].text);
			prev_utt = s[i].utt;
		}
	}
	store_sentences_free(s, n);
	store_calls_free(k, 1);
	return CLI_OK;
}

const struct cli_command cli_cmd_show = {
	.name = "show",
	.run = run_show,
	.summary = "show a call's transcript",
	.usage =
	"usage: tracker show [--db PATH] CALL [--json]\n"
	"\n"
	"Prints the transcript of the call with import id CALL: speakers, sides, times and\n"
	"sentence ids. --json adds the call's details.\n",
};
