/* Monitoring: whether an active tracker's detection rate moved in a week by more than
 * chance explains, against the weeks before it. */
#include "learn.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void learn_drift(const struct learn_week *w, size_t n, int *moved, double *z)
{
	for (size_t i = 0; i < n; i++) {
		moved[i] = LEARN_DRIFT_NONE;
		if (z)
			z[i] = 0;
		if (w[i].calls < LEARN_DRIFT_MIN_WEEK)
			continue;
		int64_t bc = 0, bd = 0;
		size_t from = i > LEARN_DRIFT_BASELINE_WEEKS ? i - LEARN_DRIFT_BASELINE_WEEKS : 0;
		for (size_t j = from; j < i; j++) {
			bc += w[j].calls;
			bd += w[j].calls_detected;
		}
		if (bc < LEARN_DRIFT_MIN_BASELINE)
			continue;
		double n1 = (double)w[i].calls, n0 = (double)bc;
		double p1 = (double)w[i].calls_detected / n1, p0 = (double)bd / n0;
		/* pooled under "nothing moved"; a rate of 0 or 1 everywhere has no spread
		 * and nothing to compare */
		double p = ((double)w[i].calls_detected + (double)bd) / (n1 + n0);
		double se = sqrt(p * (1 - p) * (1 / n1 + 1 / n0));
		if (!(se > 0))
			continue;
		double zi = (p1 - p0) / se;
		if (z)
			z[i] = zi;
		if (zi > LEARN_DRIFT_Z)
			moved[i] = LEARN_DRIFT_UP;
		else if (zi < -LEARN_DRIFT_Z)
			moved[i] = LEARN_DRIFT_DOWN;
	}
}

const char *learn_drift_name(int moved)
{
	return moved > 0 ? "up" : moved < 0 ? "down" : NULL;
}

void learn_rates_drift(const struct store_rate_row *r, size_t n, int *moved)
{
	struct learn_week *w = xmalloc((n ? n : 1) * sizeof(*w));
	size_t *at = xmalloc((n ? n : 1) * sizeof(*at));
	int *m = xmalloc((n ? n : 1) * sizeof(*m));
	char *done = xcalloc(n ? n : 1, 1);
	/* one segment at a time, its rows gathered in the order given */
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		size_t k = 0;
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(r[j].segment, r[i].segment))
				continue;
			done[j] = 1;
			at[k] = j;
			w[k++] = (struct learn_week){r[j].calls, r[j].calls_detected};
		}
		learn_drift(w, k, m, NULL);
		for (size_t j = 0; j < k; j++)
			moved[at[j]] = m[j];
	}
	free(done);
	free(m);
	free(at);
	free(w);
}
