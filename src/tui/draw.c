/* Drawing helpers: UTF-8 text measured and cut by display width, word wrapping,
 * colours, and the formats screens share. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

/* Decodes one character of s (at most n bytes); returns the bytes used (1 for a bad
 * byte, which reads as U+FFFD). */
static size_t decode(const char *s, size_t n, wchar_t *wc)
{
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t k = mbrtowc(wc, s, n, &ps);
	if (k == (size_t)-1 || k == (size_t)-2) {
		*wc = 0xFFFD;
		return 1;
	}
	if (k == 0) {
		*wc = 0;
		return 1;
	}
	if (*wc < 32 || *wc == 127)
		*wc = ' ';
	return k;
}

static int wc_width(wchar_t wc)
{
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

int tui_width(const char *s)
{
	int w = 0;
	size_t n = strlen(s);
	while (n > 0) {
		wchar_t wc;
		size_t k = decode(s, n, &wc);
		w += wc_width(wc);
		s += k;
		n -= k;
	}
	return w;
}

attr_t tui_color(struct tui *app, int color)
{
	/* The selected row is reverse video with or without colours: a pair of default
	 * colours would leave it looking like every other row. */
	if (color == C_SEL)
		return A_REVERSE;
	if (!app->colors || color <= C_NORMAL || color >= C_COUNT)
		return A_NORMAL;
	return COLOR_PAIR(color);
}

/* Draws n bytes of s from (y, x) in at most w columns. */
static int put_n(int y, int x, int w, const char *s, size_t n, attr_t attr)
{
	wchar_t buf[512];
	int used = 0, k = 0;
	if (w <= 0)
		return 0;
	while (n > 0) {
		wchar_t wc;
		size_t b = decode(s, n, &wc);
		int cw = wc_width(wc);
		if (used + cw > w)
			break;
		buf[k++] = wc;
		used += cw;
		s += b;
		n -= b;
		if (k == (int)(sizeof(buf) / sizeof(buf[0])) - 1) {
			attr_set(attr, PAIR_NUMBER(attr), NULL);
			mvaddnwstr(y, x, buf, k);
			x += used;
			w -= used;
			used = 0;
			k = 0;
		}
	}
	attr_set(attr, PAIR_NUMBER(attr), NULL);
	if (k)
		mvaddnwstr(y, x, buf, k);
	attr_set(A_NORMAL, 0, NULL);
	return used;
}

/* Bytes of s[0, n) that fit in w columns; *cols gets the columns they take. */
static size_t fit_bytes(const char *s, size_t n, int w, int *cols)
{
	size_t used = 0;
	int c = 0;
	while (used < n) {
		wchar_t wc;
		size_t k = decode(s + used, n - used, &wc);
		int cw = wc_width(wc);
		if (c + cw > w)
			break;
		c += cw;
		used += k;
	}
	*cols = c;
	return used;
}

int tui_put(int y, int x, int w, const char *s, attr_t attr, int color)
{
	(void)color;
	if (!s)
		s = "";
	size_t n = strlen(s);
	int cols;
	if (w <= 0)
		return 0;
	size_t fit = fit_bytes(s, n, w, &cols);
	if (fit == n || strspn(s + fit, " ") == n - fit)
		return put_n(y, x, w, s, fit, attr);
	/* cut: the text ends in an ellipsis so that nobody reads it as whole */
	fit = fit_bytes(s, n, w - 1, &cols);
	put_n(y, x, cols, s, fit, attr);
	return cols + put_n(y, x + cols, 1, "…", strlen("…"), attr);
}

int tui_put_clip(int y, int x, int w, const char *s, attr_t attr)
{
	return put_n(y, x, w, s ? s : "", s ? strlen(s) : 0, attr);
}

int tui_put_header(int y, int x, int w, const char *name, const char *const *parts, int n,
		   int keep, attr_t attr)
{
	static const char sep[] = " · ";
	int sw = tui_width(sep), nw = tui_width(name), k = n, need;
	if (w <= 0)
		return 0;
	/* the most parts that fit whole beside the whole name, but never fewer than keep */
	for (;;) {
		need = nw;
		for (int i = 0; i < k; i++)
			need += sw + tui_width(parts[i]);
		if (need <= w || k <= keep)
			break;
		k--;
	}
	int used = 0;
	if (need > w) {
		/* the kept parts show whole: the name gives way, down to a few columns */
		int name_w = w - (need - nw);
		if (name_w < 6)
			name_w = 6;
		used += tui_put(y, x, name_w < w ? name_w : w, name, attr, 0);
	} else {
		used += tui_put(y, x, w, name, attr, 0);
	}
	for (int i = 0; i < k && used < w; i++) {
		used += tui_put(y, x + used, w - used, sep, attr, 0);
		used += tui_put(y, x + used, w - used, parts[i], attr, 0);
	}
	return used;
}

void tui_fill(int y, int x, int w, attr_t attr, int color)
{
	(void)color;
	attr_set(attr, PAIR_NUMBER(attr), NULL);
	for (int i = 0; i < w; i++)
		mvaddch(y, x + i, ' ');
	attr_set(A_NORMAL, 0, NULL);
}

/* Width of the word (no spaces) at s, and its length in bytes. */
static int word_at(const char *s, size_t *len)
{
	int w = 0;
	size_t n = 0, rest = strlen(s);
	while (n < rest && s[n] != ' ') {
		wchar_t wc;
		size_t k = decode(s + n, rest - n, &wc);
		w += wc_width(wc);
		n += k;
	}
	*len = n;
	return w;
}

int tui_wrap(int y, int x, int w, int maxrows, const char *s, attr_t attr, int color, int draw)
{
	(void)color;
	int rows = 0;
	if (w <= 0 || maxrows <= 0)
		return 0;
	if (!s)
		s = "";
	while (*s == ' ')
		s++;
	if (!*s)
		return 1;
	while (*s && rows < maxrows) {
		const char *p = s, *end = s, *next = s;
		int used = 0;
		for (;;) {
			size_t wl;
			int ww = word_at(p, &wl);
			int need = used ? used + 1 + ww : ww;
			if (need > w) {
				if (!used) {
					/* a word longer than the row: cut it */
					size_t cut = 0;
					int cw = 0;
					while (cut < wl) {
						wchar_t wc;
						size_t k = decode(p + cut, wl - cut, &wc);
						if (cw + wc_width(wc) > w)
							break;
						cw += wc_width(wc);
						cut += k;
					}
					if (!cut)
						cut = 1;
					end = next = p + cut;
				} else {
					next = p;
				}
				break;
			}
			used = need;
			end = p + wl;
			const char *q = end;
			while (*q == ' ')
				q++;
			next = q;
			if (!*q)
				break;
			p = q;
		}
		if (rows == maxrows - 1 && *next) {
			/* last row and more text: end with an ellipsis */
			if (draw) {
				int u = put_n(y + rows, x, w - 1, s, (size_t)(end - s), attr);
				put_n(y + rows, x + u, 1, "…", strlen("…"), attr);
			}
			return rows + 1;
		}
		if (draw)
			put_n(y + rows, x, w, s, (size_t)(end - s), attr);
		rows++;
		s = next;
	}
	return rows;
}

void tui_clock(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		ms = 0;
	int64_t s = ms / 1000;
	if (s >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", (long long)(s / 3600),
			 (long long)(s / 60 % 60), (long long)(s % 60));
	else
		snprintf(buf, len, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

void tui_date(const char *iso, int64_t unix_s, char *buf, size_t len)
{
	if (iso && strlen(iso) >= 10) {
		snprintf(buf, len, "%.10s", iso);
		return;
	}
	if (unix_s <= 0) {
		snprintf(buf, len, "–");
		return;
	}
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

void tui_thousands(int64_t v, char *buf, size_t len)
{
	char raw[32];
	snprintf(raw, sizeof(raw), "%lld", (long long)v);
	size_t n = strlen(raw), j = 0;
	for (size_t i = 0; i < n && j + 2 < len; i++) {
		if (i && (n - i) % 3 == 0 && raw[0] != '-')
			buf[j++] = ',';
		buf[j++] = raw[i];
	}
	buf[j] = '\0';
}

void tui_pct(double x, char *buf, size_t len)
{
	if (isnan(x))
		snprintf(buf, len, "–");
	else
		snprintf(buf, len, "%.0f%%", x * 100);
}

void tui_key_label(const char *key, int capital, char *buf, size_t len)
{
	snprintf(buf, len, "%s", key);
	for (char *p = buf; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (capital && buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
}

const char *tui_meta(const struct store_call *c, const char *key)
{
	for (size_t i = 0; c && i < c->n_meta; i++)
		if (!strcmp(c->meta[i].key, key))
			return c->meta[i].value;
	return "";
}
