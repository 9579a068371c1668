#!/bin/sh
# tui-rates: the rates screen at 80x24, against `tracker rates --json` on the same
# workspace: a demo workspace with a tracker activated and 11 weeks of Enterprise East
# calls whose last week jumps from 2 to 10 detected calls in 12 (tests/rates_fixture.py).
# Reached with m from the home list and from the results; b cycles the segment key; the
# help lists its keys; a tracker not active says what it takes. And the results' search.
SUITE=tui-rates
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
step "demo workspace, a tracker activated, the weeks imported"
check demo 120 none "$WS" || { finish; exit 1; }
set -- $(python3 "$TOP/tests/rates_fixture.py" "$TRACKER" "$WS")
ID=$1 WEEK=$2
check test -n "$ID"
check test -n "$WEEK"

# row JSON SEGMENT WEEK FIELD: a field of one row of `tracker rates --json`
row() {
	python3 -c 'import json,sys
for r in json.load(open(sys.argv[1])):
    if r["segment"] == sys.argv[2] and r["week"] == sys.argv[3]:
        print(r[sys.argv[4]])' "$@"
}
tracker rates --db "$WS" "$ID" --json >"$W/team.json"
tracker rates --db "$WS" "$ID" --by all --json >"$W/all.json"
CALLS=$(row "$W/team.json" "Enterprise East" "$WEEK" calls)
DET=$(row "$W/team.json" "Enterprise East" "$WEEK" calls_detected)
check test "$(row "$W/team.json" "Enterprise East" "$WEEK" moved)" = up
# a week before it, which did not move
PREV=$(python3 -c 'import json,sys
d = [r for r in json.load(open(sys.argv[1])) if r["segment"] == "Enterprise East" and not r["moved"]]
print(d[-1]["week"], d[-1]["calls"], d[-1]["calls_detected"])' "$W/team.json")
set -- $PREV
PWEEK=$1 PCALLS=$2 PDET=$3
pct() { python3 -c 'import sys; print("%.0f%%" % (100 * int(sys.argv[1]) / int(sys.argv[2])))' "$1" "$2"; }

step "home: m opens the rates by team, the summary names the week that moved"
start app 80x24 -- --db "$WS"
check wait_for app "Discount asks"
keys app m
check wait_for app "Discount asks · detection rate per week · by team"
check wait_for app "1 week moved in the last 12: Enterprise East up in week $WEEK"
step "rates: the week that moved has the numbers of rates --json and the mark"
check wait_re app "^▸ $WEEK +Enterprise East +$CALLS +$DET +$(pct "$DET" "$CALLS") [█·]{10} ▲ moved up\$"
step "rates: a week that did not move has its numbers and no mark"
check wait_re app "^  $PWEEK +Enterprise East +$PCALLS +$PDET +$(pct "$PDET" "$PCALLS") [█·]{10}\$"
screen app >"$W/rates.txt"
check test "$(grep -c 'moved up\|moved down' "$W/rates.txt")" = 1
check grep -q "^ b by  " "$W/rates.txt"

step "rates: the list keys scroll it (End shows the oldest week)"
OLDEST=$(json 'j[0]["week"]' <"$W/team.json")
keys app End
check wait_re app "^▸ $OLDEST "
keys app Home
check wait_re app "^▸ $WEEK "

step "rates: b cycles the key; a key is named in words (deal stage), as the settings do"
for _ in 1 2 3 4; do
	screen app | grep -q "by deal stage" && break
	keys app b
	settled app
done
check wait_for app "Discount asks · detection rate per week · by deal stage"
check wait_re app "^ +Week +Deal stage +Calls"
check wait_for app "By deal stage."
check test "$(screen app | grep -c deal_stage)" = 0
step "rates: b cycles the key to all calls; the same week moved there"
ACALLS=$(row "$W/all.json" "" "$WEEK" calls)
ADET=$(row "$W/all.json" "" "$WEEK" calls_detected)
for _ in 1 2 3 4; do
	screen app | grep -q "by all calls" && break
	keys app b
	settled app
done
check wait_for app "Discount asks · detection rate per week · by all calls"
check wait_re app "^▸ $WEEK +all calls +$ACALLS +$ADET +$(pct "$ADET" "$ACALLS") [█·]{10} ▲ moved up\$"
check wait_for app "1 week moved in the last 12: all calls up in week $WEEK"

step "rates: the help lists its keys"
keys app '?'
check wait_for app "Keys of the Rates screen"
check wait_for app "by: team, the other metadata keys, all calls"
keys app q
check wait_gone app "Keys of the Rates screen"

step "results: m opens the rates too"
keys app q
check wait_for app "Discount asks"
keys app r
check wait_for app "newest call first"

step "results: / searches the detections as typed; the counts are those of results --json"
tracker results --db "$WS" "$ID" --format json >"$W/results.json"
set -- $(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
m = [r for r in d if any("price" in (r[k] or "").lower() for k in ("text", "speaker", "call", "title"))]
calls = []
for r in m:
    if r["call"] not in calls:
        calls.append(r["call"])
print(len(m), len(d), len(calls), len({r["call"] for r in d}), calls[0],
      sum(1 for r in m if r["call"] == calls[0]))' "$W/results.json")
M=$1 D=$2 MC=$3 DC=$4 FIRST=$5 FIRSTN=$6
keys app /
type_text app "PRICE"
check wait_for app " $M of $D detections, in $MC of $DC calls, match: PRICE"
keys app Enter
check wait_re app "^▸ [0-9-]+ +$FIRST .* $FIRSTN\$"
check wait_re app " / search "
step "results: the search finds letters of any alphabet in either case"
set -- $(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
m = [r for r in d if any("übergabe" in (r[k] or "").lower() for k in ("text", "speaker", "call", "title"))]
print(len(m), len({r["call"] for r in m}))' "$W/results.json")
UM=$1 UC=$2
check test "$UM" -gt 0
keys app / C-u
type_text app "übergabe"
check wait_for app " $UM of $D detections, in $UC of $DC calls, match: übergabe"
keys app Enter
check wait_re app " / search "
step "results: a search nothing matches says so; an empty one shows every call again"
keys app /
keys app C-u
type_text app "zzqx"
check wait_for app "No call matches: / changes the search, an empty one shows every call."
keys app Enter
check wait_re app " / search "
screen app | tail -n 1 >"$W/footer.txt"
check test "$(grep -c 'Enter open\|p play' "$W/footer.txt")" = 0
keys app / C-u Enter
check wait_for app "$D detections in $DC calls, newest call first"
check wait_re app " m rates"

# late_call ID HOURS: a call of Enterprise East HOURS after the newest one, with a
# discount ask, imported by another process
late_call() {
	python3 -c 'import datetime, json, subprocess, sys
T, WS, cid, hours = sys.argv[1:5]
calls = json.loads(subprocess.run([T, "calls", "--json", "--db", WS], check=True,
                                  capture_output=True, text=True).stdout)
last = max(datetime.datetime.strptime(c["started"], "%Y-%m-%dT%H:%M:%SZ") for c in calls)
t = last + datetime.timedelta(hours=int(hours))
lines = [("p1", "Thanks for joining, shall we look at the agenda?"),
         ("p2", "Can you give us a discount if we sign this quarter?")]
print(json.dumps({"id": cid, "title": "Globex late call", "started": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
    "scope": "external", "language": "en", "meta": {"team": "Enterprise East", "deal_stage": "Negotiation"},
    "parties": [{"id": "p1", "name": "Dana Reyes", "affiliation": "company"},
                {"id": "p2", "name": "Lee Park", "affiliation": "customer"}],
    "transcript": [{"speaker": s, "start_ms": 5000 * k, "end_ms": 5000 * k + 4000, "text": x}
                   for k, (s, x) in enumerate(lines)]}))' "$TRACKER" "$WS" "$1" "$2" >"$W/$1.jsonl" &&
	tracker import --db "$WS" "$W/$1.jsonl" >/dev/null
}
step "results: a call imported meanwhile shows without a key; the selected call stays selected"
settled app
SEL=$(screen app | grep '^▸')
check test -n "$SEL"
check late_call late-1 1
check wait_for app "$((D + 1)) detections in $((DC + 1)) calls, newest call first"
check wait_re app "^  [0-9-]+ +late-1 "
check test "$(screen app | grep '^▸')" = "$SEL"
keys app m
check wait_for app "1 week moved in the last 12: Enterprise East up in week $WEEK"
step "rates: a call imported meanwhile shows without a key, on the same row"
check wait_re app "^▸ $WEEK +Enterprise East +$((CALLS + 1)) +$((DET + 1)) "
keys app Down
check wait_re app "^▸ $PWEEK "
check late_call late-2 2
check wait_re app "^  $WEEK +Enterprise East +$((CALLS + 2)) +$((DET + 2)) "
check wait_re app "^▸ $PWEEK "
keys app Home
keys app q
check wait_for app "$((D + 2)) detections in $((DC + 2)) calls, newest call first"
step "results: a call imported while a search is typed shows once the search is done"
keys app /
type_text app "late"
check wait_for app " of $((D + 2)) detections, in "
check late_call late-3 3
sleep 2
check wait_for app " of $((D + 2)) detections, in "
check wait_for app "match: late"
tracker results --db "$WS" "$ID" --format json >"$W/results3.json"
set -- $(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
m = [r for r in d if any("late" in (r[k] or "").lower() for k in ("text", "speaker", "call", "title"))]
print(len(m), len(d), len({r["call"] for r in m}), len({r["call"] for r in d}))' "$W/results3.json")
check test "$2" = "$((D + 3))"
keys app Enter
check wait_for app " $1 of $2 detections, in $3 of $4 calls, match: late"
keys app / C-u Enter
check wait_for app "$((D + 3)) detections in $((DC + 3)) calls, newest call first"
keys app q
check wait_for app "Discount asks"

step "a tracker not active: the rates screen says what it takes"
ID2=$(tracker create --db "$WS" --name "Zeta pricing" --mentioned-by customer)
check test -n "$ID2"
keys app C-l
check wait_for app "Zeta pricing"
for _ in $(seq 5); do
	settled app
	screen app -e >"$W/sel.ans"
	attr "$W/sel.ans" reverse "Zeta pricing" 2>/dev/null && break
	keys app j
done
keys app m
check wait_for app "Zeta pricing · detection rate per week"
check wait_for app "Zeta pricing is not active: no call is scored yet, so there are no"
screen app >"$W/inactive.txt"
check test "$(grep -c '…' "$W/inactive.txt")" = 0
keys app q
keys app q
check exits_clean app

finish
