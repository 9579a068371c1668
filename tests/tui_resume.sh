#!/bin/sh
# tui-resume: the app killed mid-round loses no tag already typed, and reopening returns
# to the same tracker, round and item.
SUITE=tui-resume
. "$(dirname "$0")/tui/lib.sh"

WS=$W/ws.db
step "demo workspace and a tracker with 5 examples (headless)"
check demo 120 none "$WS" || { finish; exit 1; }
ID=$(tracker create --db "$WS" --name "Next steps" --mentioned-by any)
check test -n "$ID"
check tracker examples --db "$WS" "$ID" add "Let's schedule a follow-up next week." \
	"I'll send the proposal over tomorrow." "Can we book a demo with your team?" \
	"What are the next steps on your side?" "We'll loop in legal after this call." >/dev/null

step "tagging: 7 items typed, then the app is killed"
start app 120x40 -- --db "$WS"
check wait_for app "Next steps"
keys app t
check wait_for app "round 1 · item 1 of 25 · 0/25 tagged"
tracker round --db "$WS" "$ID" --json >"$W/round.json"
for i in 1 2 3 4 5 6 7; do
	k=n
	[ $((i % 3)) = 0 ] && k=y
	[ "$i" = 5 ] && k=u
	check wait_for app "item $i of 25 · $((i - 1))/25 tagged"
	keys app "$k"
	echo "$k" >>"$W/typed"
done
check wait_for app "item 8 of 25 · 7/25 tagged"
kill -9 "$(cat "$W/app.pid")"
check test "$(wait_exit app)" = 137

step "store: the 7 tags are there at their items, in the order typed"
tracker round --db "$WS" "$ID" --json >"$W/after.json"
check test "$(json 'j["round"]' <"$W/after.json")" = 1
check test "$(json '[i["sentence"] for i in j["items"]]' <"$W/after.json")" = \
	"$(json '[i["sentence"] for i in j["items"]]' <"$W/round.json")"
check test "$(json '",".join(str(i["tag"]) for i in j["items"][:8])' <"$W/after.json")" = \
	"no,no,yes,no,unsure,yes,no,None"
check test "$(json 'sum(1 for i in j["items"] if i["tag"])' <"$W/after.json")" = 7

step "reopening: the same tracker, round and item, with every tag kept"
start app2 120x40 -- --db "$WS"
check wait_for app2 "Next steps · round 1 · item 8 of 25 · 7/25 tagged"
check wait_for app2 "YES 2  NO 4  NOT SURE 1"
check wait_for app2 "$(json 'j["items"][7]["text"][:40]' <"$W/round.json")"
screen app2 -e >"$W/item8.ans"
check attr "$W/item8.ans" bold "$(json 'j["items"][7]["text"][:40]' <"$W/round.json")"

step "moving back without tagging is remembered too"
keys app2 Left Left
check wait_for app2 "item 6 of 25 · 7/25 tagged"
check wait_for app2 "This item: YES"
kill -9 "$(cat "$W/app2.pid")"
wait_exit app2 >/dev/null
start app3 120x40 -- --db "$WS"
check wait_for app3 "round 1 · item 6 of 25 · 7/25 tagged"

step "tagging goes on from there; q keeps the round and the next start is the trackers"
keys app3 Right Right n
check wait_for app3 "item 9 of 25 · 8/25 tagged"
step "the call of an item: no detection in it, so no n next hit; n says so"
keys app3 c
check wait_re app3 "^ [0-9]+ sentences *$"
screen app3 | tail -n 1 >"$W/footer.txt"
check test "$(grep -c 'next hit' "$W/footer.txt")" = 0
check grep -q "p play" "$W/footer.txt"
keys app3 n
check wait_for app3 "No sentence of this call is detected: n and N have none to go to."
keys app3 q
check wait_for app3 "item 9 of 25 · 8/25 tagged"
keys app3 q
check wait_for app3 "Round 1 kept: 8 of 25 tagged."
check test "$(tracker round --db "$WS" "$ID" --json | json 'sum(1 for i in j["items"] if i["tag"])')" = 8
keys app3 q
check exits_clean app3
start app4 120x40 -- --db "$WS"
check wait_re app4 "Next steps +in training: round 1"
keys app4 Enter
check wait_for app4 "round 1 · item 9 of 25 · 8/25 tagged"
step "Ctrl-L shows the tags the command line set meanwhile"
check tracker tag --db "$WS" "$ID" "$(json 'j["items"][8]["sentence"]' <"$W/round.json")" yes
check tracker tag --db "$WS" "$ID" "$(json 'j["items"][9]["sentence"]' <"$W/round.json")" no
keys app4 C-l
check wait_for app4 "round 1 · item 9 of 25 · 10/25 tagged"
check wait_for app4 "This item: YES"
check wait_for app4 "YES 3  NO 6  NOT SURE 1"
keys app4 C-c
check exits_clean app4

finish
