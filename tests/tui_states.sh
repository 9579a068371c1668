#!/bin/sh
# tui-states: what the screens say in each state of a tracker, at 80x24 as over SSH: an
# empty workspace, a tracker with a draft waiting to be published (home list, details,
# footer), and the rounds built headless from the demo's ground truth.
SUITE=tui-states
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
CONCEPT=asking_for_discount
step "demo workspace"
check demo 120 none "$WS" || { finish; exit 1; }

# answer_round ID: tags the tracker's open round (built if none) from the ground truth
answer_round() {
	tracker round --db "$WS" "$1" --json >"$W/round.json" || return 1
	python3 - "$W/round.json" "$WS.labels" "$CONCEPT" >"$W/answers" <<'EOF' || return 1
import json, sys
r = json.load(open(sys.argv[1]))
yes = set()
for line in open(sys.argv[2]):
    sid, concept = line.rstrip("\n").split("\t")
    if concept == sys.argv[3]:
        yes.add(int(sid))
for it in r["items"]:
    if it["tag"] is None:
        print(it["sentence"], "yes" if it["sentence"] in yes else "no")
EOF
	tracker tag --db "$WS" "$1" --file "$W/answers" >/dev/null
}

# select_row NAME TEXT: moves down the list until the selected row holds TEXT
select_row() {
	for _ in $(seq 40); do
		settled "$1"
		screen "$1" -e >"$W/select.ans"
		attr "$W/select.ans" reverse "$2" 2>/dev/null && return 0
		keys "$1" j
	done
	return 1
}
# help_whole NAME SCREEN: the help of the screen shown (? ... End ... q) has no row cut
# with an ellipsis on its first page or its last
help_whole() {
	keys "$1" '?'
	wait_for "$1" "Keys of the $2 screen" || return 1
	screen "$1" >"$W/help1.txt"
	keys "$1" End
	wait_for "$1" "the rows above" 2>/dev/null
	settled "$1"
	screen "$1" >"$W/help2.txt"
	keys "$1" q
	wait_gone "$1" "Keys of the $2 screen" || return 1
	! grep -h '…' "$W/help1.txt" "$W/help2.txt" >&2
}
# pct X: a fraction as the app shows it ("63%")
pct() { python3 -c 'import sys; print("%.0f%%" % (float(sys.argv[1]) * 100))' "$1"; }

step "home, no trackers: Enter says what to do, and the footer offers only n"
start app 80x24 -- --db "$WS"
check wait_for app "No trackers yet. Press n to create one."
keys app Enter
check wait_for app "No trackers yet: n makes a new tracker."
screen app | tail -n 1 >"$W/footer.txt"
check grep -q "n new" "$W/footer.txt"
check test "$(grep -c 'Enter open\|e edit\|t tag' "$W/footer.txt")" = 0
keys app q
check exits_clean app

step "a tracker trained 4 rounds and activated, then a 5th round: a draft model (headless)"
ID=$(tracker create --db "$WS" --name "Discount asks" --mentioned-by customer)
check test -n "$ID"
check tracker examples --db "$WS" "$ID" add "Can you give us a discount?" \
	"Is there any flexibility on the price?" "Could you knock something off the list price?" \
	"Any chance of a reduction if we commit for two years?" "Can you do better on the price?" \
	>/dev/null
for r in 1 2 3 4; do check answer_round "$ID"; done
check tracker activate --db "$WS" "$ID" >/dev/null
tracker list --db "$WS" --json >"$W/live.json"
LIVE_P=$(pct "$(json 'j[0]["precision"]' <"$W/live.json")")
LIVE_R=$(pct "$(json 'j[0]["recall"]' <"$W/live.json")")
check answer_round "$ID"
tracker list --db "$WS" --json >"$W/draft.json"
check test "$(json 'j[0]["state"]' <"$W/draft.json")" = "active, unpublished changes"
check test "$(json 'j[0]["model_version"]' <"$W/draft.json")" = 2
DRAFT_P=$(pct "$(json 'j[0]["precision"]' <"$W/draft.json")")
DRAFT_R=$(pct "$(json 'j[0]["recall"]' <"$W/draft.json")")
# the figures must differ for the screen to tell them apart
check test "$LIVE_P $LIVE_R" != "$DRAFT_P $DRAFT_R"

step "home with a draft: the list shows the live model's figures; the draft's are labelled"
start home 80x24 -- --db "$WS"
check wait_re home "Discount asks +active, unpublished changes +[0-9]+/[0-9]+/0 +$LIVE_P +$LIVE_R "
check wait_for home "live model v1 · "
check wait_for home "Draft, not published: model v2, precision $DRAFT_P, hit rate $DRAFT_R"
step "home with a draft: the footer offers p publish first"
check wait_re home "^ p publish  Enter open "

step "home with a draft: edited settings wait in the details as draft settings"
check tracker edit --db "$WS" "$ID" --part first:9 >/dev/null
keys home C-l
check wait_for home "Draft settings: Said by the customer · external calls · first 9 minutes"
step "home: a tracker made or deleted from the command line shows so without a key"
check tracker create --db "$WS" --name "Made elsewhere" >/dev/null
check wait_for home "Made elsewhere"
check tracker delete --db "$WS" "Made elsewhere" >/dev/null
check wait_gone home "Made elsewhere"
check wait_re home "^ Said by the customer · external calls · anytime in the call"
step "80 columns: details too long for a row wrap onto a second, whole"
check tracker edit --db "$WS" "$ID" --filter "team=Customer Success" --filter "team=Enterprise East" \
	--filter "team=Enterprise West" >/dev/null
keys home C-l
check wait_for home "Enterprise West · first 9 minutes"
screen home >"$W/details80.txt"
check grep -qx " Draft settings: Said by the customer · external calls · Customer Success,\( Enterprise\)\?" \
	"$W/details80.txt"
check grep -qE "^ (Enterprise )?East, Enterprise West · first 9 minutes$" "$W/details80.txt"
check grep -qx " ⚠ 107 calls in this tracker's scope: fewer than 500, so its estimates are" "$W/details80.txt"
check grep -qx " rough." "$W/details80.txt"
check test "$(grep -c '…' "$W/details80.txt")" = 0
check tracker edit --db "$WS" "$ID" --clear-filters >/dev/null
keys home C-l
check wait_for home "Draft settings: Said by the customer · external calls · first 9 minutes"
step "80 columns: the help of the trackers screen shows every line whole"
check help_whole home Trackers
keys home q
check exits_clean home

step "80 columns: a long tracker name is cut with an ellipsis, its state whole"
LONG=$(tracker create --db "$WS" --name "Pricing objection raised by procurement teams")
check test -n "$LONG"
start narrow 80x24 -- --db "$WS"
check wait_re narrow "^  Pricing objection r[a-z ]*… +needs examples +0/0/0 "

step "80 columns: the overview's heading says the model is an unpublished draft, and drops what does not fit"
keys narrow o
check wait_re narrow "Precision +[0-9]+%" 60
screen narrow >"$W/overview80.txt"
check grep -qE "^ Discount asks · model version 2 · a draft, not published \(v1 is live\)( · from [0-9]+ YES and [0-9]+ NO tags)? *$" \
	"$W/overview80.txt"
# a cut row ends in an ellipsis, never in half a word: a row as wide as the screen is a
# surfaced sentence whole, or ends in "…"
tracker overview --db "$WS" "$ID" --json >"$W/overview80.json"
check python3 - "$W/overview80.txt" "$W/overview80.json" <<'EOF'
import json, re, sys
rows = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
texts = [s["text"] for s in json.load(open(sys.argv[2]))["samples"]]
def whole(l):
    m = re.match(r"^[ ▸]+[0-9]+\. +[0-9.]+  (.*)$", l)
    return m is not None and m.group(1) in texts
cut = [l for l in rows if len(l) == 80 and not l.endswith("…") and not l.endswith(" ")
       and not whole(l)]
sys.exit("cut without an ellipsis: %r" % cut if cut else 0)
EOF

step "overview: the count of sentences in its calls is written with thousands separated, as on the home screen"
SCOPE=$(tracker overview --db "$WS" "$ID" --json | json 'j["scope_sentences"]')
check test "$SCOPE" -ge 1000
check grep -q "of the $(python3 -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$SCOPE") sentences in its calls" "$W/overview80.txt"

step "80 columns: the overview's advice on more rounds shows whole, as the command line gives it"
tracker overview --db "$WS" "$ID" --json | json 'j["stability"]["advice"]' >"$W/advice.txt"
check test -s "$W/advice.txt"
check python3 - "$W/overview80.txt" "$W/advice.txt" <<'EOF'
import sys
rows = [l.strip() for l in open(sys.argv[1], encoding="utf-8")]
advice = open(sys.argv[2], encoding="utf-8").read().strip()
first = [i for i, l in enumerate(rows) if l and advice.startswith(l)]
if not first:
    sys.exit("the advice does not start a row: %r" % advice)
i = first[0]
shown = rows[i] + " " + rows[i + 1]
sys.exit(0 if advice in (rows[i], shown) else "shown %r, want %r" % (shown, advice))
EOF

step "overview of an active tracker with a draft: the footer offers a publish first, never activate"
check wait_re narrow "^ a publish  "
check test "$(screen narrow | grep -c ' a activate')" = 0
step "80 columns: the help of the overview of a draft shows every line whole"
check help_whole narrow "Performance overview"

step "overview context (Enter): the surfaced sentence is bold, its neighbours plain"
keys narrow Enter
check wait_re narrow "^        [0-9]+:[0-9]{2} [^:]+: "
settled narrow
screen narrow -e >"$W/context.ans"
attr "$W/context.ans" text >"$W/context.txt"
# the selected row's sentence, and the context lines (indented, with a time and speaker)
python3 - "$W/context.txt" >"$W/context.lines" <<'EOF'
import re, sys
rows = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
sel = [l for l in rows if l.startswith(" ▸")][0]
sample = re.sub(r"^ ▸ +[0-9]+\. +. [0-9.]+  ", "", sel)[:25]
for l in rows:
    if re.match(r"^        [0-9]+:[0-9]{2} [^:]+: ", l):
        print(("target" if sample in l else "other") + "\t" + l.strip()[:30])
EOF
check test "$(grep -c '^target' "$W/context.lines")" = 1
check test "$(grep -c '^other' "$W/context.lines")" -ge 2
while IFS="$(printf '\t')" read -r kind text; do
	if [ "$kind" = target ]; then check attr "$W/context.ans" bold "$text"
	else check attr "$W/context.ans" plain "$text"; fi
done <"$W/context.lines"
step "overview context: Esc closes it and stays on the overview"
keys narrow Escape
check wait_gone narrow "^        [0-9]+:[0-9]{2} [^:]+: "
settled narrow
check wait_re narrow "^ a publish  "
keys narrow q

step "80 columns: the bulk add instructions show whole, Esc included"
check wait_for narrow "Discount asks"
keys narrow x
check wait_for narrow "Example sentences for"
step "examples of an active tracker after 5 rounds: t trains more, as a draft"
check wait_for narrow "5 of at least 5 ✓ · t trains more: round 6 (a draft until published)"
step "80 columns: the help of the examples screen shows every line whole"
check help_whole narrow "Example sentences"
step "80 columns: the bulk add instructions show whole, Esc included"
keys narrow b
check wait_for narrow "Esc leaves without adding."
check wait_for narrow "0 lines with text"
keys narrow Escape
check wait_for narrow "Example sentences for"
keys narrow q q
check exits_clean narrow

step "examples: what t does follows the tracker's rounds"
BUDGET=$(tracker create --db "$WS" --name "Budget talk" --mentioned-by customer)
check tracker examples --db "$WS" "$BUDGET" add "We have no budget for this year." \
	"The budget is already spent." "Finance has to approve any new spend." \
	"Our budget resets in January." "We set aside money for a tool like this." >/dev/null
start ex 80x24 -- --db "$WS"
check wait_for ex "Budget talk"
# the newest tracker is the last row
keys ex G x
check wait_for ex "5 of at least 5 ✓ (at most 100) · press t to start tagging: round 1"
check answer_round "$BUDGET"
keys ex C-l
check wait_for ex "5 of at least 5 ✓ (at most 100) · t continues tagging: round 2"
check tracker round --db "$WS" "$BUDGET" >/dev/null
keys ex C-l
check wait_for ex "t continues tagging: round 2, under way"
step "examples: below 5 after a round, the screen asks for more before the next round, not the first"
keys ex d
check wait_for ex "Delete example 1"
keys ex y
check wait_for ex "4 of at least 5: add 1 more before the next round"
check tracker examples --db "$WS" "$BUDGET" add "We have no budget for this year." >/dev/null
keys ex C-l
check wait_for ex "t continues tagging: round 2, under way"
step "examples: one of more than 500 characters is refused when added, edited or pasted, as on the command line"
LONG_EX=$(python3 -c 'print("We have no budget " * 30, end="")')
keys ex a
check wait_for ex "Add an example"
type_text ex "$LONG_EX"
keys ex Enter
check wait_for ex "That is 539 characters: an example is one sentence (at most 500)."
keys ex Escape
keys ex e
check wait_for ex "Edit the example"
keys ex C-u
type_text ex "$LONG_EX"
keys ex Enter
check wait_for ex "That is 539 characters: an example is one sentence (at most 500)."
keys ex Escape
keys ex b
check wait_for ex "0 lines with text"
type_text ex "Budget is tight this year."
keys ex Enter
type_text ex "$LONG_EX"
keys ex C-s
check wait_for ex "Line 2 is 539 characters: an example is one sentence (at most 500)."
keys ex Escape
check wait_for ex "Example sentences for"
check test "$(tracker examples --db "$WS" "$BUDGET" list | wc -l)" = 5
check test "$(tracker examples --db "$WS" "$BUDGET" list | grep -c 'no budget We have\|Budget is tight')" = 0
step "home: the rounds of the details are those done, as the overview counts them, and the one under way"
keys ex q
check wait_for ex "Budget talk"
check wait_for ex "5 examples · 1 round done, 1 under way · no model"
step "overview with no model yet: the footer offers m to build one, not the keys of surfaced sentences"
keys ex o
check wait_for ex "Budget talk · no model yet"
check wait_re ex "^ m build model  "
check test "$(screen ex | tail -n 1 | grep -c 'right\|wrong\|context\|activate\|play')" = 0
keys ex q q
check exits_clean ex

step "overview of a tracker with 2 examples: no round or model offered; the heading keeps 'no model yet'"
# 40 wide letters: 80 columns
FEW=$(tracker create --db "$WS" --name "更新時の価格について調達チームと財務チームからの反発があった場合の値引き要求です" \
	--mentioned-by customer)
check tracker examples --db "$WS" "$FEW" add "Procurement wants a lower renewal price." \
	"Our procurement team is pushing back on the renewal." >/dev/null
start few 80x24 -- --db "$WS"
check wait_for few "更新時の価格"
keys few End o
check wait_re few "^ 更新時の価格.* · no model yet *$"
check wait_for few "2 example sentences: a round or a model needs 5."
check test "$(screen few | tail -n 1 | grep -c 'build model\|t train')" = 0
keys few m
check wait_for few "A round or a model needs 5 example sentences;"
keys few t
check wait_for few "Performance overview"
check test "$(screen few | grep -c 'No round to tag')" = 0
keys few q q
check exits_clean few
check tracker delete --db "$WS" "$FEW" >/dev/null

step "activate on the past month: the screen, the message and the results heading say 'the past month'"
tracker export --db "$WS" "$ID" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["name"]="Discount asks again"; print(json.dumps(d))' >"$W/again.json"
AGAIN=$(tracker import-tracker --db "$WS" "$W/again.json" 2>/dev/null)
check test -n "$AGAIN"
check tracker train --db "$WS" "$AGAIN" >/dev/null
start act 80x24 -- --db "$WS"
check wait_for act "Discount asks again"
check select_row act "Discount asks again  ready to tag"
keys act a
check wait_for act "Upcoming calls and the past 12 months"
keys act Left Left Left Left Left Left Left Left Left Left Left
check wait_for act "(•) Upcoming calls and the past month  "
keys act Enter
check wait_re act "^ Active on upcoming calls and the past month: [0-9]+ detections?\.$" 120
check wait_re act "^ Discount asks.* · active since [0-9-]+ on upcoming calls and the past month *$"
check test "$(screen act | grep -c '1 months\| 1 detections')" = 0
step "settings of an active tracker saved unchanged make no draft to publish"
keys act q
check wait_re act "Discount asks again +active "
keys act e
check wait_for act "Edit the settings (the tracker is active"
keys act C-s
check wait_for act "Saved: the settings are those live, so there is no draft of them to"
check wait_re act "Discount asks again +active +[0-9]"
check test "$(tracker list --db "$WS" --json | json '[t["state"] for t in j if t["name"] == "Discount asks again"][0]')" = active
keys act q
check exits_clean act

step "80 columns: what is wrong with a field of the settings form shows whole, on two rows if need be"
start form 80x24 -- --db "$WS"
check wait_for form "Discount asks again"
keys form n
check wait_for form "New tracker: what it looks for and where"
type_text form "Discount asks again"
check wait_for form "↑ Another tracker is called 'Discount asks again': names"
check wait_re form "^ +are unique\.$"
keys form C-u
type_text form "Pricing"
keys form Tab Tab Tab Tab Tab Tab Tab Tab
check wait_for form "(no emails yet)"
keys form Right
check wait_for form "↑ Emails are not in the workspace yet: a tracker looks at"
check wait_re form "^ +calls only for now\.$"
check test "$(screen form | grep -c '…')" = 0
keys form Escape
check wait_for form "Discount asks again"
keys form q
check exits_clean form

step "tagging a tracker deleted from the command line meanwhile says so, in words"
DOOMED=$(tracker create --db "$WS" --name "Doomed" --mentioned-by customer)
check tracker examples --db "$WS" "$DOOMED" add "We need a discount." "Can you lower the price?" \
	"Is there a better rate?" "Any room on the price?" "Could you knock something off?" >/dev/null
start doomed 80x24 -- --db "$WS"
check wait_for doomed "Doomed"
check select_row doomed "Doomed  "
keys doomed t
check wait_for doomed "Doomed · round 1 · item 1 of 25"
check tracker delete --db "$WS" "$DOOMED" >/dev/null
keys doomed y
check wait_for doomed "The tag was not saved: this tracker was deleted meanwhile (q goes back)."
check test "$(screen doomed | grep -c 'FOREIGN KEY\|store:')" = 0
keys doomed q q
check exits_clean doomed

step "two calls imported after activation, with detected sentences near their ends (headless)"
python3 - "$W/late.jsonl" <<'EOF'
import json, sys
company = ["Let me share my screen for a moment.", "This view shows the weekly numbers.",
           "The rollout usually takes two weeks.", "We can add more seats later on.",
           "Support is included in every plan.", "I will send the notes after the call.",
           "Our team can help with the setup.", "The reports refresh every hour."]
customer = ["That makes sense to me.", "Okay, I see how that works.",
            "Got it, thanks for showing that.", "Right, that is helpful."]
def call(cid, n, asks, day):
    tr = []
    for i in range(n):
        if i in asks:
            who, text = "p2", asks[i]
        elif i % 2:
            who, text = "p2", customer[i // 2 % len(customer)]
        else:
            who, text = "p1", company[i // 2 % len(company)]
        tr.append({"speaker": who, "start_ms": i * 3500, "end_ms": i * 3500 + 3000, "text": text})
    return {"id": cid, "title": "Late call", "started": "2026-05-%02dT10:00:00Z" % day,
            "scope": "external", "meta": {"team": "Enterprise East"},
            "parties": [{"id": "p1", "name": "Dana Reyes", "affiliation": "company"},
                        {"id": "p2", "name": "Lee Park", "affiliation": "customer"}],
            "transcript": tr}
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(call("late-a", 45, {1: "Can you give us a discount on the annual plan?",
        30: "Is there any flexibility on the price if we sign today?",
        44: "Could you knock something off the list price for us?"}, 20)) + "\n")
    f.write(json.dumps(call("late-b", 30, {29: "Can you do better on the price for the first year?"}, 19)) + "\n")
EOF
check tracker import --db "$WS" "$W/late.jsonl" >/dev/null
# the live model detects the four asks (the screens below need them)
check test "$(tracker results --db "$WS" "$ID" --format json | json '
sorted((d["call"], d["text"][:12]) for d in j if d["call"].startswith("late-"))')" = \
	"[('late-a', 'Can you give'), ('late-a', 'Could you kn'), ('late-a', 'Is there any'), ('late-b', 'Can you do b')]"

# line_of NAME TEXT: the screen line (from 1) where TEXT starts, 0 when it is not there
line_of() { screen "$1" | grep -nF -- "$2" | head -n 1 | cut -d: -f1 | grep . || echo 0; }
# list_rows NAME: lines of the call view's transcript area (4 to 21 on 80x24) with text
list_rows() { screen "$1" | sed -n '4,21p' | grep -c '[^ ]'; }

step "call view: n puts the next detected sentence a third of the way down, with what follows"
start calls 80x24 -- --db "$WS"
check wait_for calls "Discount asks"
keys calls r
check wait_for calls "newest call first"
check select_row calls late-a
keys calls Enter
check wait_for calls "3 detected sentences, marked ●"
keys calls n
check wait_for calls "Is there any flexibility on the price"
settled calls
HIT=$(line_of calls "Is there any flexibility on the price")
check test "$HIT" -ge 7
check test "$HIT" -le 12
check test "$(list_rows calls)" = 18

step "call view: n to the last detected sentence, at the call's end, leaves no row empty"
keys calls n
check wait_for calls "Could you knock something off the list price"
settled calls
check test "$(line_of calls "Could you knock something off the list price")" = 21
check test "$(list_rows calls)" = 18

step "call view: opened at a call's last sentence, the screen is full of what came before"
keys calls q
check wait_for calls "newest call first"
check select_row calls late-b
keys calls Enter
check wait_for calls "Can you do better on the price for the first year?"
settled calls
check test "$(line_of calls "Can you do better on the price for the first year?")" = 21
check test "$(list_rows calls)" = 18
keys calls q q q
check exits_clean calls

finish
