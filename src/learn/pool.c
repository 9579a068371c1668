/* The sentences a tracker looks at: its calls, its side, its part of the call. */
#include "internal.h"

#include <stdlib.h>

#include "xmalloc.h"

void pool_free(struct pool *p)
{
	free(p->ids);
	p->ids = NULL;
	p->n = 0;
}

/* 1 when sentence id of a call of duration dur_ms is in settings' side and part. */
static int in_scope(const struct learn_index *ix, const struct store_settings *s, int64_t id,
		    int64_t dur_ms)
{
	if (!ix->alive[id])
		return 0;
	if (s->by == STORE_BY_COMPANY && ix->side[id] != STORE_COMPANY)
		return 0;
	if (s->by == STORE_BY_CUSTOMER && ix->side[id] != STORE_CUSTOMER)
		return 0;
	int64_t window = (int64_t)s->part_minutes * 60000;
	if (s->part == STORE_PART_FIRST && ix->start_ms[id] >= window)
		return 0;
	if (s->part == STORE_PART_LAST && ix->start_ms[id] < dur_ms - window)
		return 0;
	return 1;
}

int pool_from_spans(const struct learn_index *ix, const struct store_settings *s,
		    const struct store_call_span *sp, size_t n, struct pool *p)
{
	size_t cap = 0;
	p->ids = NULL;
	p->n = 0;
	for (size_t i = 0; i < n; i++)
		for (int64_t id = sp[i].first; id < sp[i].first + sp[i].n; id++) {
			if (id > ix->max_id || !in_scope(ix, s, id, sp[i].duration_ms))
				continue;
			xgrow(&p->ids, &cap, p->n + 1, sizeof(int64_t));
			p->ids[p->n++] = id;
		}
	return 0;
}

int pool_build(store *st, const struct learn_index *ix, const struct store_settings *s,
	       int64_t since_unix, struct pool *p, char *err, size_t errlen)
{
	struct store_call_span *sp;
	size_t n;
	if (store_calls_matching(st, s, since_unix, &sp, &n, err, errlen) < 0)
		return -1;
	pool_from_spans(ix, s, sp, n, p);
	free(sp);
	return 0;
}
