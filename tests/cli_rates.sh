# tracker rates marks the weeks whose detection rate moved beyond chance: on a demo
# workspace with a tracker activated, 11 weeks of Enterprise East calls at 2 detected in
# 12, then 10 in 12 (tests/rates_fixture.py). Only that week is marked, "up", in the JSON
# ("moved") and in the text table's last column; every other row has moved null and the
# columns it had.
. "$TOP/tests/lib.sh"
suite cli_rates

W="$TMP/w.db"
export TRACKER_NOW=1780000000

case_ "a demo workspace with a tracker activated and 11 weeks imported after it"
"$TRACKER" demo --db "$W" --labels "$W.labels" --calls 120 --seed 7 --audio none \
	>/dev/null 2>"$TMP/demo.err" || fail "demo: $(cat "$TMP/demo.err")"
set -- $(python3 "$TOP/tests/rates_fixture.py" "$TRACKER" "$W") || fail "fixture"
id=$1 week=$2
check "the fixture names a tracker and a week" [ -n "$id" ] && [ -n "$week" ]

case_ "rates --json: the jump is 'moved': 'up' in its week and team; every other row null"
run rates --db "$W" "$id" --json
rc_is 0
json_ok '[(r["segment"], r["week"], r["calls"], r["calls_detected"]) for r in d if r["moved"]] == [("Enterprise East", "'"$week"'", 12, 10)]'
json_ok '[r["moved"] for r in d if r["moved"]] == ["up"]'
json_ok 'all("moved" in r and r["moved"] in (None, "up", "down") for r in d)'
json_ok 'all(set(r) == {"segment", "week", "calls", "calls_detected", "detections", "moved"} for r in d)'

case_ "rates: the text table's last column says up on that row only, after the columns it had"
run rates --db "$W" "$id"
rc_is 0
out_matches '^week +team +calls +detected +rate moved$'
out_matches "^$week +Enterprise East +12 +10 +83% up\$"
check "one row moved" [ "$(grep -c ' up$\| down$' "$OUT")" = 1 ]
out_matches '^[0-9]{4}-W[0-9]{2} +Enterprise East +12 +2 +17%$'

case_ "rates --by all: the same week moved in all calls (it has only those 12)"
run rates --db "$W" "$id" --by all --json
rc_is 0
json_ok '[(r["segment"], r["week"]) for r in d if r["moved"] == "up"] == [("", "'"$week"'")]'
run rates --db "$W" "$id" --by deal_stage --json
rc_is 0
json_ok '[(r["segment"], r["week"]) for r in d if r["moved"]] == [("Negotiation", "'"$week"'")]'

finish
