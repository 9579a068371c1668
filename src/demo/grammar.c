/* The phrase grammar of the demo generator: rules of weighted alternatives read from
 * the line-based files in assets/demo (the format is described in assets/demo/README),
 * and the expander that turns a rule into text with turn and concept markers. */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xmalloc.h"

/* Nesting deeper than this is taken for a rule that refers to itself. */
#define MAX_DEPTH 48

enum { N_TEXT, N_REF, N_CHOICE, N_OPT, N_VAR, N_XVAR, N_TURN };

/* One piece of a template. Sequences of nodes are contiguous runs in g->nodes. */
struct node {
	unsigned char kind;
	int a;			/* TEXT: offset in pool; REF: rule; CHOICE/OPT: offset in
				 * g->lists of its seqs; VAR/XVAR: variable; TURN: speaker */
	int n;			/* TEXT: length; CHOICE/OPT: number of seqs */
};

struct seq {
	int first, n;		/* nodes [first, first + n) */
};

struct rule {
	char *name;
	int *alts;		/* seq index per alternative */
	char **raw;		/* the alternative as written */
	double *cum;		/* cumulative weights */
	size_t n, cap;
	int concept;		/* index of the concept whose wordings these are, or -1 */
	char *file;		/* where it was first defined, for messages (borrowed from
				 * g->files) */
	int line;
};

struct var {
	char *name;
	int rule;		/* the rule it draws from, or -1 for a built-in */
};

/* A reference waiting for every file to be read. */
struct pending_ref {
	int node;
	char *name;
	const char *file;
	int line;
};

struct pending_concept {
	char *text;		/* the directive after %concept */
	const char *file;
	int line;
};

struct demo_gram {
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	struct seq *seqs;
	size_t n_seqs, cap_seqs;
	int *lists;		/* seq indices of groups' alternatives */
	size_t n_lists, cap_lists;
	struct sbuf pool;	/* literal text */
	struct rule *rules;
	size_t n_rules, cap_rules;
	int *hash;		/* open addressing over rules, -1 empty */
	size_t hash_cap;
	struct var *vars;
	size_t n_vars, cap_vars;
	struct demo_concept *concepts;
	size_t n_concepts, cap_concepts;
	char **stages, **stage_keys;
	double *stage_w;
	size_t n_stages;
	char **files;
	size_t n_files;
	struct pending_ref *refs;
	size_t n_refs, cap_refs;
	struct pending_concept *pconc;
	size_t n_pconc, cap_pconc;
};

static const char *const builtins[] = {
	"me", "you", "rep", "cust", "rep2", "cust2", "me_full", "you_full", "rep_full",
	"cust_full", "rep2_full", "cust2_full", NULL
};

/* ---------------------------------------------------------------- rules by name */

static uint64_t hash_name(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int find_rule_n(const struct demo_gram *g, const char *name, size_t len)
{
	if (!g->hash_cap)
		return -1;
	size_t i = hash_name(name, len) & (g->hash_cap - 1);
	for (;;) {
		int r = g->hash[i];
		if (r < 0)
			return -1;
		if (strlen(g->rules[r].name) == len && !memcmp(g->rules[r].name, name, len))
			return r;
		i = (i + 1) & (g->hash_cap - 1);
	}
}

static void hash_insert(struct demo_gram *g, int r)
{
	const char *name = g->rules[r].name;
	size_t i = hash_name(name, strlen(name)) & (g->hash_cap - 1);
	while (g->hash[i] >= 0)
		i = (i + 1) & (g->hash_cap - 1);
	g->hash[i] = r;
}

static int add_rule(struct demo_gram *g, const char *name, const char *file, int line)
{
	int r = find_rule_n(g, name, strlen(name));
	if (r >= 0)
		return r;
	if ((g->n_rules + 1) * 2 > g->hash_cap) {
		size_t cap = g->hash_cap ? g->hash_cap * 2 : 256;
		free(g->hash);
		g->hash = xmalloc(cap * sizeof(*g->hash));
		for (size_t i = 0; i < cap; i++)
			g->hash[i] = -1;
		g->hash_cap = cap;
		for (size_t i = 0; i < g->n_rules; i++)
			hash_insert(g, (int)i);
	}
	xgrow(&g->rules, &g->cap_rules, g->n_rules + 1, sizeof(*g->rules));
	struct rule *ru = &g->rules[g->n_rules];
	memset(ru, 0, sizeof(*ru));
	ru->name = xstrdup(name);
	ru->concept = -1;
	ru->file = (char *)file;
	ru->line = line;
	hash_insert(g, (int)g->n_rules);
	return (int)g->n_rules++;
}

static int var_index(struct demo_gram *g, const char *name, size_t len)
{
	for (size_t i = 0; i < g->n_vars; i++)
		if (strlen(g->vars[i].name) == len && !memcmp(g->vars[i].name, name, len))
			return (int)i;
	xgrow(&g->vars, &g->cap_vars, g->n_vars + 1, sizeof(*g->vars));
	g->vars[g->n_vars].name = xstrndup(name, len);
	g->vars[g->n_vars].rule = -1;
	return (int)g->n_vars++;
}

/* ---------------------------------------------------------------- template parsing */

struct parser {
	struct demo_gram *g;
	const char *p;
	const char *file;
	int line;
	char *err;
	size_t errlen;
	int failed;
};

/* Nodes of one sequence being built; copied into g->nodes when complete so that every
 * sequence stays contiguous. */
struct nodebuf {
	struct node *v;
	size_t n, cap;
};

static void nb_push(struct nodebuf *b, struct node nd)
{
	xgrow(&b->v, &b->cap, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = nd;
}

static int commit_seq(struct demo_gram *g, struct nodebuf *b)
{
	xgrow(&g->nodes, &g->cap_nodes, g->n_nodes + b->n, sizeof(*g->nodes));
	if (b->n)
		memcpy(g->nodes + g->n_nodes, b->v, b->n * sizeof(*b->v));
	xgrow(&g->seqs, &g->cap_seqs, g->n_seqs + 1, sizeof(*g->seqs));
	g->seqs[g->n_seqs].first = (int)g->n_nodes;
	g->seqs[g->n_seqs].n = (int)b->n;
	g->n_nodes += b->n;
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
	return (int)g->n_seqs++;
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == '/';
}

static void parse_fail(struct parser *ps, const char *what)
{
	if (!ps->failed)
		errf(ps->err, ps->errlen, "%s:%d: %s", ps->file, ps->line, what);
	ps->failed = 1;
}

/* A speaker marker ("R: ", "C2: " ...) at p; returns its code and moves p past it. */
static int speaker_marker(const char **pp)
{
	static const struct { const char *s; int code; } marks[] = {
		{"R2:", DEMO_SPK_R2}, {"C2:", DEMO_SPK_C2}, {"R:", DEMO_SPK_R},
		{"C:", DEMO_SPK_C}, {"X:", DEMO_SPK_X},
	};
	const char *p = *pp;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		size_t l = strlen(marks[i].s);
		if (!strncmp(p, marks[i].s, l) && (p[l] == ' ' || p[l] == '\0')) {
			*pp = p + l;
			return marks[i].code;
		}
	}
	return -1;
}

static void push_text(struct parser *ps, struct nodebuf *b, const char *s, size_t len)
{
	if (!len)
		return;
	struct demo_gram *g = ps->g;
	/* Join with a text node just before when possible. */
	if (b->n && b->v[b->n - 1].kind == N_TEXT &&
	    (size_t)(b->v[b->n - 1].a + b->v[b->n - 1].n) == g->pool.len) {
		sbuf_addn(&g->pool, s, len);
		b->v[b->n - 1].n += (int)len;
		return;
	}
	struct node nd = { N_TEXT, (int)g->pool.len, (int)len };
	sbuf_addn(&g->pool, s, len);
	nb_push(b, nd);
}

static int parse_seq(struct parser *ps, int in_group);

/* After '{' or '[': alternatives separated by '|' up to the closing bracket. */
static void parse_group(struct parser *ps, struct nodebuf *b, char close)
{
	const char *start = ps->p;
	/* {name} alone is a rule reference. */
	if (close == '}') {
		const char *q = start;
		while (is_name_char((unsigned char)*q))
			q++;
		if (*q == '}' && q > start) {
			struct demo_gram *g = ps->g;
			struct node nd = { N_REF, -1, 0 };
			xgrow(&g->refs, &g->cap_refs, g->n_refs + 1, sizeof(*g->refs));
			g->refs[g->n_refs].node = -1;
			g->refs[g->n_refs].name = xstrndup(start, (size_t)(q - start));
			g->refs[g->n_refs].file = ps->file;
			g->refs[g->n_refs].line = ps->line;
			/* The node's final place is known only once the sequence is committed:
			 * remember the pending index in n and fix it up after commit. */
			nd.n = (int)g->n_refs++;
			nb_push(b, nd);
			ps->p = q + 1;
			return;
		}
	}
	int seqs[64];
	int n = 0;
	for (;;) {
		int s = parse_seq(ps, 1);
		if (ps->failed)
			return;
		if (n == 64) {
			parse_fail(ps, "more than 64 alternatives in one group");
			return;
		}
		seqs[n++] = s;
		if (*ps->p == '|') {
			ps->p++;
			continue;
		}
		if (*ps->p != close) {
			parse_fail(ps, close == '}' ? "missing '}'" : "missing ']'");
			return;
		}
		ps->p++;
		break;
	}
	struct demo_gram *g = ps->g;
	xgrow(&g->lists, &g->cap_lists, g->n_lists + (size_t)n, sizeof(*g->lists));
	memcpy(g->lists + g->n_lists, seqs, (size_t)n * sizeof(*seqs));
	struct node nd = { close == '}' ? N_CHOICE : N_OPT, (int)g->n_lists, n };
	g->n_lists += (size_t)n;
	nb_push(b, nd);
}

/* Parses up to the end of the line, or in a group up to '|', '}' or ']', into b.
 * Nested groups are committed as they are met, before their parent. */
static int parse_seq_into(struct parser *ps, int in_group, struct nodebuf *b);

/* Parses and commits one sequence; returns its index. */
static int parse_seq(struct parser *ps, int in_group)
{
	struct nodebuf b = {0};
	parse_seq_into(ps, in_group, &b);
	/* fix up pending references: their node index is known once committed */
	struct demo_gram *g = ps->g;
	size_t base = g->n_nodes;
	for (size_t i = 0; i < b.n; i++)
		if (b.v[i].kind == N_REF && b.v[i].a < 0)
			g->refs[b.v[i].n].node = (int)(base + i);
	return commit_seq(g, &b);
}

static int parse_seq_into(struct parser *ps, int in_group, struct nodebuf *b)
{
	int code = speaker_marker(&ps->p);
	if (code >= 0) {
		struct node nd = { N_TURN, code, 0 };
		nb_push(b, nd);
	}
	const char *lit = ps->p;
	for (;;) {
		char c = *ps->p;
		int special = c == '\0' || c == '{' || c == '[' || c == '<' || c == '\\' ||
			      (c == '|' && ps->p[1] == '|') ||
			      (in_group && (c == '|' || c == '}' || c == ']'));
		if (!special) {
			ps->p++;
			continue;
		}
		push_text(ps, b, lit, (size_t)(ps->p - lit));
		if (c == '\0' || (in_group && c != '|' && (c == '}' || c == ']')))
			break;
		if (c == '|' && ps->p[1] == '|') {
			ps->p += 2;
			int sc = speaker_marker(&ps->p);
			struct node nd = { N_TURN, sc >= 0 ? sc : DEMO_SPK_X, 0 };
			nb_push(b, nd);
			while (*ps->p == ' ')
				ps->p++;
		} else if (c == '|') {
			break;
		} else if (c == '\\') {
			if (ps->p[1]) {
				push_text(ps, b, ps->p + 1, 1);
				ps->p += 2;
			} else {
				ps->p++;
			}
		} else if (c == '<') {
			const char *q = ++ps->p;
			int exch = 0;
			if (*q == '=') {
				exch = 1;
				q++;
			}
			const char *name = q;
			while (is_name_char((unsigned char)*q))
				q++;
			if (*q != '>' || q == name) {
				parse_fail(ps, "bad variable: want <name> or <=name>");
				return -1;
			}
			struct node nd = { exch ? N_XVAR : N_VAR,
					   var_index(ps->g, name, (size_t)(q - name)), 0 };
			nb_push(b, nd);
			ps->p = q + 1;
		} else {
			ps->p++;
			/* nested groups commit their sequences now, before this one */
			parse_group(ps, b, c == '{' ? '}' : ']');
			if (ps->failed)
				return -1;
		}
		lit = ps->p;
	}
	return 0;
}

/* ---------------------------------------------------------------- files */

static void add_alt(struct parser *ps, int r, const char *text)
{
	struct demo_gram *g = ps->g;
	struct rule *ru = &g->rules[r];
	double w = 1;
	const char *t = text;
	if (*t == '~') {
		char *end;
		w = strtod(t + 1, &end);
		if (end == t + 1 || w <= 0 || (*end != ' ' && *end != '\t' && *end != '\0')) {
			parse_fail(ps, "bad weight: want ~N followed by a space");
			return;
		}
		t = end;
		while (*t == ' ' || *t == '\t')
			t++;
	}
	ps->p = t;
	int s = parse_seq(ps, 0);
	if (ps->failed)
		return;
	ru = &g->rules[r];
	if (ru->n == ru->cap) {
		ru->cap = ru->cap ? ru->cap * 2 : 8;
		ru->alts = xrealloc(ru->alts, ru->cap * sizeof(*ru->alts));
		ru->raw = xrealloc(ru->raw, ru->cap * sizeof(*ru->raw));
		ru->cum = xrealloc(ru->cum, ru->cap * sizeof(*ru->cum));
	}
	ru->alts[ru->n] = s;
	ru->raw[ru->n] = xstrdup(t);
	ru->cum[ru->n] = (ru->n ? ru->cum[ru->n - 1] : 0) + w;
	ru->n++;
}

static int load_file(struct demo_gram *g, const char *path, const char *shown,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	g->files = xrealloc(g->files, (g->n_files + 1) * sizeof(*g->files));
	char *fname = g->files[g->n_files++] = xstrdup(shown);
	struct parser ps = { .g = g, .file = fname, .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int cur = -1;
	while ((len = getline(&line, &cap, f)) >= 0) {
		ps.line++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
				   line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		if (!*t || *t == '#')
			continue;
		if (*t == '@') {
			char *name = t + 1;
			char *q = name;
			while (is_name_char((unsigned char)*q))
				q++;
			if (q == name || *q) {
				parse_fail(&ps, "bad rule name: want @name "
					   "(letters, digits, _ . - /)");
				break;
			}
			cur = add_rule(g, name, fname, ps.line);
			continue;
		}
		if (*t == '%') {
			if (strncmp(t, "%concept ", 9)) {
				parse_fail(&ps, "unknown directive: only %concept is known");
				break;
			}
			xgrow(&g->pconc, &g->cap_pconc, g->n_pconc + 1, sizeof(*g->pconc));
			g->pconc[g->n_pconc].text = xstrdup(t + 9);
			g->pconc[g->n_pconc].file = fname;
			g->pconc[g->n_pconc].line = ps.line;
			g->n_pconc++;
			continue;
		}
		if (cur < 0) {
			parse_fail(&ps, "text before the first @rule");
			break;
		}
		add_alt(&ps, cur, t);
		if (ps.failed)
			break;
	}
	free(line);
	fclose(f);
	return ps.failed ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int stage_index(const struct demo_gram *g, const char *s, size_t len)
{
	for (size_t i = 0; i < g->n_stages; i++)
		if (strlen(g->stage_keys[i]) == len && !strncasecmp(g->stage_keys[i], s, len))
			return (int)i;
	return -1;
}

static int parse_concept(struct demo_gram *g, struct pending_concept *pc, char *err, size_t errlen)
{
	struct demo_concept c = {
		.side = -1, .calls = 0.15, .near = 0.2, .max = 3, .phase = DEMO_PHASE_BODY,
		.at_lo = 0, .at_hi = 1, .rule = -1, .exchange = -1, .exchange_internal = -1,
		.near_rule = -1,
	};
	for (size_t i = 0; i < 16; i++)
		c.stage_weight[i] = 1;
	char *dup = xstrdup(pc->text);
	char *save = NULL;
	const char *bad = NULL;
	for (char *tok = strtok_r(dup, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		if (!c.name && !eq) {
			c.name = xstrdup(tok);
			continue;
		}
		if (!eq) {
			bad = tok;
			break;
		}
		*eq = '\0';
		const char *k = tok, *v = eq + 1;
		char *end = NULL;
		if (!strcmp(k, "side")) {
			c.side = !strcmp(v, "company") ? STORE_COMPANY :
				 !strcmp(v, "customer") ? STORE_CUSTOMER : -1;
			if (c.side < 0 && strcmp(v, "any"))
				bad = k;
		} else if (!strcmp(k, "calls") || !strcmp(k, "near")) {
			double d = strtod(v, &end) / 100;
			if (*end || d < 0 || d > 1)
				bad = k;
			*(k[0] == 'c' ? &c.calls : &c.near) = d;
		} else if (!strcmp(k, "max")) {
			c.max = (int)strtol(v, &end, 10);
			if (*end || c.max < 1 || c.max > 9)
				bad = k;
		} else if (!strcmp(k, "phase")) {
			c.phase = !strcmp(v, "open") ? DEMO_PHASE_OPEN :
				  !strcmp(v, "close") ? DEMO_PHASE_CLOSE :
				  !strcmp(v, "body") ? DEMO_PHASE_BODY : -1;
			if (c.phase < 0)
				bad = k;
		} else if (!strcmp(k, "at")) {
			c.at_lo = strtod(v, &end);
			if (*end == '-')
				c.at_hi = strtod(end + 1, &end);
			if (*end || c.at_lo < 0 || c.at_hi > 1 || c.at_lo > c.at_hi)
				bad = k;
		} else if (!strcmp(k, "internal")) {
			c.internal = !strcmp(v, "yes");
			if (!c.internal && strcmp(v, "no"))
				bad = k;
		} else if (!strncmp(k, "stage.", 6)) {
			int s = stage_index(g, k + 6, strlen(k + 6));
			double d = strtod(v, &end);
			if (s < 0 || *end || d < 0)
				bad = k;
			else
				c.stage_weight[s] = d;
		} else {
			bad = k;
		}
		if (bad)
			break;
	}
	int rc = 0;
	if (bad) {
		rc = errf(err, errlen, "%s:%d: %%concept: bad or unknown setting '%s'",
			  pc->file, pc->line, bad);
	} else if (!c.name) {
		rc = errf(err, errlen, "%s:%d: %%concept: missing name", pc->file, pc->line);
	} else {
		char name[256];
		c.rule = demo_gram_rule(g, c.name);
		snprintf(name, sizeof(name), "%s.exchange", c.name);
		c.exchange = demo_gram_rule(g, name);
		snprintf(name, sizeof(name), "%s.exchange_internal", c.name);
		c.exchange_internal = demo_gram_rule(g, name);
		snprintf(name, sizeof(name), "%s.near", c.name);
		c.near_rule = demo_gram_rule(g, name);
		if (c.rule < 0 || c.exchange < 0)
			rc = errf(err, errlen, "%s:%d: concept %s needs rules @%s and @%s.exchange",
				  pc->file, pc->line, c.name, c.name, c.name);
		else if (c.internal && c.exchange_internal < 0)
			rc = errf(err, errlen, "%s:%d: concept %s is said in internal calls "
				  "but has no @%s.exchange_internal", pc->file, pc->line, c.name,
				  c.name);
		else if (g->rules[c.rule].concept >= 0)
			rc = errf(err, errlen, "%s:%d: concept %s declared twice",
				  pc->file, pc->line, c.name);
	}
	free(dup);
	if (rc) {
		free(c.name);
		return rc;
	}
	if (g->n_concepts >= 250) {
		free(c.name);
		return errf(err, errlen, "%s:%d: too many concepts", pc->file, pc->line);
	}
	/* NAME/variant rules are wordings of the same concept (by side, by call kind) */
	size_t nl = strlen(c.name);
	g->rules[c.rule].concept = (int)g->n_concepts;
	for (size_t i = 0; i < g->n_rules; i++)
		if (!strncmp(g->rules[i].name, c.name, nl) && g->rules[i].name[nl] == '/')
			g->rules[i].concept = (int)g->n_concepts;
	xgrow(&g->concepts, &g->cap_concepts, g->n_concepts + 1, sizeof(*g->concepts));
	g->concepts[g->n_concepts++] = c;
	return 0;
}

/* Stages come from the rule "stage": each alternative is a stage name, plain text. */
static int load_stages(struct demo_gram *g, char *err, size_t errlen)
{
	int r = demo_gram_rule(g, "stage");
	if (r < 0)
		return errf(err, errlen, "demo assets: missing rule @stage (the deal stages)");
	struct rule *ru = &g->rules[r];
	if (ru->n == 0 || ru->n > 16)
		return errf(err, errlen, "%s:%d: @stage needs 1 to 16 stages", ru->file, ru->line);
	g->n_stages = ru->n;
	g->stages = xcalloc(ru->n, sizeof(char *));
	g->stage_keys = xcalloc(ru->n, sizeof(char *));
	g->stage_w = xcalloc(ru->n, sizeof(double));
	for (size_t i = 0; i < ru->n; i++) {
		g->stages[i] = xstrdup(ru->raw[i]);
		char *k = xstrdup(ru->raw[i]);
		for (char *p = k; *p; p++)
			*p = *p == ' ' ? '_' : (char)tolower((unsigned char)*p);
		g->stage_keys[i] = k;
		g->stage_w[i] = ru->cum[i] - (i ? ru->cum[i - 1] : 0);
	}
	return 0;
}

int demo_gram_load(const char *dir, struct demo_gram **out, char *err, size_t errlen)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return errf(err, errlen, "%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".txt") && e->d_name[0] != '.') {
			xgrow(&names, &cap, n + 1, sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);

	struct demo_gram *g = xcalloc(1, sizeof(*g));
	int rc = 0;
	if (!n)
		rc = errf(err, errlen, "%s: no phrase files (*.txt)", dir);
	for (size_t i = 0; i < n && !rc; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		rc = load_file(g, path, path, err, errlen);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);

	/* resolve references */
	for (size_t i = 0; i < g->n_refs && !rc; i++) {
		struct pending_ref *pr = &g->refs[i];
		int r = demo_gram_rule(g, pr->name);
		if (r < 0)
			rc = errf(err, errlen, "%s:%d: unknown rule '%s'", pr->file, pr->line,
				  pr->name);
		else
			g->nodes[pr->node].a = r;
	}
	for (size_t i = 0; i < g->n_vars && !rc; i++) {
		int builtin = 0;
		for (size_t j = 0; builtins[j]; j++)
			builtin |= !strcmp(builtins[j], g->vars[i].name);
		g->vars[i].rule = builtin ? -1 : demo_gram_rule(g, g->vars[i].name);
		if (!builtin && g->vars[i].rule < 0)
			rc = errf(err, errlen, "demo assets: variable <%s> names no rule",
				  g->vars[i].name);
	}
	for (size_t i = 0; i < g->n_rules && !rc; i++)
		if (!g->rules[i].n)
			rc = errf(err, errlen, "%s:%d: rule @%s has no alternatives",
				  g->rules[i].file, g->rules[i].line, g->rules[i].name);
	if (!rc)
		rc = load_stages(g, err, errlen);
	for (size_t i = 0; i < g->n_pconc && !rc; i++)
		rc = parse_concept(g, &g->pconc[i], err, errlen);
	if (!rc && !g->n_concepts)
		rc = errf(err, errlen, "%s: no %%concept declared", dir);
	if (rc) {
		demo_gram_free(g);
		return -1;
	}
	*out = g;
	return 0;
}

void demo_gram_free(struct demo_gram *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_rules; i++) {
		struct rule *ru = &g->rules[i];
		for (size_t j = 0; j < ru->n; j++)
			free(ru->raw[j]);
		free(ru->raw);
		free(ru->alts);
		free(ru->cum);
		free(ru->name);
	}
	free(g->rules);
	free(g->hash);
	free(g->nodes);
	free(g->seqs);
	free(g->lists);
	sbuf_free(&g->pool);
	for (size_t i = 0; i < g->n_vars; i++)
		free(g->vars[i].name);
	free(g->vars);
	for (size_t i = 0; i < g->n_concepts; i++)
		free(g->concepts[i].name);
	free(g->concepts);
	for (size_t i = 0; i < g->n_stages; i++) {
		free(g->stages[i]);
		free(g->stage_keys[i]);
	}
	free(g->stages);
	free(g->stage_keys);
	free(g->stage_w);
	for (size_t i = 0; i < g->n_files; i++)
		free(g->files[i]);
	free(g->files);
	for (size_t i = 0; i < g->n_refs; i++)
		free(g->refs[i].name);
	free(g->refs);
	for (size_t i = 0; i < g->n_pconc; i++)
		free(g->pconc[i].text);
	free(g->pconc);
	free(g);
}

/* ---------------------------------------------------------------- queries */

int demo_gram_rule(const struct demo_gram *g, const char *name)
{
	return find_rule_n(g, name, strlen(name));
}

size_t demo_gram_alts(const struct demo_gram *g, int rule)
{
	return rule >= 0 ? g->rules[rule].n : 0;
}

const char *demo_gram_raw(const struct demo_gram *g, int rule, size_t alt)
{
	return g->rules[rule].raw[alt];
}

static size_t pick_alt(const struct rule *ru, struct demo_rng *r)
{
	double x = demo_rng_unit(r) * ru->cum[ru->n - 1];
	size_t lo = 0, hi = ru->n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ru->cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

const char *demo_gram_pick_raw(const struct demo_gram *g, int rule, struct demo_rng *r)
{
	return g->rules[rule].raw[pick_alt(&g->rules[rule], r)];
}

size_t demo_gram_concepts(const struct demo_gram *g)
{
	return g->n_concepts;
}

const struct demo_concept *demo_gram_concept(const struct demo_gram *g, size_t i)
{
	return &g->concepts[i];
}

size_t demo_gram_stages(const struct demo_gram *g)
{
	return g->n_stages;
}

const char *demo_gram_stage(const struct demo_gram *g, size_t i)
{
	return g->stages[i];
}

const char *demo_gram_stage_key(const struct demo_gram *g, size_t i)
{
	return g->stage_keys[i];
}

double demo_gram_stage_weight(const struct demo_gram *g, size_t i)
{
	return g->stage_w[i];
}

/* ---------------------------------------------------------------- expansion */

static void expand_seq(struct demo_expand *x, int seq, int depth);

static void expand_rule_at(struct demo_expand *x, int rule, int depth)
{
	const struct rule *ru = &x->g->rules[rule];
	if (depth > MAX_DEPTH)
		return;
	if (!x->last_alt) {
		x->n_rules = x->g->n_rules;
		x->last_alt = xmalloc(2 * x->n_rules * sizeof(int));
		memset(x->last_alt, 0xff, 2 * x->n_rules * sizeof(int));
	}
	/* People rarely say the same thing twice in a short while: draw again (at most
	 * three times) when one of this rule's last two picks in the call comes up. */
	int *last = &x->last_alt[2 * rule];
	size_t alt = pick_alt(ru, x->rng);
	for (int k = 0; k < 3 && ru->n > 1; k++) {
		if ((int)alt != last[0] && (ru->n < 4 || (int)alt != last[1]))
			break;
		alt = pick_alt(ru, x->rng);
	}
	last[1] = last[0];
	last[0] = (int)alt;
	if (ru->concept >= 0) {
		sbuf_addc(&x->out, DEMO_MARK_OPEN);
		sbuf_addc(&x->out, (char)(ru->concept + 1));
	}
	expand_seq(x, ru->alts[alt], depth + 1);
	if (ru->concept >= 0)
		sbuf_addc(&x->out, DEMO_MARK_CLOSE);
}

static const char *var_value(struct demo_expand *x, int v, int exch, int depth)
{
	const struct var *va = &x->g->vars[v];
	if (va->rule < 0)
		return x->ops->builtin(x->ctx, va->name);
	if (!x->call_vars) {
		x->n_vars = x->g->n_vars;
		x->call_vars = xcalloc(x->n_vars, sizeof(char *));
		x->exch_vars = xcalloc(x->n_vars, sizeof(char *));
	}
	char **slot = exch ? &x->exch_vars[v] : &x->call_vars[v];
	if (!*slot) {
		size_t mark = x->out.len;
		expand_rule_at(x, va->rule, depth + 1);
		*slot = xstrndup(x->out.s ? x->out.s + mark : "", x->out.len - mark);
		x->out.len = mark;
		if (x->out.s)
			x->out.s[mark] = '\0';
	}
	return *slot;
}

static void expand_seq(struct demo_expand *x, int seq, int depth)
{
	const struct demo_gram *g = x->g;
	const struct seq *s = &g->seqs[seq];
	for (int i = 0; i < s->n; i++) {
		const struct node *nd = &g->nodes[s->first + i];
		switch (nd->kind) {
		case N_TEXT:
			sbuf_addn(&x->out, g->pool.s + nd->a, (size_t)nd->n);
			break;
		case N_REF:
			expand_rule_at(x, nd->a, depth);
			break;
		case N_CHOICE: {
			uint64_t k = demo_rng_below(x->rng, (uint64_t)nd->n);
			expand_seq(x, g->lists[nd->a + (int)k], depth + 1);
			break;
		}
		case N_OPT: {
			/* [a] is a or nothing; [a|b] is a, b or nothing, evenly */
			uint64_t k = demo_rng_below(x->rng, nd->n == 1 ? 2 : (uint64_t)nd->n + 1);
			if (k < (uint64_t)nd->n)
				expand_seq(x, g->lists[nd->a + (int)k], depth + 1);
			break;
		}
		case N_VAR:
		case N_XVAR: {
			const char *v = var_value(x, nd->a, nd->kind == N_XVAR, depth);
			if (v)
				sbuf_add(&x->out, v);
			break;
		}
		case N_TURN: {
			int p = x->ops->speaker(x->ctx, nd->a);
			sbuf_addc(&x->out, DEMO_MARK_TURN);
			sbuf_addc(&x->out, (char)('0' + p));
			break;
		}
		}
	}
}

void demo_expand_rule(struct demo_expand *x, int rule)
{
	expand_rule_at(x, rule, 0);
}

void demo_expand_new_exchange(struct demo_expand *x)
{
	for (size_t i = 0; x->exch_vars && i < x->n_vars; i++) {
		free(x->exch_vars[i]);
		x->exch_vars[i] = NULL;
	}
}

void demo_expand_reset(struct demo_expand *x)
{
	demo_expand_new_exchange(x);
	for (size_t i = 0; x->call_vars && i < x->n_vars; i++) {
		free(x->call_vars[i]);
		x->call_vars[i] = NULL;
	}
	if (x->last_alt)
		memset(x->last_alt, 0xff, 2 * x->n_rules * sizeof(int));
	x->out.len = 0;
	if (x->out.s)
		x->out.s[0] = '\0';
}

void demo_expand_free(struct demo_expand *x)
{
	demo_expand_reset(x);
	free(x->call_vars);
	free(x->exch_vars);
	free(x->last_alt);
	x->call_vars = x->exch_vars = NULL;
	x->last_alt = NULL;
	sbuf_free(&x->out);
}
