#!/bin/sh
# audio-cli: `tracker snippet` against the real binary on temporary workspaces.
# usage: sh tests/audio_cli.sh   (TRACKER: the binary, default ./tracker)
TRACKER=${TRACKER:-./tracker}
T=$(mktemp -d "${TMPDIR:-/tmp}/audio-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $name: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { if "$@"; then ok; else bad "$*"; fi; }

# run EXPECTED_STATUS ARGS...: runs tracker, keeps stdout/stderr in $T/out, $T/err
run() {
	want=$1
	shift
	"$TRACKER" --config "$CONF" "$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "tracker $* exited $got, want $want; stderr: $(cat "$T/err")"
		return 1
	fi
	ok
	return 0
}

# sentence ID of the Nth (1-based) sentence of a call, from `tracker show --json`
sentence_id() {
	"$TRACKER" show --config "$CONF" --db "$1" "$2" --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["transcript"]['"$3"' - 1]["sentence"])'
}

W="$T/ws.db"
# a configuration of our own: nothing from the tree's tracker.conf
CONF="$T/empty.conf"
: >"$CONF"
sox -D -n -r 16000 -c 1 -b 16 "$T/rec.wav" synth 10 whitenoise vol 0.3 2>/dev/null
cat >"$T/calls.json" <<'EOF'
[{
  "id": "call-rec",
  "title": "Globex pricing call",
  "started": "2026-03-02T15:00:00Z",
  "scope": "external",
  "language": "en",
  "audio": "rec.wav",
  "parties": [
    {"id": "p1", "name": "Dana Reyes", "affiliation": "company"},
    {"id": "p2", "name": "Lee Park", "affiliation": "customer"}
  ],
  "transcript": [
    {"speaker": "p1", "start_ms": 500, "end_ms": 2500, "text": "Thanks for joining."},
    {"speaker": "p2", "start_ms": 4000, "end_ms": 5200, "text": "Can we get a discount?"},
    {"speaker": "p1", "start_ms": 9000, "end_ms": 9900, "text": "Let me check."}
  ]
},
{
  "id": "call-norec",
  "title": "No recording",
  "started": "2026-03-03T15:00:00Z",
  "scope": "external",
  "language": "en",
  "parties": [{"id": "p1", "name": "Dana Reyes", "affiliation": "company"}],
  "transcript": [{"speaker": "p1", "start_ms": 0, "end_ms": 1000, "text": "Hello there."}]
}]
EOF

name="snippet: an imported call's sentence is written with the leads asked for"
if run 0 import --db "$W" "$T/calls.json"; then
	id=$(sentence_id "$W" call-rec 2)
	if run 0 snippet --db "$W" "$id" --out "$T/s.wav" --lead-in 2000 --lead-out 1000; then
		check test "$(soxi -s "$T/s.wav")" = $(((6200 - 2000) * 16))
		check test "$(soxi -r "$T/s.wav")" = 16000
		check grep -q "call call-rec" "$T/out"
		name="snippet: its samples are the recording's, sample for sample"
		sox "$T/rec.wav" -t raw "$T/want.raw" trim 32000s 67200s
		sox "$T/s.wav" -t raw "$T/got.raw"
		check cmp -s "$T/want.raw" "$T/got.raw"
		name="snippet: to standard output the WAV goes alone, the note to standard error"
		"$TRACKER" --config "$CONF" snippet --db "$W" "$id" --out /proc/self/fd/1 --lead-in 2000 \
			--lead-out 1000 >"$T/so.wav" 2>"$T/so.err" </dev/null
		check cmp -s "$T/so.wav" "$T/s.wav"
		check grep -q "call call-rec" "$T/so.err"
		name="snippet: a lead beyond a minute is refused, not wrapped around"
		run 2 snippet --db "$W" "$id" --out "$T/s2.wav" --lead-in 3000000000 &&
			check grep -q "take 0 to 60000 milliseconds" "$T/err"
	fi

	name="snippet: leads are clamped at the start and the end of the recording"
	id1=$(sentence_id "$W" call-rec 1)
	id3=$(sentence_id "$W" call-rec 3)
	run 0 snippet --db "$W" "$id1" --out "$T/a.wav" --lead-in 2000 --lead-out 0 &&
		check test "$(soxi -s "$T/a.wav")" = $((2500 * 16))
	run 0 snippet "$id3" --db "$W" -o "$T/b.wav" --lead-in 0 --lead-out 2000 &&
		check test "$(soxi -s "$T/b.wav")" = $((1000 * 16))

	name="snippet: without --lead-in/--lead-out the configured leads apply"
	printf '[audio]\nlead_in_ms = 300\nlead_out_ms = 200\n' >"$T/leads.conf"
	CONF="$T/leads.conf"
	run 0 snippet --db "$W" "$id" --out "$T/c.wav" &&
		check test "$(soxi -s "$T/c.wav")" = $(((5400 - 3700) * 16))
	CONF="$T/empty.conf"

	name="snippet: the README's tracker.conf, copied as it is, is accepted and its leads apply"
	README=$(dirname "$0")/../README.md
	python3 -c 'import sys
s = open(sys.argv[1]).read()
b = s.index("```ini", s.index("## tracker.conf")) + 7
sys.stdout.write(s[b:s.index("```", b)])' "$README" >"$T/readme.conf"
	check grep -q "^lead_in_ms = 2000" "$T/readme.conf"
	CONF="$T/readme.conf"
	run 0 snippet --db "$W" "$id" --out "$T/r.wav" &&
		check test "$(soxi -s "$T/r.wav")" = $(((6200 - 2000) * 16))
	CONF="$T/empty.conf"

	name="snippet: a call without a recording is an error that says so"
	idn=$(sentence_id "$W" call-norec 1)
	run 1 snippet --db "$W" "$idn" --out "$T/n.wav" &&
		check grep -q "call call-norec has no recording" "$T/err"
	check test ! -e "$T/n.wav"

	name="snippet: a recording gone missing is an error naming it"
	mv "$T/rec.wav" "$T/rec.moved"
	run 1 snippet --db "$W" "$id" --out "$T/m.wav" && check grep -q "rec.wav" "$T/err"
	mv "$T/rec.moved" "$T/rec.wav"
fi

name="snippet: a sentence that does not exist"
run 1 snippet --db "$W" 999999 --out "$T/x.wav" && check grep -q "no sentence 999999" "$T/err"

name="snippet: usage errors exit 2 and show the usage"
run 2 snippet --db "$W" 1 && check grep -q "usage: tracker snippet" "$T/err"
run 2 snippet --db "$W" abc --out "$T/x.wav"
run 2 snippet --db "$W" --out "$T/x.wav"

name="snippet: a demo call's recording is made on first need, with speech in it"
D="$T/demo.db"
if run 0 demo --db "$D" --calls 2 --audio lazy; then
	call=$("$TRACKER" calls --config "$CONF" --db "$D" --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	id=$(sentence_id "$D" "$call" 3)
	if run 0 snippet --db "$D" "$id" --out "$T/d.wav" --lead-in 0 --lead-out 0; then
		rms=$(sox "$T/d.wav" -n stat 2>&1 | awk '/RMS +amplitude/ { print $3 }')
		check python3 -c "import sys; sys.exit(0 if float('$rms') > 0.02 else 1)"
		check test "$(ls "$D.audio"/*.ogg 2>/dev/null | wc -l)" -ge 1
	fi
	name="snippet: a demo recording deleted since it was made is made again"
	rm -f "$D.audio"/*.ogg
	if run 0 snippet --db "$D" "$id" --out "$T/d2.wav" --lead-in 0 --lead-out 0; then
		check cmp -s "$T/d.wav" "$T/d2.wav"
		check test "$(ls "$D.audio"/*.ogg 2>/dev/null | wc -l)" -ge 1
	fi
	name="snippet: a demo made anew with another seed on the same workspace path speaks its own call, not the recording left from the last one"
	rm -f "$D" "$D-wal" "$D-shm"
	if run 0 demo --db "$D" --calls 2 --seed 9 --audio lazy; then
		id=$(sentence_id "$D" "$call" 3)
		len=$("$TRACKER" calls --config "$CONF" --db "$D" --json 2>/dev/null |
			python3 -c 'import json,sys; print([c for c in json.load(sys.stdin) if c["id"] == "'"$call"'"][0]["duration_ms"])')
		if run 0 snippet --db "$D" "$id" --out "$T/d3.wav" --lead-in 0 --lead-out 0; then
			check test "$(ls "$D.audio"/*.ogg 2>/dev/null | wc -l)" -ge 2
			# the recording played is this call's: as long as the call
			rec=$(ls -t "$D.audio"/"$call"*.ogg | head -1)
			check test "$(soxi -D "$rec" | python3 -c 'import sys; print(int(float(sys.stdin.read()) * 1000 + 0.5))')" = "$len"
		fi
	fi
fi

name="snippet: a speaker's own channel of a stereo recording, when the import says which"
# left: noise (the company), right: silence (the customer)
sox -D -n -r 16000 -c 1 -b 16 "$T/l.wav" synth 6 whitenoise vol 0.3 2>/dev/null
sox -D -n -r 16000 -c 1 -b 16 "$T/r.wav" trim 0 6 2>/dev/null
sox -D -M "$T/l.wav" "$T/r.wav" "$T/stereo.wav" 2>/dev/null
cat >"$T/stereo.json" <<'EOF'
{"id": "call-stereo", "title": "Stereo call", "started": "2026-03-04T15:00:00Z",
 "audio": "stereo.wav",
 "parties": [{"id": "p1", "name": "Dana Reyes", "affiliation": "company", "channel": "left"},
             {"id": "p2", "name": "Lee Park", "affiliation": "customer", "channel": 2}],
 "transcript": [{"speaker": "p1", "start_ms": 500, "end_ms": 2000, "text": "Welcome aboard."},
                {"speaker": "p2", "start_ms": 3000, "end_ms": 4500, "text": "Glad to be here."}]}
EOF
if run 0 import --db "$W" "$T/stereo.json"; then
	a=$(sentence_id "$W" call-stereo 1)
	b=$(sentence_id "$W" call-stereo 2)
	if run 0 snippet --db "$W" "$a" --out "$T/sa.wav" --lead-in 0 --lead-out 0 &&
	   run 0 snippet --db "$W" "$b" --out "$T/sb.wav" --lead-in 0 --lead-out 0; then
		check test "$(soxi -c "$T/sa.wav")" = 1
		# the company's sentence is the left channel, sample for sample
		sox "$T/l.wav" -t raw "$T/want.raw" trim 8000s 24000s
		sox "$T/sa.wav" -t raw "$T/got.raw"
		check cmp -s "$T/want.raw" "$T/got.raw"
		# the customer's is the silent right channel
		peak=$(sox "$T/sb.wav" -n stat 2>&1 | awk '/Maximum amplitude/ { print $3 }')
		check python3 -c "import sys; sys.exit(0 if abs(float('$peak')) == 0 else 1)"
	fi
fi

echo "audio-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
