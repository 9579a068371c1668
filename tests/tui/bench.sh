#!/bin/sh
# The app's speed in a pseudo-terminal, on the default 600-call demo workspace:
# start-up to the first drawn screen (goal < 300 ms), and key to screen over 200 keys on
# the tagging screen (goal p99 < 30 ms). Exits 1 when a goal is missed.
# usage: sh tests/tui/bench.sh [TRACKER]   (default ./tracker)
TRACKER=${1:-./tracker}
TRACKER=$(cd "$(dirname "$TRACKER")" && pwd)/$(basename "$TRACKER")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$TOP/build/bench-tui
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bench-tui.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CONF=$WORK/tracker.conf
: >"$CONF"

# the demo workspace with a tracker of 5 examples, made once per build
sum=$(cksum <"$TRACKER" | cut -d' ' -f1)
BASE=$CACHE/demo600-$sum.db
if [ ! -f "$BASE.done" ]; then
	mkdir -p "$CACHE"
	rm -rf "$CACHE"/demo600-*
	echo "bench-tui: making the 600-call demo workspace (once per build)…" >&2
	"$TRACKER" demo --config "$CONF" --db "$BASE" --calls 600 >/dev/null </dev/null || exit 1
	id=$("$TRACKER" create --config "$CONF" --db "$BASE" --name "Discount" </dev/null) || exit 1
	"$TRACKER" examples --config "$CONF" --db "$BASE" "$id" add "Can you give us a discount?" \
		"Is there any flexibility on the price?" "We'd need a better deal to sign." \
		"Could you knock something off the list price?" \
		"Any chance of a reduction if we commit for two years?" >/dev/null </dev/null || exit 1
	: >"$BASE.done"
fi
python3 "$TOP/tests/tui/bench.py" "$TRACKER" "$CONF" "$BASE" "$WORK" 200 10
