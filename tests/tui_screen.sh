#!/bin/sh
# tui-screen: the terminal around the screens: too small, resized, help from the key
# table, colours and NO_COLOR, UTF-8 text, errors that stay on screen, and starting
# without a terminal or a workspace.
SUITE=tui-screen
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
EXPECTED=$TOP/tests/screens
step "demo workspace and a tracker ready to tag (headless)"
check demo 120 none "$WS" || { finish; exit 1; }
ID=$(tracker create --db "$WS" --name "Security review" --mentioned-by any)
check tracker examples --db "$WS" "$ID" add "Do you have a SOC 2 report?" \
	"Where is our data stored?" "Is the data encrypted at rest?" \
	"Our security team needs to review this first." "Do you support single sign-on?" >/dev/null

step "too small: below 80x24 the app says what size it needs"
start app 70x20 -- --db "$WS"
check wait_for app "The terminal is 70×20."
check wait_for app "tracker needs at least 80×24: make the window larger."
check same_screen app "$EXPECTED/too-small-70x20.txt"
keys app n
step "too small: keys do nothing until it is larger; then the screen draws"
$T resize-window -t app -x 120 -y 40
check wait_for app "Security review"
check wait_for app "Workspace ws.db"
check test "$(screen app | grep -c 'New tracker')" = 0
$T resize-window -t app -x 79 -y 30
check wait_for app "The terminal is 79×30."
$T resize-window -t app -x 100 -y 23
check wait_for app "The terminal is 100×23."
step "too small: on 40 columns the size it needs wraps, whole and centred"
$T resize-window -t app -x 40 -y 10
check wait_for app "The terminal is 40×10."
check wait_re app "^ tracker needs at least 80×24: make the$"
check wait_re app "^ +window larger\.$"
check test "$(screen app | grep -c '…')" = 0

step "resize: at 80x24 every part of the screen is in its place"
$T resize-window -t app -x 80 -y 24
check wait_for app "Security review"
screen app >"$W/80.txt"
check test "$(wc -l <"$W/80.txt")" = 24
check grep -q "^ tracker · ws.db · Trackers" "$W/80.txt"
check sh -c "tail -n 1 '$W/80.txt' | grep -q 'Enter open'"
check python3 -c "import sys; sys.exit(max(len(l.rstrip('\\n')) for l in open(sys.argv[1], encoding='utf-8')) > 80)" "$W/80.txt"

step "resize: the tagging screen redraws, the target still bold, its context not"
keys app t
check wait_for app "round 1 · item 1 of 25 · 0/25 tagged"
tracker round --db "$WS" "$ID" --json >"$W/round.json"
TARGET=$(json 'j["items"][0]["text"][:30]' <"$W/round.json")
check wait_for app "$TARGET"
screen app -e >"$W/small.ans"
check attr "$W/small.ans" bold "$TARGET"
$T resize-window -t app -x 150 -y 45
check wait_re app "^ Security review · round 1 · item 1 of 25 .* all tags: YES 0  NO 0  NOT SURE 0 *$"
settled app
screen app -e >"$W/big.ans"
check attr "$W/big.ans" bold "$TARGET"
for c in $(json '" ".join(str(k) for k in range(len(j["items"][0]["before"])))' <"$W/round.json"); do
	check attr "$W/big.ans" plain "$(json "j['items'][0]['before'][$c][:30]" <"$W/round.json")"
done
check test "$(screen app | wc -l)" = 45

step "help: the tagging screen's keys, from the key table"
$T resize-window -t app -x 100 -y 40
check wait_for app "round 1 · item 1 of 25"
keys app '?'
check wait_for app "Keys of the Tagging screen"
check same_screen app "$EXPECTED/help-tagging-100x40.txt"
keys app q
check wait_for app "round 1 · item 1 of 25"

step "help: the footer shows the screen's keys"
check wait_for app "y yes  n no  u not sure  Backspace undo"

step "80 columns: the tagging footer keeps the tags, undo, leaving and playing"
$T resize-window -t app -x 80 -y 24
check wait_re app "^ y yes  n no  u not sure  Backspace undo  q back  p play  .*\? help$"
$T resize-window -t app -x 100 -y 40
check wait_for app "c call"

step "call view: the selected sentence shows in reverse video, as ↑ ↓ move it"
AFTER0=$(json 'j["items"][0]["after"][0][:30]' <"$W/round.json")
keys app c
check wait_for app "$AFTER0"
settled app
screen app -e >"$W/call0.ans"
check attr "$W/call0.ans" reverse "$TARGET"
check attr "$W/call0.ans" unreversed "$AFTER0"
keys app Down
settled app
screen app -e >"$W/call1.ans"
check attr "$W/call1.ans" reverse "$AFTER0"
check attr "$W/call1.ans" unreversed "$TARGET"
keys app q
check wait_for app "round 1 · item 1 of 25"

step "errors stay on screen and the app goes on"
keys app q
check wait_for app "Security review"
keys app a
check wait_for app "Security review has no model yet: tag 4 rounds first (press t)."
keys app r
check wait_for app "is not active yet: it has no results"
check test ! -s "$W/app.rc"

step "colours: used when the terminal has them"
screen app -e >"$W/color.ans"
check grep -q "$(printf '\033')\[3[0-7]m" "$W/color.ans"
keys app C-c
check exits_clean app

step "colours: NO_COLOR leaves them out, and the screen still reads"
start nocolor 100x30 NO_COLOR=1 -- --db "$WS"
check wait_for nocolor "Security review"
keys nocolor '?'
check wait_for nocolor "Keys of the Trackers screen"
keys nocolor q
check wait_for nocolor "Security review"
screen nocolor -e >"$W/nocolor.ans"
check test "$(grep -c "$(printf '\033')\[\(3[0-8]\|4[0-8]\|9[0-7]\|10[0-7]\)[m;]" "$W/nocolor.ans")" = 0
check grep -q "$(printf '\033')\[7m" "$W/nocolor.ans"
keys nocolor q
check exits_clean nocolor

step "UTF-8: a name typed in the form draws as typed"
start utf 100x30 -- --db "$WS"
check wait_for utf "Security review"
keys utf n
check wait_for utf "New tracker"
type_text utf "Préis für Rabatt – 値引き"
keys utf C-s
check wait_for utf "Example sentences for \"Préis für Rabatt – 値引き\""
keys utf q
check wait_for utf "Préis für Rabatt – 値引き"
check test "$(tracker list --db "$WS" --json | json '[t["name"] for t in j][1]')" = "Préis für Rabatt – 値引き"
step "UTF-8: a second tracker with the same name is refused in the form"
keys utf n
check wait_for utf "New tracker"
type_text utf "préis für rabatt – 値引き"
check wait_for utf "Another tracker is called 'Préis für Rabatt – 値引き': names are unique."
keys utf Escape
check wait_for utf "Left without saving."
step "settings form: a name of wide letters counts its characters, not its columns"
keys utf n
check wait_for utf "New tracker"
# 40 characters, 80 columns
type_text utf "値引きの要求と価格交渉についての値引きの要求と価格交渉についての値引きの要求と価"
keys utf Tab
check wait_for utf "Description"
check test "$(screen utf | grep -c 'Keep the name short')" = 0
step "settings form: a field left shows how its text begins, ending in …"
type_text utf "The customer asks for a lower price, a discount, a better rate or some free months of service"
keys utf Tab
check wait_re utf "^  Description +\[The customer asks for a lower price, a discount, .*…$"
check wait_re utf "^  Name +\[値引きの要求と価格交渉.*…$"
keys utf Escape
check wait_for utf "Left without saving."
keys utf q
check exits_clean utf

step "examples: added one at a time, a duplicate refused, edited, deleted after a question"
start ex 100x30 -- --db "$WS"
check wait_for ex "Préis für Rabatt – 値引き"
keys ex Down x
check wait_for ex "Example sentences for \"Préis für Rabatt – 値引き\""
keys ex a
check wait_for ex "Add an example (Enter adds, Esc stops):"
type_text ex "Can we get a better price?"
keys ex Enter
check wait_for ex "Added: 1 of at least 5."
type_text ex "can we get a  better price?"
keys ex Enter
check wait_for ex "Same as example 1: say it in other words."
keys ex C-u
type_text ex "Too expensive. Way too expensive."
keys ex Enter
check wait_for ex "Saved. It reads as 2 sentences: an example works best as one."
keys ex Escape
check wait_for ex "2 of at least 5: add 3 more"
check wait_for ex "⚠ reads as 2 sentences"
keys ex Home e
check wait_for ex "Edit the example (Enter saves, Esc cancels):"
keys ex C-u
type_text ex "Could you do better on the price?"
keys ex Enter
check wait_for ex "1. Could you do better on the price?"
keys ex d
check wait_for ex "Delete example 1, \"Could you do better on the price?\"? (y/n)"
keys ex n
check wait_for ex "Nothing was changed."
keys ex d y
check wait_for ex "Deleted."
check wait_for ex "1 of at least 5: add 4 more"
check test "$(tracker examples --db "$WS" 2 list --json | json 'len(j)')" = 1
keys ex t
check wait_for ex "A round needs 5 examples: add 4 more"

step "delete: a tracker goes only after the question is answered y"
keys ex q
check wait_for ex "Préis für Rabatt – 値引き"
keys ex Down d
check wait_for ex "Delete tracker 'Préis für Rabatt – 値引き' with its 1 example, 0 tags,"
check wait_for ex "models and detections?"
check wait_for ex "(y/n)"
keys ex Escape
check wait_for ex "Nothing was changed."
check test "$(tracker list --db "$WS" --json | json 'len(j)')" = 2
keys ex d y
check wait_for ex "Deleted."
check test "$(tracker list --db "$WS" --json | json 'len(j)')" = 1
keys ex q
check exits_clean ex

step "80 columns: the tagging header keeps where the round stands; the long name gives way"
LONG=$(tracker create --db "$WS" --name "Pricing objection raised by the customer" --mentioned-by customer)
check tracker examples --db "$WS" "$LONG" add "That's way more than we budgeted for." \
	"Honestly the price is too high for us." "We can't justify that cost." \
	"Your competitor is quoting us a lot less." "It's just too expensive right now." >/dev/null
start narrow 80x24 -- --db "$WS"
check wait_for narrow "Pricing objection r…"
keys narrow End t
check wait_re narrow "^ Pricing obj[a-z ]*… · round 1 · item 1 of 25 · 0/25 tagged +all: Y 0  N 0  \? 0 *$"
keys narrow y y y y y y y y y y y n n n n n n n n n n n
check wait_re narrow "^ Pricing obj[a-z ]*… · round 1 · item 23 of 25 · 22/25 tagged +all: Y 11  N 11  \? 0 *$"
$T resize-window -t narrow -x 120 -y 30
check wait_re narrow "^ Pricing objection raised by the customer · round 1 · item 23 of 25 · 22/25 tagged +all tags: YES 11  NO 11  NOT SURE 0 *$"

step "80x24: help that does not fit says how many rows are below, and scrolls to them"
keys narrow '?'
check wait_for narrow "Keys of the Tagging screen"
check wait_re narrow "^ +↓ [0-9]+ more rows: ↓ PgDn End *$"
check test "$(screen narrow | grep -c 'Ctrl-Z')" = 0
keys narrow PgDn
check wait_for narrow "Ctrl-Z"
check wait_re narrow "^ +↑ the rows above: ↑ PgUp Home *$"
keys narrow Home
check wait_for narrow "y, 1"
check wait_re narrow "^ +↓ [0-9]+ more rows"
keys narrow q
check wait_for narrow "round 1 · item 23 of 25"
keys narrow q q
check exits_clean narrow

step "the screens include only the public headers (no SQL, no trainer internals)"
check test "$(grep -h '#include' "$TOP"/src/tui/*.[ch] | grep -c -e sqlite3 -e linear -e stemmer -e '\.\./' -e '/internal.h')" = 0
for h in $(grep -h '#include "' "$TOP"/src/tui/*.[ch] | sed 's/.*"\(.*\)".*/\1/' | sort -u); do
	check test -f "$TOP/include/$h" -o "$h" = internal.h
done

step "no terminal: the app says it needs one and ends at once"
"$TRACKER" --config "$CONF" --db "$WS" </dev/null >"$W/out" 2>"$W/err"
check test $? = 1
check grep -q "the app needs a terminal" "$W/err"

step "no workspace: the app names the file and how to make one"
start nows 100x30 -- --db "$W/missing.db"
check test "$(wait_exit nows)" = 1
check grep -q "missing.db: No such file or directory (make one with \`tracker demo" "$W/nows.err"
check test ! -e "$W/missing.db"

step "no terminal type: the app says so instead of failing silently"
start noterm 100x30 TERM=dumb-unknown -- --db "$WS"
check test "$(wait_exit noterm)" = 1
check grep -q "cannot use the terminal (TERM=dumb-unknown)" "$W/noterm.err"

finish
