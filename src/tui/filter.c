/* Filter values: the values of one metadata key that exist in the workspace, with how
 * many calls each leaves given the rest of the settings; the admin picks any number of
 * them (none means any value), and sees how many calls the settings then match. Edits
 * the settings form's filters. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct filter {
	struct store_settings *s;	/* (borrowed) */
	char *key;
	struct store_kv *values;	/* key: the value, value: its call count as text */
	size_t n;
	unsigned char *on;
	int64_t *leaves;	/* per value: calls the settings match with it, -1 unknown */
	struct tui_list list;
	int64_t matching;
};

static void apply(struct filter *f)
{
	struct store_settings *s = f->s;
	size_t k = 0;
	for (size_t i = 0; i < s->n_filters; i++) {
		if (!strcmp(s->filters[i].key, f->key)) {
			free(s->filters[i].key);
			free(s->filters[i].value);
		} else {
			s->filters[k++] = s->filters[i];
		}
	}
	s->n_filters = k;
	for (size_t i = 0; i < f->n; i++) {
		if (!f->on[i])
			continue;
		s->filters = xrealloc(s->filters, (s->n_filters + 1) * sizeof(*s->filters));
		s->filters[s->n_filters].key = xstrdup(f->key);
		s->filters[s->n_filters].value = xstrdup(f->values[i].key);
		s->n_filters++;
	}
}

static void recount(struct filter *f, struct tui *app)
{
	struct store_call_span *sp = NULL;
	size_t n = 0;
	char err[256];
	apply(f);
	f->matching = store_calls_matching(app->st, f->s, 0, &sp, &n, err, sizeof(err)) < 0
			      ? -1 : (int64_t)n;
	free(sp);
}

/* Per value, the calls the settings match when it is the only value of this key: what
 * picking it leaves, given the scope and the other keys' filters. */
static void count_values(struct filter *f, struct tui *app)
{
	const struct store_settings *s = f->s;
	struct store_settings t = *s;	/* shallow: every string is borrowed */
	struct store_kv *kv = xcalloc(s->n_filters + 1, sizeof(*kv));
	size_t k = 0;
	char err[256];
	for (size_t i = 0; i < s->n_filters; i++)
		if (strcmp(s->filters[i].key, f->key))
			kv[k++] = s->filters[i];
	t.filters = kv;
	t.n_filters = k + 1;
	kv[k].key = f->key;
	for (size_t i = 0; i < f->n; i++) {
		struct store_call_span *sp = NULL;
		size_t n = 0;
		kv[k].value = f->values[i].key;
		f->leaves[i] = store_calls_matching(app->st, &t, 0, &sp, &n, err, sizeof(err)) < 0
				       ? -1 : (int64_t)n;
		free(sp);
	}
	free(kv);
}

/* arg: struct filter_arg *, owned; the settings it points to are borrowed. */
static void *filter_open(struct tui *app, void *arg)
{
	struct filter_arg *a = arg;
	char err[512];
	struct filter *f = xcalloc(1, sizeof(*f));
	f->s = a->s;
	f->key = xstrdup(a->key);
	free(a);
	if (store_meta_values(app->st, f->key, &f->values, &f->n, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot list the values of %s: %s", f->key, err);
		free(f->key);
		free(f);
		return NULL;
	}
	f->on = xcalloc(f->n + 1, 1);
	f->leaves = xcalloc(f->n + 1, sizeof(*f->leaves));
	count_values(f, app);
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < f->s->n_filters; j++)
			if (!strcmp(f->s->filters[j].key, f->key) &&
			    !strcmp(f->s->filters[j].value, f->values[i].key))
				f->on[i] = 1;
	f->list.n = (int)f->n;
	tui_top(app)->list = &f->list;
	recount(f, app);
	return f;
}

static void filter_close(void *state, struct tui *app)
{
	(void)app;
	struct filter *f = state;
	store_kvs_free(f->values, f->n);
	free(f->on);
	free(f->leaves);
	free(f->key);
	free(f);
}

static void filter_draw(void *state, struct tui *app)
{
	struct filter *f = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[256];
	int chosen = 0;
	for (size_t i = 0; i < f->n; i++)
		chosen += f->on[i];
	snprintf(line, sizeof(line), " Which %s values? Space selects; none selected means any.",
		 f->key);
	tui_put(y++, 0, w, line, A_NORMAL, 0);
	if (f->matching >= 0)
		snprintf(line, sizeof(line), " %d selected · calls matching the settings: %lld", chosen,
			 (long long)f->matching);
	else
		snprintf(line, sizeof(line), " %d selected", chosen);
	tui_put(y++, 0, w, line, f->matching == 0 ? tui_color(app, C_ERROR)
						  : tui_color(app, C_ACCENT), 0);
	tui_put(y++, 0, w, " Beside each value: the calls it leaves with the rest of the settings.",
		tui_color(app, C_DIM), 0);
	if (!f->n) {
		tui_put(y, 2, w - 2, "No call has a value for this key.", A_NORMAL, 0);
		return;
	}
	tui_list_scroll(&f->list, bottom - y);
	for (int i = f->list.top; i < (int)f->n && y < bottom; i++, y++) {
		int sel = i == f->list.sel;
		attr_t a = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, a, 0);
		char calls[32];
		if (f->leaves[i] >= 0)
			snprintf(calls, sizeof(calls), "%lld", (long long)f->leaves[i]);
		else
			snprintf(calls, sizeof(calls), "?");
		snprintf(line, sizeof(line), " %s [%s] %-40s %6s call%s", sel ? "▸" : " ",
			 f->on[i] ? "x" : " ", f->values[i].key, calls, f->leaves[i] == 1 ? "" : "s");
		tui_put(y, 0, w, line, a, 0);
	}
}

static int filter_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct filter *f = state;
	switch (ev->action) {
	case ACT_TOGGLE:
		if (f->n) {
			f->on[f->list.sel] = !f->on[f->list.sel];
			recount(f, app);
		}
		return TUI_REDRAW;
	case ACT_CLEAR:
		memset(f->on, 0, f->n);
		recount(f, app);
		return TUI_REDRAW;
	case ACT_ENTER:
	case ACT_BACK:
	case ACT_CANCEL:
		apply(f);
		return TUI_POP;
	case ACT_RELOAD:
	case ACT_JOB_DONE:
		return TUI_NONE;
	}
	return TUI_PASS;
}

static const char *const filter_contexts[] = {"filter", "list", NULL};

const struct screen_ops screen_filter = {
	.name = "Filter values",
	.contexts = filter_contexts,
	.open = filter_open,
	.draw = filter_draw,
	.key = filter_key,
	.close = filter_close,
};
