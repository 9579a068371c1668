/* Internal to cli: the command table and what every command gets. */
#ifndef CLI_INTERNAL_H
#define CLI_INTERNAL_H

#include <stddef.h>

#include "config.h"
#include "store.h"

/* Exit codes of DESIGN.md. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

struct cli {
	struct config cfg;	/* tracker.conf, with --config applied */
	const char *db;		/* workspace path (--db, else the config's) */
	store *st;		/* opened by cli_store(); NULL until then */
	const struct cli_command *cmd;	/* the command being run */
};

struct cli_command {
	const char *name;
	/* Runs with argv[0] the command name and every global option removed; returns an
	 * exit code. */
	int (*run)(struct cli *c, int argc, char **argv);
	const char *usage;	/* the usage block printed by --help and on usage errors */
	const char *summary;	/* one line for `tracker --help` */
	int creates;		/* may make a new workspace; others need one that exists */
	int writes;		/* always changes the workspace: refused on a read-only one */
};

/* Opens the workspace and returns it, or prints the error and returns NULL. Only a
 * command marked `creates` makes a new one; for the others a missing file is an error.
 * A workspace that cannot be written opens read-only, except for a command marked
 * `writes`, which is refused at once with a message saying so. */
store *cli_store(struct cli *c);

/* Prints "tracker CMD: message" and the usage block to stderr; returns CLI_USAGE. */
int cli_usage_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "tracker: message" to stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The whole of a file ("-": standard input) as a NUL-terminated string owned by the
 * caller; *len (may be NULL) gets its length. NULL with errno set when it cannot be read. */
char *cli_read_file(const char *path, size_t *len);

/* The plural ending of a count's noun: "" for 1, "s" for any other ("%zu call%s"). */
const char *cli_s(long long n);

/* s on one line, for text output: tabs, line breaks and other control characters are
 * shown as spaces. A copy to free. */
char *cli_line(const char *s);

/* s as a column of width terminal columns (UTF-8 aware, a wide letter taking two):
 * padded with spaces, or cut to end in "…"; written to buf (cap bytes, at least
 * 4 * width + 4) and returned. */
const char *cli_column(const char *s, int width, char *buf, size_t cap);

/* Reads the tracker argument (id or unique name); prints why and returns -1 if none. */
int cli_tracker_ref(struct cli *c, const char *ref, long long *id);

/* Tracker settings as the command line and exports write them ("customer", "all",
 * "first:10"): the store's value, or -1 when the text is none of them. cli_parse_part
 * fills *part and *minutes (1 to 600) and returns 0. */
int cli_parse_by(const char *s);
int cli_parse_scope(const char *s);
int cli_parse_part(const char *s, int *part, int *minutes);
/* What is wrong with a tracker name, to follow the name of where it was given ("must
 * not be all digits (ids are)"), in buf or static; NULL when the name is fine. */
const char *cli_name_problem(const char *name, char *buf, size_t cap);
/* The name without the spaces before and after it (free it). */
char *cli_name_trim(const char *name);
/* Whether a call of the workspace has metadata KEY=VALUE: 0 yes; 1 no, msg saying so
 * with the values there are; -1 when the workspace cannot be read (msg says why). */
int cli_filter_problem(store *st, const char *key, const char *value, char *msg, size_t cap);

/* Commands, one a file (cmd_*.c). */
extern const struct cli_command cli_cmd_demo, cli_cmd_import, cli_cmd_calls, cli_cmd_show,
	cli_cmd_list, cli_cmd_create, cli_cmd_examples, cli_cmd_round, cli_cmd_tag,
	cli_cmd_train, cli_cmd_overview, cli_cmd_score, cli_cmd_activate, cli_cmd_compare,
	cli_cmd_publish, cli_cmd_results, cli_cmd_export, cli_cmd_import_tracker,
	cli_cmd_snippet, cli_cmd_edit, cli_cmd_delete, cli_cmd_rates;

#endif
