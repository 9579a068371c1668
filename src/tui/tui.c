/* The app's entry. */
#include "tui.h"

#include <stdio.h>

#include "config.h"
#include "store.h"

int tui_run(const struct config *cfg, const char *db)
{
	char err[1024];
	store *st;
	struct store_summary s;
	(void)cfg;
	if (store_open(db, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		return 1;
	}
	if (store_summary_get(st, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		store_close(st);
		return 1;
	}
	printf("workspace %s: %lld calls, %lld sentences, %lld trackers\n", db,
	       (long long)s.calls, (long long)s.sentences, (long long)s.trackers);
	store_close(st);
	return 0;
}
