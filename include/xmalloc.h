/* xmalloc: allocation that aborts with a message instead of returning NULL,
 * plus a growable string buffer used across parts. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Each returns memory owned by the caller (free with free()); on exhaustion prints
 * "out of memory" and aborts. xstrdup(NULL) and xstrndup(NULL, n) return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *arr (holding *cap elements of size elem) so it can hold at least need. */
void xgrow(void *arr, size_t *cap, size_t need, size_t elem);

/* A growable NUL-terminated string. Zero-initialise, append, free with sbuf_free. */
struct sbuf {
	char *s;	/* the text, NUL-terminated once anything is appended */
	size_t len;	/* bytes used, without the NUL */
	size_t cap;	/* bytes allocated */
};

void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Hands the text over to the caller (never NULL) and resets the buffer. */
char *sbuf_take(struct sbuf *b);
void sbuf_free(struct sbuf *b);

/* Copies a formatted message into a caller-supplied error buffer (err may be NULL);
 * returns -1 so that library functions can `return errf(err, n, ...)`. */
int errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
