/* Tracker commands: list, create, edit, delete, examples. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "ingest.h"
#include "learn.h"
#include "opts.h"
#include "text.h"
#include "xmalloc.h"

void cli_print_json(cJSON *j);

/* ------------------------------------------------------------------ settings */

int cli_parse_by(const char *s)
{
	if (!strcmp(s, "company"))
		return STORE_BY_COMPANY;
	if (!strcmp(s, "customer"))
		return STORE_BY_CUSTOMER;
	if (!strcmp(s, "any"))
		return STORE_BY_ANY;
	return -1;
}

int cli_parse_scope(const char *s)
{
	if (!strcmp(s, "external"))
		return STORE_SCOPE_EXTERNAL;
	if (!strcmp(s, "internal"))
		return STORE_SCOPE_INTERNAL;
	if (!strcmp(s, "all"))
		return STORE_SCOPE_ALL;
	return -1;
}

int cli_parse_part(const char *s, int *part, int *minutes)
{
	if (!strcmp(s, "anytime")) {
		*part = STORE_PART_ANYTIME;
		*minutes = 0;
		return 0;
	}
	const char *colon = strchr(s, ':');
	if (!colon)
		return -1;
	size_t n = (size_t)(colon - s);
	if (n == 5 && !strncmp(s, "first", 5))
		*part = STORE_PART_FIRST;
	else if (n == 4 && !strncmp(s, "last", 4))
		*part = STORE_PART_LAST;
	else
		return -1;
	char *end;
	errno = 0;
	long m = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || m < 1 || m > 600)
		return -1;
	*minutes = (int)m;
	return 0;
}

static void part_text(int part, int minutes, char *buf, size_t cap)
{
	if (part == STORE_PART_FIRST)
		snprintf(buf, cap, "first:%d", minutes);
	else if (part == STORE_PART_LAST)
		snprintf(buf, cap, "last:%d", minutes);
	else
		snprintf(buf, cap, "anytime");
}

int cli_filter_problem(store *st, const char *key, const char *value, char *msg, size_t cap)
{
	struct store_kv *vals;
	size_t nv;
	if (store_meta_values(st, key, &vals, &nv, msg, cap) < 0)
		return -1;
	int found = 0;
	for (size_t j = 0; j < nv; j++)
		if (!strcmp(vals[j].key, value))
			found = 1;
	if (found) {
		store_kvs_free(vals, nv);
		return 0;
	}
	if (nv == 0) {
		char **keys;
		size_t nk;
		struct sbuf kb = {0};
		if (store_meta_keys(st, &keys, &nk, msg, cap) == 0) {
			for (size_t j = 0; j < nk; j++)
				sbuf_printf(&kb, "%s%s", j ? ", " : "", keys[j]);
			store_strings_free(keys, nk);
		}
		snprintf(msg, cap, "no call has the key '%s' (keys in this workspace: %s)", key,
			 kb.s ? kb.s : "none");
		sbuf_free(&kb);
	} else {
		struct sbuf b = {0};
		for (size_t j = 0; j < nv && j < 12; j++)
			sbuf_printf(&b, "%s'%s'", j ? ", " : "", vals[j].key);
		snprintf(msg, cap, "no call has %s '%s' (values: %s%s)", key, value, b.s,
			 nv > 12 ? ", ..." : "");
		sbuf_free(&b);
	}
	store_kvs_free(vals, nv);
	return 1;
}

/* Checks KEY=VALUE filters against the workspace's metadata and adds them to s. */
static int add_filters(struct cli *c, struct store_settings *s, const struct opt_list *l)
{
	char msg[1024];
	for (size_t i = 0; i < l->n; i++) {
		const char *eq = strchr(l->v[i], '=');
		if (!eq || eq == l->v[i] || !eq[1])
			return cli_usage_error(c, "--filter takes KEY=VALUE, not '%s'", l->v[i]);
		char *key = xstrndup(l->v[i], (size_t)(eq - l->v[i]));
		int bad = cli_filter_problem(c->st, key, eq + 1, msg, sizeof(msg));
		if (bad) {
			free(key);
			return bad < 0 ? cli_fail("%s", msg) : cli_fail("--filter %s: %s", l->v[i], msg);
		}
		s->filters = xrealloc(s->filters, (s->n_filters + 1) * sizeof(*s->filters));
		s->filters[s->n_filters].key = key;
		s->filters[s->n_filters].value = xstrdup(eq + 1);
		s->n_filters++;
	}
	return CLI_OK;
}

const char *cli_name_problem(const char *name, char *buf, size_t cap)
{
	size_t n = strlen(name);
	if (strspn(name, " ") == n)
		return n ? "must not be only spaces" : "must not be empty";
	if (!ingest_utf8_valid(name, n) || strpbrk(name, "\t\n\r"))
		return "must be one line of UTF-8 text";
	/* characters, not bytes, as the app's settings form counts them */
	size_t chars = text_chars(name, n);
	if (chars > 60) {
		snprintf(buf, cap, "is %zu characters; keep it to 60 at most", chars);
		return buf;
	}
	if (strspn(name, "0123456789") == n)
		return "must not be all digits (ids are)";
	return NULL;
}

char *cli_name_trim(const char *name)
{
	while (*name == ' ')
		name++;
	size_t len = strlen(name);
	while (len && name[len - 1] == ' ')
		len--;
	return xstrndup(name, len);
}

static int check_name(struct cli *c, const char *name)
{
	char buf[96];
	const char *p = cli_name_problem(name, buf, sizeof(buf));
	if (p)
		return cli_usage_error(c, "--name %s", p);
	return CLI_OK;
}

/* Options shared by create and edit. */
struct settings_opts {
	const char *name, *description, *by, *scope, *part;
	struct opt_list filters;
	int clear_filters;
};

/* The settings that need no workspace: name, description, who, scope and part. */
static int apply_settings(struct cli *c, struct store_settings *s, struct settings_opts *o)
{
	int rc;
	if (o->name) {
		/* spaces around a name are not part of it, as in the app's form */
		char *name = cli_name_trim(o->name);
		if ((rc = check_name(c, *name ? name : o->name))) {
			free(name);
			return rc;
		}
		free(s->name);
		s->name = name;
	}
	if (o->description) {
		if (!ingest_utf8_valid(o->description, strlen(o->description)))
			return cli_usage_error(c, "--description must be UTF-8 text");
		free(s->description);
		s->description = xstrdup(o->description);
	}
	if (o->by && (s->by = cli_parse_by(o->by)) < 0)
		return cli_usage_error(c, "--mentioned-by is company, customer or any, not '%s'", o->by);
	if (o->scope && (s->scope = cli_parse_scope(o->scope)) < 0)
		return cli_usage_error(c, "--scope is external, internal or all, not '%s'", o->scope);
	if (o->part && cli_parse_part(o->part, &s->part, &s->part_minutes) < 0)
		return cli_usage_error(c, "--part is anytime, first:MINUTES or last:MINUTES "
				       "(1 to 600), not '%s'", o->part);
	for (size_t i = 0; i < o->filters.n; i++) {
		const char *f = o->filters.v[i], *eq = strchr(f, '=');
		if (!eq || eq == f || !eq[1])
			return cli_usage_error(c, "--filter takes KEY=VALUE, not '%s'", f);
	}
	return CLI_OK;
}

/* The filters, checked against the workspace's call metadata. */
static int apply_filters(struct cli *c, struct store_settings *s, struct settings_opts *o)
{
	if (o->clear_filters || o->filters.n) {
		store_kvs_free(s->filters, s->n_filters);
		s->filters = NULL;
		s->n_filters = 0;
	}
	return add_filters(c, s, &o->filters);
}

/* ------------------------------------------------------------------ create */

static int run_create(struct cli *c, int argc, char **argv)
{
	struct settings_opts o = {0};
	char **pos, err[1024];
	int npos;
	struct opt spec[] = {
		{"--name", OPT_STRING, &o.name}, {"--description", OPT_STRING, &o.description},
		{"--mentioned-by", OPT_STRING, &o.by}, {"--scope", OPT_STRING, &o.scope},
		{"--filter", OPT_LIST, &o.filters}, {"--part", OPT_STRING, &o.part},
		{NULL, 0, NULL},
	};
	if (opts_parse(c, argc, argv, spec, &pos, &npos)) {
		opt_list_free(&o.filters);
		return CLI_USAGE;
	}
	int rc = CLI_OK;
	struct store_settings s = {.by = STORE_BY_ANY, .scope = STORE_SCOPE_EXTERNAL};
	if (npos) {
		rc = cli_usage_error(c, "unexpected argument '%s' (the name goes after --name)", pos[0]);
		goto out;
	}
	if (!o.name) {
		rc = cli_usage_error(c, "a tracker needs --name");
		goto out;
	}
	s.description = xstrdup("");
	/* What the command line alone can tell is checked before the workspace is opened. */
	if ((rc = apply_settings(c, &s, &o)))
		goto out;
	if (!cli_store(c)) {
		rc = CLI_FAIL;
		goto out;
	}
	if ((rc = apply_filters(c, &s, &o)))
		goto out;
	int64_t id;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_tracker_create(c->st, &s, &id, err, sizeof(err)) < 0 ||
	    store_commit(c->st, err, sizeof(err)) < 0) {
		rc = cli_fail("%s", err);
		goto out;
	}
	printf("%lld\n", (long long)id);
out:
	store_settings_clear(&s);
	opt_list_free(&o.filters);
	free(pos);
	return rc;
}

const struct cli_command cli_cmd_create = {
	.name = "create",
	.run = run_create,
	.summary = "create a tracker (prints its id)",
	.usage =
	"usage: tracker create --name NAME [--description TEXT]\n"
	"                      [--mentioned-by company|customer|any] [--scope external|internal|all]\n"
	"                      [--filter KEY=VALUE]... [--part anytime|first:MIN|last:MIN]\n"
	"\n"
	"Creates a tracker and prints its id alone. Names are unique. --mentioned-by: who\n"
	"must say it (default any); --scope: which calls (default external); --filter: call\n"
	"metadata that must match (several values of one key: any of them); --part: the\n"
	"whole call or its first/last N minutes. Then add 5+ examples with `tracker examples`.\n",
	.writes = 1,
};

/* ------------------------------------------------------------------ edit */

static int run_edit(struct cli *c, int argc, char **argv)
{
	struct settings_opts o = {0};
	char **pos, err[1024];
	int npos, rc = CLI_OK;
	long long id;
	struct opt spec[] = {
		{"--name", OPT_STRING, &o.name}, {"--description", OPT_STRING, &o.description},
		{"--mentioned-by", OPT_STRING, &o.by}, {"--scope", OPT_STRING, &o.scope},
		{"--filter", OPT_LIST, &o.filters}, {"--clear-filters", OPT_FLAG, &o.clear_filters},
		{"--part", OPT_STRING, &o.part}, {NULL, 0, NULL},
	};
	if (opts_parse(c, argc, argv, spec, &pos, &npos)) {
		opt_list_free(&o.filters);
		return CLI_USAGE;
	}
	struct store_tracker *t = NULL;
	struct store_settings s = {0};
	if (npos != 1) {
		rc = cli_usage_error(c, "name one tracker");
		goto out;
	}
	if (cli_tracker_ref(c, pos[0], &id) < 0) {
		rc = CLI_FAIL;
		goto out;
	}
	/* The settings are read in the transaction that writes them: another command
	 * changing them meanwhile would otherwise be undone unseen. */
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_tracker_get(c->st, id, &t, err, sizeof(err)) < 0) {
		rc = cli_fail("%s", err);
		goto out;
	}
	/* An active tracker's edits wait as a draft until published. */
	store_settings_copy(&s, t->has_draft_settings ? &t->draft : &t->live);
	if ((rc = apply_settings(c, &s, &o)) || (rc = apply_filters(c, &s, &o)))
		goto out;
	if (store_tracker_set_settings(c->st, id, &s, t->active, err, sizeof(err)) < 0 ||
	    store_commit(c->st, err, sizeof(err)) < 0) {
		rc = cli_fail("%s", err);
		goto out;
	}
	if (t->active) {
		struct store_tracker *after = NULL;
		if (store_tracker_get(c->st, id, &after, err, sizeof(err)) == 0 &&
		    !after->has_draft_settings)
			printf("saved: the settings are those live, so there is no draft of them to "
			       "publish\n");
		else
			printf("saved as a draft: `tracker publish %lld` makes it live\n", id);
		store_tracker_free(after);
	} else {
		printf("saved\n");
	}
out:
	store_tracker_free(t);
	store_settings_clear(&s);
	opt_list_free(&o.filters);
	free(pos);
	return rc;
}

const struct cli_command cli_cmd_edit = {
	.name = "edit",
	.run = run_edit,
	.summary = "change a tracker's settings",
	.usage =
	"usage: tracker edit TRACKER [--name NAME] [--description TEXT]\n"
	"                    [--mentioned-by company|customer|any] [--scope external|internal|all]\n"
	"                    [--filter KEY=VALUE]... [--clear-filters] [--part anytime|first:MIN|last:MIN]\n"
	"\n"
	"Changes the settings given (--filter replaces all filters). On an active tracker\n"
	"the change is a draft until `tracker publish`.\n",
	.writes = 1,
};

/* ------------------------------------------------------------------ delete */

static int run_delete(struct cli *c, int argc, char **argv)
{
	char **pos, err[1024];
	int npos;
	long long id;
	struct opt spec[] = {{NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos != 1) {
		free(pos);
		return cli_usage_error(c, "name one tracker");
	}
	int rc = cli_tracker_ref(c, pos[0], &id);
	free(pos);
	if (rc < 0)
		return CLI_FAIL;
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_tracker_delete(c->st, id, err, sizeof(err)) < 0 ||
	    store_commit(c->st, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	printf("deleted tracker %lld with its examples, tags, models and detections\n", id);
	return CLI_OK;
}

const struct cli_command cli_cmd_delete = {
	.name = "delete",
	.run = run_delete,
	.summary = "delete a tracker and everything it holds",
	.usage =
	"usage: tracker delete TRACKER\n"
	"\n"
	"Deletes the tracker with its examples, rounds, tags, models and detections.\n",
	.writes = 1,
};

/* ------------------------------------------------------------------ list */

static cJSON *settings_json(const struct store_settings *s)
{
	char part[32];
	cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "description", s->description);
	cJSON_AddStringToObject(o, "mentioned_by", store_by_name(s->by));
	cJSON_AddStringToObject(o, "scope", store_scope_name(s->scope));
	for (size_t i = 0; i < s->n_filters; i++) {
		cJSON *a = cJSON_GetObjectItemCaseSensitive(f, s->filters[i].key);
		if (!a) {
			a = cJSON_CreateArray();
			cJSON_AddItemToObject(f, s->filters[i].key, a);
		}
		cJSON_AddItemToArray(a, cJSON_CreateString(s->filters[i].value));
	}
	cJSON_AddItemToObject(o, "filters", f);
	part_text(s->part, s->part_minutes, part, sizeof(part));
	cJSON_AddStringToObject(o, "part", part);
	return o;
}

static void add_num_or_null(cJSON *o, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

cJSON *cli_tracker_json(const struct store_tracker *t)
{
	cJSON *o = settings_json(&t->live), *tags = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)t->id);
	cJSON_AddStringToObject(o, "state", learn_state_name(t));
	cJSON_AddNumberToObject(o, "examples", (double)t->n_examples);
	cJSON_AddNumberToObject(tags, "yes", (double)t->n_yes);
	cJSON_AddNumberToObject(tags, "no", (double)t->n_no);
	cJSON_AddNumberToObject(tags, "unsure", (double)t->n_unsure);
	cJSON_AddItemToObject(o, "tags", tags);
	cJSON_AddNumberToObject(o, "rounds", t->rounds);
	if (t->latest_model)
		cJSON_AddNumberToObject(o, "model_version", t->latest_version);
	else
		cJSON_AddNullToObject(o, "model_version");
	add_num_or_null(o, "precision", t->latest_precision);
	add_num_or_null(o, "recall", t->latest_recall);
	cJSON_AddBoolToObject(o, "active", t->active);
	/* what is scoring calls now, which the figures above are not while a draft exists */
	if (t->live_model) {
		cJSON *live = cJSON_AddObjectToObject(o, "live");
		cJSON_AddNumberToObject(live, "model_version", t->live_version);
		add_num_or_null(live, "precision", t->live_precision);
		add_num_or_null(live, "recall", t->live_recall);
	} else {
		cJSON_AddNullToObject(o, "live");
	}
	cJSON_AddBoolToObject(o, "unpublished_changes", learn_has_draft(t));
	if (t->has_draft_settings)
		cJSON_AddItemToObject(o, "draft", settings_json(&t->draft));
	cJSON_AddNumberToObject(o, "detections", (double)t->n_detections);
	cJSON_AddNumberToObject(o, "updated", (double)t->updated);
	return o;
}

static int run_list(struct cli *c, int argc, char **argv)
{
	int json = 0, npos;
	char **pos, err[1024];
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	free(pos);
	if (npos)
		return cli_usage_error(c, "unexpected argument");
	if (!cli_store(c))
		return CLI_FAIL;
	struct store_tracker *t;
	size_t n;
	if (store_trackers_list(c->st, &t, &n, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (json) {
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, cli_tracker_json(&t[i]));
		cli_print_json(a);
	} else if (n == 0) {
		printf("no trackers yet: `tracker create --name NAME` makes one\n");
	} else {
		printf("%-4s %-28s %-30s %8s %6s %6s\n", "id", "name", "state", "tags", "prec", "hit");
		for (size_t i = 0; i < n; i++) {
			/* the model scoring calls (as the app's list shows), else the newest */
			int live = t[i].live_model != 0;
			double pv = live ? t[i].live_precision : t[i].latest_precision;
			double rv = live ? t[i].live_recall : t[i].latest_recall;
			char p[16] = "-", r[16] = "-", tags[32];
			if (!isnan(pv))
				snprintf(p, sizeof(p), "%.2f", pv);
			if (!isnan(rv))
				snprintf(r, sizeof(r), "%.2f", rv);
			snprintf(tags, sizeof(tags), "%lld", (long long)(t[i].n_yes + t[i].n_no + t[i].n_unsure));
			char name[160];
			printf("%-4lld %s %-30s %8s %6s %6s\n", (long long)t[i].id,
			       cli_column(t[i].live.name, 28, name, sizeof(name)),
			       learn_state_name(&t[i]), tags, p, r);
			if (live && t[i].latest_model && t[i].latest_model != t[i].live_model) {
				char dp[16] = "-", dr[16] = "-";
				if (!isnan(t[i].latest_precision))
					snprintf(dp, sizeof(dp), "%.2f", t[i].latest_precision);
				if (!isnan(t[i].latest_recall))
					snprintf(dr, sizeof(dr), "%.2f", t[i].latest_recall);
				printf("     draft model %d, not published: precision %s, hit rate %s "
				       "(`tracker compare %lld`)\n", t[i].latest_version, dp, dr,
				       (long long)t[i].id);
			}
		}
	}
	store_trackers_free(t, n);
	return CLI_OK;
}

const struct cli_command cli_cmd_list = {
	.name = "list",
	.run = run_list,
	.summary = "trackers and their state",
	.usage =
	"usage: tracker list [--db PATH] [--json]\n"
	"\n"
	"Lists the trackers: id, name, state (needs examples, in training, model ready,\n"
	"active, unpublished changes), tags and the estimates of the model scoring calls\n"
	"(the newest model before activation), with a draft model's on a line below.\n"
	"--json: \"precision\" and \"recall\" are the newest model's (a draft's when there\n"
	"is one); \"live\" has the version and estimates of the model scoring calls now\n"
	"(null until activated).\n",
};

/* ------------------------------------------------------------------ examples */

/* Lower-case, single-spaced: two examples that differ only in case or spacing are one. */
static char *squash(const char *s)
{
	struct sbuf b = {0};
	int space = 0;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			sbuf_addc(&b, ' ');
		space = 0;
		sbuf_addc(&b, (char)tolower((unsigned char)*s));
	}
	return sbuf_take(&b);
}

static int examples_add(struct cli *c, long long id, char **texts, int n, const char *file)
{
	char err[1024];
	struct store_example *ex;
	size_t nex;
	const char **lines = NULL;
	int *line_no = NULL, nl = 0, rc = CLI_OK;
	char *content = NULL;
	/* The examples there are, for the duplicates and the limit, are read in the
	 * transaction that adds: another command adding meanwhile is counted. */
	if (store_begin(c->st, err, sizeof(err)) < 0 ||
	    store_examples_list(c->st, id, &ex, &nex, err, sizeof(err)) < 0)
		return cli_fail("%s", err);
	if (file) {
		content = cli_read_file(file, NULL);
		if (!content) {
			store_examples_free(ex, nex);
			return cli_fail("%s: %s", file, strerror(errno));
		}
		int ln = 0;
		/* a byte order mark is how some editors begin a UTF-8 file, not text */
		char *start = !strncmp(content, "\xEF\xBB\xBF", 3) ? content + 3 : content;
		for (char *p = start, *q; p && *p; p = q) {
			q = strchr(p, '\n');
			if (q)
				*q++ = '\0';
			ln++;
			size_t len = strlen(p);
			if (len && p[len - 1] == '\r')
				p[--len] = '\0';
			if (strspn(p, " \t") == len)
				continue;	/* blank lines are dropped */
			lines = xrealloc(lines, (size_t)(nl + 1) * sizeof(*lines));
			line_no = xrealloc(line_no, (size_t)(nl + 1) * sizeof(*line_no));
			lines[nl] = p;
			line_no[nl++] = ln;
		}
	} else {
		lines = xcalloc((size_t)n + 1, sizeof(*lines));
		line_no = xcalloc((size_t)n + 1, sizeof(*line_no));
		for (int i = 0; i < n; i++) {
			lines[i] = texts[i];
			line_no[i] = i + 1;
		}
		nl = n;
	}
	char **seen = xcalloc(nex + (size_t)nl + 1, sizeof(char *));
	size_t nseen = 0, added = 0, dropped = 0;
	for (size_t i = 0; i < nex; i++)
		seen[nseen++] = squash(ex[i].text);
	for (int i = 0; i < nl; i++) {
		char where[64];
		if (file)
			snprintf(where, sizeof(where), "%s:%d: ", file, line_no[i]);
		else
			snprintf(where, sizeof(where), "example %d: ", line_no[i]);
		const char *t = lines[i];
		while (isspace((unsigned char)*t))
			t++;
		size_t len = strlen(t);
		while (len && isspace((unsigned char)t[len - 1]))
			len--;
		if (len == 0) {
			rc = cli_fail("%sthe example is empty", where);
			goto out;
		}
		if (!ingest_utf8_valid(t, len)) {
			rc = cli_fail("%sinvalid UTF-8", where);
			goto out;
		}
		if (text_chars(t, len) > STORE_EXAMPLE_MAX) {
			rc = cli_fail("%sthe example is %zu characters; give one sentence (at most %d)",
				      where, text_chars(t, len), STORE_EXAMPLE_MAX);
			goto out;
		}
		char *text = xstrndup(t, len);
		char *sq = squash(text);
		int dup = 0;
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = !strcmp(seen[j], sq);
		if (dup) {
			fprintf(stderr, "%sskipped: same as an example already given\n", where);
			dropped++;
			free(sq);
			free(text);
			continue;
		}
		seen[nseen++] = sq;
		if (nex + added + 1 > LEARN_MAX_EXAMPLES) {
			free(text);
			rc = cli_fail("%sa tracker takes at most %d examples (it has %zu)", where,
				      LEARN_MAX_EXAMPLES, nex + added);
			goto out;
		}
		struct ingest_span *sp;
		size_t ns = ingest_split(text, len, &sp);
		free(sp);
		if (ns > 1)
			fprintf(stderr, "%snote: this reads as %zu sentences; an example works best as "
				"one short sentence\n", where, ns);
		if (store_example_add(c->st, id, text, NULL, err, sizeof(err)) < 0) {
			free(text);
			rc = cli_fail("%s", err);
			goto out;
		}
		free(text);
		added++;
	}
	if (store_commit(c->st, err, sizeof(err)) < 0) {
		rc = cli_fail("%s", err);
		goto out;
	}
	printf("added %zu example%s (%zu in all", added, added == 1 ? "" : "s", nex + added);
	if (dropped)
		printf(", %zu duplicate%s skipped", dropped, dropped == 1 ? "" : "s");
	printf(")");
	if (nex + added < LEARN_MIN_EXAMPLES) {
		struct store_tracker *t = NULL;
		int rounds = store_tracker_get(c->st, id, &t, err, sizeof(err)) == 0 ? t->rounds : 0;
		store_tracker_free(t);
		printf("; %zu more needed before the %s round", LEARN_MIN_EXAMPLES - nex - added,
		       rounds ? "next" : "first");
	}
	putchar('\n');
out:
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	free(lines);
	free(line_no);
	free(content);
	store_examples_free(ex, nex);
	return rc;
}

static int run_examples(struct cli *c, int argc, char **argv)
{
	int json = 0, npos, rc = CLI_OK;
	const char *file = NULL;
	char **pos, err[1024];
	long long id;
	struct opt spec[] = {{"--json", OPT_FLAG, &json}, {"--file", OPT_STRING, &file},
			     {NULL, 0, NULL}};
	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos < 2) {
		free(pos);
		return cli_usage_error(c, "name a tracker and what to do (add, list, edit, delete)");
	}
	const char *verb = pos[1];
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "edit") && strcmp(verb, "delete")) {
		free(pos);
		return cli_usage_error(c, "unknown action '%s' (add, list, edit, delete)", verb);
	}
	if (cli_tracker_ref(c, pos[0], &id) < 0) {
		free(pos);
		return CLI_FAIL;
	}
	if (!strcmp(verb, "add")) {
		if (!file && npos < 3)
			rc = cli_usage_error(c, "give example sentences, or --file F (one a line)");
		else if (file && npos > 2)
			rc = cli_usage_error(c, "give sentences or --file, not both");
		else
			rc = examples_add(c, id, pos + 2, npos - 2, file);
	} else if (!strcmp(verb, "list")) {
		struct store_example *ex;
		size_t n;
		if (store_examples_list(c->st, id, &ex, &n, err, sizeof(err)) < 0) {
			free(pos);
			return cli_fail("%s", err);
		}
		if (json) {
			cJSON *a = cJSON_CreateArray();
			for (size_t i = 0; i < n; i++) {
				cJSON *o = cJSON_CreateObject();
				cJSON_AddNumberToObject(o, "id", (double)ex[i].id);
				cJSON_AddStringToObject(o, "text", ex[i].text);
				cJSON_AddItemToArray(a, o);
			}
			cli_print_json(a);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%lld\t%s\n", (long long)ex[i].id, ex[i].text);
		}
		store_examples_free(ex, n);
	} else {
		struct store_example *ex;
		size_t n;
		int edit = !strcmp(verb, "edit");
		if (npos != (edit ? 4 : 3)) {
			free(pos);
			return cli_usage_error(c, edit ? "edit takes the example's ID and its new text "
							 "(IDs: `tracker examples TRACKER list`)"
						       : "delete takes the example's ID (IDs: `tracker "
							 "examples TRACKER list`)");
		}
		long long eid = strtoll(pos[2], NULL, 10);
		if (store_examples_list(c->st, id, &ex, &n, err, sizeof(err)) < 0) {
			free(pos);
			return cli_fail("%s", err);
		}
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found |= ex[i].id == eid;
		store_examples_free(ex, n);
		if (!found) {
			rc = cli_fail("tracker %lld has no example %s (`tracker examples %lld list`)",
				      id, pos[2], id);
		} else if (edit && (!*pos[3] || !ingest_utf8_valid(pos[3], strlen(pos[3])))) {
			rc = cli_fail("an example must be non-empty UTF-8 text");
		} else if (edit && text_chars(pos[3], strlen(pos[3])) > STORE_EXAMPLE_MAX) {
			/* as add has it */
			rc = cli_fail("example %lld: the example is %zu characters; give one sentence "
				      "(at most %d)", eid, text_chars(pos[3], strlen(pos[3])),
				      STORE_EXAMPLE_MAX);
		} else if (store_begin(c->st, err, sizeof(err)) < 0 ||
			   (edit ? store_example_update(c->st, eid, pos[3], err, sizeof(err))
				 : store_example_delete(c->st, eid, err, sizeof(err))) < 0 ||
			   store_tracker_touch(c->st, id, err, sizeof(err)) < 0 ||
			   store_commit(c->st, err, sizeof(err)) < 0) {
			rc = cli_fail("%s", err);
		} else {
			printf(edit ? "example %lld changed\n" : "example %lld deleted\n", eid);
		}
	}
	free(pos);
	return rc;
}

const struct cli_command cli_cmd_examples = {
	.name = "examples",
	.run = run_examples,
	.summary = "add, list, edit or delete a tracker's example sentences",
	.usage =
	"usage: tracker examples TRACKER add TEXT...      (or: add --file F, one a line; - is stdin)\n"
	"       tracker examples TRACKER list [--json]\n"
	"       tracker examples TRACKER edit ID TEXT\n"
	"       tracker examples TRACKER delete ID\n"
	"\n"
	"Example sentences say the concept the way people say it in calls: short, one\n"
	"sentence, in different words. A tracker needs 5 before its first round and takes\n"
	"at most 100. Blank lines and duplicates are dropped. Use -- before a sentence that\n"
	"starts with '-'.\n",
};
