/* tracker snippet: a sentence's piece of its call's recording, written as a WAV file. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audio.h"
#include "opts.h"
#include "store.h"
#include "xmalloc.h"

static int parse_id(const char *s, long long *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	return errno || end == s || *end || *id <= 0 ? -1 : 0;
}

static void clock_text(int64_t ms, char *buf, size_t len)
{
	snprintf(buf, len, "%lld:%02lld.%lld", (long long)(ms / 60000),
		 (long long)(ms / 1000 % 60), (long long)(ms / 100 % 10));
}

static int run_snippet(struct cli *c, int argc, char **argv)
{
	const char *out = NULL;
	long lead_in = -1, lead_out = -1;
	struct opt spec[] = {
		{ "--out", OPT_STRING, &out },
		{ "-o", OPT_STRING, &out },
		{ "--lead-in", OPT_INT, &lead_in },
		{ "--lead-out", OPT_INT, &lead_out },
		{ NULL, 0, NULL },
	};
	struct store_sentence *s = NULL;
	struct store_call *call = NULL;
	struct audio_region r;
	struct audio_snippet *snip = NULL;
	char **pos, err[1024], a[32], b[32];
	char *path = NULL;
	size_t n = 0, target = 0;
	long long id;
	int npos, rc = CLI_FAIL;
	store *st;

	if (opts_parse(c, argc, argv, spec, &pos, &npos))
		return CLI_USAGE;
	if (npos != 1) {
		free(pos);
		return cli_usage_error(c, npos ? "name one sentence" : "which sentence? (its id)");
	}
	if (parse_id(pos[0], &id) != 0) {
		rc = cli_usage_error(c, "SENTENCE_ID must be a sentence id (a number), not '%s'",
				     pos[0]);
		free(pos);
		return rc;
	}
	free(pos);
	if (!out || !*out)
		return cli_usage_error(c, "--out FILE is needed (where to write the WAV)");
	if (lead_in < -1 || lead_out < -1 || lead_in > 60000 || lead_out > 60000)
		return cli_usage_error(c, "--lead-in and --lead-out take 0 to 60000 milliseconds");

	st = cli_store(c);
	if (!st)
		return CLI_FAIL;
	rc = store_sentence_context(st, id, 0, 0, &s, &n, &target, err, sizeof(err));
	if (rc < 0)
		return cli_fail("%s", err);
	if (rc > 0)
		return cli_fail("no sentence %lld in %s", id, c->db);
	rc = audio_call_ensure(st, s[target].call, NULL, &path, err, sizeof(err));
	if (rc != 0) {
		rc = cli_fail("sentence %lld: %s", id, err);
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.start_ms = s[target].start_ms;
	r.end_ms = s[target].end_ms;
	r.lead_in_ms = lead_in >= 0 ? (int)lead_in : c->cfg.lead_in_ms;
	r.lead_out_ms = lead_out >= 0 ? (int)lead_out : c->cfg.lead_out_ms;
	r.channel = s[target].channel > 0 ? s[target].channel - 1 : AUDIO_MIX;
	if (audio_snippet_read(path, &r, &snip, err, sizeof(err)) != 0 ||
	    audio_snippet_write_wav(snip, out, err, sizeof(err)) != 0) {
		rc = cli_fail("sentence %lld: %s", id, err);
		goto out;
	}
	if (store_call_get_id(st, s[target].call, &call, err, sizeof(err)) != 0)
		call = NULL;
	clock_text(snip->start_ms, a, sizeof(a));
	clock_text(snip->end_ms, b, sizeof(b));
	/* what was written, on standard error when the sound went to standard output */
	struct stat so, sf;
	FILE *say = fstat(STDOUT_FILENO, &so) == 0 && stat(out, &sf) == 0 &&
		    so.st_dev == sf.st_dev && so.st_ino == sf.st_ino ? stderr : stdout;
	fprintf(say, "%s: call %s, %s-%s (%.1f s)\n", out, call ? call->ext_id : "?", a, b,
		(double)snip->frames / snip->rate);
	rc = CLI_OK;
out:
	store_calls_free(call, call ? 1 : 0);
	audio_snippet_free(snip);
	free(path);
	store_sentences_free(s, n);
	return rc;
}

const struct cli_command cli_cmd_snippet = {
	.name = "snippet",
	.run = run_snippet,
	.summary = "write the recording around a sentence as a WAV file",
	.usage =
	"usage: tracker snippet SENTENCE_ID --out FILE [--lead-in MS] [--lead-out MS]\n"
	"                       [--db PATH]\n"
	"\n"
	"Writes the piece of the call's recording around a sentence as a 16-bit WAV file:\n"
	"from lead-in before the sentence to lead-out after it (tracker.conf's lead_in_ms\n"
	"and lead_out_ms unless given), clamped to the recording. A demo call's recording\n"
	"is made first when it has not been yet. Fails (exit 1) when the call has no\n"
	"usable recording. Prints the file, the call and the span written.\n",
};
