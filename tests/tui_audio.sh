#!/bin/sh
# tui-audio: p on a tagging item plays that sentence's snippet (into the tests' capturing
# ALSA device), keys work while it plays (paced by JACK's dummy driver when jackd is
# there), and with no usable device the app says so and writes the snippet as WAV.
SUITE=tui-audio
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
ASOUND=$TOP/tests/asound.conf
NODEV=$TOP/tests/audio_nodevice.conf
printf '[audio]\nlead_in_ms = 2000\nlead_out_ms = 1000\n' >"$CONF"
step "demo workspace with recordings made on first use, and a tracker"
check demo 60 lazy "$WS" || { finish; exit 1; }
ID=$(tracker create --db "$WS" --name "Discount" --mentioned-by any)
check tracker examples --db "$WS" "$ID" add "Can you give us a discount?" \
	"Is there any flexibility on the price?" "We'd need a better deal to sign." \
	"Could you knock something off the list price?" \
	"Any chance of a reduction if we commit for two years?" >/dev/null

# size FILE: bytes in FILE (0 when missing)
size() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }
# wait_played FILE [SECONDS]: until FILE has data and has stopped growing (the
# recording is made first, then played at once into the capture)
wait_played() {
	tries=$(( ${2:-90} * 10 ))
	last=-1
	while [ "$tries" -gt 0 ]; do
		now=$(size "$1")
		if [ "$now" -gt 0 ] && [ "$now" = "$last" ]; then return 0; fi
		last=$now
		sleep 0.3
		tries=$((tries - 3))
	done
	return 1
}
# position NAME: seconds into the snippet, from the position line
position() { screen "$1" | sed -n 's/^ *[▶‖] 0:\([0-9][0-9]\) \/.*/\1/p' | sed 's/^0//'; }
# holds CAPTURE SNIPPET_WAV: the snippet's samples are in the capture, in order
holds() {
	sox "$2" -t raw "$W/snippet.raw" 2>/dev/null
	python3 -c 'import sys
c = open(sys.argv[1], "rb").read(); s = open(sys.argv[2], "rb").read()
if s and c.find(s) >= 0:
    sys.exit(0)
print("capture: %d bytes, snippet: %d bytes, its middle at %d" % (len(c), len(s),
      c.find(s[len(s) // 2:len(s) // 2 + 2000])), file=sys.stderr)
sys.exit(1)' "$1" "$W/snippet.raw"
}

step "p on a tagging item plays the bold sentence with its lead-in and lead-out"
start app 120x40 ALSA_CONFIG_PATH="$ASOUND" APP_AUDIO_CAPTURE="$W/cap.raw" TMPDIR="$W" -- --db "$WS"
check wait_for app "Discount"
keys app t
check wait_for app "round 1 · item 1 of 25 · 0/25 tagged"
tracker round --db "$WS" "$ID" --json >"$W/round.json"
S1=$(json 'j["items"][0]["sentence"]' <"$W/round.json")
keys app p
# the recording is made first (espeak-ng), then played into the capture; the snippet
# is cut from the same recording once it is there
check wait_played "$W/cap.raw"
check tracker snippet --db "$WS" "$S1" --out "$W/s1.wav" >/dev/null
check test "$(size "$W/cap.raw")" = $(( $(soxi -s "$W/s1.wav") * 2 ))
check holds "$W/cap.raw" "$W/s1.wav"
check test ! -s "$W/app.err"

step "keys work after p: tagging goes on and the tag is stored"
keys app n
check wait_for app "item 2 of 25 · 1/25 tagged"
check test "$(tracker round --db "$WS" "$ID" --json | json 'j["items"][0]["tag"]')" = no

step "p in the call view plays the selected sentence"
S2=$(json 'j["items"][1]["sentence"]' <"$W/round.json")
rm -f "$W/cap.raw"
keys app c
check wait_for app "sentences"
keys app p
check wait_played "$W/cap.raw"
check tracker snippet --db "$WS" "$S2" --out "$W/s2.wav" >/dev/null
check test "$(size "$W/cap.raw")" = $(( $(soxi -s "$W/s2.wav") * 2 ))
check holds "$W/cap.raw" "$W/s2.wav"
keys app q
check wait_for app "item 2 of 25"

step "w writes the snippet of the item to a WAV file and says where"
keys app w
check wait_re app "Snippet written to .*tracker-snippet-$S2.wav" 60
keys app C-c
check exits_clean app

step "no device: p says so plainly and writes the snippet as WAV instead"
start nodev 120x40 ALSA_CONFIG_PATH="$NODEV" TMPDIR="$W" -- --db "$WS"
check wait_for nodev "round 1 · item 2 of 25 · 1/25 tagged"
keys nodev p
check wait_for nodev "No sound: this machine has no audio output device. The snippet was written to" 60
check wait_for nodev "tracker-snippet-$S2.wav instead (w writes one any time)."
check cmp -s "$W/s2.wav" "$W/tracker-snippet-$S2.wav"
keys nodev p
check wait_for nodev "No sound device. The snippet was written to"
keys nodev y
check wait_for nodev "item 3 of 25 · 2/25 tagged"
keys nodev C-c
check exits_clean nodev

# JACK's dummy driver plays in real time, so a snippet lasts as long as it sounds; no
# client may start a server of its own
export JACK_NO_START_SERVER=1
if command -v jackd >/dev/null 2>&1; then
	export JACK_DEFAULT_SERVER="$SUITE-$$"
	jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 22050 -p 256 \
		>"$W/jackd.log" 2>&1 </dev/null &
	JACK_PID=$!
	for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
fi
if [ -n "$JACK_PID" ] && jack_lsp >/dev/null 2>&1; then
	step "while a snippet plays (in real time): position line, pause, resume, seek, speed"
	start paced 120x40 ALSA_CONFIG_PATH="$ASOUND" APP_AUDIO_CAPTURE="$W/paced.raw" \
		APP_AUDIO_SLAVE=capjack JACK_DEFAULT_SERVER="$JACK_DEFAULT_SERVER" -- --db "$WS"
	check wait_for paced "round 1 · item 3 of 25 · 2/25 tagged"
	keys paced P
	check wait_re paced "▶ 0:0[0-9] / 0:[0-9]{2} " 60
	keys paced Space
	check wait_re paced "‖ 0:[0-9]{2} / "
	settled paced
	a=$(screen paced | grep "‖")
	sleep 0.3
	check test "$(screen paced | grep "‖")" = "$a"
	keys paced Space
	check wait_re paced "▶ 0:[0-9]{2} / "
	step "while a snippet plays: . and , seek 5 s forward and back"
	keys paced Space
	check wait_re paced "‖ 0:[0-9]{2} / "
	settled paced
	at=$(position paced)
	keys paced .
	check wait_re paced "‖ 0:$(printf %02d $((at + 5))) / "
	keys paced ,
	check wait_re paced "‖ 0:$(printf %02d "$at") / "
	keys paced Space
	check wait_re paced "▶ 0:[0-9]{2} / "
	step "while a snippet plays: [ and ] change the speed"
	keys paced ']'
	check wait_for paced "Playback speed 1.25x"
	check wait_re paced "▶ .* 1.25x"
	keys paced '['
	check wait_for paced "Playback speed 1.00x"
	step "while a snippet plays: arrows move between items, and it plays on"
	keys paced Right
	check wait_for paced "item 4 of 25 · 2/25 tagged"
	check wait_re paced "▶ 0:[0-9]{2} / "
	keys paced Left
	check wait_for paced "item 3 of 25 · 2/25 tagged"
	step "while a snippet plays: a tag stops it and is stored"
	keys paced y
	check wait_for paced "item 4 of 25 · 3/25 tagged"
	check wait_re paced "This item: not tagged yet"
	check wait_gone paced "▶ 0:"
	check test "$(tracker round --db "$WS" "$ID" --json | json 'j["items"][2]["tag"]')" = yes
	step "while a snippet plays: s stops it"
	keys paced p
	check wait_re paced "▶ 0:[0-9]{2} / " 60
	keys paced s
	check wait_gone paced "▶ 0:"
	keys paced C-c
	check exits_clean paced
else
	echo "tui-audio: jackd did not start; the real-time playback cases are left out" >&2
fi

finish
