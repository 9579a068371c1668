/* The command line: global options, the command table, help, shared helpers. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "opts.h"
#include "xmalloc.h"

static const struct cli_command *const commands[] = {
	&cli_cmd_demo, &cli_cmd_import, &cli_cmd_calls, &cli_cmd_show, &cli_cmd_list,
	&cli_cmd_create, &cli_cmd_edit, &cli_cmd_delete, &cli_cmd_examples, &cli_cmd_round,
	&cli_cmd_tag, &cli_cmd_train, &cli_cmd_overview, &cli_cmd_score, &cli_cmd_activate,
	&cli_cmd_compare, &cli_cmd_publish, &cli_cmd_results, &cli_cmd_rates, &cli_cmd_export,
	&cli_cmd_import_tracker, &cli_cmd_snippet,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_usage[] =
	"usage: tracker [--db PATH] [--config PATH]            open the app\n"
	"       tracker [--db PATH] [--config PATH] COMMAND [ARGS]\n"
	"\n"
	"Build example-based smart trackers over recorded sales calls.\n"
	"\n"
	"Global options (before or after the command; -- ends options):\n"
	"  --db PATH       the workspace file (default: tracker.conf's [workspace] path)\n"
	"  --config PATH   the configuration file (default: ./tracker.conf)\n"
	"  --help, -h      this help; `tracker COMMAND --help` for a command's\n"
	"\n"
	"Commands:\n";

static void print_help(FILE *f)
{
	fputs(global_usage, f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-15s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nExit status: 0 done, 1 the input or state is wrong, 2 usage.\n", f);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Takes the global options out of argv (in place); returns the new argc, or -1 after
 * printing a usage error. */
static int strip_globals(int argc, char **argv, const char **db, const char **config)
{
	int out = 0, ended = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!ended && !strcmp(a, "--")) {
			ended = 1;
			/* before the command word it only ends the global options */
			if (out > 1)
				argv[out++] = argv[i];
			continue;
		}
		if (!ended && (!strcmp(a, "--db") || !strcmp(a, "--config"))) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "tracker: %s needs a path\n", a);
				return -1;
			}
			*(a[2] == 'd' ? db : config) = argv[++i];
			continue;
		}
		if (!ended && (!strncmp(a, "--db=", 5) || !strncmp(a, "--config=", 9))) {
			if (!strchr(a, '=')[1]) {
				fprintf(stderr, "tracker: %.*s needs a path\n", (int)(strchr(a, '=') - a), a);
				return -1;
			}
			*(a[2] == 'd' ? db : config) = strchr(a, '=') + 1;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int cli_wants_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--config")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--db=", 5) || !strncmp(argv[i], "--config=", 9))
			continue;
		return 1;
	}
	return 0;
}

static int setup(struct cli *c, const char *db, const char *config)
{
	char err[1024];
	config_defaults(&c->cfg);
	if (config_load(config, &c->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		return CLI_FAIL;
	}
	c->db = db ? db : c->cfg.workspace;
	return CLI_OK;
}

int cli_global_options(int argc, char **argv, struct config *cfg, char **db)
{
	const char *dbp = NULL, *conf = NULL;
	struct cli c = {0};
	char **copy = xcalloc((size_t)argc + 1, sizeof(char *));
	memcpy(copy, argv, (size_t)argc * sizeof(char *));
	int n = strip_globals(argc, copy, &dbp, &conf);
	free(copy);
	if (n < 0) {
		config_defaults(cfg);
		*db = NULL;
		return CLI_USAGE;
	}
	int rc = setup(&c, dbp, conf);
	*db = xstrdup(c.db);
	*cfg = c.cfg;
	return rc;
}

int cli_main(int argc, char **argv)
{
	const char *db = NULL, *config = NULL;
	struct cli c = {0};
	int rc;
	argc = strip_globals(argc, argv, &db, &config);
	if (argc < 0)
		return CLI_USAGE;
	if (argc < 2) {
		print_help(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2 && find_command(argv[2])) {
			fputs(find_command(argv[2])->usage, stdout);
			return CLI_OK;
		}
		if (argc > 2) {
			fprintf(stderr, "tracker: unknown command '%s'\n\n", argv[2]);
			print_help(stderr);
			return CLI_USAGE;
		}
		print_help(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tracker (workspace schema %d)\n", store_schema_version());
		return CLI_OK;
	}
	c.cmd = find_command(argv[1]);
	if (!c.cmd) {
		fprintf(stderr, "tracker: unknown command '%s'\n\n", argv[1]);
		print_help(stderr);
		return CLI_USAGE;
	}
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(c.cmd->usage, stdout);
			return CLI_OK;
		}
	rc = setup(&c, db, config);
	if (rc == CLI_OK)
		rc = c.cmd->run(&c, argc - 1, argv + 1);
	if (c.st) {
		store_rollback(c.st);	/* nothing half-written: a command commits or nothing */
		store_close(c.st);
	}
	config_free(&c.cfg);
	return rc;
}

store *cli_store(struct cli *c)
{
	char err[1024];
	if (c->st)
		return c->st;
	if (!(c->cmd && c->cmd->creates) && access(c->db, F_OK) != 0) {
		fprintf(stderr, "tracker: %s: no workspace there (`tracker demo --db %s` or "
			"`tracker import --db %s FILE...` makes one)\n", c->db, c->db, c->db);
		return NULL;
	}
	if (store_open(c->db, &c->st, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		return NULL;
	}
	if (c->cmd && c->cmd->writes && store_writable(c->st, err, sizeof(err)) < 0) {
		fprintf(stderr, "tracker: %s\n", err);
		store_close(c->st);
		c->st = NULL;
		return NULL;
	}
	return c->st;
}

int cli_usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tracker %s: ", c->cmd ? c->cmd->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	if (c->cmd)
		fputs(c->cmd->usage, stderr);
	return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("tracker: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAIL;
}

const char *cli_s(long long n)
{
	return n == 1 ? "" : "s";
}

char *cli_line(const char *s)
{
	char *l = xstrdup(s ? s : "");
	for (char *p = l; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return l;
}

/* The columns one character takes on a terminal (1 for what the locale cannot tell). */
static int char_cols(const char *s, size_t n)
{
	wchar_t wc;
	mbstate_t ps;
	memset(&ps, 0, sizeof(ps));
	size_t k = mbrtowc(&wc, s, n, &ps);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
		return 1;
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

const char *cli_column(const char *s, int width, char *buf, size_t cap)
{
	size_t n = strlen(s), i = 0, o = 0;
	int cols = 0;
	/* the bytes of the characters that fit in width columns, or in width - 1 before "…"
	 * when the text is longer: a wide (CJK) letter takes two */
	size_t cut = 0;
	int cut_cols = 0;
	while (i < n) {
		size_t k = 1;
		while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k++;
		int w = char_cols(s + i, k);
		if (cols + w <= width - 1) {
			cut = i + k;
			cut_cols = cols + w;
		}
		cols += w;
		i += k;
		if (cols > width)
			break;
	}
	if (cols > width) {
		o = cut < cap - 4 ? cut : cap - 4;
		memcpy(buf, s, o);
		memcpy(buf + o, "…", 3);
		o += 3;
		cols = cut_cols + 1;
	} else {
		o = n < cap - 1 ? n : cap - 1;
		memcpy(buf, s, o);
	}
	while (cols < width && o + 1 < cap) {
		buf[o++] = ' ';
		cols++;
	}
	buf[o] = '\0';
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return buf;
}

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!f)
		return NULL;
	struct sbuf b = {0};
	char buf[65536];
	size_t k;
	errno = 0;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_addn(&b, buf, k);
	int bad = ferror(f), why = errno;	/* EISDIR for a directory */
	if (f != stdin)
		fclose(f);
	if (bad) {
		sbuf_free(&b);
		errno = why ? why : EIO;
		return NULL;
	}
	if (len)
		*len = b.len;
	return sbuf_take(&b);
}

int cli_tracker_ref(struct cli *c, const char *ref, long long *id)
{
	char err[1024];
	int64_t v;
	store *st = cli_store(c);
	if (!st)
		return -1;
	int rc = store_tracker_find(st, ref, &v, err, sizeof(err));
	if (rc > 0) {
		/* names are stored without spaces around them */
		char *name = cli_name_trim(ref);
		if (strcmp(name, ref))
			rc = store_tracker_find(st, name, &v, err, sizeof(err));
		free(name);
	}
	if (rc < 0) {
		cli_fail("%s", err);
		return -1;
	}
	if (rc > 0) {
		cli_fail("no tracker '%s' (give the id printed by `tracker create`, or its name; "
			 "`tracker list` shows them)", ref);
		return -1;
	}
	*id = v;
	return 0;
}
