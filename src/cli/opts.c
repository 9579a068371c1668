/* A small option parser shared by the commands. */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xmalloc.h"

void opt_list_free(struct opt_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int opts_parse(struct cli *c, int argc, char **argv, const struct opt *spec,
	       char ***pos, int *npos)
{
	int ended = 0;
	*pos = xcalloc((size_t)argc + 1, sizeof(char *));
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (ended || a[0] != '-' || a[1] == '\0') {
			(*pos)[(*npos)++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			ended = 1;
			continue;
		}
		const struct opt *o = NULL;
		const char *value = NULL;
		size_t len = strcspn(a, "=");
		for (const struct opt *s = spec; s && s->name; s++)
			if (strlen(s->name) == len && !strncmp(s->name, a, len))
				o = s;
		if (!o) {
			free(*pos);
			*pos = NULL;
			return cli_usage_error(c, "unknown option '%.*s'", (int)len, a);
		}
		if (a[len] == '=')
			value = a + len + 1;
		if (o->kind == OPT_FLAG) {
			if (value) {
				free(*pos);
				*pos = NULL;
				return cli_usage_error(c, "%s takes no value", o->name);
			}
			*(int *)o->dest = 1;
			continue;
		}
		if (!value) {
			if (i + 1 >= argc) {
				free(*pos);
				*pos = NULL;
				return cli_usage_error(c, "%s needs a value", o->name);
			}
			value = argv[++i];
		}
		if (o->kind == OPT_STRING) {
			*(const char **)o->dest = value;
		} else if (o->kind == OPT_INT) {
			char *end;
			errno = 0;
			long v = strtol(value, &end, 10);
			if (errno || end == value || *end) {
				free(*pos);
				*pos = NULL;
				return cli_usage_error(c, "%s needs a whole number, not '%s'", o->name, value);
			}
			*(long *)o->dest = v;
		} else {
			struct opt_list *l = o->dest;
			l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
			l->v[l->n++] = value;
		}
	}
	return 0;
}
