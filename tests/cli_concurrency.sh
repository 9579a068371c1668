# Two commands on one workspace at once: what each reads to decide what it writes is read
# in the transaction that writes it, so neither undoes nor duplicates the other's work.
# To make them meet, a third process holds the workspace's write lock while both start;
# both read, wait for the lock, and write one after the other.
. "$TOP/tests/lib.sh"
suite cli_concurrency

W="$TMP/w.db"
gen_calls "$TMP/calls.jsonl" 12 3
run import --db "$W" "$TMP/calls.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }

# Holds the write lock of workspace $1 for $2 seconds, in the background; returns once
# it is held.
hold_lock() {
	rm -f "$TMP/.held"
	python3 - "$1" "$2" "$TMP/.held" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
PY
	_n=0
	while [ ! -e "$TMP/.held" ] && [ $_n -lt 100 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
}

# Runs tracker with the arguments in the background, its output in $TMP/bg.$1.*.
bg() {
	_k=$1
	shift
	"$TRACKER" "$@" >"$TMP/bg.$_k.out" 2>"$TMP/bg.$_k.err" </dev/null &
}

run create --db "$W" --name Discount
id=$(cat "$OUT")

case_ "edit: two edits of different settings at once keep both"
hold_lock "$W" 1.5
bg a edit --db "$W" "$id" --scope internal
bg b edit --db "$W" "$id" --description "Asking for a lower price"
wait
check "the first edit said saved" grep -qx saved "$TMP/bg.a.out"
check "the second edit said saved" grep -qx saved "$TMP/bg.b.out"
run list --db "$W" --json
json_ok 'd[0]["scope"] == "internal"'
json_ok 'd[0]["description"] == "Asking for a lower price"'

case_ "examples add: the same example added twice at once is kept once"
hold_lock "$W" 1.5
bg a examples --db "$W" "$id" add "Can you do better on the price?"
bg b examples --db "$W" "$id" add "can you do better on the price?"
wait
run examples --db "$W" "$id" list --json
json_ok 'len(d) == 1'
check "one of them says it skipped a duplicate" \
	grep -q "skipped: same as an example already given" "$TMP/bg.a.err" "$TMP/bg.b.err"
check "and counts the example there was" grep -q "(1 in all, 1 duplicate skipped)" \
	"$TMP/bg.a.out" "$TMP/bg.b.out"

case_ "activate: of two activations at once one is done and the other refused"
run examples --db "$W" "$id" add "Is there any discount if we sign for two years?" \
	"Could you knock a bit off the annual fee?" "What's the best price you can give us?" \
	"Any chance of a lower rate?"
rc_is 0
run train --db "$W" "$id"
rc_is 0
hold_lock "$W" 1.5
bg a activate --db "$W" "$id" --backfill-months 6
bg b activate --db "$W" "$id" --upcoming-only
wait
check "one says it is active" test "$(cat "$TMP/bg.a.out" "$TMP/bg.b.out" | grep -c '^active on upcoming calls')" = 1
check "the other says it was active already" grep -q "is active already" "$TMP/bg.a.err" "$TMP/bg.b.err"
run list --db "$W" --json
json_ok 'd[0]["active"] is True'

case_ "busy: a workspace kept busy beyond the wait says so, and nothing is written"
run list --db "$W" --json
keep list_before
hold_lock "$W" 7
run create --db "$W" --name Busy
wait
rc_is 1
out_is_empty
err_has "database is locked (another tracker command or the app kept the workspace busy; nothing was written: try again when it is done)"
run list --db "$W" --json
same_as list_before

finish
