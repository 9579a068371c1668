/* config: tracker.conf. Defaults, every key, where the file is looked for, relative
 * paths, and every mistake named by file and line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhelp.h"
#include "xmalloc.h"

static char tmpdir[4096], topdir[4096];

static const char *tpath(const char *name)
{
	static char bufs[4][4200];
	static int k;
	char *b = bufs[k++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
	return b;
}

static const char *write_file(const char *name, const char *text)
{
	const char *p = tpath(name);
	FILE *f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	return p;
}

/* Loads text as a configuration file; returns config_load's result. */
static int load_text(const char *name, const char *text, struct config *c, char *err, size_t n)
{
	config_defaults(c);
	return config_load(write_file(name, text), c, err, n);
}

static int contains(const char *s, const char *part)
{
	return s && strstr(s, part) != NULL;
}

#define CHECK_HAS(s, part) CHECK_MSG(contains((s), (part)), "\"%s\" does not contain \"%s\"", \
	(s), (part))

/* Loads a one-key file and checks the error names line 2 and says what. */
static void bad(const char *section, const char *line, const char *says)
{
	struct config c;
	char err[1024], text[512], want[4300];
	snprintf(text, sizeof(text), "[%s]\n%s\n", section, line);
	const char *p = tpath("bad.conf");
	CHECK_INT(load_text("bad.conf", text, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: ", p);
	CHECK_MSG(!strncmp(err, want, strlen(want)), "\"%s\" does not start with \"%s\"", err, want);
	CHECK_HAS(err, says);
	config_free(&c);
}

static void test_defaults(void)
{
	struct config c;
	char err[1024];

	TEST("defaults: the built-in settings");
	config_defaults(&c);
	CHECK(c.file == NULL);
	CHECK_STR(c.workspace, "workspace.db");
	CHECK_INT(c.demo_calls, 600);
	CHECK_INT(c.demo_seed, 1);
	CHECK_INT(c.lead_in_ms, 2000);
	CHECK_INT(c.lead_out_ms, 1000);
	CHECK_STR(c.audio_device, "default");
	CHECK_INT(c.autoplay, 0);
	CHECK(c.audio_cache == NULL);
	CHECK_INT(c.colors, CONFIG_COLORS_AUTO);
	config_free(&c);

	TEST("defaults: no file anywhere is not an error and keeps them");
	CHECK_INT(chdir(tmpdir), 0);
	setenv("XDG_CONFIG_HOME", tpath("xdg"), 1);
	setenv("HOME", tpath("home"), 1);
	config_defaults(&c);
	CHECK_INT(config_load(NULL, &c, err, sizeof(err)), 0);
	CHECK(c.file == NULL);
	CHECK_STR(c.workspace, "workspace.db");
	config_free(&c);

	TEST("lookup: ./tracker.conf first");
	write_file("tracker.conf", "[demo]\ncalls = 7\n");
	config_defaults(&c);
	CHECK_INT(config_load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR(c.file, "tracker.conf");
	CHECK_INT(c.demo_calls, 7);
	CHECK_STR(c.workspace, "workspace.db");
	config_free(&c);
	unlink(tpath("tracker.conf"));

	TEST("lookup: then $XDG_CONFIG_HOME/tracker/tracker.conf, paths relative to it");
	mkdir(tpath("xdg"), 0755);
	mkdir(tpath("xdg/tracker"), 0755);
	write_file("xdg/tracker/tracker.conf", "[demo]\ncalls = 8\n[workspace]\npath = ws.db\n");
	config_defaults(&c);
	CHECK_INT(config_load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR(c.file, tpath("xdg/tracker/tracker.conf"));
	CHECK_INT(c.demo_calls, 8);
	CHECK_STR(c.workspace, tpath("xdg/tracker/ws.db"));
	config_free(&c);

	TEST("lookup: then ~/.config/tracker/tracker.conf when XDG_CONFIG_HOME is unset");
	unsetenv("XDG_CONFIG_HOME");
	mkdir(tpath("home"), 0755);
	mkdir(tpath("home/.config"), 0755);
	mkdir(tpath("home/.config/tracker"), 0755);
	write_file("home/.config/tracker/tracker.conf", "[demo]\ncalls = 9\n");
	config_defaults(&c);
	CHECK_INT(config_load(NULL, &c, err, sizeof(err)), 0);
	CHECK_INT(c.demo_calls, 9);
	config_free(&c);
	CHECK_INT(chdir(topdir), 0);

	TEST("lookup: a file given that does not exist is an error naming it");
	config_defaults(&c);
	CHECK_INT(config_load(tpath("missing.conf"), &c, err, sizeof(err)), -1);
	{
		char want[4300];
		snprintf(want, sizeof(want), "%s: %s", tpath("missing.conf"), strerror(ENOENT));
		CHECK_STR(err, want);
	}
	config_free(&c);

	TEST("free: NULL and twice are fine");
	config_free(NULL);
	config_defaults(&c);
	config_free(&c);
	config_free(&c);
}

static void test_keys(void)
{
	struct config c;
	char err[1024];

	TEST("keys: every key is read");
	CHECK_MSG(load_text("all.conf",
		"# a comment\n"
		"; another\n"
		"[workspace]\n"
		"path = /data/calls.db\n"
		"[demo]\n"
		"calls = 1200\n"
		"seed = 18446744073709551615\n"
		"[audio]\n"
		"lead_in_ms = 0\n"
		"lead_out_ms = 60000\n"
		"device = USB Audio: front\n"
		"autoplay = yes\n"
		"cache = /var/cache/tracker\n"
		"[ui]\n"
		"colors = never\n", &c, err, sizeof(err)) == 0, "%s", err);
	CHECK_STR(c.file, tpath("all.conf"));
	CHECK_STR(c.workspace, "/data/calls.db");
	CHECK_INT(c.demo_calls, 1200);
	CHECK(c.demo_seed == 18446744073709551615ull);
	CHECK_INT(c.lead_in_ms, 0);
	CHECK_INT(c.lead_out_ms, 60000);
	CHECK_STR(c.audio_device, "USB Audio: front");
	CHECK_INT(c.autoplay, 1);
	CHECK_STR(c.audio_cache, "/var/cache/tracker");
	CHECK_INT(c.colors, CONFIG_COLORS_NEVER);
	config_free(&c);

	TEST("keys: booleans and colours in all their spellings");
	CHECK_INT(load_text("b.conf", "[audio]\nautoplay = On\n[ui]\ncolors = always\n", &c, err, sizeof(err)), 0);
	CHECK_INT(c.autoplay, 1);
	CHECK_INT(c.colors, CONFIG_COLORS_ALWAYS);
	config_free(&c);
	CHECK_INT(load_text("b.conf", "[audio]\nautoplay = 0\n[ui]\ncolors = auto\n", &c, err, sizeof(err)), 0);
	CHECK_INT(c.autoplay, 0);
	CHECK_INT(c.colors, CONFIG_COLORS_AUTO);
	config_free(&c);
	CHECK_INT(load_text("b.conf", "[audio]\nautoplay = FALSE\n", &c, err, sizeof(err)), 0);
	CHECK_INT(c.autoplay, 0);
	config_free(&c);

	TEST("keys: the last of a repeated key wins; an empty device or cache means the default");
	CHECK_INT(load_text("r.conf", "[demo]\ncalls = 5\ncalls = 6\n[audio]\ndevice =\ncache =\n",
			    &c, err, sizeof(err)), 0);
	CHECK_INT(c.demo_calls, 6);
	CHECK_STR(c.audio_device, "default");
	CHECK(c.audio_cache == NULL);
	config_free(&c);

	TEST("keys: a comment after a value, as the README writes tracker.conf, is not part of it");
	CHECK_MSG(load_text("ic.conf",
		"[workspace]\n"
		"path = workspace.db       # relative to this file\n"
		"[audio]\n"
		"lead_in_ms = 1500         # snippet before the sentence\n"
		"autoplay = true\t# play each tagging item\n"
		"device = default          # a PortAudio device name\n"
		"cache =                   # where demo recordings are made\n"
		"[ui]\n"
		"colors = never            # auto, always, never\n", &c, err, sizeof(err)) == 0,
		"%s", err);
	CHECK_STR(c.workspace, tpath("workspace.db"));
	CHECK_INT(c.lead_in_ms, 1500);
	CHECK_INT(c.autoplay, 1);
	CHECK_STR(c.audio_device, "default");
	CHECK(c.audio_cache == NULL);
	CHECK_INT(c.colors, CONFIG_COLORS_NEVER);
	config_free(&c);
	CHECK_INT(load_text("ic2.conf", "[workspace]\npath = calls#2.db\n", &c, err, sizeof(err)), 0);
	CHECK_STR(c.workspace, tpath("calls#2.db"));
	config_free(&c);

	TEST("paths: relative paths are relative to the file's folder");
	mkdir(tpath("conf"), 0755);
	CHECK_INT(load_text("conf/rel.conf", "[workspace]\npath = ws/calls.db\n[audio]\ncache = rec\n",
			    &c, err, sizeof(err)), 0);
	CHECK_STR(c.workspace, tpath("conf/ws/calls.db"));
	CHECK_STR(c.audio_cache, tpath("conf/rec"));
	config_free(&c);

	TEST("paths: a file in the current folder leaves them as they are");
	CHECK_INT(chdir(tmpdir), 0);
	write_file("here.conf", "[workspace]\npath = w.db\n");
	config_defaults(&c);
	CHECK_INT(config_load("here.conf", &c, err, sizeof(err)), 0);
	CHECK_STR(c.workspace, "w.db");
	config_free(&c);
	CHECK_INT(chdir(topdir), 0);

	TEST("shipped: the repository's tracker.conf reads without error and says the defaults");
	{
		char path[4200];
		snprintf(path, sizeof(path), "%s/tracker.conf", topdir);
		config_defaults(&c);
		CHECK_MSG(config_load(path, &c, err, sizeof(err)) == 0, "%s", err);
		CHECK_INT(c.demo_calls, 600);
		CHECK_INT(c.lead_in_ms, 2000);
		CHECK_INT(c.lead_out_ms, 1000);
		CHECK_INT(c.autoplay, 0);
		CHECK_INT(c.colors, CONFIG_COLORS_AUTO);
		config_free(&c);
	}
}

static void test_errors(void)
{
	struct config c;
	char err[1024], want[4300];

	TEST("errors: an unknown key names the file and line");
	CHECK_INT(load_text("k.conf", "[audio]\nlead_in_ms = 10\nvolume = 11\n", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: unknown key 'volume' in [audio]", tpath("k.conf"));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: an unknown section names the line of its first key");
	CHECK_INT(load_text("s.conf", "[demo]\ncalls = 3\n\n[colour]\nscheme = dark\n", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:5: unknown section '[colour]'", tpath("s.conf"));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: a key before any section names its line");
	CHECK_INT(load_text("n.conf", "path = x.db\n", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: key 'path' is outside a [section]", tpath("n.conf"));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: a line that is not key = value names its line");
	CHECK_INT(load_text("l.conf", "[demo]\ncalls 600\n", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: not a 'key = value' line or '[section]'", tpath("l.conf"));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: a bad value with a comment after it quotes the value alone");
	bad("ui", "colors = blue   # auto, always, never", "colors must be auto, always or never, not 'blue'");

	TEST("errors: a line inih cannot read is named with its own message, not a later one's");
	CHECK_INT(load_text("h.conf", "[demo\ncalls = 5\n", &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: not a 'key = value' line or '[section]'", tpath("h.conf"));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: a folder given as the file says so");
	config_defaults(&c);
	CHECK_INT(config_load(tmpdir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", tmpdir, strerror(EISDIR));
	CHECK_STR(err, want);
	config_free(&c);

	TEST("errors: the first mistake is the one named");
	CHECK_INT(load_text("f.conf", "[demo]\ncalls = x\nseed = y\n", &c, err, sizeof(err)), -1);
	CHECK_HAS(err, "f.conf:2: demo calls");
	config_free(&c);

	TEST("errors: bad values say what is allowed");
	bad("demo", "calls = many", "demo calls must be a whole number from 1 to 100000, not 'many'");
	bad("demo", "calls = 200000", "demo calls must be a whole number from 1 to 100000, not '200000'");
	bad("demo", "calls = 0", "not '0'");
	bad("demo", "calls = 12abc", "not '12abc'");
	bad("demo", "seed = -", "demo seed must be a whole number");
	bad("demo", "seed = -5", "demo seed must be a whole number, not '-5'");
	bad("demo", "seed = 99999999999999999999", "demo seed must be a whole number");
	bad("audio", "lead_in_ms = 60001", "lead_in_ms must be 0 to 60000");
	bad("audio", "lead_out_ms = -1", "lead_out_ms must be 0 to 60000");
	bad("audio", "autoplay = sometimes", "autoplay must be true or false");
	bad("ui", "colors = blue", "colors must be auto, always or never, not 'blue'");
	bad("workspace", "path =", "workspace path is empty");
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_config.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir) || !getcwd(topdir, sizeof(topdir))) {
		perror("test_config");
		return 2;
	}
	test_defaults();
	test_keys();
	test_errors();
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return test_report("test_config");
}
