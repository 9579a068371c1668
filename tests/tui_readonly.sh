#!/bin/sh
# tui-readonly: the app on a workspace it cannot write opens on the trackers screen and
# says so; a change tried there says on the message line that the workspace is read-only,
# and the file stays as it was. As root the file is made immutable (chattr +i), which
# stops root as permissions stop everyone else.
SUITE=tui-readonly
. "$(dirname "$0")/tui/lib.sh"

# in a folder of its own: the suite's folder holds the tmux socket
mkdir "$W/ro"
WS=$W/ro/ws.db
unlock() { chattr -i "$WS" 2>/dev/null; chmod 755 "$W/ro" 2>/dev/null; chmod 644 "$WS" 2>/dev/null; }
trap 'unlock; cleanup' EXIT

step "demo workspace, a tracker with 5 examples, and a tagging place to go back to"
check demo 120 none "$WS" || { finish; exit 1; }
ID=$(tracker create --db "$WS" --name "Next steps" --mentioned-by any)
check test -n "$ID"
check tracker examples --db "$WS" "$ID" add "Let's schedule a follow-up next week." \
	"I'll send the proposal over tomorrow." "Can we book a demo with your team?" \
	"What are the next steps on your side?" "We'll loop in legal after this call." >/dev/null
# a second tracker with a round open
ID2=$(tracker create --db "$WS" --name "Open round" --mentioned-by any)
check tracker examples --db "$WS" "$ID2" add "Let's schedule a follow-up next week." \
	"I'll send the proposal over tomorrow." "Can we book a demo with your team?" \
	"What are the next steps on your side?" "We'll loop in legal after this call." >/dev/null
check tracker round --db "$WS" "$ID2" >/dev/null
# what the app keeps to reopen the tagging screen where it was
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", ("tui.resume", "tagging %s 0" % sys.argv[2])); c.commit(); c.close()' "$WS" "$ID"

if [ "$(id -u)" = 0 ]; then
	if ! chattr +i "$WS" 2>/dev/null || (: >>"$WS") 2>/dev/null; then
		unlock
		echo "$SUITE: skipped: chattr +i does not work here, and root writes any file"
		finish
		exit $?
	fi
	why="the file is marked immutable"
else
	chmod 444 "$WS"
	chmod 555 "$W/ro"
	why="you may not write the file"
fi
SUM=$(cksum <"$WS")

step "the app opens on the trackers, not the tagging screen, and says it is read-only"
start app 120x30 -- --db "$WS"
check wait_for app "Next steps"
check wait_for app "Read-only: $WS cannot be changed ($why)."
check wait_gone app "round 1 · item"

step "deleting a tracker says the workspace is read-only"
keys app d
check wait_for app "Delete tracker 'Next steps'"
keys app y
check wait_for app "Could not delete: $WS is read-only ($why)"
check wait_for app "Next steps"

step "tagging, which would build a round, says the same"
keys app t
check wait_for app "No round to tag: $WS is read-only ($why)"
keys app q
check wait_for app "Enter open"

step "a round already open shows, to read"
keys app End
check wait_for app "Open round"
keys app t
check wait_for app "Open round · round 1 · item 1 of 25"
keys app q
check wait_for app "Enter open"
keys app Home

step "saving a new tracker's settings says the same"
keys app n
check wait_for app "Settings"
type_text app "Pricing"
keys app C-s
check wait_for app "Could not save: $WS is read-only"

step "leaving: the file is as it was, with nothing beside it"
keys app Escape
check wait_for app "Next steps"
keys app q
check exits_clean app
check test "$(cksum <"$WS")" = "$SUM"
check test ! -e "$WS-wal" -a ! -e "$WS-shm"

finish
