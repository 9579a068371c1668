# Shared by the shell suites (tests/cli_*.sh): named cases, running ./tracker on a temp
# workspace, and checks on its stdout, stderr, exit code and JSON. Sourced, not run.
#
#   . "$TOP/tests/lib.sh"
#   suite cli_example
#   case_ "import: a good file imports"
#   run import --db "$W" calls.jsonl
#   rc_is 0; out_has "imported 3 calls"; err_is_empty
#   json_ok 'len(d) == 3'                 (a Python expression over the parsed stdout)
#   finish                                (prints "cli_example: N passed, N failed")
#
# TRACKER is the binary (tests/run exports it as an absolute path); TOP the repository.

: "${TRACKER:?TRACKER must name the tracker binary}"
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
export LC_ALL=C.UTF-8
unset TRACKER_NOW

T_SUITE=""
T_CASE=""
T_CASE_FAILED=0
T_PASSED=0
T_FAILED=0
T_OPEN=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracker-cli.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
OUT="$TMP/.stdout"
ERR="$TMP/.stderr"
RC=0

suite() { T_SUITE=$1; }

_end_case() {
	[ "$T_OPEN" = 1 ] || return 0
	if [ "$T_CASE_FAILED" = 1 ]; then
		T_FAILED=$((T_FAILED + 1))
	else
		T_PASSED=$((T_PASSED + 1))
	fi
	T_OPEN=0
}

# Starts a case; the previous one is counted.
case_() {
	_end_case
	T_CASE=$1
	T_CASE_FAILED=0
	T_OPEN=1
}

# Records a failure of the current case with a reason, and what the last command said.
fail() {
	T_CASE_FAILED=1
	echo "FAIL $T_CASE" >&2
	echo "  $*" >&2
	echo "  last command: $T_LAST (exit $RC)" >&2
	if [ -s "$OUT" ]; then echo "  stdout:" >&2; head -c 1500 "$OUT" | sed 's/^/    /' >&2; fi
	if [ -s "$ERR" ]; then echo "  stderr:" >&2; head -c 1500 "$ERR" | sed 's/^/    /' >&2; fi
}

finish() {
	_end_case
	echo "$T_SUITE: $T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" = 0 ]
	exit $?
}

# Runs tracker with the arguments, stdin from /dev/null; stdout, stderr and the exit code
# are kept for the checks.
run() {
	T_LAST="tracker $*"
	"$TRACKER" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# The same with stdin from a file.
run_in() {
	_in=$1
	shift
	T_LAST="tracker $* < $_in"
	"$TRACKER" "$@" >"$OUT" 2>"$ERR" <"$_in"
	RC=$?
}

rc_is() { [ "$RC" = "$1" ] || fail "exit code $RC, want $1"; }
out_has() { grep -qF -- "$1" "$OUT" || fail "stdout does not contain: $1"; }
out_lacks() { ! grep -qF -- "$1" "$OUT" || fail "stdout contains: $1"; }
err_has() { grep -qF -- "$1" "$ERR" || fail "stderr does not contain: $1"; }
err_lacks() { ! grep -qF -- "$1" "$ERR" || fail "stderr contains: $1"; }
out_is() { [ "$(cat "$OUT")" = "$1" ] || fail "stdout is not: $1"; }
out_is_empty() { [ ! -s "$OUT" ] || fail "stdout is not empty"; }
err_is_empty() { [ ! -s "$ERR" ] || fail "stderr is not empty"; }
out_matches() { grep -qE -- "$1" "$OUT" || fail "stdout does not match: $1"; }
err_matches() { grep -qE -- "$1" "$ERR" || fail "stderr does not match: $1"; }
# The number of lines of stdout.
out_lines_are() {
	_n=$(wc -l <"$OUT" | tr -d ' ')
	[ "$_n" = "$1" ] || fail "stdout has $_n lines, want $1"
}
# A condition of the shell: check 'what it means' test-expression...
check() {
	_what=$1
	shift
	"$@" || fail "$_what"
}

# A Python expression over d, the JSON on stdout (or in the file given second).
json_ok() {
	_f=${2:-$OUT}
	python3 - "$_f" "$1" <<'PY' 2>"$TMP/.json_err" || fail "JSON check failed: $1 ($(tail -n 1 "$TMP/.json_err"))"
import json, sys
d = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2], {"d": d, "json": json})
sys.exit(0 if ok else 1)
PY
}

# Saves stdout under a name, to compare later.
keep() { cp "$OUT" "$TMP/$1"; }
same_as() { cmp -s "$OUT" "$TMP/$1" || fail "stdout differs from $1: $(diff "$TMP/$1" "$OUT" | head -n 5)"; }

# Writes N calls of realistic sales talk as JSON Lines to FILE (one call a line):
#   gen_calls FILE N [SEED] [FIRST_INDEX]
# Calls are call-0001..., teams East/West/North, deal stages, every fifth internal, two or
# three parties, 30-40 utterances of sentences made from templates (thousands of distinct
# ones), some of them asking for a discount in different words.
gen_calls() {
	python3 - "$@" <<'PY'
import json, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
teams = ["East", "West", "North"]
stages = ["Discovery", "Demo", "Negotiation", "Closed"]
reps = ["Dana Reyes", "Sam Ortiz", "Priya Nair", "Tom Becker"]
customers = ["Lee Park", "Ana Silva", "Mark Chen", "Eva Novak", "Raj Patel"]
fill = {
    "thing": ["the dashboard", "the reporting module", "single sign-on", "the mobile app",
              "the API", "the CSV export", "the forecasting view", "the admin console",
              "the Salesforce sync", "the alerts", "call recording", "the data warehouse link"],
    "team": ["the sales team", "our finance people", "the ops group", "marketing", "IT",
             "the support desk", "our managers", "the board"],
    "when": ["next week", "on Friday", "by the end of the month", "in Q3", "tomorrow",
             "after the holidays", "this quarter", "in two weeks"],
    "num": ["12", "40", "75", "150", "2.5 million", "300", "eight", "a dozen"],
    "tool": ["Salesforce", "HubSpot", "a spreadsheet", "Zendesk", "an old in-house tool", "Gong"],
}
company = [
    "Thanks for joining today.", "This call is recorded for quality, is that okay with everyone?",
    "Let me share my screen and walk you through {thing}.", "{thing} syncs with your CRM every hour.",
    "The enterprise plan includes {thing}.", "Pricing is per seat, billed annually.",
    "We can set up a pilot for {team} {when}.", "I'll send the proposal {when}.",
    "Implementation usually takes about {num} days.", "Our security team can answer that {when}.",
    "The price list is on our website.", "Does that answer your question about {thing}?",
    "Let's book a follow-up {when}.", "Most customers your size roll out {thing} first.",
    "You can try {thing} during the pilot.", "I can loop in our solutions engineer {when}.",
]
customer = [
    "Yeah, that makes sense.", "Mm-hmm.", "We use {tool} today.", "Our team is about {num} people.",
    "How long does onboarding take for {team}?", "We need approval from {team} first.",
    "Security review is a must for {team}.", "{thing} looks useful for us.",
    "We tried {tool} last year and it did not stick.", "Can {thing} handle {num} records?",
    "That's a bit more than we planned to spend.", "Let me check with {team} {when}.",
    "Who else in our industry uses {thing}?", "We'd want {thing} working {when}.",
    "How does {thing} compare to {tool}?", "Right, okay.",
]
discount = [
    "Can you do better on the price?", "Is there any discount if we sign for two years?",
    "Could you knock a bit off the annual fee?", "What's the best price you can give us?",
    "Any chance of a lower rate for {num} seats?", "Would you give us 10% off if we sign {when}?",
    "Is there room to move on the per-seat cost?", "Can we get a better deal for {team}?",
    "If we commit {when}, can you sharpen the pencil?", "Is that your final price or is there flexibility?",
]
def say(t):
    while "{" in t:
        a = t.index("{"); b = t.index("}", a)
        t = t[:a] + rnd.choice(fill[t[a+1:b]]) + t[b+1:]
    return t[0].upper() + t[1:]
with open(out, "w") as f:
    for i in range(first, first + n):
        internal = i % 5 == 0
        parties = [{"id": "p1", "name": rnd.choice(reps), "affiliation": "company"}]
        if internal:
            parties.append({"id": "p2", "name": rnd.choice([r for r in reps if r != parties[0]["name"]]),
                            "affiliation": "company"})
        else:
            parties.append({"id": "p2", "name": rnd.choice(customers), "affiliation": "customer"})
            if rnd.random() < 0.4:
                parties.append({"id": "p3", "name": rnd.choice(customers), "affiliation": "customer"})
        t, tr = 0, []
        for u in range(rnd.randint(30, 40)):
            p = parties[u % len(parties)]
            pool = company if p["affiliation"] == "company" else customer
            k = rnd.randint(1, 3)
            sents = [say(rnd.choice(pool)) for _ in range(k)]
            if p["affiliation"] == "customer" and rnd.random() < 0.15:
                sents[rnd.randrange(k)] = say(rnd.choice(discount))
            text = " ".join(sents)
            d = 60 * len(text)
            tr.append({"speaker": p["id"], "start_ms": t, "end_ms": t + d, "text": text})
            t += d + rnd.randint(100, 900)
        call = {"id": "call-%04d" % i, "title": "Call %d with %s" % (i, parties[1]["name"]),
                "started": "2026-%02d-%02dT%02d:00:00Z" % (1 + i % 10, 1 + i % 27, 9 + i % 8),
                "scope": "internal" if internal else "external", "language": "en",
                "meta": {"team": teams[i % 3], "deal_stage": stages[i % 4]},
                "parties": parties, "transcript": tr}
        f.write(json.dumps(call) + "\n")
PY
}
