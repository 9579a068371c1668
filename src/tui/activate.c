/* Activate: on upcoming calls only, or on the past months as well (12 by default);
 * past calls are scored in the background with progress and Esc cancels; then the
 * results. For an active tracker with a draft, the same screen publishes it, after
 * setting the draft against what is live on the same calls. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define DEFAULT_MONTHS 12
#define MAX_MONTHS 120

struct activate {
	int64_t tracker;
	char *name;
	int publish;
	int version;
	double precision, recall;
	int past;		/* 1: also the past `months` months */
	int months;
	unsigned job;
	unsigned compare_job;	/* publishing: the comparison being made */
	struct learn_compare *cmp;
	char cmp_err[512];
};

/* arg: struct activate_arg *, owned. */
static void *activate_open(struct tui *app, void *arg)
{
	struct activate_arg *a = arg;
	char err[512];
	struct store_tracker *t;
	if (store_tracker_get(app->st, a->tracker, &t, err, sizeof(err)) != 0) {
		tui_error(app, "Cannot open the tracker: %s", err);
		free(a);
		return NULL;
	}
	struct activate *v = xcalloc(1, sizeof(*v));
	v->tracker = a->tracker;
	v->publish = a->publish;
	free(a);
	v->name = xstrdup(t->live.name);
	v->version = t->latest_version;
	v->precision = t->latest_precision;
	v->recall = t->latest_recall;
	v->past = 1;
	v->months = t->active && t->backfill_months ? t->backfill_months : DEFAULT_MONTHS;
	store_tracker_free(t);
	if (v->publish)
		v->compare_job = worker_submit(app->worker, JOB_COMPARE, v->tracker, 0);
	return v;
}

static void activate_close(void *state, struct tui *app)
{
	struct activate *v = state;
	if (v->job)
		worker_cancel(app->worker, v->job);
	if (v->compare_job)
		worker_cancel(app->worker, v->compare_job);
	learn_compare_free(v->cmp);
	free(v->name);
	free(v);
}

/* "model version 4 · estimated precision 90%, hit rate 70%" */
static void model_line(char *buf, size_t len, int version, double p, double r)
{
	char ps[16], rs[16];
	tui_pct(p, ps, sizeof(ps));
	tui_pct(r, rs, sizeof(rs));
	snprintf(buf, len, "model version %d · estimated precision %s, hit rate %s", version, ps, rs);
}

static long long ll(int64_t x)
{
	return (long long)x;
}

/* Up to n sentences under a heading; returns rows used. */
static int draw_samples(struct tui *app, int y, int bottom, const char *heading,
			const struct learn_sample *s, size_t n, int color)
{
	int y0 = y, w = app->cols;
	if (!n || y >= bottom)
		return 0;
	tui_put(y++, 2, w - 4, heading, A_BOLD, 0);
	for (size_t i = 0; i < n && y < bottom; i++) {
		char score[16];
		snprintf(score, sizeof(score), "%.2f", s[i].score);
		tui_put(y, 4, 5, score, tui_color(app, color), 0);
		tui_put(y++, 10, w - 12, s[i].text, A_NORMAL, 0);
	}
	return y - y0;
}

/* The publish screen: the draft against what is live, then Enter. */
static void publish_draw(struct activate *v, struct tui *app, int y)
{
	int w = app->cols, bottom = app->body_top + app->body_rows - 2;
	char line[512];
	const struct learn_compare *k = v->cmp;
	if (!k) {
		if (v->compare_job)
			tui_put(y, 2, w - 4, "Comparing the draft with what is live…",
				tui_color(app, C_ACCENT), 0);
		else
			tui_wrap(y, 2, w - 4, 3, v->cmp_err, tui_color(app, C_ERROR), 0, 1);
		y += 2;
	} else {
		model_line(line + 7, sizeof(line) - 7, k->live_version, k->live_precision, k->live_recall);
		memcpy(line, "Live:  ", 7);
		tui_put(y++, 2, w - 4, line, A_NORMAL, 0);
		if (k->model_changed) {
			model_line(line + 7, sizeof(line) - 7, k->draft_version, k->draft_precision,
				   k->draft_recall);
			memcpy(line, "Draft: ", 7);
		} else {
			snprintf(line, sizeof(line), "Draft: the same model, with edited settings");
		}
		tui_put(y++, 2, w - 4, line, A_BOLD, 0);
		y++;
		if (k->settings_changed) {
			snprintf(line, sizeof(line), "The edited settings cover %lld call%s: %lld more and "
				 "%lld fewer than the %lld covered now.", ll(k->draft_calls),
				 k->draft_calls == 1 ? "" : "s", ll(k->calls_added), ll(k->calls_removed),
				 ll(k->live_calls));
			y += tui_wrap(y, 2, w - 4, 2, line, A_NORMAL, 0, 1);
		}
		snprintf(line, sizeof(line), "On the %lld call%s both cover, live detects %lld and the "
			 "draft %lld: %lld by both, %lld only by the draft, %lld only live.",
			 ll(k->calls), k->calls == 1 ? "" : "s", ll(k->live_detections),
			 ll(k->draft_detections), ll(k->both), ll(k->only_draft), ll(k->only_live));
		y += tui_wrap(y, 2, w - 4, 3, line, A_NORMAL, 0, 1);
		snprintf(line, sizeof(line), "Publishing stores %lld detection%s (%lld now) and scores "
			 "calls with the draft from then on.", ll(k->draft_total),
			 k->draft_total == 1 ? "" : "s", ll(k->live_total));
		y += tui_wrap(y, 2, w - 4, 2, line, A_NORMAL, 0, 1);
		y++;
		int rows = draw_samples(app, y, bottom, "Only the draft detects, for example:", k->gained,
					k->n_gained, C_YES);
		y += rows ? rows + 1 : 0;
		rows = draw_samples(app, y, bottom, "Only live detects, for example:", k->lost, k->n_lost,
				    C_NO);
		y += rows ? rows + 1 : 0;
	}
	if (y > bottom)
		y = bottom;
	tui_put(y, 2, w - 4, v->job ? "Publishing…" : "Enter publishes · Esc goes back",
		v->job ? tui_color(app, C_ACCENT) : A_NORMAL, 0);
}

static void activate_draw(void *state, struct tui *app)
{
	struct activate *v = state;
	int y = app->body_top, w = app->cols;
	char line[512], p[16], r[16];
	snprintf(line, sizeof(line), " %s \"%s\"", v->publish ? "Publish" : "Activate", v->name);
	tui_put(y++, 0, w, line, A_NORMAL, 0);
	if (v->publish) {
		publish_draw(v, app, y + 1);
		return;
	}
	tui_pct(v->precision, p, sizeof(p));
	tui_pct(v->recall, r, sizeof(r));
	snprintf(line, sizeof(line), " Model version %d · estimated precision %s, hit rate %s", v->version,
		 p, r);
	tui_put(y++, 0, w, line, tui_color(app, C_DIM), 0);
	y++;
	tui_put(y, 2, w - 4, v->past ? "( ) Upcoming calls only" : "(•) Upcoming calls only",
		v->past ? A_NORMAL : A_REVERSE, 0);
	y += 2;
	if (v->months == 1)
		snprintf(line, sizeof(line), "%s Upcoming calls and the past month",
			 v->past ? "(•)" : "( )");
	else
		snprintf(line, sizeof(line), "%s Upcoming calls and the past %d months",
			 v->past ? "(•)" : "( )", v->months);
	int x = 2 + tui_put(y, 2, w - 4, line, v->past ? A_REVERSE : A_NORMAL, 0);
	tui_put(y, x + 2, w - x - 2, "← → changes the months", tui_color(app, C_DIM), 0);
	y += 2;
	y += tui_wrap(y, 2, w - 4, 3, "Calls imported from now on are scored as they come. Past calls "
		      "are scored now, which takes a moment; the results follow.",
		      tui_color(app, C_DIM), 0, 1);
	y++;
	tui_put(y, 2, w - 4, v->job ? "Activating…" : "Enter activates · Esc goes back",
		v->job ? tui_color(app, C_ACCENT) : A_NORMAL, 0);
}

static int activate_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct activate *v = state;
	struct job_result r;
	switch (ev->action) {
	case ACT_JOB_DONE:
		if (v->compare_job && worker_take(app->worker, v->compare_job, &r)) {
			v->compare_job = 0;
			if (r.rc == 0) {
				v->cmp = r.compare;
				r.compare = NULL;
			} else {
				snprintf(v->cmp_err, sizeof(v->cmp_err), "No comparison with what is live: %.470s",
					 r.err);
			}
			job_result_clear(&r);
			return TUI_REDRAW;
		}
		if (!v->job || !worker_take(app->worker, v->job, &r))
			return TUI_NONE;
		v->job = 0;
		if (r.rc == 0) {
			const char *pl = r.detections == 1 ? "" : "s";
			if (v->publish)
				tui_info(app, "Published: %zu detection%s.", r.detections, pl);
			else if (v->past && v->months == 1)
				tui_info(app, "Active on upcoming calls and the past month: %zu "
					 "detection%s.", r.detections, pl);
			else if (v->past)
				tui_info(app, "Active on upcoming calls and the past %d months: %zu "
					 "detection%s.", v->months, r.detections, pl);
			else
				tui_info(app, "Active on upcoming calls.");
			job_result_clear(&r);
			int64_t *a = xmalloc(sizeof(*a));
			*a = v->tracker;
			tui_next(app, &screen_results, a);
			return TUI_REPLACE | TUI_RELOAD;
		}
		if (r.rc == 1)
			tui_info(app, "Cancelled: nothing changed.");
		else
			tui_error(app, "%s failed: %s", v->publish ? "Publishing" : "Activation", r.err);
		job_result_clear(&r);
		return TUI_REDRAW;
	case ACT_RELOAD:
		return TUI_NONE;
	case ACT_UP:
		if (!v->job)
			v->past = 0;
		return TUI_REDRAW;
	case ACT_DOWN:
		if (!v->job)
			v->past = 1;
		return TUI_REDRAW;
	case ACT_FEWER:
	case ACT_MORE:
		if (v->job || v->publish)
			return TUI_REDRAW;
		v->past = 1;
		v->months += ev->action == ACT_MORE ? 1 : -1;
		if (v->months < 1)
			v->months = 1;
		if (v->months > MAX_MONTHS)
			v->months = MAX_MONTHS;
		return TUI_REDRAW;
	case ACT_ENTER:
		if (v->job)
			return TUI_REDRAW;
		v->job = worker_submit(app->worker, v->publish ? JOB_PUBLISH : JOB_ACTIVATE, v->tracker,
				       v->past ? v->months : 0);
		return TUI_REDRAW;
	case ACT_CANCEL:
		if (v->job) {
			worker_cancel(app->worker, v->job);
			tui_info(app, "Cancelling…");
			return TUI_REDRAW;
		}
		return TUI_POP;
	case ACT_BACK:
		if (v->job) {
			tui_info(app, "Scoring is running: Esc cancels it.");
			return TUI_REDRAW;
		}
		return TUI_POP;
	}
	return TUI_PASS;
}

/* The footer: while scoring runs, Esc cancels it and nothing else acts; before, q goes
 * back (Esc would do the same, so it is not offered twice). */
static int activate_offers(void *state, int action)
{
	struct activate *v = state;
	if (v->job)
		return action == ACT_CANCEL ? 2 : action == ACT_HELP ? 1 : 0;
	return action == ACT_CANCEL ? 0 : 1;
}

static const char *const activate_contexts[] = {"activate", NULL};
static const char *const publish_contexts[] = {"publish", NULL};

const struct screen_ops screen_activate = {
	.name = "Activate",
	.contexts = activate_contexts,
	.open = activate_open,
	.draw = activate_draw,
	.key = activate_key,
	.close = activate_close,
	.offers = activate_offers,
};

/* The same screen publishing an active tracker's draft (struct activate_arg with
 * publish set): its own keys. */
const struct screen_ops screen_publish = {
	.name = "Publish",
	.contexts = publish_contexts,
	.open = activate_open,
	.draw = activate_draw,
	.key = activate_key,
	.close = activate_close,
	.offers = activate_offers,
};
