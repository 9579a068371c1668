/* Results: the calls where an active tracker detected its concept, newest first, with
 * the count per call; a call opens with its detected sentences highlighted. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct results {
	int64_t tracker;
	char *name;
	int active;
	int64_t activated_at;
	int backfill;
	struct store_call_count *c;
	size_t n;
	struct store_detection *d;	/* every detection, for the first one of a call */
	size_t nd;
	int64_t total;
	struct tui_list list;
};

static void unload(struct results *r)
{
	store_call_counts_free(r->c, r->n);
	store_detections_free(r->d, r->nd);
	r->c = NULL;
	r->d = NULL;
	r->n = r->nd = 0;
}

static int load(struct results *r, struct tui *app)
{
	char err[512];
	struct store_tracker *t;
	unload(r);
	if (store_tracker_get(app->st, r->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot open the tracker: %s", err);
		return -1;
	}
	free(r->name);
	r->name = xstrdup(t->live.name);
	r->active = t->active;
	r->activated_at = t->activated_at;
	r->backfill = t->backfill_months;
	store_tracker_free(t);
	if (store_detection_counts(app->st, r->tracker, &r->c, &r->n, err, sizeof(err)) < 0 ||
	    store_detections_list(app->st, r->tracker, &r->d, &r->nd, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot read the results: %s", err);
		unload(r);
	}
	r->total = 0;
	for (size_t i = 0; i < r->n; i++)
		r->total += r->c[i].count;
	r->list.n = (int)r->n;
	return 0;
}

/* arg: int64_t * tracker id, owned. */
static void *results_open(struct tui *app, void *arg)
{
	struct results *r = xcalloc(1, sizeof(*r));
	r->tracker = *(int64_t *)arg;
	free(arg);
	if (load(r, app) < 0) {
		free(r);
		return NULL;
	}
	tui_top(app)->list = &r->list;
	return r;
}

static void results_close(void *state, struct tui *app)
{
	(void)app;
	struct results *r = state;
	unload(r);
	free(r->name);
	free(r);
}

static int64_t first_hit(const struct results *r, int64_t call)
{
	for (size_t i = 0; i < r->nd; i++)
		if (r->d[i].call == call)
			return r->d[i].sentence;
	return 0;
}

static void results_draw(void *state, struct tui *app)
{
	struct results *r = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512], date[32];
	tui_date(NULL, r->activated_at, date, sizeof(date));
	char months[32] = " only";
	if (r->backfill == 1)
		snprintf(months, sizeof(months), " and the past month");
	else if (r->backfill)
		snprintf(months, sizeof(months), " and the past %d months", r->backfill);
	if (r->active)
		snprintf(line, sizeof(line), " %s · active since %s on upcoming calls%s", r->name, date,
			 months);
	else
		snprintf(line, sizeof(line), " %s · not active", r->name);
	tui_put(y++, 0, w, line, A_NORMAL, 0);
	snprintf(line, sizeof(line), " %lld detection%s in %zu call%s, newest call first",
		 (long long)r->total, r->total == 1 ? "" : "s", r->n, r->n == 1 ? "" : "s");
	tui_put(y++, 0, w, line, tui_color(app, C_ACCENT), 0);
	y++;
	if (!r->n) {
		tui_put(y, 2, w - 4, r->active ? "No detections yet: calls are scored as they are "
			"imported." : "No detections: activate the tracker first.", A_NORMAL, 0);
		return;
	}
	tui_put(y, 2, 11, "Date", A_UNDERLINE, 0);
	tui_put(y, 14, 12, "Call", A_UNDERLINE, 0);
	tui_put(y, 27, w - 27 - 8, "Title", A_UNDERLINE, 0);
	tui_put(y, w - 7, 6, "Found", A_UNDERLINE, 0);
	y++;
	tui_list_scroll(&r->list, bottom - y);
	for (int i = r->list.top; i < (int)r->n && y < bottom; i++, y++) {
		int sel = i == r->list.sel;
		attr_t a = sel ? tui_color(app, C_SEL) : A_NORMAL;
		if (sel)
			tui_fill(y, 0, w, a, 0);
		tui_put(y, 0, 2, sel ? "▸" : " ", a, 0);
		tui_date(r->c[i].started, 0, date, sizeof(date));
		tui_put(y, 2, 11, date, a, 0);
		tui_put(y, 14, 12, r->c[i].ext_id, a, 0);
		tui_put(y, 27, w - 27 - 8, r->c[i].title, a, 0);
		snprintf(line, sizeof(line), "%5lld", (long long)r->c[i].count);
		tui_put(y, w - 7, 6, line, a, 0);
	}
}

static int results_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct results *r = state;
	switch (ev->action) {
	case ACT_RELOAD:
		load(r, app);
		return TUI_REDRAW;
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_OPEN:
		if (!r->n)
			return TUI_REDRAW;
		{
			struct call_arg *a = xcalloc(1, sizeof(*a));
			a->call = r->c[r->list.sel].call;
			a->sentence = first_hit(r, a->call);
			a->tracker = r->tracker;
			tui_next(app, &screen_call, a);
		}
		return TUI_PUSH;
	case ACT_RATES: {
		int64_t *a = xmalloc(sizeof(*a));
		*a = r->tracker;
		tui_next(app, &screen_rates, a);
		return TUI_PUSH;
	}
	case ACT_PLAY:
	case ACT_PLAY_CONTEXT:
	case ACT_WRITE_WAV: {
		if (!r->n)
			return TUI_REDRAW;
		int64_t sid = first_hit(r, r->c[r->list.sel].call);
		if (!sid)
			return TUI_REDRAW;
		if (ev->action == ACT_WRITE_WAV)
			tui_play_write(app, sid);
		else
			tui_play_sentence(app, sid, ev->action == ACT_PLAY_CONTEXT);
		return TUI_REDRAW;
	}
	}
	return TUI_PASS;
}

static const char *const results_contexts[] = {"results", "list", NULL};

const struct screen_ops screen_results = {
	.name = "Results",
	.contexts = results_contexts,
	.plays = 1,
	.open = results_open,
	.draw = results_draw,
	.key = results_key,
	.close = results_close,
};
