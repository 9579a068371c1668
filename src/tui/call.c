/* Call transcript: the whole call, sentence by sentence with speaker, side and time,
 * opened at a sentence; a tracker's detected sentences are highlighted. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct callview {
	struct store_call *call;
	struct store_sentence *s;
	size_t n;
	unsigned char *hit;	/* detected by the tracker */
	size_t nhits;
	int64_t focus;		/* the sentence it was opened at */
	int place;		/* draw the selection a third from the top (after a jump) */
	struct tui_list list;
};

/* arg: struct call_arg *, owned. */
static void *call_open(struct tui *app, void *arg)
{
	struct call_arg *a = arg;
	char err[512];
	struct callview *v = xcalloc(1, sizeof(*v));
	v->focus = a->sentence;
	if (store_call_get_id(app->st, a->call, &v->call, err, sizeof(err)) != 0 ||
	    store_call_sentences(app->st, a->call, &v->s, &v->n, err, sizeof(err)) < 0) {
		tui_error(app, "Cannot open the call: %s", err);
		store_calls_free(v->call, v->call ? 1 : 0);
		free(v);
		free(a);
		return NULL;
	}
	v->hit = xcalloc(v->n + 1, 1);
	if (a->tracker) {
		struct store_detection *d;
		size_t nd;
		if (store_detections_list(app->st, a->tracker, &d, &nd, err, sizeof(err)) == 0) {
			for (size_t i = 0; i < nd; i++) {
				if (d[i].call != a->call)
					continue;
				for (size_t j = 0; j < v->n; j++)
					if (v->s[j].id == d[i].sentence && !v->hit[j]) {
						v->hit[j] = 1;
						v->nhits++;
					}
			}
			store_detections_free(d, nd);
		}
	}
	free(a);
	v->list.n = (int)v->n;
	for (size_t i = 0; i < v->n; i++)
		if (v->s[i].id == v->focus)
			v->list.sel = (int)i;
	v->place = 1;
	tui_top(app)->list = &v->list;
	return v;
}

static void call_close(void *state, struct tui *app)
{
	(void)app;
	struct callview *v = state;
	store_calls_free(v->call, 1);
	store_sentences_free(v->s, v->n);
	free(v->hit);
	free(v);
}

#define TEXT_X 26
#define MAX_ROWS 3
/* Sentences kept in view before and after the selection as it moves. */
#define CONTEXT 2

static int rows_of(const struct callview *v, int i, int w)
{
	return tui_wrap(0, 0, w - TEXT_X - 1, MAX_ROWS, v->s[i].text, 0, 0, 0);
}

/* Rows sentences [from, to] take, counted up to just past limit. */
static int rows_between(const struct callview *v, int from, int to, int w, int limit)
{
	int need = 0;
	for (int i = from; i <= to && need <= limit; i++)
		need += rows_of(v, i, w);
	return need;
}

/* Moves the first sentence shown down until sentences [top, last] fit in avail rows,
 * but not past stop. */
static void fit_down(const struct callview *v, struct tui_list *l, int last, int stop, int w,
		     int avail)
{
	if (l->top >= stop)
		return;
	/* only the rows of the last screenful matter: start close to it */
	int need = 0, first = last;
	while (first >= l->top && need + rows_of(v, first, w) <= avail)
		need += rows_of(v, first--, w);
	if (first >= l->top)	/* sentence `first` is one too many */
		l->top = first + 1 > stop ? stop : first + 1;
}

/* Chooses the first sentence shown (rows differ in height). After a jump (opening at a
 * sentence, n / N) the selection goes a third of the way down, with what was said
 * before it above and what follows below; moving keeps CONTEXT sentences around it in
 * view when they fit; and the screen is always full when the call's end is near. */
static void place_selection(struct callview *v, int w, int avail)
{
	struct tui_list *l = &v->list;
	int n = (int)v->n;
	if (!n)
		return;
	if (v->place) {
		int above = 0;
		l->top = l->sel;
		while (l->top > 0 && above + rows_of(v, l->top - 1, w) <= avail / 3)
			above += rows_of(v, --l->top, w);
		v->place = 0;
	} else {
		int lo = l->sel - CONTEXT < 0 ? 0 : l->sel - CONTEXT;
		int hi = l->sel + CONTEXT >= n ? n - 1 : l->sel + CONTEXT;
		if (rows_between(v, lo, hi, w, avail) > avail)
			lo = hi = l->sel;	/* no room for context: the selection alone */
		if (l->top > lo)
			l->top = lo;
		fit_down(v, l, hi, lo, w, avail);
	}
	/* the selection itself always shows */
	fit_down(v, l, l->sel, l->sel, w, avail);
	/* no empty rows under the call's last sentence while earlier ones could fill them */
	int below = rows_between(v, l->top, n - 1, w, avail);
	while (l->top > 0 && below + rows_of(v, l->top - 1, w) <= avail)
		below += rows_of(v, --l->top, w);
}

static void call_draw(void *state, struct tui *app)
{
	struct callview *v = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[512], date[32], len[16], clock[16];
	const struct store_call *c = v->call;
	tui_date(c->started, 0, date, sizeof(date));
	tui_clock(c->duration_ms, len, sizeof(len));
	snprintf(line, sizeof(line), " %s · %s · %s · %s%s%s · %s", c->ext_id, c->title, date,
		 tui_meta(c, "team"), *tui_meta(c, "deal_stage") ? " · " : "",
		 tui_meta(c, "deal_stage"), len);
	tui_put(y++, 0, w, line, tui_color(app, C_ACCENT), 0);
	if (v->nhits)
		snprintf(line, sizeof(line), " %zu detected sentence%s, marked ● (n / N: next / "
			 "previous)", v->nhits, v->nhits == 1 ? "" : "s");
	else
		snprintf(line, sizeof(line), " %zu sentences", v->n);
	tui_put(y++, 0, w, line, tui_color(app, C_DIM), 0);
	int avail = bottom - y;
	place_selection(v, w, avail);
	v->list.page = avail / 2;
	int64_t heard = tui_play_heard(app, c->id);
	for (int i = v->list.top; i < (int)v->n && y < bottom; i++) {
		const struct store_sentence *s = &v->s[i];
		int sel = i == v->list.sel;
		attr_t a = sel ? tui_color(app, C_SEL) : v->hit[i] ? tui_color(app, C_HIT) : A_NORMAL;
		int rows = rows_of(v, i, w);
		if (y + rows > bottom)
			rows = bottom - y;
		for (int k = 0; k < rows && sel; k++)
			tui_fill(y + k, 0, w, a, 0);
		tui_clock(s->start_ms, clock, sizeof(clock));
		const char *mark = heard >= s->start_ms && heard < s->end_ms ? "♪" :
				   v->hit[i] ? "●" : s->id == v->focus ? "▶" : " ";
		snprintf(line, sizeof(line), "%s%6s %-17.17s", mark, clock, s->speaker);
		tui_put(y, 0, TEXT_X, line, a, 0);
		tui_wrap(y, TEXT_X, w - TEXT_X - 1, rows, s->text, a | (v->hit[i] ? A_UNDERLINE : 0), 0, 1);
		y += rows;
	}
}

static int call_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct callview *v = state;
	switch (ev->action) {
	case ACT_RELOAD:
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_NEXT_HIT:
	case ACT_PREV_HIT: {
		int d = ev->action == ACT_NEXT_HIT ? 1 : -1;
		for (int i = v->list.sel + d; i >= 0 && i < (int)v->n; i += d)
			if (v->hit[i]) {
				v->list.sel = i;
				v->place = 1;
				return TUI_REDRAW;
			}
		tui_info(app, v->nhits ? "No more detected sentences that way." :
			 "No sentence of this call is detected: n and N have none to go to.");
		return TUI_REDRAW;
	}
	case ACT_PLAY:
	case ACT_PLAY_CONTEXT:
	case ACT_WRITE_WAV:
		if (!v->n)
			return TUI_REDRAW;
		if (ev->action == ACT_WRITE_WAV)
			tui_play_write(app, v->s[v->list.sel].id);
		else
			tui_play_sentence(app, v->s[v->list.sel].id, ev->action == ACT_PLAY_CONTEXT);
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

/* n and N are offered when the call has detected sentences to go to. */
static int call_offers(void *state, int action)
{
	struct callview *v = state;
	if (action == ACT_NEXT_HIT || action == ACT_PREV_HIT)
		return v->nhits ? 1 : 0;
	return 1;
}

static const char *const call_contexts[] = {"call", "list", NULL};

const struct screen_ops screen_call = {
	.name = "Call",
	.contexts = call_contexts,
	.plays = 1,
	.open = call_open,
	.draw = call_draw,
	.key = call_key,
	.close = call_close,
	.offers = call_offers,
};
