/* Help: the keys of the screen underneath, read from the key table that dispatches
 * them, grouped by context (the screen's own, moving, listening, everywhere). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct help_row {
	char *keys;		/* "y, 1" (owned); NULL for a heading */
	const char *text;	/* the help, or the heading */
};

struct help {
	const char *screen;	/* the screen's name (static) */
	int editing;		/* it was editing text: printable keys are text */
	struct help_row *rows;
	int n, cap;
	struct tui_list list;
};

static void add_row(struct help *h, char *keys, const char *text)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		h->rows = xrealloc(h->rows, (size_t)h->cap * sizeof(*h->rows));
	}
	h->rows[h->n++] = (struct help_row){keys, text};
}

/* Keys shown so far: a key bound in a more specific context hides the same key
 * further out, as the dispatcher does. */
struct seen_keys {
	int key[128];
	int n;
};

static int key_seen(const struct seen_keys *sk, int key)
{
	for (int i = 0; i < sk->n; i++)
		if (sk->key[i] == key)
			return 1;
	return 0;
}

/* Adds a context's keys, one row per action with its keys joined. */
static void add_context(struct help *h, const char *ctx, struct seen_keys *sk)
{
	int first = 1;
	for (const struct tui_keydef *k = tui_keys; k->context; k++) {
		if (strcmp(k->context, ctx) || key_seen(sk, k->key))
			continue;
		if (h->editing && !strcmp(ctx, "global") && k->key >= 32)
			continue;
		int dup = 0;
		for (const struct tui_keydef *e = tui_keys; e < k && !dup; e++)
			dup = !strcmp(e->context, ctx) && e->action == k->action && !key_seen(sk, e->key);
		if (dup)
			continue;
		if (first) {
			if (h->n)
				add_row(h, NULL, "");
			add_row(h, NULL, tui_context_title(ctx));
			first = 0;
		}
		struct sbuf b = {0};
		for (const struct tui_keydef *e = k; e->context; e++)
			if (!strcmp(e->context, ctx) && e->action == k->action && !key_seen(sk, e->key))
				sbuf_printf(&b, "%s%s", b.len ? ", " : "", tui_key_name(e->key));
		add_row(h, sbuf_take(&b), k->help);
	}
	for (const struct tui_keydef *k = tui_keys; k->context; k++)
		if (!strcmp(k->context, ctx) && !key_seen(sk, k->key) && sk->n < 128)
			sk->key[sk->n++] = k->key;
}

/* arg: the screen asking (borrowed; it stays below). */
static void *help_open(struct tui *app, void *arg)
{
	const struct screen *s = arg;
	struct help *h = xcalloc(1, sizeof(*h));
	h->screen = s->ops->name;
	struct seen_keys sk = {.n = 0};
	h->editing = s->input_context != NULL;
	if (s->input_context)
		add_context(h, s->input_context, &sk);
	for (int i = 0; !s->input_context && s->ops->contexts && s->ops->contexts[i]; i++)
		add_context(h, s->ops->contexts[i], &sk);
	if (s->ops->plays && !s->input_context)
		add_context(h, "playback", &sk);
	add_context(h, "global", &sk);
	h->list.n = h->n;
	tui_top(app)->list = &h->list;
	return h;
}

static void help_close(void *state, struct tui *app)
{
	(void)app;
	struct help *h = state;
	for (int i = 0; i < h->n; i++)
		free(h->rows[i].keys);
	free(h->rows);
	free(h);
}

static void help_draw(void *state, struct tui *app)
{
	struct help *h = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[256];
	snprintf(line, sizeof(line), " Keys of the %s screen", h->screen);
	tui_put(y++, 0, w, line, A_NORMAL, 0);
	y++;
	int rows = bottom - y;
	/* When the keys do not all fit, the last row says there are more and how to see
	 * them, so that a short terminal does not pass for the whole list. */
	int more = h->n > rows && rows > 1;
	if (more)
		rows--;
	h->list.page = rows;	/* PgUp / PgDn turn a page */
	/* the list scrolls a page of rows; sel is the first row shown */
	if (h->list.sel > h->n - rows)
		h->list.sel = h->n - rows > 0 ? h->n - rows : 0;
	if (more) {
		int below = h->n - h->list.sel - rows;
		if (below > 0)
			snprintf(line, sizeof(line), "↓ %d more row%s: ↓ PgDn End", below,
				 below == 1 ? "" : "s");
		else
			snprintf(line, sizeof(line), "↑ the rows above: ↑ PgUp Home");
		tui_put(bottom - 1, 3, w - 4, line, tui_color(app, C_ACCENT), 0);
		bottom--;
	}
	for (int i = h->list.sel; i < h->n && y < bottom; i++, y++) {
		const struct help_row *r = &h->rows[i];
		if (!r->keys) {
			tui_put(y, 1, w - 2, r->text, A_UNDERLINE, 0);
			continue;
		}
		tui_put(y, 3, 18, r->keys, tui_color(app, C_ACCENT), 0);
		tui_put(y, 22, w - 23, r->text, A_NORMAL, 0);
	}
}

static int help_key(void *state, struct tui *app, const struct tui_event *ev)
{
	(void)state;
	(void)app;
	switch (ev->action) {
	case ACT_BACK:
	case ACT_CANCEL:
	case ACT_HELP:
		return TUI_POP;
	case ACT_RELOAD:
	case ACT_JOB_DONE:
		return TUI_NONE;
	}
	if (ev->action >= ACT_UP && ev->action <= ACT_END)
		return TUI_REDRAW;
	return TUI_PASS;
}

static const char *const help_contexts[] = {"help", "list", NULL};

const struct screen_ops screen_help = {
	.name = "Help",
	.contexts = help_contexts,
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.close = help_close,
};
