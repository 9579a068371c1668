/* Internal to cli: a small option parser shared by the commands. */
#ifndef CLI_OPTS_H
#define CLI_OPTS_H

#include <stddef.h>

struct cli;

enum opt_kind {
	OPT_FLAG,	/* int *: set to 1 */
	OPT_STRING,	/* const char **: the value */
	OPT_INT,	/* long *: a whole number */
	OPT_LIST,	/* struct opt_list *: every value given */
};

struct opt_list {
	const char **v;		/* values (borrowed from argv; the array is owned) */
	size_t n;
};

struct opt {
	const char *name;	/* "--json" */
	int kind;
	void *dest;
};

/* Parses argv[1..] against spec (terminated by a NULL name): options anywhere, "--name
 * VALUE" or "--name=VALUE", "--" ends options. Positional words go to *pos (owned by
 * the caller: free(); the strings are argv's). Returns 0, or CLI_USAGE after printing
 * what is wrong and the command's usage. */
int opts_parse(struct cli *c, int argc, char **argv, const struct opt *spec,
	       char ***pos, int *npos);

void opt_list_free(struct opt_list *l);

#endif
