/* Monitoring: whether an active tracker's detection rate moved in a week by more than
 * chance explains, against the weeks before it. */
#include "learn.h"

#include <math.h>
#include <stddef.h>

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
