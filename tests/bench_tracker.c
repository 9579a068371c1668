/* make bench: how fast the workspace is filled.
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
#include "store.h"
#include "xmalloc.h"

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

static const struct {
	const char *name;
	int (*run)(struct bench *b);
} benches[] = {
	{"import.store", bench_import_store},
	{"import.command", bench_import_command},
	{"demo.generate", bench_demo_generate},
	{"demo.command", bench_demo_command},
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
