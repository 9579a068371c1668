/* A one-line UTF-8 text editor for form fields and prompts. */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "xmalloc.h"

void tui_edit_set(struct tui_edit *e, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (e->max && n > e->max)
		n = e->max;
	xgrow(&e->text, &e->cap, n + 1, 1);
	memcpy(e->text, s ? s : "", n);
	e->text[n] = '\0';
	e->len = n;
	e->cur = n;
}

void tui_edit_free(struct tui_edit *e)
{
	free(e->text);
	memset(e, 0, sizeof(*e));
}

/* Byte offset of the character before / after the cursor. */
static size_t prev_char(const struct tui_edit *e, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)e->text[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static size_t next_char(const struct tui_edit *e, size_t at)
{
	if (at >= e->len)
		return e->len;
	at++;
	while (at < e->len && ((unsigned char)e->text[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void cut(struct tui_edit *e, size_t from, size_t to)
{
	memmove(e->text + from, e->text + to, e->len - to + 1);
	e->len -= to - from;
	e->cur = from;
}

int tui_edit_key(struct tui_edit *e, int key)
{
	if (!e->text)
		tui_edit_set(e, "");
	switch (key) {
	case KEYFN(KEY_LEFT):
		e->cur = prev_char(e, e->cur);
		return 1;
	case KEYFN(KEY_RIGHT):
		e->cur = next_char(e, e->cur);
		return 1;
	case KEYFN(KEY_HOME):
	case KEY_CTRL('a'):
		e->cur = 0;
		return 1;
	case KEYFN(KEY_END):
	case KEY_CTRL('e'):
		e->cur = e->len;
		return 1;
	case KEYFN(KEY_BACKSPACE):
		if (e->cur > 0)
			cut(e, prev_char(e, e->cur), e->cur);
		return 1;
	case KEYFN(KEY_DC):
		if (e->cur < e->len) {
			size_t c = e->cur;
			cut(e, c, next_char(e, c));
		}
		return 1;
	case KEY_CTRL('u'):
		cut(e, 0, e->len);
		return 1;
	}
	if (key < 32 || key == 127)
		return 0;
	char mb[MB_LEN_MAX + 1];
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t k = wcrtomb(mb, (wchar_t)key, &ps);
	if (k == (size_t)-1)
		return 1;
	if (e->max && e->len + k > e->max)
		return 1;
	xgrow(&e->text, &e->cap, e->len + k + 1, 1);
	memmove(e->text + e->cur + k, e->text + e->cur, e->len - e->cur + 1);
	memcpy(e->text + e->cur, mb, k);
	e->len += k;
	e->cur += k;
	return 1;
}

void tui_edit_draw(const struct tui_edit *e, int y, int x, int w, int focused, attr_t attr)
{
	const char *t = e->text ? e->text : "";
	size_t cur = e->text ? e->cur : 0;
	if (w <= 1)
		return;
	if (!focused) {
		/* a field left shows how it begins, as it reads, not where the cursor was */
		tui_fill(y, x, w, attr, 0);
		tui_put(y, x, w, t, attr, 0);
		return;
	}
	/* scroll so that the cursor is in view */
	char *before = xstrndup(t, cur);
	int bw = tui_width(before);
	size_t start = 0;
	while (bw > w - 1 && start < cur) {
		size_t s2 = start + 1;
		while (s2 < cur && ((unsigned char)t[s2] & 0xC0) == 0x80)
			s2++;
		char *skipped = xstrndup(t + start, s2 - start);
		bw -= tui_width(skipped);
		free(skipped);
		start = s2;
	}
	tui_fill(y, x, w, attr, 0);
	tui_put_clip(y, x, w, t + start, attr);
	if (focused) {
		size_t end = cur;
		if (end < strlen(t)) {
			end++;
			while (t[end] && ((unsigned char)t[end] & 0xC0) == 0x80)
				end++;
		}
		char *c = end > cur ? xstrndup(t + cur, end - cur) : xstrdup(" ");
		tui_put(y, x + bw, w - bw, c, attr | A_REVERSE, 0);
		free(c);
	}
	free(before);
}
