#!/bin/sh
# tui-flow: a tracker built from nothing to results with the keyboard alone, in tmux, on
# a demo workspace: the settings form, bulk examples, 4 rounds tagged from the demo's
# ground truth (with an undo), the overview read off the screen, activation, results.
# Asserts on the captured screens (the target sentence bold, its context not) and on the
# store afterwards through the headless commands.
SUITE=tui-flow
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
CONCEPT=asking_for_discount
step "demo workspace"
check demo 120 none "$WS" || { finish; exit 1; }

# answers ROUND_JSON: "POSITION SENTENCE LABEL TEXT_PREFIX" per item, from the labels
answers() {
	python3 - "$1" "$WS.labels" "$CONCEPT" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
yes = set()
for line in open(sys.argv[2]):
    sid, concept = line.rstrip("\n").split("\t")
    if concept == sys.argv[3]:
        yes.add(int(sid))
for i, it in enumerate(r["items"]):
    label = "yes" if it["sentence"] in yes else "no"
    print(i, it["sentence"], label, it["text"][:40])
EOF
}

start app 120x40 -- --db "$WS"

step "home: an empty workspace says how to start, and warns about fewer than 500 calls"
check wait_for app "No trackers yet. Press n to create one."
check wait_re app "Only [0-9]+ external calls in scope"
check wait_for app "n new"
EXT=$(screen app | sed -n 's/.* calls (\([0-9]*\) external.*/\1/p')
ALL=$(screen app | sed -n 's/.*Workspace ws.db: \([0-9]*\) calls.*/\1/p')
check test "$ALL" = 120
check test "$EXT" -lt 500

step "settings form: validation shows next to the field"
keys app n
check wait_for app "New tracker: what it looks for and where"
check wait_for app "Calls matching: $EXT of $ALL"
keys app C-s
check wait_for app "A tracker needs a name."
check wait_for app "Fix the field marked in red first."
type_text app "12345"
check wait_for app "A name cannot be only digits"
keys app C-u
type_text app "Discount asks"
keys app Tab
type_text app "The customer asks for a lower price"
keys app Tab Left
check wait_for app "(•) the customer"

step "settings form: a team filter changes the matching calls live, and back"
keys app Tab Tab Tab Tab Enter
check wait_for app "Which team values?"
check wait_for app "Beside each value: the calls it leaves with the rest of the settings."
# the external calls of the first team, not all of its calls
FIRST=$(screen app | sed -n 's/^ ▸ \[ \] \(.*[^ ]\)  *\([0-9][0-9]*\) calls\{0,1\} *$/\1|\2/p')
check test -n "$FIRST"
keys app Space
check wait_re app "1 selected · calls matching the settings: [0-9]+"
check wait_for app "1 selected · calls matching the settings: ${FIRST#*|}"
check test "${FIRST#*|}" -lt "$(tracker calls --db "$WS" --json | json "len([c for c in j if c['meta'].get('team') == '${FIRST%|*}'])")"
keys app Space Enter
check wait_for app "Calls matching: $EXT of $ALL"

step "settings form: Ctrl-S creates the tracker and opens its examples"
keys app C-s
check wait_for app "Example sentences for \"Discount asks\""
check wait_for app "0 of at least 5"
ID=$(tracker list --db "$WS" --json | json '[t["id"] for t in j if t["name"]=="Discount asks"][0]')
check test -n "$ID"
check test "$(tracker list --db "$WS" --json | json 'j[0]["mentioned_by"]')" = customer
step "examples, none yet: the footer offers adding, not edit, delete or tag; e says so"
check wait_re app "^ a add  b bulk add  q back "
screen app | tail -n 1 >"$W/footer.txt"
check test "$(grep -c 'e edit\|d delete\|t tag' "$W/footer.txt")" = 0
keys app e
check wait_for app "No examples yet: a adds one, b pastes many."

step "examples: bulk add drops blanks and duplicates and flags two-sentence lines"
keys app b
check wait_for app "Paste or type example sentences"
for l in "Can you give us a discount?" "" "Is there any flexibility on the price?" \
	"can you give us a   DISCOUNT?" "We'd need a better deal to sign. Can you do that?" \
	"Could you knock something off the list price?" \
	"Any chance of a reduction if we commit for two years?"; do
	type_text app "$l"
	keys app Enter
done
check wait_for app "6 lines with text"
keys app C-s
check wait_for app "Added 5 examples (5 in all); 1 duplicate dropped"
check wait_for app "5 of at least 5 ✓"
check wait_for app "⚠ reads as 2 sentences"
check test "$(tracker examples --db "$WS" "$ID" list --json | json 'len(j)')" = 5

step "tagging: round 1 opens"
keys app t
check wait_for app "round 1 · item 1 of 25 · 0/25 tagged"

# expected labels of every tagged sentence: "SENTENCE LABEL" lines
: >"$W/expected"
for round in 1 2 3 4; do
	step "tagging: round $round"
	if ! wait_for app "round $round · item 1 of 25 · 0/25 tagged" 60; then
		bad "round $round did not open"
		break
	fi
	tracker round --db "$WS" "$ID" --json >"$W/round$round.json"
	check test "$(json 'j["round"]' <"$W/round$round.json")" = "$round"
	answers "$W/round$round.json" >"$W/answers$round"
	check test "$(wc -l <"$W/answers$round")" -eq 25
	while read -r pos sid label prefix; do
		n=$((pos + 1))
		if ! wait_for app "round $round · item $n of 25 · $pos/25 tagged" 10 ||
		   ! wait_for app "$prefix" 5; then
			bad "item $n of round $round did not show"
			break 2
		fi
		if [ "$round" = 1 ] && [ "$n" -le 2 ] || [ "$round" = 3 ] && [ "$n" = 7 ]; then
			step "tagging: the target sentence is bold, its context is not (round $round item $n)"
			screen app -e >"$W/item.ans"
			check attr "$W/item.ans" bold "$prefix"
			python3 -c 'import json,sys; it=json.load(open(sys.argv[1]))["items"][int(sys.argv[2])]
for s in it["before"]+it["after"]: print(s[:30])' "$W/round$round.json" "$pos" >"$W/ctx"
			while read -r c; do
				[ -n "$c" ] && check attr "$W/item.ans" plain "$c"
			done <"$W/ctx"
			check grep -q "round $round · item $n of 25" "$W/item.ans"
			step "tagging: round $round"
		fi
		key=y
		[ "$label" = no ] && key=n
		# some answers by the digit keys, some NOT SURE
		if [ "$round" = 2 ] && [ "$n" -le 3 ]; then key=$([ "$label" = yes ] && echo 1 || echo 2); fi
		if [ "$round" = 3 ] && [ "$n" = 25 ]; then key=u; label=unsure; fi
		if [ "$round" = 1 ] && [ "$n" = 3 ]; then
			step "tagging: Backspace takes the last tag back"
			wrong=y
			[ "$label" = yes ] && wrong=n
			keys app "$wrong"
			check wait_for app "round 1 · item 4 of 25 · 3/25 tagged"
			keys app BSpace
			check wait_re app "Took back the (YES|NO) on item 3"
			check wait_for app "round 1 · item 3 of 25 · 2/25 tagged"
			check wait_for app "This item: not tagged yet"
			step "tagging: Backspace after changing a tag puts the earlier tag back"
			right=YES wrongw=NO
			[ "$label" = no ] && right=NO wrongw=YES
			keys app "$key"
			check wait_for app "round 1 · item 4 of 25 · 3/25 tagged"
			keys app Left
			check wait_for app "round 1 · item 3 of 25 · 3/25 tagged"
			check wait_for app "This item: $right"
			keys app "$wrong"
			check wait_for app "round 1 · item 4 of 25 · 3/25 tagged"
			keys app BSpace
			check wait_for app "Took back the $wrongw on item 3: it is $right again."
			check wait_for app "round 1 · item 3 of 25 · 3/25 tagged"
			check wait_for app "This item: $right"
			step "tagging: round $round"
		fi
		keys app "$key"
		echo "$sid $label" >>"$W/expected"
	done <"$W/answers$round"
	if [ "$round" -lt 4 ]; then
		check wait_for app "round $((round + 1)) · item 1 of 25" 60
	fi
done

step "tagging: while the model trains the footer offers Esc alone, not the tagging keys"
check wait_re app "^ Esc cancel training +\? help *$"
step "tagging: after round 4 the model trains and the overview follows"
check wait_for app "Performance overview" 120
check wait_for app "Round 4 complete: model version 1 built from every tag so far."
check wait_re app "Precision +[0-9]+%" 60
screen app >"$W/overview.txt"
P=$(sed -n 's/^ *Precision *\([0-9]*\)%.*/\1/p' "$W/overview.txt")
R=$(sed -n 's/^ *Hit rate *\([0-9]*\)%.*/\1/p' "$W/overview.txt")
tracker overview --db "$WS" "$ID" --json >"$W/overview.json"
step "overview: precision and hit rate on the screen are the model's estimates"
check test -n "$P"
check test -n "$R"
check test "$P" = "$(json 'round(j["precision"]*100)' <"$W/overview.json")"
check test "$R" = "$(json 'round(j["recall"]*100)' <"$W/overview.json")"
check grep -q "of every 10 detections, about" "$W/overview.txt"
check grep -q "Surfaced sentences: 0 of 20 right" "$W/overview.txt"
check test "$(json 'j["model_version"]' <"$W/overview.json")" = 1

step "overview: marking surfaced sentences counts them against the bar"
keys app y y n
check wait_for app "2 of 20 right, 1 wrong"
keys app Enter
check wait_re app "^ +[0-9]+:[0-9]{2} [^:]+: "

step "store: every tag typed is there, once, with its label"
tracker export --db "$WS" "$ID" >"$W/export.json"
python3 - "$W/export.json" "$W/expected" "$W"/round1.json "$W"/round2.json "$W"/round3.json \
	"$W"/round4.json >"$W/store-check" 2>&1 <<'EOF'
import json, sys
exp = {}
for line in open(sys.argv[2]):
    sid, label = line.split()
    exp[int(sid)] = label
where = {}
for p in sys.argv[3:]:
    for it in json.load(open(p))["items"]:
        where[int(it["sentence"])] = (it["call"], it["start_ms"], it["text"])
tags = json.load(open(sys.argv[1]))["tagged"]
got = {}
for t in tags:
    k = (t["call"], t["start_ms"], t["text"])
    if k in got:
        print("tagged twice:", k)
    got[k] = t["label"]
want = {where[s]: l for s, l in exp.items()}
if len(exp) != 100:
    print("expected 100 tags, typed", len(exp))
if len(tags) != 100:
    print("store holds", len(tags), "tags")
for k, l in want.items():
    if got.get(k) != l:
        print("tag of", k, "is", got.get(k), "not", l)
EOF
check test ! -s "$W/store-check"
cat "$W/store-check" >&2
check test "$(json 'j["tags"]["unsure"]' <"$W/overview.json")" = 1
check test "$(json 'j["tags"]["yes"]+j["tags"]["no"]' <"$W/overview.json")" = 99

step "activate: past 12 months by default, with progress, then the results"
keys app a
check wait_for app "Upcoming calls and the past 12 months"
check wait_re app "Enter start +q back"
check test "$(screen app | grep -c "Esc cancel")" = 0
keys app Enter
check wait_re app "Active on upcoming calls and the past 12 months: [0-9]+ detections" 120
check wait_for app "Results"
D=$(tracker results --db "$WS" "$ID" --format json | json 'len(j)')
C=$(tracker results --db "$WS" "$ID" --format json | json 'len(set(d["call"] for d in j))')
check wait_for app "$D detections in $C calls, newest call first"
check test "$(tracker list --db "$WS" --json | json 'j[0]["state"]')" = active

step "results: a call opens with its detected sentences marked"
keys app Enter
check wait_re app "[0-9]+ detected sentences?, marked ●"
keys app q
check wait_for app "newest call first"

step "back: results, then the overview, then the trackers"
keys app q
check wait_for app "Performance overview"
keys app q
step "home: the tracker is active, with its tags and estimates"
check wait_re app "Discount asks +active"
check wait_for app "$P%"

step "after activation: edited settings wait as a draft until published"
keys app p
check wait_for app "Discount asks has no unpublished changes."
keys app e
check wait_for app "Edit the settings (the tracker is active: saving makes a draft to publish)"
keys app Tab Tab Tab Tab Tab Tab Tab Right
check wait_for app "(•) first N minutes"
check wait_for app "Minutes (N)"
keys app Tab BSpace
check wait_for app "Give the minutes as a number from 1 to 600."
type_text app "9"
keys app C-s
check wait_for app "Saved as a draft: press p on the trackers screen to publish."
check wait_re app "Discount asks +active, unpublished changes"
check test "$(tracker list --db "$WS" --json | json 'j[0]["part"]')" = anytime
keys app p
check wait_for app "Publish \"Discount asks\""
step "publish: the draft set against what is live on the same calls before Enter"
check wait_for app "Draft: the same model, with edited settings"
check wait_re app "The edited settings cover [0-9]+ calls?: 0 more and [0-9]+ fewer than the [0-9]+ covered now."
check wait_re app "Publishing stores [0-9]+ detections? \([0-9]+ now\)"
check wait_re app "Enter publish +q back"
check test "$(screen app | grep -c "Esc cancel")" = 0
want=$(tracker compare --db "$WS" 1 --json | json 'j["draft"]["detections"]')
keys app Enter
check wait_for app "Published: $want detection"
check wait_for app "newest call first"
check test "$(tracker list --db "$WS" --json | json 'j[0]["part"]')" = first:9
check test "$(tracker list --db "$WS" --json | json 'j[0]["unpublished_changes"]')" = False
keys app q
check wait_re app "Discount asks +active +"

step "quit: q on the trackers screen ends the app with status 0"
keys app q
check exits_clean app

finish
