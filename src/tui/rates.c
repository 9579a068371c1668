/* Rates: an active tracker's detection rate per ISO week and segment (a metadata key's
 * values, or all calls), newest week first, with the weeks whose rate moved beyond chance
 * marked, and a line saying how many did in the last 12 weeks. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Weeks the summary line looks back over. */
#define RATES_RECENT_WEEKS 12

struct rates {
	int64_t tracker;
	char *name;
	int active;
	char **keys;		/* the workspace's metadata keys */
	size_t nkeys;
	size_t by;		/* index in keys; nkeys for all calls */
	struct store_rate_row *r;	/* oldest week first, as the store gives them */
	size_t n;
	int *moved;		/* enum learn_drift per row of r */
	size_t *order;		/* rows shown: newest week first, then by segment */
	char summary[512];
	struct tui_list list;
};

static void unload(struct rates *s)
{
	store_rate_rows_free(s->r, s->n);
	free(s->moved);
	free(s->order);
	s->r = NULL;
	s->moved = NULL;
	s->order = NULL;
	s->n = 0;
	s->list.n = 0;
}

static const struct store_rate_row *sort_rows;

static int newest_first(const void *a, const void *b)
{
	const struct store_rate_row *x = &sort_rows[*(const size_t *)a];
	const struct store_rate_row *y = &sort_rows[*(const size_t *)b];
	int c = strcmp(y->week, x->week);
	return c ? c : strcmp(x->segment, y->segment);
}

static const char *segment_name(const struct rates *s, const struct store_rate_row *r)
{
	if (s->by == s->nkeys)
		return "all calls";
	return *r->segment ? r->segment : "(none)";
}

/* "N weeks moved in the last 12: SEGMENT up in week W, …" or that none did. */
static void summarise(struct rates *s)
{
	const char *recent[RATES_RECENT_WEEKS];
	size_t nrecent = 0;
	for (size_t i = 0; i < s->n && nrecent < RATES_RECENT_WEEKS; i++) {
		const char *w = s->r[s->order[i]].week;
		if (!nrecent || strcmp(recent[nrecent - 1], w))
			recent[nrecent++] = w;
	}
	size_t moved = 0, len = 0;
	char list[400] = "";
	for (size_t i = 0; i < s->n; i++) {
		const struct store_rate_row *r = &s->r[s->order[i]];
		if (!s->moved[s->order[i]] || (nrecent && strcmp(r->week, recent[nrecent - 1]) < 0))
			continue;
		moved++;
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s %s in week %s",
						moved > 1 ? ", " : "", segment_name(s, r),
						learn_drift_name(s->moved[s->order[i]]), r->week);
	}
	if (!s->n)
		snprintf(s->summary, sizeof(s->summary), "no weeks to compare yet");
	else if (!moved)
		snprintf(s->summary, sizeof(s->summary), "no week moved beyond chance in the last %zu",
			 nrecent);
	else
		snprintf(s->summary, sizeof(s->summary), "%zu week%s moved in the last %zu: %s", moved,
			 moved == 1 ? "" : "s", nrecent, list);
}

static int load(struct rates *s, struct tui *app)
{
	char err[512];
	struct store_tracker *t;
	unload(s);
	if (store_tracker_get(app->st, s->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot open the tracker: %s", err);
		return -1;
	}
	free(s->name);
	s->name = xstrdup(t->live.name);
	s->active = t->active;
	store_tracker_free(t);
	if (!s->active)
		return 0;
	const char *key = s->by < s->nkeys ? s->keys[s->by] : "";
	if (store_detection_rates(app->st, s->tracker, key, &s->r, &s->n, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot read the rates: %s", err);
		s->r = NULL;
		s->n = 0;
	}
	s->moved = xmalloc((s->n ? s->n : 1) * sizeof(*s->moved));
	s->order = xmalloc((s->n ? s->n : 1) * sizeof(*s->order));
	learn_rates_drift(s->r, s->n, s->moved);
	for (size_t i = 0; i < s->n; i++)
		s->order[i] = i;
	sort_rows = s->r;
	qsort(s->order, s->n, sizeof(*s->order), newest_first);
	sort_rows = NULL;
	summarise(s);
	s->list.n = (int)s->n;
	if (s->list.sel >= s->list.n)
		s->list.sel = s->list.n ? s->list.n - 1 : 0;
	return 0;
}

/* arg: int64_t * tracker id, owned. */
static void *rates_open(struct tui *app, void *arg)
{
	char err[512];
	struct rates *s = xcalloc(1, sizeof(*s));
	s->tracker = *(int64_t *)arg;
	free(arg);
	if (store_meta_keys(app->st, &s->keys, &s->nkeys, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot read the metadata keys: %s", err);
		s->keys = NULL;
		s->nkeys = 0;
	}
	/* by team when calls have one, else the first key, else all calls */
	s->by = 0;
	for (size_t i = 0; i < s->nkeys; i++)
		if (!strcmp(s->keys[i], "team"))
			s->by = i;
	if (load(s, app) < 0) {
		store_strings_free(s->keys, s->nkeys);
		free(s);
		return NULL;
	}
	tui_top(app)->list = &s->list;
	return s;
}

static void rates_close(void *state, struct tui *app)
{
	(void)app;
	struct rates *s = state;
	unload(s);
	store_strings_free(s->keys, s->nkeys);
	free(s->name);
	free(s);
}

/* Columns of a row at 80 and wider: the segment takes what is left. */
#define COL_WEEK 2
#define COL_SEG 12
#define W_MARK 13
#define W_NUMS 40	/* calls, detected, rate and bar */

static void rates_draw(void *state, struct tui *app)
{
	struct rates *s = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[600];
	char by[128], column[128];
	if (s->by < s->nkeys) {
		tui_key_label(s->keys[s->by], 0, by, sizeof(by));
		tui_key_label(s->keys[s->by], 1, column, sizeof(column));
	} else {
		snprintf(by, sizeof(by), "all calls");
		snprintf(column, sizeof(column), "Segment");
	}
	snprintf(line, sizeof(line), " %s · detection rate per week · by %s", s->name, by);
	tui_put(y++, 0, w, line, A_BOLD, 0);
	if (!s->active) {
		y++;
		snprintf(line, sizeof(line), "%s is not active: no call is scored yet, so there are no "
			 "rates. Activate it (a on the trackers screen, or from its performance "
			 "overview); its rates then show here per week.", s->name);
		tui_wrap(y, 2, w - 4, bottom - y, line, A_NORMAL, 0, 1);
		return;
	}
	int any = 0;
	for (size_t i = 0; i < s->n; i++)
		any |= s->moved[i] != 0;
	snprintf(line, sizeof(line), " %s", s->summary);
	tui_put(y++, 0, w, line, tui_color(app, any ? C_WARN : C_ACCENT), 0);
	y++;
	if (!s->n) {
		tui_put(y, 2, w - 4, "No calls in the tracker's scope and window yet.", A_NORMAL, 0);
		return;
	}
	int seg_w = w - COL_SEG - W_NUMS - W_MARK;
	if (seg_w < 8)
		seg_w = 8;
	int x = COL_SEG + seg_w + 1;
	tui_put(y, COL_WEEK, 9, "Week", A_UNDERLINE, 0);
	tui_put(y, COL_SEG, seg_w, column, A_UNDERLINE, 0);
	tui_put(y, x, 6, " Calls", A_UNDERLINE, 0);
	tui_put(y, x + 7, 8, "Detected", A_UNDERLINE, 0);
	tui_put(y, x + 16, 5, " Rate", A_UNDERLINE, 0);
	y++;
	tui_list_scroll(&s->list, bottom - y);
	for (int i = s->list.top; i < (int)s->n && y < bottom; i++, y++) {
		const struct store_rate_row *r = &s->r[s->order[i]];
		int mv = s->moved[s->order[i]];
		int sel = i == s->list.sel;
		attr_t a = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, a, 0);
		tui_put(y, 0, 2, sel ? "▸" : " ", a, 0);
		tui_put(y, COL_WEEK, 9, r->week, a, 0);
		tui_put(y, COL_SEG, seg_w, segment_name(s, r), a, 0);
		double rate = r->calls ? (double)r->calls_detected / (double)r->calls : 0;
		snprintf(line, sizeof(line), "%6lld", (long long)r->calls);
		tui_put(y, x, 6, line, a, 0);
		snprintf(line, sizeof(line), "%8lld", (long long)r->calls_detected);
		tui_put(y, x + 7, 8, line, a, 0);
		snprintf(line, sizeof(line), "%4.0f%%", 100 * rate);
		tui_put(y, x + 16, 5, line, a, 0);
		/* a bar of 10 cells, one per 10% */
		char bar[64] = "";
		int full = (int)(rate * 10 + 0.5);
		for (int b = 0; b < 10; b++)
			strcat(bar, b < full ? "█" : "·");
		tui_put(y, x + 22, 10, bar, sel ? a : tui_color(app, C_DIM), 0);
		if (mv)
			tui_put(y, x + 33, w - x - 33, mv > 0 ? "▲ moved up" : "▼ moved down",
				sel ? a : tui_color(app, C_WARN) | A_BOLD, 0);
	}
}

static int rates_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct rates *s = state;
	switch (ev->action) {
	case ACT_RELOAD: {
		/* the same week and segment stay selected as rows come */
		char *week = NULL, *seg = NULL;
		if (s->list.n) {
			const struct store_rate_row *r = &s->r[s->order[s->list.sel]];
			week = xstrdup(r->week);
			seg = xstrdup(r->segment);
		}
		int rc = load(s, app);
		for (int i = 0; week && i < s->list.n; i++) {
			const struct store_rate_row *r = &s->r[s->order[i]];
			if (!strcmp(r->week, week) && !strcmp(r->segment, seg))
				s->list.sel = i;
		}
		free(week);
		free(seg);
		return rc < 0 ? TUI_POP : TUI_REDRAW;
	}
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_SEGMENT:
		if (!s->active) {
			tui_info(app, "%s is not active: it has no rates yet.", s->name);
			return TUI_REDRAW;
		}
		s->by = (s->by + 1) % (s->nkeys + 1);
		s->list.sel = s->list.top = 0;
		if (load(s, app) < 0)
			return TUI_POP;
		char by[128] = "all calls";
		if (s->by < s->nkeys)
			tui_key_label(s->keys[s->by], 0, by, sizeof(by));
		tui_info(app, "By %s.", by);
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

static int rates_offers(void *state, int action)
{
	struct rates *s = state;
	if (action == ACT_SEGMENT)
		return s->active ? 1 : 0;
	return 1;
}

static const char *const rates_contexts[] = {"rates", "list", NULL};

const struct screen_ops screen_rates = {
	.name = "Rates",
	.contexts = rates_contexts,
	.open = rates_open,
	.draw = rates_draw,
	.key = rates_key,
	.close = rates_close,
	.offers = rates_offers,
	.follows = 1,
};
