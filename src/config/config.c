/* tracker.conf: an INI file read with inih; every key is known, every value checked. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmalloc.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->workspace = xstrdup("workspace.db");
	c->demo_calls = 600;
	c->demo_seed = 1;
	c->lead_in_ms = 2000;
	c->lead_out_ms = 1000;
	c->audio_device = xstrdup("default");
	c->autoplay = 0;
	c->audio_cache = NULL;
	c->colors = CONFIG_COLORS_AUTO;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->workspace);
	free(c->audio_device);
	free(c->audio_cache);
	memset(c, 0, sizeof(*c));
}

struct parse {
	struct config *c;
	char msg[256];		/* the first problem found */
	int msg_line;		/* the line it is on */
	const char *dir;	/* folder of the file, for relative paths */
	FILE *f;		/* the file being read */
	int line;		/* the line last read */
};

/* inih's line reader, counting lines (so that a bad value is named at its own line, not
 * at an earlier line inih could not read) and taking off a comment that follows a value
 * after a blank ("lead_in_ms = 2000   # before the sentence"), as tracker.conf is written;
 * a '#' inside a value ("my#file.db") stays. */
static char *read_line(char *str, int num, void *user)
{
	struct parse *p = user;
	if (!fgets(str, num, p->f))
		return NULL;
	size_t n = strlen(str);
	if (n && str[n - 1] == '\n')
		p->line++;
	else if (feof(p->f))
		p->line++;	/* the last line, without a line break */
	for (char *s = str + 1; *s; s++)
		if (*s == '#' && (s[-1] == ' ' || s[-1] == '\t')) {
			*s = '\0';
			break;
		}
	return str;
}

static int int_value(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int bool_value(const char *v, int *out)
{
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static char *resolve(const char *dir, const char *path)
{
	if (path[0] == '/' || !dir || !*dir || !strcmp(dir, "."))
		return xstrdup(path);
	return xasprintf("%s/%s", dir, path);
}

/* Returns 1 to go on, 0 to report an error on this line (inih gives the line number). */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct config *c = p->c;
	long n;
	int b;
#define BAD(...) do { if (!p->msg[0]) { snprintf(p->msg, sizeof(p->msg), __VA_ARGS__); \
		p->msg_line = p->line; } return 0; } while (0)
#define IS(s, k) (!strcmp(section, s) && !strcmp(name, k))
	if (!name)	/* a section header alone */
		return 1;
	if (IS("workspace", "path")) {
		if (!*value)
			BAD("workspace path is empty");
		free(c->workspace);
		c->workspace = resolve(p->dir, value);
	} else if (IS("demo", "calls")) {
		if (int_value(value, 1, 100000, &n) < 0)
			BAD("demo calls must be a whole number from 1 to 100000, not '%s'", value);
		c->demo_calls = (int)n;
	} else if (IS("demo", "seed")) {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(value, &end, 10);
		if (errno || end == value || *end || strchr(value, '-'))
			BAD("demo seed must be a whole number, not '%s'", value);
		c->demo_seed = s;
	} else if (IS("audio", "lead_in_ms")) {
		if (int_value(value, 0, 60000, &n) < 0)
			BAD("lead_in_ms must be 0 to 60000, not '%s'", value);
		c->lead_in_ms = (int)n;
	} else if (IS("audio", "lead_out_ms")) {
		if (int_value(value, 0, 60000, &n) < 0)
			BAD("lead_out_ms must be 0 to 60000, not '%s'", value);
		c->lead_out_ms = (int)n;
	} else if (IS("audio", "device")) {
		free(c->audio_device);
		c->audio_device = xstrdup(*value ? value : "default");
	} else if (IS("audio", "autoplay")) {
		if (bool_value(value, &b) < 0)
			BAD("autoplay must be true or false, not '%s'", value);
		c->autoplay = b;
	} else if (IS("audio", "cache")) {
		free(c->audio_cache);
		c->audio_cache = *value ? resolve(p->dir, value) : NULL;
	} else if (IS("ui", "colors")) {
		if (!strcmp(value, "auto"))
			c->colors = CONFIG_COLORS_AUTO;
		else if (!strcmp(value, "always"))
			c->colors = CONFIG_COLORS_ALWAYS;
		else if (!strcmp(value, "never"))
			c->colors = CONFIG_COLORS_NEVER;
		else
			BAD("colors must be auto, always or never, not '%s'", value);
	} else if (!*section) {
		BAD("key '%s' is outside a [section]", name);
	} else if (strcmp(section, "workspace") && strcmp(section, "demo") &&
		   strcmp(section, "audio") && strcmp(section, "ui")) {
		BAD("unknown section '[%s]'", section);
	} else {
		BAD("unknown key '%s' in [%s]", name, section);
	}
	return 1;
#undef BAD
#undef IS
}

static char *default_path(void)
{
	if (access("tracker.conf", F_OK) == 0)
		return xstrdup("tracker.conf");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	if (xdg && *xdg)
		p = xasprintf("%s/tracker/tracker.conf", xdg);
	else if (home && *home)
		p = xasprintf("%s/.config/tracker/tracker.conf", home);
	if (p && access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	char *file = path ? xstrdup(path) : default_path();
	if (!file)
		return 0;
	FILE *f = fopen(file, "r");
	struct stat sb;
	if (f && fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		errf(err, errlen, "%s: %s", file, strerror(errno));
		free(file);
		return -1;
	}
	char *slash = strrchr(file, '/');
	char *dir = slash ? xstrndup(file, (size_t)(slash - file)) : xstrdup(".");
	struct parse p = { .c = c, .dir = dir, .f = f };
	int line = ini_parse_stream(read_line, &p, handler, &p);
	int bad_read = ferror(f), why = errno;
	fclose(f);
	free(dir);
	if (bad_read) {
		errf(err, errlen, "%s: %s", file, strerror(why ? why : EIO));
		free(file);
		return -1;
	}
	if (line != 0) {
		if (p.msg[0] && p.msg_line == line)
			errf(err, errlen, "%s:%d: %s", file, line, p.msg);
		else
			errf(err, errlen, "%s:%d: not a 'key = value' line or '[section]'", file, line);
		free(file);
		return -1;
	}
	free(c->file);
	c->file = file;
	return 0;
}
