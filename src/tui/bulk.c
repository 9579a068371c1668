/* Bulk add: many example sentences pasted (or typed) one a line, up to 100; blank
 * lines and duplicates are dropped, lines that read as more than one sentence are
 * flagged, and all are added in one go. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

struct bulk {
	int64_t tracker;
	char **lines;		/* the text, one example a line (owned) */
	int n, cap;
	int cur;		/* the line being edited (its text is in edit) */
	struct tui_edit edit;
	int top;
	char err[700];
};

static void store_line(struct bulk *b)
{
	free(b->lines[b->cur]);
	b->lines[b->cur] = xstrdup(b->edit.text ? b->edit.text : "");
}

static void load_line(struct bulk *b, int i, size_t cursor)
{
	b->cur = i;
	tui_edit_set(&b->edit, b->lines[i]);
	if (cursor < b->edit.len)
		b->edit.cur = cursor;
}

static void insert_line(struct bulk *b, int at, const char *text)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->lines = xrealloc(b->lines, (size_t)b->cap * sizeof(char *));
	}
	memmove(b->lines + at + 1, b->lines + at, (size_t)(b->n - at) * sizeof(char *));
	b->lines[at] = xstrdup(text);
	b->n++;
}

/* arg: int64_t * tracker id, owned. */
static void *bulk_open(struct tui *app, void *arg)
{
	struct bulk *b = xcalloc(1, sizeof(*b));
	b->tracker = *(int64_t *)arg;
	free(arg);
	b->edit.max = 2000;
	insert_line(b, 0, "");
	load_line(b, 0, 0);
	tui_top(app)->input_context = "bulk";
	return b;
}

static void bulk_close(void *state, struct tui *app)
{
	(void)app;
	struct bulk *b = state;
	for (int i = 0; i < b->n; i++)
		free(b->lines[i]);
	free(b->lines);
	tui_edit_free(&b->edit);
	free(b);
}

static int nonblank(const struct bulk *b)
{
	int k = 0;
	for (int i = 0; i < b->n; i++) {
		const char *t = i == b->cur ? b->edit.text : b->lines[i];
		if (t && strspn(t, " \t") != strlen(t))
			k++;
	}
	return k;
}

static void bulk_draw(void *state, struct tui *app)
{
	struct bulk *b = state;
	int y = app->body_top, w = app->cols, bottom = app->body_top + app->body_rows;
	char line[256];
	/* the keys that add or leave must show whole: the lines wrap rather than cut */
	y += tui_wrap(y, 1, w - 2, 2, "Paste or type example sentences, one a line (at most 100). "
		      "Ctrl-S adds them; Esc leaves without adding.", A_NORMAL, 0, 1);
	int k = nonblank(b);
	snprintf(line, sizeof(line), "%d line%s with text · blank lines and duplicates are dropped, "
		 "lines of more than one sentence are flagged", k, k == 1 ? "" : "s");
	y += tui_wrap(y, 1, w - 2, 2, line, tui_color(app, C_DIM), 0, 1);
	if (b->err[0])
		tui_put(y, 1, w - 2, b->err, tui_color(app, C_ERROR), 0);
	y++;
	int rows = bottom - y;
	if (b->cur < b->top)
		b->top = b->cur;
	if (b->cur >= b->top + rows)
		b->top = b->cur - rows + 1;
	for (int i = b->top; i < b->n && y < bottom; i++, y++) {
		snprintf(line, sizeof(line), "%4d ", i + 1);
		tui_put(y, 0, 5, line, tui_color(app, C_DIM), 0);
		if (i == b->cur) {
			tui_edit_draw(&b->edit, y, 5, w - 6, 1, A_NORMAL);
		} else {
			const char *t = b->lines[i];
			int x = 5 + tui_put(y, 5, w - 6, t, A_NORMAL, 0);
			if (*t && tui_sentence_count(t) > 1)
				tui_put(y, x + 1, w - x - 1, "⚠ more than one sentence",
					tui_color(app, C_WARN), 0);
		}
	}
}

/* Adds the lines; returns the reaction. */
static int submit(struct bulk *b, struct tui *app)
{
	char err[512];
	struct store_example *ex = NULL;
	size_t nex = 0;
	store_line(b);
	if (store_examples_list(app->st, b->tracker, &ex, &nex, err, sizeof(err)) < 0) {
		snprintf(b->err, sizeof(b->err), "Cannot read the examples: %s", err);
		return TUI_REDRAW;
	}
	char **seen = xcalloc(nex + (size_t)b->n + 1, sizeof(char *));
	size_t nseen = 0;
	for (size_t i = 0; i < nex; i++)
		seen[nseen++] = tui_example_key(ex[i].text);
	store_examples_free(ex, nex);
	size_t existing = nseen;
	int blank = 0, dups = 0, multi = 0, lines = 0, too_long = 0;
	size_t too_long_len = 0;
	char **add = xcalloc((size_t)b->n + 1, sizeof(char *));
	int nadd = 0;
	for (int i = 0; i < b->n; i++) {
		char *key = tui_example_key(b->lines[i]);
		if (!*key) {
			blank++;
			free(key);
			continue;
		}
		lines++;
		int dup = 0;
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = !strcmp(seen[j], key);
		if (dup) {
			dups++;
			free(key);
			continue;
		}
		seen[nseen++] = key;
		const char *t = b->lines[i];
		while (*t == ' ' || *t == '\t')
			t++;
		size_t len = strlen(t);
		while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		if (text_chars(t, len) > STORE_EXAMPLE_MAX && !too_long)
			too_long = i + 1, too_long_len = text_chars(t, len);
		add[nadd++] = xstrndup(t, len);
	}
	int rc = TUI_REDRAW;
	if (too_long) {
		snprintf(b->err, sizeof(b->err), "Line %d is %zu characters: an example is one "
			 "sentence (at most %d).", too_long, too_long_len, STORE_EXAMPLE_MAX);
		goto out;
	}
	if (lines > LEARN_MAX_EXAMPLES) {
		snprintf(b->err, sizeof(b->err), "%d lines: paste at most %d at a time.", lines,
			 LEARN_MAX_EXAMPLES);
		goto out;
	}
	if (existing + (size_t)nadd > LEARN_MAX_EXAMPLES) {
		snprintf(b->err, sizeof(b->err), "That would make %zu examples; a tracker takes at most "
			 "%d: remove %zu lines.", existing + (size_t)nadd, LEARN_MAX_EXAMPLES,
			 existing + (size_t)nadd - LEARN_MAX_EXAMPLES);
		goto out;
	}
	if (nadd == 0) {
		snprintf(b->err, sizeof(b->err), dups ? "Every line is already an example." :
			 "Nothing to add: paste or type the sentences first.");
		goto out;
	}
	int ok = store_begin(app->st, err, sizeof(err)) == 0;
	for (int i = 0; ok && i < nadd; i++) {
		ok = store_example_add(app->st, b->tracker, add[i], NULL, err, sizeof(err)) == 0;
		if (tui_sentence_count(add[i]) > 1)
			multi++;
	}
	if (ok)
		ok = store_commit(app->st, err, sizeof(err)) == 0;
	if (!ok) {
		store_rollback(app->st);
		snprintf(b->err, sizeof(b->err), "Nothing was added: %s", err);
		goto out;
	}
	struct sbuf m = {0};
	sbuf_printf(&m, "Added %d example%s (%zu in all)", nadd, nadd == 1 ? "" : "s",
		    existing + (size_t)nadd);
	if (dups)
		sbuf_printf(&m, "; %d duplicate%s dropped", dups, dups == 1 ? "" : "s");
	if (blank > 1 || (blank == 1 && b->n > 1 && *b->lines[b->n - 1]))
		sbuf_printf(&m, "; blank lines dropped");
	if (multi)
		sbuf_printf(&m, "; %d read%s as more than one sentence (flagged)", multi,
			    multi == 1 ? "s" : "");
	sbuf_add(&m, ".");
	tui_info(app, "%s", m.s);
	sbuf_free(&m);
	rc = TUI_POP | TUI_RELOAD;
out:
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	for (int i = 0; i < nadd; i++)
		free(add[i]);
	free(add);
	return rc;
}

static int bulk_key(void *state, struct tui *app, const struct tui_event *ev)
{
	struct bulk *b = state;
	switch (ev->action) {
	case ACT_RELOAD:
	case ACT_JOB_DONE:
		return TUI_NONE;
	case ACT_SAVE:
		return submit(b, app);
	case ACT_BACK:
		tui_info(app, "Nothing was added.");
		return TUI_POP;
	case ACT_QUIT:
	case ACT_SUSPEND:
	case ACT_REFRESH:
		return TUI_PASS;
	case ACT_ENTER: {
		/* the text after the cursor starts the next line */
		char *rest = xstrdup(b->edit.text + b->edit.cur);
		b->edit.text[b->edit.cur] = '\0';
		b->edit.len = b->edit.cur;
		store_line(b);
		insert_line(b, b->cur + 1, rest);
		free(rest);
		load_line(b, b->cur + 1, 0);
		b->edit.cur = 0;
		b->err[0] = '\0';
		return TUI_REDRAW;
	}
	case ACT_PREV_FIELD:
		if (b->cur > 0) {
			store_line(b);
			load_line(b, b->cur - 1, b->edit.cur);
		}
		return TUI_REDRAW;
	case ACT_NEXT_FIELD:
		if (b->cur < b->n - 1) {
			store_line(b);
			load_line(b, b->cur + 1, b->edit.cur);
		}
		return TUI_REDRAW;
	}
	if (ev->key == KEYFN(KEY_BACKSPACE) && b->edit.cur == 0 && b->cur > 0) {
		/* join with the line above */
		store_line(b);
		char *joined = xasprintf("%s%s", b->lines[b->cur - 1], b->lines[b->cur]);
		size_t at = strlen(b->lines[b->cur - 1]);
		free(b->lines[b->cur]);
		memmove(b->lines + b->cur, b->lines + b->cur + 1,
			(size_t)(b->n - b->cur - 1) * sizeof(char *));
		b->n--;
		free(b->lines[b->cur - 1]);
		b->lines[b->cur - 1] = joined;
		load_line(b, b->cur - 1, at);
		b->edit.cur = at;
		return TUI_REDRAW;
	}
	if (ev->key == '\t')
		return TUI_NONE;
	tui_edit_key(&b->edit, ev->key);
	return TUI_REDRAW;
}

static const char *const bulk_contexts[] = {"bulk", NULL};

const struct screen_ops screen_bulk = {
	.name = "Bulk add",
	.contexts = bulk_contexts,
	.open = bulk_open,
	.draw = bulk_draw,
	.key = bulk_key,
	.close = bulk_close,
};
