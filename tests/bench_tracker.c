/* make bench: how fast the workspace is filled and the trainer works.
 *
 * usage: bench_tracker TRACKER [NAME...]
 *
 * Runs the benchmarks of the table below (all, or those whose name starts with one of
 * the NAMEs) and prints one line each: "NAME: FIGURE UNIT (what was measured)". The
 * process and the commands it starts are pinned to one CPU, so every figure is for one
 * core. Wall-clock times are the best of a few runs where a run is cheap, since the
 * machine may be shared; CPU time is printed beside them.
 *
 * Environment: BENCH_SENTENCES sizes the import file (default 250000), BENCH_DIR keeps
 * the files made (default a temporary folder, removed at the end).
 *
 * To add a benchmark: write `static int bench_x(struct bench *b)` that measures and calls
 * report(), and add a row to `benches`. ensure_demo() gives a demo workspace made once
 * for all (600 calls, seed 1) that later benchmarks may read; copy it before changing it. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"
#include "ingest.h"
#include "learn.h"
#include "store.h"
#include "xmalloc.h"
#include "../src/learn/internal.h"
#include "../src/learn/trainer.h"

extern char **environ;

/* ------------------------------------------------------------------ the harness */

struct bench {
	const char *tracker;	/* the binary under test */
	char dir[4096];		/* where files go */
	char jsonl[4200];	/* the import file, once made */
	size_t jsonl_calls, jsonl_sentences;
	char demo_db[4200];	/* the demo workspace, once made */
	double demo_cli_s;	/* how long making it took */
};

static double wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds used by waited-for children so far. */
static double children_cpu(void)
{
	struct rusage r;
	getrusage(RUSAGE_CHILDREN, &r);
	return (double)r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + (double)r.ru_stime.tv_sec +
	       r.ru_stime.tv_usec / 1e6;
}

static void report(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(const char *name, const char *fmt, ...)
{
	va_list ap;
	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* "1234567" as "1,234,567". */
static const char *grouped(double v)
{
	static char bufs[4][32];
	static int k;
	char raw[32], *out = bufs[k++ % 4];
	snprintf(raw, sizeof(raw), "%.0f", v);
	size_t n = strlen(raw), j = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0 && raw[i - 1] != '-')
			out[j++] = ',';
		out[j++] = raw[i];
	}
	out[j] = '\0';
	return out;
}

static void remove_db(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[4300];
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* Runs the tracker with args (NULL-terminated), output to a log in the folder; returns its
 * exit status and sets *wall and *cpu to its wall-clock and CPU seconds. */
static int run_tracker(struct bench *b, double *wall, double *cpu, ...)
{
	char *argv[32], log[4200];
	int n = 0, status = -1;
	va_list ap;
	argv[n++] = (char *)b->tracker;
	va_start(ap, cpu);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/tracker.log", b->dir);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	double c0 = children_cpu(), t0 = wall_now();
	pid_t pid;
	int rc = posix_spawn(&pid, b->tracker, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "bench: %s: %s\n", b->tracker, strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*wall = wall_now() - t0;
	*cpu = children_cpu() - c0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench: %s %s failed; its output:\n", b->tracker, argv[1]);
		FILE *f = fopen(log, "r");
		char line[512];
		while (f && fgets(line, sizeof(line), f))
			fputs(line, stderr);
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ an import file */

/* A small deterministic generator (splitmix64). */
static uint64_t rng_state = 0x5eed1234;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define PICK(a) ((a)[rnd() % (sizeof(a) / sizeof((a)[0]))])

static const char *const openers[] = {
	"So", "Okay, so", "Right", "Well", "Yeah", "Honestly", "I mean", "Look", "And",
	"Actually", "Sure", "Um", "Great", "To be fair", "Just to confirm",
};
static const char *const subjects[] = {
	"we", "our team", "the finance group", "Dr. Reyes", "Mr. Park", "the board", "IT",
	"our reps", "the U.S. office", "legal", "procurement", "my manager", "the ops folks",
};
static const char *const verbs[] = {
	"need to look at", "are still reviewing", "would love to see", "already use",
	"can't justify", "want to roll out", "were comparing", "have budget for",
	"keep asking about", "tried", "are worried about", "signed off on",
};
static const char *const objects[] = {
	"the enterprise plan", "single sign-on", "the Salesforce integration", "the pricing page",
	"a two-year contract", "the security questionnaire", "the API limits", "the pilot",
	"the renewal terms", "about $1.5k per seat", "a 2.5% uplift", "the 40-seat tier",
	"call recording consent", "the onboarding plan", "the dashboards", "the SOC 2 report",
};
static const char *const tails[] = {
	"this quarter", "by Friday", "next week", "before the renewal", "e.g. for the EU team",
	"for about 120 users", "if the price is right", "at 3 p.m. tomorrow", "for now",
	"in Q3", "after the demo", "with the new VP", "",
};
static const char *const ends[] = {".", ".", ".", "?", "!", "...", "?!", "."};
static const char *const backchannels[] = {
	"Yeah.", "Mm-hmm.", "Right.", "Okay.", "Got it.", "Sure.", "Uh-huh.", "No, go ahead.",
};
static const char *const teams[] = {"Enterprise East", "Enterprise West", "Mid-Market", "SMB", "EMEA"};
static const char *const stages[] = {"Discovery", "Demo", "Proposal", "Negotiation", "Closed Won"};
static const char *const names[] = {
	"Dana Reyes", "Lee Park", "Sam Ortiz", "Priya Nair", "Tom Becker", "Ana Silva",
	"Mark Chen", "Eva Novak", "Raj Patel", "Mei Okafor", "Jonas Berg", "Lina Lindgren",
};

/* One sentence of sales talk into b. */
static void sentence(struct sbuf *b)
{
	if (rnd() % 9 == 0) {
		sbuf_add(b, PICK(backchannels));
		return;
	}
	const char *tail = PICK(tails);
	sbuf_printf(b, "%s, %s %s %s%s%s%s", PICK(openers), PICK(subjects), PICK(verbs), PICK(objects),
		    *tail ? " " : "", tail, PICK(ends));
}

/* Writes calls of about 150 sentences each until `sentences` are reached. */
static int make_jsonl(struct bench *b, size_t sentences)
{
	snprintf(b->jsonl, sizeof(b->jsonl), "%s/calls.jsonl", b->dir);
	FILE *f = fopen(b->jsonl, "w");
	if (!f) {
		fprintf(stderr, "bench: %s: %s\n", b->jsonl, strerror(errno));
		return -1;
	}
	struct sbuf line = {0}, text = {0};
	int64_t now = 1790000000;
	b->jsonl_calls = b->jsonl_sentences = 0;
	while (b->jsonl_sentences < sentences) {
		size_t k = ++b->jsonl_calls;
		int np = 2 + (int)(rnd() % 3);
		time_t started = (time_t)(now - (int64_t)(rnd() % (365 * 86400)));
		struct tm tm;
		char iso[32];
		gmtime_r(&started, &tm);
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		line.len = 0;
		sbuf_printf(&line, "{\"id\": \"bench-%06zu\", \"title\": \"Call %zu\", \"started\": \"%s\","
			    " \"scope\": \"%s\", \"language\": \"en\", \"meta\": {\"team\": \"%s\","
			    " \"deal_stage\": \"%s\"}, \"parties\": [", k, k, iso,
			    rnd() % 8 ? "external" : "internal", PICK(teams), PICK(stages));
		for (int p = 0; p < np; p++)
			sbuf_printf(&line, "%s{\"id\": \"p%d\", \"name\": \"%s\", \"affiliation\": \"%s\"}",
				    p ? ", " : "", p + 1, PICK(names), p == 0 || p == 2 ? "company" : "customer");
		sbuf_add(&line, "], \"transcript\": [");
		int64_t t = (int64_t)(rnd() % 3000);
		size_t in_call = 0;
		for (int u = 0; in_call < 150; u++) {
			int n = 1 + (int)(rnd() % 3);
			text.len = 0;
			for (int s = 0; s < n; s++) {
				if (s)
					sbuf_addc(&text, ' ');
				sentence(&text);
			}
			in_call += (size_t)n;
			int64_t d = (int64_t)text.len * 65;
			sbuf_printf(&line, "%s{\"speaker\": \"p%d\", \"start_ms\": %lld, \"end_ms\": %lld,"
				    " \"text\": \"%s\"}", u ? ", " : "", u % np + 1, (long long)t,
				    (long long)(t + d), text.s);
			t += d + 150 + (int64_t)(rnd() % 900);
		}
		sbuf_add(&line, "]}\n");
		fwrite(line.s, 1, line.len, f);
		b->jsonl_sentences += in_call;
	}
	sbuf_free(&line);
	sbuf_free(&text);
	if (fclose(f) != 0) {
		fprintf(stderr, "bench: %s: %s\n", b->jsonl, strerror(errno));
		return -1;
	}
	return 0;
}

static int ensure_jsonl(struct bench *b)
{
	if (b->jsonl[0])
		return 0;
	const char *env = getenv("BENCH_SENTENCES");
	size_t want = env && atol(env) > 0 ? (size_t)atol(env) : 250000;
	return make_jsonl(b, want);
}

/* ------------------------------------------------------------------ benchmarks */

/* Reading, checking, splitting and writing: ingest_files into a new workspace in one
 * transaction, committed. What `tracker import` does before the trainer indexes. */
static int bench_import_store(struct bench *b)
{
	char db[4300], err[1024];
	const char *paths[1];
	double best = 1e9, best_cpu = 0;
	size_t sentences = 0;
	if (ensure_jsonl(b) < 0)
		return -1;
	paths[0] = b->jsonl;
	snprintf(db, sizeof(db), "%s/import-store.db", b->dir);
	for (int run = 0; run < 3; run++) {
		store *st;
		struct ingest_report rep;
		remove_db(db);
		if (store_open(db, &st, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			return -1;
		}
		double t0 = wall_now(), c0 = cpu_now();
		if (store_begin(st, err, sizeof(err)) < 0 ||
		    ingest_files(st, paths, 1, &rep, err, sizeof(err)) < 0 ||
		    store_commit(st, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			store_close(st);
			return -1;
		}
		double t = wall_now() - t0, c = cpu_now() - c0;
		sentences = rep.sentences;
		ingest_report_free(&rep);
		store_close(st);
		if (t < best) {
			best = t;
			best_cpu = c;
		}
	}
	remove_db(db);
	report("import.store", "%s sentences/s, import without the index (%s sentences in %s "
	       "calls from JSON Lines in %.2f s wall, %.2f s CPU = %s sentences/s of CPU, best of 3: "
	       "read, parse, check, split, write, commit, in-process; the trainer's index not "
	       "included; goal 300,000)", grouped((double)sentences / best),
	       grouped((double)sentences), grouped((double)b->jsonl_calls), best, best_cpu,
	       grouped((double)sentences / best_cpu));
	return 0;
}

/* The whole command on the same file: the above plus the trainer's index (word vectors
 * trained on the new workspace). */
static int bench_import_command(struct bench *b)
{
	char db[4300];
	double wall, cpu;
	if (ensure_jsonl(b) < 0)
		return -1;
	snprintf(db, sizeof(db), "%s/import-command.db", b->dir);
	remove_db(db);
	if (run_tracker(b, &wall, &cpu, "import", "--db", db, b->jsonl, (char *)NULL) < 0)
		return -1;
	remove_db(db);
	report("import.command", "%s sentences/s, `tracker import` with the index (%s sentences in "
	       "%.2f s, %.2f s CPU, one run of the command, including the trainer's index of the new "
	       "workspace)",
	       grouped((double)b->jsonl_sentences / wall), grouped((double)b->jsonl_sentences),
	       wall, cpu);
	return 0;
}

/* The demo generator alone: demo_generate of the default 600 calls into a new workspace
 * in one transaction, committed; no index, no recordings. */
static int bench_demo_generate(struct bench *b)
{
	char db[4300], err[1024];
	double best = 1e9, best_cpu = 0;
	struct demo_report rep = {0};
	snprintf(db, sizeof(db), "%s/demo-generate.db", b->dir);
	for (int run = 0; run < 3; run++) {
		store *st;
		remove_db(db);
		if (store_open(db, &st, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			return -1;
		}
		struct demo_options o = {.calls = 600, .seed = 1, .anchor_unix = 1790000000};
		double t0 = wall_now(), c0 = cpu_now();
		if (store_begin(st, err, sizeof(err)) < 0 || demo_generate(st, &o, &rep, err, sizeof(err)) < 0 ||
		    store_commit(st, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench: demo: %s\n", err);
			store_close(st);
			return -1;
		}
		double t = wall_now() - t0, c = cpu_now() - c0;
		store_close(st);
		if (t < best) {
			best = t;
			best_cpu = c;
		}
	}
	remove_db(db);
	report("demo.generate", "%.2f s for %zu calls, generation alone (%s sentences, %.2f s CPU, "
	       "best of 3: demo_generate into a new workspace, committed; no index, no recordings; "
	       "goal under 10 s)", best, rep.calls, grouped((double)rep.sentences), best_cpu);
	return 0;
}

/* Makes the demo workspace with the command, once; later benchmarks may read it. */
static int ensure_demo(struct bench *b)
{
	double cpu;
	if (b->demo_db[0])
		return 0;
	snprintf(b->demo_db, sizeof(b->demo_db), "%s/demo.db", b->dir);
	remove_db(b->demo_db);
	if (run_tracker(b, &b->demo_cli_s, &cpu, "demo", "--db", b->demo_db, "--calls", "600",
			"--seed", "1", "--audio", "none", (char *)NULL) < 0) {
		b->demo_db[0] = '\0';
		return -1;
	}
	return 0;
}

/* The whole command: generation plus the trainer's index. */
static int bench_demo_command(struct bench *b)
{
	if (ensure_demo(b) < 0)
		return -1;
	report("demo.command", "%.2f s for 600 calls, `tracker demo` with the index (one run of "
	       "`tracker demo --audio none`, including the trainer's index of the new workspace)",
	       b->demo_cli_s);
	return 0;
}

/* ------------------------------------------------------------------ the trainer */

/* What a trainer workload measured, sent back from the child that ran it. */
struct learn_fig {
	int ok;
	char err[512];
	long sentences;
	double generate_s;	/* demo generation */
	double index_s;		/* learn_index_update of the new workspace */
	double load_s;		/* learn_index_load of the stored index */
	double turn_med, turn_max;	/* 25th tag -> model trained -> next round built */
	int turns;
	double score_rate;	/* sentences scored per second, one core */
	long pool;
};

static double secs_since(double t0)
{
	return wall_now() - t0;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Runs in a child: a demo workspace of `calls` calls, its index, a tracker answered from
 * the ground truth for 8 rounds, and a scoring pass over the whole scope. */
static void learn_workload(const char *dir, int calls, struct learn_fig *f)
{
	char db[4300], labels[4300], err[1024];
	store *st = NULL;
	struct learn_index *ix = NULL;
	snprintf(db, sizeof(db), "%s/learn-%d.db", dir, calls);
	snprintf(labels, sizeof(labels), "%s/learn-%d.labels", dir, calls);
	remove_db(db);
#define FAIL(...) do { snprintf(f->err, sizeof(f->err), __VA_ARGS__); goto out; } while (0)
	if (store_open(db, &st, err, sizeof(err)) < 0)
		FAIL("%.200s", err);
	struct demo_options o = {.calls = calls, .seed = 1, .anchor_unix = 1790000000, .labels = labels};
	struct demo_report rep;
	double t0 = wall_now();
	if (store_begin(st, err, sizeof(err)) < 0 || demo_generate(st, &o, &rep, err, sizeof(err)) < 0 ||
	    store_commit(st, err, sizeof(err)) < 0)
		FAIL("demo: %.200s", err);
	f->generate_s = secs_since(t0);
	f->sentences = (long)rep.sentences;

	/* The index on every core (two on the machines this is measured for). */
	cpu_set_t all;
	CPU_ZERO(&all);
	for (int c = 0; c < CPU_SETSIZE; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	t0 = wall_now();
	if (store_begin(st, err, sizeof(err)) < 0 ||
	    learn_index_update(st, NULL, NULL, NULL, err, sizeof(err)) < 0 ||
	    store_commit(st, err, sizeof(err)) < 0)
		FAIL("index: %.200s", err);
	f->index_s = secs_since(t0);
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	sched_setaffinity(0, sizeof(one), &one);

	t0 = wall_now();
	if (learn_index_load(st, &ix, NULL, NULL, NULL, err, sizeof(err)) < 0)
		FAIL("load: %.200s", err);
	f->load_s = secs_since(t0);

	/* Ground truth of one concept said by customers. */
	const char *concept = "asking_for_discount";
	FILE *lf = fopen(labels, "r");
	if (!lf)
		FAIL("%.200s: %.200s", labels, strerror(errno));
	size_t cap = 1024, n_true = 0;
	uint8_t *truth = xcalloc((size_t)ix->max_id + 1, 1);
	int64_t *first = xcalloc(cap, sizeof(int64_t));
	char line[256];
	while (fgets(line, sizeof(line), lf)) {
		long long id;
		char name[128];
		if (sscanf(line, "%lld %127s", &id, name) == 2 && !strcmp(name, concept) &&
		    id > 0 && id <= ix->max_id) {
			truth[id] = 1;
			if (n_true < cap)
				first[n_true] = id;
			n_true++;
		}
	}
	fclose(lf);
	struct store_settings set = {.name = "bench discount", .description = "",
				     .by = STORE_BY_CUSTOMER, .scope = STORE_SCOPE_EXTERNAL};
	int64_t tracker;
	if (store_begin(st, err, sizeof(err)) < 0 ||
	    store_tracker_create(st, &set, &tracker, err, sizeof(err)) < 0) {
		free(truth);
		free(first);
		FAIL("%.200s", err);
	}
	size_t kept = n_true < cap ? n_true : cap;
	for (size_t i = 0; i < 5 && i < kept; i++) {
		struct store_sentence *s;
		size_t ns, t;
		if (store_sentence_context(st, first[i * (kept / 5)], 0, 0, &s, &ns, &t, err, sizeof(err)) == 0) {
			store_example_add(st, tracker, s[t].text, NULL, err, sizeof(err));
			store_sentences_free(s, ns);
		}
	}
	free(first);
	if (store_commit(st, err, sizeof(err)) < 0) {
		free(truth);
		FAIL("%.200s", err);
	}
	/* Rounds answered by the truth, one tag one transaction, as the app writes them. */
	double turns[16];
	for (int r = 1; r <= 8; r++) {
		struct store_round *round = NULL;
		if (store_begin(st, err, sizeof(err)) < 0 ||
		    learn_round(st, ix, tracker, &round, NULL, err, sizeof(err)) < 0 ||
		    store_commit(st, err, sizeof(err)) < 0) {
			free(truth);
			FAIL("round %d: %.200s", r, err);
		}
		for (size_t i = 0; i < round->n_items; i++) {
			int64_t sid = round->items[i].sentence;
			int last = i + 1 == round->n_items;
			double ts = wall_now();
			if (store_begin(st, err, sizeof(err)) < 0 ||
			    learn_tag(st, ix, tracker, sid, truth[sid] ? STORE_TAG_YES : STORE_TAG_NO, NULL,
				      err, sizeof(err)) < 0 ||
			    store_commit(st, err, sizeof(err)) < 0) {
				store_round_free(round);
				free(truth);
				FAIL("tag: %.200s", err);
			}
			if (last && r >= LEARN_FIRST_MODEL_ROUND && r < 8) {
				struct store_round *next = NULL;
				if (store_begin(st, err, sizeof(err)) < 0 ||
				    learn_round(st, ix, tracker, &next, NULL, err, sizeof(err)) < 0 ||
				    store_commit(st, err, sizeof(err)) < 0) {
					store_round_free(round);
					free(truth);
					FAIL("round after %d: %.200s", r, err);
				}
				turns[f->turns++] = secs_since(ts);
				store_round_free(next);
			}
		}
		store_round_free(round);
	}
	free(truth);
	qsort(turns, (size_t)f->turns, sizeof(double), cmp_dbl);
	f->turn_med = f->turns ? turns[f->turns / 2] : 0;
	f->turn_max = f->turns ? turns[f->turns - 1] : 0;

	/* Scoring every sentence of the workspace with the tracker's model. */
	struct store_model *row = NULL;
	if (store_model_latest(st, tracker, &row, err, sizeof(err)) != 0)
		FAIL("no model");
	struct lmodel *m = model_load(row->blob, row->blob_len);
	store_model_free(row);
	struct pool p = {0};
	struct store_settings any = {.by = STORE_BY_ANY, .scope = STORE_SCOPE_ALL};
	if (!m || pool_build(st, ix, &any, 0, &p, err, sizeof(err)) < 0) {
		lmodel_free(m);
		FAIL("pool: %.200s", err);
	}
	float *prob = xmalloc((p.n + 1) * sizeof(float));
	double best = 1e9;
	for (int run = 0; run < 3; run++) {
		t0 = wall_now();
		trainer_score_pool(ix, m, &p, prob);
		double t = secs_since(t0);
		if (t < best)
			best = t;
	}
	f->pool = (long)p.n;
	f->score_rate = best > 0 ? (double)p.n / best : 0;
	free(prob);
	pool_free(&p);
	lmodel_free(m);
	f->ok = 1;
out:
#undef FAIL
	learn_index_free(ix);
	store_close(st);
	remove_db(db);
	unlink(labels);
}

/* Runs the workload in a child process: its peak memory is its own. */
static int learn_child(struct bench *b, int calls, struct learn_fig *f, long *rss_kb)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct learn_fig mine = {0};
		close(fd[0]);
		learn_workload(b->dir, calls, &mine);
		ssize_t w = write(fd[1], &mine, sizeof(mine));
		_exit(w == (ssize_t)sizeof(mine) ? 0 : 1);
	}
	close(fd[1]);
	memset(f, 0, sizeof(*f));
	ssize_t got = read(fd[0], f, sizeof(*f));
	close(fd[0]);
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	*rss_kb = ru.ru_maxrss;
	if (got != (ssize_t)sizeof(*f) || !f->ok) {
		fprintf(stderr, "bench: trainer workload (%d calls): %s\n", calls,
			got == (ssize_t)sizeof(*f) ? f->err : "the child died");
		return -1;
	}
	return 0;
}

static int bench_learn_size(struct bench *b, int calls, const char *name, double turn_goal)
{
	struct learn_fig f;
	long rss;
	if (learn_child(b, calls, &f, &rss) < 0)
		return -1;
	char key[64];
	snprintf(key, sizeof(key), "%s.index", name);
	report(key, "%.1f s for %s sentences (learn_index_update of a new %d-call demo workspace: "
	       "tokens, word vectors trained on its calls, sentence features; all cores)",
	       f.index_s, grouped((double)f.sentences), calls);
	snprintf(key, sizeof(key), "%s.load", name);
	report(key, "%.2f s (learn_index_load of the stored index, as each command and the app do)",
	       f.load_s);
	snprintf(key, sizeof(key), "%s.round", name);
	report(key, "%.3f s median, %.3f s worst over %d rounds (the 25th tag of rounds 4-7: tag "
	       "written, model retrained with its 10-split estimates, next 25 chosen; one core; goal "
	       "under %.1f s)", f.turn_med, f.turn_max, f.turns, turn_goal);
	snprintf(key, sizeof(key), "%s.score", name);
	report(key, "%s sentences/s (the scoring pass of activation over stored features, %s "
	       "sentences, one core; goal at least 5,000,000/s)", grouped(f.score_rate),
	       grouped((double)f.pool));
	snprintf(key, sizeof(key), "%s.memory", name);
	report(key, "%.0f MB peak (the whole workload: generation, index, load, 8 rounds, scoring; "
	       "goal under 1 GB at 1.5M sentences)", (double)rss / 1024);
	return 0;
}

static int bench_learn_demo(struct bench *b)
{
	return bench_learn_size(b, 600, "learn.demo", 0.3);
}

static int bench_learn_large(struct bench *b)
{
	return bench_learn_size(b, 10000, "learn.large", 1.0);
}

/* ------------------------------------------------------------------ quality on the demo */

/* A demo workspace in a temporary store, with its ground truth: label[id] is the concept
 * number (0 for none) of sentence id. */
struct truth_ws {
	store *st;
	char db[4300], labels[4300];
	char names[16][64];
	int n_names;
	uint8_t *label;
	int64_t max_id;
};

static int concept_no(struct truth_ws *w, const char *name)
{
	for (int i = 0; i < w->n_names; i++)
		if (!strcmp(w->names[i], name))
			return i + 1;
	if (w->n_names == 16)
		return 0;
	snprintf(w->names[w->n_names], sizeof(w->names[0]), "%s", name);
	return ++w->n_names;
}

static int truth_ws_make(struct bench *b, struct truth_ws *w, int calls, uint64_t seed, int index,
			 char *err, size_t errlen)
{
	struct demo_report rep;
	snprintf(w->db, sizeof(w->db), "%s/quality-%llu.db", b->dir, (unsigned long long)seed);
	snprintf(w->labels, sizeof(w->labels), "%s/quality-%llu.labels", b->dir, (unsigned long long)seed);
	remove_db(w->db);
	struct demo_options o = {.calls = calls, .seed = seed, .anchor_unix = 1790000000, .labels = w->labels};
	if (store_open(w->db, &w->st, err, errlen) < 0 || store_begin(w->st, err, errlen) < 0 ||
	    demo_generate(w->st, &o, &rep, err, errlen) < 0 ||
	    (index && learn_index_update(w->st, NULL, NULL, NULL, err, errlen) < 0) ||
	    store_commit(w->st, err, errlen) < 0)
		return -1;
	struct store_summary sum;
	if (store_summary_get(w->st, &sum, err, errlen) < 0)
		return -1;
	w->max_id = sum.max_sentence;
	w->label = xcalloc((size_t)w->max_id + 1, 1);
	FILE *f = fopen(w->labels, "r");
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		long long id;
		char name[128];
		if (sscanf(line, "%lld %127s", &id, name) == 2 && id > 0 && id <= w->max_id)
			w->label[id] = (uint8_t)concept_no(w, name);
	}
	if (f)
		fclose(f);
	return 0;
}

static void truth_ws_free(struct truth_ws *w)
{
	store_close(w->st);
	remove_db(w->db);
	unlink(w->labels);
	free(w->label);
}

struct scored {
	double s;
	int y;
};

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->s < y->s ? 1 : x->s > y->s ? -1 : 0;
}

/* Average precision with tied scores as one step, as the benchmark harness counts it. */
static double average_precision(struct scored *v, size_t n)
{
	size_t pos = 0, tp = 0;
	for (size_t i = 0; i < n; i++)
		pos += v[i].y;
	if (!pos)
		return 0;
	qsort(v, n, sizeof(*v), cmp_scored);
	double ap = 0, prev = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j].s == v[i].s)
			tp += (size_t)v[j++].y;
		double r = (double)tp / (double)pos;
		ap += (r - prev) * (double)tp / (double)j;
		prev = r;
		i = j;
	}
	return ap;
}

/* Trackers for every demo concept, built in one workspace by rounds answered from its
 * ground truth, judged on the sentences of another demo workspace (other calls, made
 * with another seed): F1 of `match`, average precision of the scores, and how far the
 * overview's estimates land from the true precision and hit rate. */
static int bench_demo_quality(struct bench *b)
{
	char err[1024];
	struct truth_ws a = {0}, t = {0};
	struct learn_index *ix = NULL;
	int rc = -1;
	if (truth_ws_make(b, &a, 600, 1, 1, err, sizeof(err)) < 0 ||
	    truth_ws_make(b, &t, 300, 2, 0, err, sizeof(err)) < 0 ||
	    learn_index_load(a.st, &ix, NULL, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench: demo quality: %s\n", err);
		goto out;
	}
	/* The judging texts: every sentence of the other workspace. */
	size_t nt = 0;
	char **texts = xcalloc((size_t)t.max_id + 1, sizeof(char *));
	int *tlabel = xcalloc((size_t)t.max_id + 1, sizeof(int));
	for (int64_t id = 1; id <= t.max_id; id++) {
		struct store_sentence *s;
		size_t n, k;
		if (store_sentence_context(t.st, id, 0, 0, &s, &n, &k, err, sizeof(err)) != 0)
			continue;
		texts[nt] = xstrdup(s[k].text);
		tlabel[nt++] = t.label[id] ? concept_no(&a, t.names[t.label[id] - 1]) : 0;
		store_sentences_free(s, n);
	}
	const int checks[2] = {4, 10};
	double f1s[2] = {0}, aps[2] = {0}, errs[2] = {0};
	int counted[2] = {0};
	double *scores = xmalloc((nt + 1) * sizeof(double));
	int *match = xmalloc((nt + 1) * sizeof(int));
	struct scored *sv = xmalloc((nt + 1) * sizeof(*sv));
	for (int c = 1; c <= a.n_names; c++) {
		struct store_settings set = {.name = a.names[c - 1], .description = "",
					     .by = STORE_BY_ANY, .scope = STORE_SCOPE_ALL};
		int64_t tracker;
		if (store_begin(a.st, err, sizeof(err)) < 0 ||
		    store_tracker_create(a.st, &set, &tracker, err, sizeof(err)) < 0)
			goto fail;
		/* Five examples spread over the concept's sentences. */
		int64_t ids[4096];
		size_t nids = 0;
		for (int64_t id = 1; id <= a.max_id && nids < 4096; id++)
			if (a.label[id] == c)
				ids[nids++] = id;
		for (size_t i = 0; i < 5 && i < nids; i++) {
			struct store_sentence *s;
			size_t n, k;
			if (store_sentence_context(a.st, ids[i * nids / 5], 0, 0, &s, &n, &k, err, sizeof(err)) == 0) {
				store_example_add(a.st, tracker, s[k].text, NULL, err, sizeof(err));
				store_sentences_free(s, n);
			}
		}
		if (store_commit(a.st, err, sizeof(err)) < 0)
			goto fail;
		for (int r = 1, k = 0; r <= checks[1]; r++) {
			struct store_round *round = NULL;
			if (store_begin(a.st, err, sizeof(err)) < 0 ||
			    learn_round(a.st, ix, tracker, &round, NULL, err, sizeof(err)) < 0)
				goto fail;
			for (size_t i = 0; i < round->n_items; i++) {
				int64_t sid = round->items[i].sentence;
				if (learn_tag(a.st, ix, tracker, sid, a.label[sid] == c ? STORE_TAG_YES : STORE_TAG_NO,
					      NULL, err, sizeof(err)) < 0) {
					store_round_free(round);
					goto fail;
				}
			}
			store_round_free(round);
			if (store_commit(a.st, err, sizeof(err)) < 0)
				goto fail;
			if (r != checks[k])
				continue;
			struct learn_overview *o = NULL;
			if (learn_overview_get(a.st, ix, tracker, &o, err, sizeof(err)) < 0 ||
			    learn_score_texts(a.st, ix, tracker, (const char *const *)texts, nt, scores, match,
					      err, sizeof(err)) < 0) {
				learn_overview_free(o);
				goto fail;
			}
			size_t tp = 0, fp = 0, fn = 0;
			for (size_t i = 0; i < nt; i++) {
				int y = tlabel[i] == c;
				tp += match[i] && y;
				fp += match[i] && !y;
				fn += !match[i] && y;
				sv[i].s = scores[i];
				sv[i].y = y;
			}
			double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
			double rr = tp + fn ? (double)tp / (double)(tp + fn) : 0;
			f1s[k] += p + rr > 0 ? 2 * p * rr / (p + rr) : 0;
			aps[k] += average_precision(sv, nt);
			if (!isnan(o->precision) && !isnan(o->recall))
				errs[k] += (fabs(o->precision - p) + fabs(o->recall - rr)) / 2;
			counted[k]++;
			learn_overview_free(o);
			k++;
		}
		continue;
fail:
		store_rollback(a.st);
		fprintf(stderr, "bench: demo quality: %s: %s\n", a.names[c - 1], err);
	}
	for (int k = 0; k < 2; k++) {
		char key[64];
		int n = counted[k] ? counted[k] : 1;
		snprintf(key, sizeof(key), "quality.demo@%d", checks[k]);
		report(key, "F1 %.3f, AP %.3f, estimate error %.3f (mean over %d demo concepts, trackers "
		       "built in a 600-call demo workspace by %d rounds answered from its ground truth, "
		       "judged on the %s sentences of another demo workspace, seed 2)",
		       f1s[k] / n, aps[k] / n, errs[k] / n, counted[k], checks[k], grouped((double)nt));
	}
	free(scores);
	free(match);
	free(sv);
	for (size_t i = 0; i < nt; i++)
		free(texts[i]);
	free(texts);
	free(tlabel);
	rc = 0;
out:
	learn_index_free(ix);
	truth_ws_free(&a);
	truth_ws_free(&t);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct bench *b);
} benches[] = {
	{"import.store", bench_import_store},
	{"import.command", bench_import_command},
	{"demo.generate", bench_demo_generate},
	{"demo.command", bench_demo_command},
	{"learn.demo", bench_learn_demo},
	{"learn.large", bench_learn_large},
	{"quality.demo", bench_demo_quality},
};

#define N_BENCHES (sizeof(benches) / sizeof(benches[0]))

static int wanted(const char *name, int argc, char **argv)
{
	if (argc <= 2)
		return 1;
	for (int i = 2; i < argc; i++)
		if (!strncmp(name, argv[i], strlen(argv[i])))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b = {0};
	int failed = 0, keep = 0;
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: bench_tracker TRACKER [NAME...]\nbenchmarks:");
		for (size_t i = 0; i < N_BENCHES; i++)
			fprintf(stderr, " %s", benches[i].name);
		fputc('\n', stderr);
		return 2;
	}
	b.tracker = realpath(argv[1], NULL);
	if (!b.tracker) {
		fprintf(stderr, "bench: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	const char *keep_dir = getenv("BENCH_DIR");
	if (keep_dir && *keep_dir) {
		snprintf(b.dir, sizeof(b.dir), "%s", keep_dir);
		mkdir(b.dir, 0755);
		keep = 1;
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(b.dir, sizeof(b.dir), "%s/bench-tracker.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(b.dir)) {
			perror("bench: mkdtemp");
			return 2;
		}
	}
	/* One core for this process and every command it starts. */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0)
		perror("bench: sched_setaffinity (figures may use more than one core)");
	unsetenv("TRACKER_NOW");
	for (size_t i = 0; i < N_BENCHES; i++) {
		if (!wanted(benches[i].name, argc, argv))
			continue;
		if (benches[i].run(&b) < 0) {
			fprintf(stderr, "bench: %s failed\n", benches[i].name);
			failed = 1;
		}
	}
	if (!keep) {
		char cmd[4300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", b.dir);
	}
	free((char *)b.tracker);
	return failed;
}
