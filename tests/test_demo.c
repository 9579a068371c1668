/* Unit tests of the demo workspace generator. */
#include "demo.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest.h"
#include "store.h"
#include "testhelp.h"
#include "xmalloc.h"

/* A fixed "now" so that dates are checkable. */
#define ANCHOR 1790000000LL
#define YEAR_S (365LL * 86400)

static char tmpdir[] = "/tmp/tracker-test-demo.XXXXXX";

static char *tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void rm_db(const char *path)
{
	char buf[4200];
	unlink(path);
	snprintf(buf, sizeof(buf), "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s-shm", path);
	unlink(buf);
}

/* Generates a workspace into a fresh db; returns the open store or NULL. */
static store *make_workspace(const char *db, int calls, uint64_t seed, const char *labels,
			     const char *audio_dir, struct demo_report *rep,
			     char *err, size_t errlen)
{
	rm_db(db);
	store *st = NULL;
	if (store_open(db, &st, err, errlen))
		return NULL;
	struct demo_options o = {
		.calls = calls, .seed = seed, .anchor_unix = ANCHOR, .labels = labels,
		.audio_dir = audio_dir,
	};
	if (store_begin(st, err, errlen) || demo_generate(st, &o, rep, err, errlen) ||
	    store_commit(st, err, errlen)) {
		store_rollback(st);
		store_close(st);
		return NULL;
	}
	return st;
}

/* ---------------------------------------------------------------- labels */

struct label {
	int64_t id;
	char concept[64];
};

static struct label *read_labels(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct label *v = NULL;
	size_t cap = 0;
	*n = 0;
	if (!f)
		return NULL;
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		long long id;
		char c[64];
		if (sscanf(line, "%lld\t%63s", &id, c) != 2)
			continue;
		xgrow(&v, &cap, *n + 1, sizeof(*v));
		v[*n].id = id;
		snprintf(v[*n].concept, sizeof(v[*n].concept), "%s", c);
		(*n)++;
	}
	fclose(f);
	return v;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	struct sbuf b = {0};
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_addn(&b, buf, k);
	fclose(f);
	return b.s ? sbuf_take(&b) : xstrdup("");
}

/* ---------------------------------------------------------------- workspace walk */

/* Everything the checks need about the sentences, by id. */
struct sent {
	int64_t call;
	int side;
	char *text;
};

struct ws {
	store *st;
	struct store_call *calls;
	size_t n_calls;
	struct sent *sents;	/* index id - first_id */
	int64_t first_id, n_sents;
};

static int load_ws(struct ws *w, store *st)
{
	char err[512];
	memset(w, 0, sizeof(*w));
	w->st = st;
	if (store_calls_list(st, &w->calls, &w->n_calls, err, sizeof(err)))
		return -1;
	struct store_summary sum;
	if (store_summary_get(st, &sum, err, sizeof(err)))
		return -1;
	w->first_id = INT64_MAX;
	for (size_t i = 0; i < w->n_calls; i++)
		if (w->calls[i].first_sentence < w->first_id)
			w->first_id = w->calls[i].first_sentence;
	w->n_sents = sum.max_sentence - w->first_id + 1;
	w->sents = xcalloc((size_t)w->n_sents, sizeof(*w->sents));
	for (size_t i = 0; i < w->n_calls; i++) {
		struct store_sentence *s;
		size_t n;
		if (store_call_sentences(st, w->calls[i].id, &s, &n, err, sizeof(err)))
			return -1;
		for (size_t j = 0; j < n; j++) {
			struct sent *x = &w->sents[s[j].id - w->first_id];
			x->call = s[j].call;
			x->side = s[j].side;
			x->text = xstrdup(s[j].text);
		}
		store_sentences_free(s, n);
	}
	return 0;
}

static void free_ws(struct ws *w)
{
	for (int64_t i = 0; i < w->n_sents; i++)
		free(w->sents[i].text);
	free(w->sents);
	store_calls_free(w->calls, w->n_calls);
}

static const struct sent *ws_sent(const struct ws *w, int64_t id)
{
	if (id < w->first_id || id >= w->first_id + w->n_sents)
		return NULL;
	const struct sent *s = &w->sents[id - w->first_id];
	return s->text ? s : NULL;
}

static const char *meta(const struct store_call *c, const char *key)
{
	for (size_t i = 0; i < c->n_meta; i++)
		if (!strcmp(c->meta[i].key, key))
			return c->meta[i].value;
	return NULL;
}

/* ---------------------------------------------------------------- string sets */

struct strset {
	char **v;
	size_t n, cap;
};

static int strset_add(struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return 0;
	xgrow(&s->v, &s->cap, s->n + 1, sizeof(char *));
	s->v[s->n++] = xstrdup(x);
	return 1;
}

static int strset_has(const struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return 1;
	return 0;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Near-miss lines of the material: plain lines (no markup) of rules whose name holds
 * ".near_", per concept file (concept_NAME.txt). */
struct near {
	char concept[64];
	struct strset lines;
};

static size_t load_near_misses(const char *dir, struct near *out, size_t cap)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < cap) {
		size_t l = strlen(e->d_name);
		if (strncmp(e->d_name, "concept_", 8) || l < 13 ||
		    strcmp(e->d_name + l - 4, ".txt"))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		char *text = read_file(path);
		free(path);
		if (!text)
			continue;
		struct near *nm = &out[n++];
		memset(nm, 0, sizeof(*nm));
		snprintf(nm->concept, sizeof(nm->concept), "%.*s", (int)(l - 12), e->d_name + 8);
		int in_near = 0;
		for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (line[0] == '@') {
				in_near = strstr(line, ".near_") != NULL;
				continue;
			}
			if (in_near && line[0] != '#' && line[0] != '~' && !strpbrk(line, "{[<"))
				strset_add(&nm->lines, line);
		}
		free(text);
	}
	closedir(d);
	return n;
}

/* ---------------------------------------------------------------- cases */

static void test_assets_dir(void)
{
	TEST("demo: assets folder follows $TRACKER_ASSETS, else the build's assets");
	char *saved = getenv("TRACKER_ASSETS") ? xstrdup(getenv("TRACKER_ASSETS")) : NULL;
	setenv("TRACKER_ASSETS", "/opt/somewhere", 1);
	CHECK_STR(demo_assets_dir(), "/opt/somewhere/demo");
	unsetenv("TRACKER_ASSETS");
	CHECK_STR(demo_assets_dir(), TRACKER_ASSETS "/demo");
	struct stat sb;
	CHECK(stat(demo_assets_dir(), &sb) == 0 && S_ISDIR(sb.st_mode));
	if (saved) {
		setenv("TRACKER_ASSETS", saved, 1);
		free(saved);
	}
}

static void test_bad_assets(void)
{
	char err[1024] = "";
	char *db = tmp_path("bad.db");
	store *st = NULL;

	TEST("demo: a missing assets folder is named in the error");
	rm_db(db);
	CHECK(store_open(db, &st, err, sizeof(err)) == 0);
	struct demo_options o = { .calls = 3, .seed = 1, .anchor_unix = ANCHOR,
				  .assets = "/nonexistent/demo" };
	struct demo_report rep;
	store_begin(st, err, sizeof(err));
	CHECK(demo_generate(st, &o, &rep, err, sizeof(err)) < 0);
	CHECK_MSG(strstr(err, "/nonexistent/demo") != NULL, "err: %s", err);
	store_rollback(st);

	TEST("demo: a broken phrase file is named with its line");
	char *dir = tmp_path("badassets");
	mkdir(dir, 0755);
	char *file = xasprintf("%s/a.txt", dir);
	FILE *f = fopen(file, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("# comment\n@stage\nDiscovery\n@x\nfine {stage}\nbroken {unclosed\n", f);
		fclose(f);
	}
	o.assets = dir;
	store_begin(st, err, sizeof(err));
	CHECK(demo_generate(st, &o, &rep, err, sizeof(err)) < 0);
	CHECK_MSG(strstr(err, "a.txt:6:") != NULL, "err: %s", err);
	store_rollback(st);

	TEST("demo: a reference to a missing rule is named with its line");
	f = fopen(file, "w");
	if (f) {
		fputs("@stage\nDiscovery\n@x\nsee {nowhere}\n", f);
		fclose(f);
	}
	store_begin(st, err, sizeof(err));
	CHECK(demo_generate(st, &o, &rep, err, sizeof(err)) < 0);
	CHECK_MSG(strstr(err, "a.txt:4:") && strstr(err, "nowhere"), "err: %s", err);
	store_rollback(st);

	unlink(file);
	rmdir(dir);
	free(file);
	free(dir);
	store_close(st);
	rm_db(db);
	free(db);
}

/* Compares two workspaces call by call, sentence by sentence. */
static int same_workspace(store *a, store *b, int *differ_text)
{
	char err[512];
	struct store_call *ca, *cb;
	size_t na, nb;
	int same = 1;
	*differ_text = 0;
	if (store_calls_list(a, &ca, &na, err, sizeof(err)) ||
	    store_calls_list(b, &cb, &nb, err, sizeof(err)))
		return 0;
	if (na != nb)
		same = 0;
	size_t texts = 0, differ = 0;
	for (size_t i = 0; i < na && i < nb; i++) {
		if (strcmp(ca[i].ext_id, cb[i].ext_id) || strcmp(ca[i].title, cb[i].title) ||
		    ca[i].started_unix != cb[i].started_unix ||
		    ca[i].duration_ms != cb[i].duration_ms || ca[i].n_parties != cb[i].n_parties ||
		    ca[i].n_sentences != cb[i].n_sentences || ca[i].n_meta != cb[i].n_meta)
			same = 0;
		for (size_t p = 0; same && p < ca[i].n_parties; p++)
			if (strcmp(ca[i].party_names[p], cb[i].party_names[p]))
				same = 0;
		struct store_sentence *sa, *sb;
		size_t ka, kb;
		if (store_call_sentences(a, ca[i].id, &sa, &ka, err, sizeof(err)) ||
		    store_call_sentences(b, cb[i].id, &sb, &kb, err, sizeof(err)))
			return 0;
		for (size_t j = 0; j < ka && j < kb; j++) {
			texts++;
			if (strcmp(sa[j].text, sb[j].text)) {
				same = 0;
				differ++;
			}
			if (sa[j].start_ms != sb[j].start_ms || sa[j].end_ms != sb[j].end_ms ||
			    sa[j].side != sb[j].side || strcmp(sa[j].speaker, sb[j].speaker))
				same = 0;
		}
		store_sentences_free(sa, ka);
		store_sentences_free(sb, kb);
	}
	*differ_text = texts && differ * 2 > texts;
	store_calls_free(ca, na);
	store_calls_free(cb, nb);
	return same;
}

static void test_determinism(void)
{
	char err[1024] = "";
	char *db1 = tmp_path("d1.db"), *db2 = tmp_path("d2.db"), *db3 = tmp_path("d3.db");
	char *l1 = tmp_path("d1.tsv"), *l2 = tmp_path("d2.tsv");
	struct demo_report r1, r2, r3;

	TEST("demo: the same seed gives the same calls");
	store *a = make_workspace(db1, 40, 5, l1, NULL, &r1, err, sizeof(err));
	CHECK_MSG(a != NULL, "%s", err);
	store *b = make_workspace(db2, 40, 5, l2, NULL, &r2, err, sizeof(err));
	CHECK_MSG(b != NULL, "%s", err);
	int differ = 0;
	if (a && b) {
		CHECK(same_workspace(a, b, &differ));
		CHECK_INT(r1.sentences, r2.sentences);
		CHECK_INT(r1.labelled, r2.labelled);
		char *t1 = read_file(l1), *t2 = read_file(l2);
		CHECK(t1 && t2 && !strcmp(t1, t2));
		free(t1);
		free(t2);
	}

	TEST("demo: a different seed gives different calls");
	store *c = make_workspace(db3, 40, 6, NULL, NULL, &r3, err, sizeof(err));
	CHECK_MSG(c != NULL, "%s", err);
	if (a && c) {
		CHECK(!same_workspace(a, c, &differ));
		CHECK(differ);
	}

	TEST("demo: a call does not depend on how many calls are made");
	store_close(b);
	b = make_workspace(db2, 10, 5, NULL, NULL, &r2, err, sizeof(err));
	if (a && b) {
		struct store_call *x = NULL, *y = NULL;
		struct store_sentence *sx = NULL, *sy = NULL;
		size_t nx = 0, ny = 0;
		/* dates are spread anew, but the transcript of call N stays */
		CHECK(store_call_get(a, "call-0003", &x, err, sizeof(err)) == 0);
		CHECK(store_call_get(b, "call-0003", &y, err, sizeof(err)) == 0);
		if (x && y) {
			store_call_sentences(a, x->id, &sx, &nx, err, sizeof(err));
			store_call_sentences(b, y->id, &sy, &ny, err, sizeof(err));
			CHECK_INT(nx, ny);
			CHECK(nx && ny && !strcmp(sx[nx / 2].text, sy[ny / 2].text));
		}
		store_sentences_free(sx, nx);
		store_sentences_free(sy, ny);
		store_calls_free(x, x ? 1 : 0);
		store_calls_free(y, y ? 1 : 0);
	}

	store_close(a);
	store_close(b);
	store_close(c);
	rm_db(db1);
	rm_db(db2);
	rm_db(db3);
	unlink(l1);
	unlink(l2);
	free(db1);
	free(db2);
	free(db3);
	free(l1);
	free(l2);
}

static int progress_calls;
static size_t progress_done, progress_total;

static void on_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	progress_calls++;
	progress_done = done;
	progress_total = total;
}

static void test_options(void)
{
	char err[1024] = "";
	char *db = tmp_path("o.db");
	struct demo_report rep;

	TEST("demo: with an audio folder every call's recording is there, not made yet");
	store *st = make_workspace(db, 5, 2, NULL, "/var/cache/rec", &rep, err, sizeof(err));
	CHECK_MSG(st != NULL, "%s", err);
	if (st) {
		struct store_call *c = NULL;
		CHECK(store_call_get(st, "call-0002", &c, err, sizeof(err)) == 0);
		if (c) {
			CHECK_MSG(c->audio && !strncmp(c->audio, "/var/cache/rec/call-0002-", 25) &&
				  strlen(c->audio) == 25 + 8 + 4 &&
				  !strcmp(c->audio + 33, ".ogg"), "%s", c->audio);
			CHECK_INT(c->audio_ok, -1);
		}
		store_calls_free(c, c ? 1 : 0);
		store_close(st);
	}

	TEST("demo: a recordings folder shared by workspaces gives another seed's call "
	     "another recording, the same seed's the same one");
	{
		char *db2 = tmp_path("o2.db"), *db3 = tmp_path("o3.db");
		store *a = make_workspace(db, 3, 2, NULL, "/var/cache/rec", &rep, err, sizeof(err));
		store *b = make_workspace(db2, 3, 7, NULL, "/var/cache/rec", &rep, err,
					  sizeof(err));
		store *d = make_workspace(db3, 3, 2, NULL, "/var/cache/rec", &rep, err,
					  sizeof(err));
		struct store_call *ca = NULL, *cb = NULL, *cd = NULL;
		CHECK(a && b && d);
		if (a && b && d) {
			store_call_get(a, "call-0002", &ca, err, sizeof(err));
			store_call_get(b, "call-0002", &cb, err, sizeof(err));
			store_call_get(d, "call-0002", &cd, err, sizeof(err));
		}
		CHECK(ca && cb && cd);
		if (ca && cb && cd) {
			CHECK_MSG(strcmp(ca->audio, cb->audio) != 0, "both %s", ca->audio);
			CHECK_STR(ca->audio, cd->audio);
		}
		store_calls_free(ca, ca ? 1 : 0);
		store_calls_free(cb, cb ? 1 : 0);
		store_calls_free(cd, cd ? 1 : 0);
		store_close(a);
		store_close(b);
		store_close(d);
		rm_db(db2);
		rm_db(db3);
		free(db2);
		free(db3);
	}

	TEST("demo: without an audio folder calls have no recording");
	st = make_workspace(db, 3, 2, NULL, NULL, &rep, err, sizeof(err));
	if (st) {
		struct store_call *c = NULL;
		CHECK(store_call_get(st, "call-0001", &c, err, sizeof(err)) == 0);
		if (c) {
			CHECK(c->audio == NULL || !*c->audio);
			CHECK_INT(c->audio_ok, 0);
		}
		store_calls_free(c, c ? 1 : 0);
		store_close(st);
	}

	TEST("demo: progress is reported every 16 calls and at the end");
	rm_db(db);
	if (store_open(db, &st, err, sizeof(err)) == 0) {
		struct demo_options o = { .calls = 40, .seed = 3, .anchor_unix = ANCHOR,
					  .progress = on_progress };
		store_begin(st, err, sizeof(err));
		CHECK(demo_generate(st, &o, &rep, err, sizeof(err)) == 0);
		store_commit(st, err, sizeof(err));
		CHECK_INT(progress_calls, 3);
		CHECK_INT(progress_done, 40);
		CHECK_INT(progress_total, 40);
		CHECK_INT(rep.calls, 40);
		store_close(st);
	}

	TEST("demo: a labels file that cannot be written is named");
	rm_db(db);
	if (store_open(db, &st, err, sizeof(err)) == 0) {
		struct demo_options o = { .calls = 2, .seed = 3, .anchor_unix = ANCHOR,
					  .labels = "/nonexistent/dir/labels.tsv" };
		store_begin(st, err, sizeof(err));
		CHECK(demo_generate(st, &o, &rep, err, sizeof(err)) < 0);
		CHECK_MSG(strstr(err, "/nonexistent/dir/labels.tsv") != NULL, "err: %s", err);
		store_rollback(st);
		store_close(st);
	}
	rm_db(db);
	free(db);
}

/* The default workspace: 600 calls, seed 1. */
static void test_default_workspace(void)
{
	char err[1024] = "";
	char *db = tmp_path("w.db"), *lpath = tmp_path("w.tsv");
	struct demo_report rep;
	struct timespec t0, t1;

	TEST("demo: the default workspace (600 calls) is generated and stored quickly");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	store *st = make_workspace(db, 0, 1, lpath, NULL, &rep, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK_MSG(st != NULL, "%s", err);
	if (!st)
		goto out;
	printf("demo: 600 calls, %zu sentences, %zu labelled in %.2f s\n", rep.sentences,
	       rep.labelled, secs);
	CHECK_MSG(secs < 60, "took %.1f s", secs);
	CHECK_INT(rep.calls, 600);
	CHECK(rep.concepts >= 8);

	struct ws w;
	CHECK(load_ws(&w, st) == 0);
	struct store_summary sum;
	store_summary_get(st, &sum, err, sizeof(err));
	CHECK_INT(sum.calls, 600);
	CHECK_INT(sum.sentences, (long long)rep.sentences);

	TEST("demo: calls have zero-padded ids, titles, team and deal stage; internal meetings "
	     "(standups, pipeline reviews) have a team and no deal stage");
	struct strset teams = {0}, stages = {0};
	int ok_ids = 1, ok_meta = 1, meetings = 0, internal_staged = 0;
	for (size_t i = 0; i < w.n_calls; i++) {
		const struct store_call *c = &w.calls[i];
		int num = 0;
		if (sscanf(c->ext_id, "call-%4d", &num) != 1 || strlen(c->ext_id) != 9 || num < 1 ||
		    num > 600)
			ok_ids = 0;
		const char *team = meta(c, "team"), *stage = meta(c, "deal_stage");
		if (c->scope == STORE_SCOPE_INTERNAL) {
			meetings++;
			internal_staged += stage != NULL;
			stage = NULL;
			if (!team || !meta(c, "region") || !c->title || strlen(c->title) < 5)
				ok_meta = 0;
		} else if (!team || !stage || !c->title || strlen(c->title) < 5) {
			ok_meta = 0;
		}
		if (team)
			strset_add(&teams, team);
		if (stage)
			strset_add(&stages, stage);
	}
	CHECK(ok_ids);
	CHECK(ok_meta);
	CHECK_MSG(meetings >= 30, "%d internal calls", meetings);
	CHECK_MSG(internal_staged == 0, "%d of %d internal calls have a deal stage",
		  internal_staged, meetings);
	CHECK_MSG(teams.n >= 3, "%zu teams", teams.n);
	CHECK_MSG(stages.n >= 5, "%zu stages", stages.n);
	CHECK(strset_has(&stages, "Discovery") && strset_has(&stages, "Negotiation"));
	strset_free(&teams);
	strset_free(&stages);

	TEST("demo: calls have 2 to 4 parties, both sides on external calls");
	int ok_parties = 1;
	size_t internal = 0;
	for (size_t i = 0; i < w.n_calls; i++) {
		const struct store_call *c = &w.calls[i];
		int company = 0, customer = 0;
		for (size_t p = 0; p < c->n_parties; p++)
			if (c->party_sides[p] == STORE_COMPANY)
				company++;
			else
				customer++;
		if (c->n_parties < 2 || c->n_parties > 4)
			ok_parties = 0;
		if (c->scope == STORE_SCOPE_EXTERNAL && (!company || !customer))
			ok_parties = 0;
		if (c->scope == STORE_SCOPE_INTERNAL) {
			internal++;
			if (customer)
				ok_parties = 0;
		}
	}
	CHECK(ok_parties);
	CHECK_MSG(internal >= 30 && internal <= 120, "%zu internal calls", internal);

	TEST("demo: each team's calls have our side from a few people of the team, each on "
	     "many calls");
	{
		struct strset people = {0}, pairs = {0};
		for (size_t i = 0; i < w.n_calls; i++) {
			const struct store_call *c = &w.calls[i];
			const char *team = meta(c, "team");
			for (size_t p = 0; p < c->n_parties; p++) {
				if (c->party_sides[p] != STORE_COMPANY || !team)
					continue;
				char key[512];
				snprintf(key, sizeof(key), "%s\t%s", team, c->party_names[p]);
				strset_add(&people, c->party_names[p]);
				strset_add(&pairs, key);
			}
		}
		/* 600 calls, 5 teams: 40 people, none in two teams */
		CHECK_MSG(people.n >= 10 && people.n <= 60, "%zu people of our company", people.n);
		CHECK_MSG(pairs.n == people.n, "%zu people, %zu team memberships", people.n,
			  pairs.n);
		strset_free(&people);
		strset_free(&pairs);
	}

	TEST("demo: calls start in the 12 months before the anchor");
	int ok_dates = 1;
	int64_t lo = INT64_MAX, hi = 0;
	for (size_t i = 0; i < w.n_calls; i++) {
		int64_t t = w.calls[i].started_unix;
		if (t < ANCHOR - YEAR_S || t >= ANCHOR)
			ok_dates = 0;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		int64_t parsed = 0;
		if (ingest_parse_time(w.calls[i].started, &parsed) || parsed != t)
			ok_dates = 0;
	}
	CHECK(ok_dates);
	CHECK_MSG(hi - lo > 300 * 86400, "calls span only %lld days",
		  (long long)((hi - lo) / 86400));

	TEST("demo: sentence times increase, stay inside the call and fit speech");
	int ok_times = 1, ok_speech = 1, ok_count = 1, ok_end = 1, multi = 0;
	for (size_t i = 0; i < w.n_calls && ok_times; i++) {
		const struct store_call *c = &w.calls[i];
		struct store_sentence *s;
		size_t n;
		if (store_call_sentences(st, c->id, &s, &n, err, sizeof(err))) {
			ok_times = 0;
			break;
		}
		if (n < 85 || n > 230)
			ok_count = 0;
		int prev_start = -1, prev_utt = -1, in_utt = 0;
		for (size_t j = 0; j < n; j++) {
			if (s[j].start_ms < prev_start || s[j].end_ms < s[j].start_ms ||
			    s[j].end_ms > c->duration_ms || s[j].start_ms < 0)
				ok_times = 0;
			prev_start = s[j].start_ms;
			in_utt = s[j].utt == prev_utt ? in_utt + 1 : 1;
			multi += in_utt == 2;
			prev_utt = s[j].utt;
			/* espeak-ng at ~165 words a minute: ~62 ms a character */
			size_t len = strlen(s[j].text);
			int dur = s[j].end_ms - s[j].start_ms;
			if (len >= 20 && (dur < (int)len * 45 || dur > (int)len * 100))
				ok_speech = 0;
			if (dur < 150)
				ok_speech = 0;
		}
		if (n && (c->duration_ms < s[n - 1].end_ms ||
			  c->duration_ms > s[n - 1].end_ms + 3000))
			ok_end = 0;
		store_sentences_free(s, n);
	}
	CHECK(ok_times);
	CHECK(ok_speech);
	CHECK(ok_count);
	CHECK(ok_end);
	CHECK_MSG(multi > 1000, "%d utterances with several sentences", multi);

	TEST("demo: calls sound spoken: backchannels, ums, restarts, misheard words");
	size_t yeah = 0, um = 0, restart = 0, misheard = 0, repeated = 0;
	for (int64_t i = 0; i < w.n_sents; i++) {
		const char *t = w.sents[i].text;
		if (!t)
			continue;
		if (!strcmp(t, "Yeah.") || !strcmp(t, "Mm-hmm.") || !strcmp(t, "Uh-huh."))
			yeah++;
		if (strstr(t, " um ") || strstr(t, "Um,") || strstr(t, " uh "))
			um++;
		if (strstr(t, "- "))
			restart++;
		if (strstr(t, "this count") || strstr(t, " prize") || strstr(t, "budge it") ||
		    strstr(t, "renew all") || strstr(t, "on boarding"))
			misheard++;
		if (strstr(t, " the the ") || strstr(t, " we we ") || strstr(t, " to to "))
			repeated++;
	}
	CHECK_MSG(yeah > 500, "%zu backchannels", yeah);
	CHECK_MSG(um > 1000, "%zu ums", um);
	CHECK_MSG(restart > 100, "%zu restarts", restart);
	CHECK_MSG(misheard > 20, "%zu misheard", misheard);
	CHECK_MSG(repeated > 20, "%zu repeated words", repeated);

	TEST("demo: the labels file names existing single sentences");
	size_t n_lab = 0;
	struct label *lab = read_labels(lpath, &n_lab);
	CHECK_INT(n_lab, (long long)rep.labelled);
	CHECK(n_lab > 600);
	int ok_exist = 1, ok_single = 1, ok_order = 1;
	for (size_t i = 0; i < n_lab; i++) {
		const struct sent *s = ws_sent(&w, lab[i].id);
		if (!s) {
			ok_exist = 0;
			continue;
		}
		struct ingest_span *sp = NULL;
		size_t k = ingest_split(s->text, strlen(s->text), &sp);
		size_t l = strlen(s->text);
		if (k != 1 || sp[0].start != 0 || sp[0].end != l || !strchr(".?!", s->text[l - 1]))
			ok_single = 0;
		free(sp);
		if (i && lab[i].id <= lab[i - 1].id)
			ok_order = 0;
	}
	CHECK(ok_exist);
	CHECK(ok_single);
	CHECK(ok_order);

	TEST("demo: customer concepts are said by the customer, ours by us");
	int ok_side = 1;
	for (size_t i = 0; i < n_lab; i++) {
		const struct sent *s = ws_sent(&w, lab[i].id);
		if (!s)
			continue;
		if ((!strcmp(lab[i].concept, "asking_for_discount") ||
		     !strcmp(lab[i].concept, "pricing_objection") ||
		     !strcmp(lab[i].concept, "security_compliance")) && s->side != STORE_CUSTOMER)
			ok_side = 0;
		if (!strcmp(lab[i].concept, "recording_consent") && s->side != STORE_COMPANY)
			ok_side = 0;
	}
	CHECK(ok_side);

	TEST("demo: at least 8 concepts, each in 50+ calls, each in many wordings");
	struct strset names = {0};
	for (size_t i = 0; i < n_lab; i++)
		strset_add(&names, lab[i].concept);
	CHECK_MSG(names.n >= 8, "%zu concepts", names.n);
	CHECK_INT(names.n, (long long)rep.concepts);
	for (size_t k = 0; k < names.n; k++) {
		struct strset texts = {0};
		int64_t *calls = xcalloc(n_lab, sizeof(int64_t));
		size_t n_calls = 0, said = 0;
		for (size_t i = 0; i < n_lab; i++) {
			const struct sent *s = ws_sent(&w, lab[i].id);
			if (!s || strcmp(lab[i].concept, names.v[k]))
				continue;
			said++;
			strset_add(&texts, s->text);
			size_t j = 0;
			while (j < n_calls && calls[j] != s->call)
				j++;
			if (j == n_calls)
				calls[n_calls++] = s->call;
		}
		printf("  %-24s %4zu calls %4zu sentences %4zu wordings\n", names.v[k], n_calls,
		       said, texts.n);
		CHECK_MSG(n_calls >= 50, "%s in %zu calls", names.v[k], n_calls);
		CHECK_MSG(texts.n >= 40, "%s in %zu wordings", names.v[k], texts.n);
		free(calls);
		strset_free(&texts);
	}

	TEST("demo: most sentences say no concept; a call says one at most 3 times");
	CHECK_MSG(n_lab * 100 < (size_t)sum.sentences * 5, "%zu of %lld labelled", n_lab,
		  (long long)sum.sentences);
	{
		/* labels come in id order, so a call's labels are together */
		int ok_max = 1;
		for (size_t i = 0; i < n_lab; i++) {
			const struct sent *s = ws_sent(&w, lab[i].id);
			int same = 0;
			for (size_t j = i; s && j < n_lab; j++) {
				const struct sent *t = ws_sent(&w, lab[j].id);
				if (!t || t->call != s->call)
					break;
				same += !strcmp(lab[i].concept, lab[j].concept);
			}
			if (same > 3)
				ok_max = 0;
		}
		CHECK(ok_max);
	}

	TEST("demo: near-misses are in the calls and are never labelled");
	struct near nm[32];
	size_t n_nm = load_near_misses(demo_assets_dir(), nm, 32);
	CHECK(n_nm >= 8);
	struct strset labelled_texts = {0};
	for (size_t i = 0; i < n_lab; i++) {
		const struct sent *s = ws_sent(&w, lab[i].id);
		if (s)
			strset_add(&labelled_texts, s->text);
	}
	for (size_t k = 0; k < n_nm; k++) {
		size_t found = 0, in_labels = 0;
		for (int64_t i = 0; i < w.n_sents; i++) {
			const char *t = w.sents[i].text;
			if (t && strset_has(&nm[k].lines, t)) {
				found++;
				in_labels += strset_has(&labelled_texts, t);
			}
		}
		CHECK_MSG(found >= 10, "%s: %zu near-misses found", nm[k].concept, found);
		CHECK_MSG(in_labels == 0, "%s: %zu near-misses labelled", nm[k].concept, in_labels);
		strset_free(&nm[k].lines);
	}
	strset_free(&labelled_texts);
	strset_free(&names);
	free(lab);
	free_ws(&w);
	store_close(st);
out:
	rm_db(db);
	unlink(lpath);
	free(db);
	free(lpath);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror(tmpdir);
		return 1;
	}
	/* the build's own material, whatever the environment says */
	unsetenv("TRACKER_ASSETS");
	test_assets_dir();
	test_bad_assets();
	test_options();
	test_determinism();
	test_default_workspace();
	rmdir(tmpdir);
	return test_report("demo");
}
