# A workspace that cannot be written: the commands that read it work and print what they
# printed before, those that change it stop at once with exit 1 and a message naming the
# file, and the file stays byte for byte as it was, with no -wal or -shm file left beside
# it. Root writes through file permissions, so as root the reading runs as nobody, and
# the workspace is also made read-only in the ways that stop root: an immutable file
# (chattr +i) and a read-only mount of its folder.
. "$TOP/tests/lib.sh"
suite cli_readonly

D="$TMP/ws"
W="$D/w.db"
mkdir "$D"
# nothing made read-only here may stop the suite's own clean-up
cleanup() {
	chattr -i "$TMP"/*/*.db 2>/dev/null
	chmod -R u+w "$TMP" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

run demo --db "$W" --calls 60 --audio none --labels "$TMP/labels.tsv"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }
run create --db "$W" --name Discount --mentioned-by customer
id=$(cat "$OUT")
run examples --db "$W" "$id" add "Can you do better on the price?" "Is there any discount?" \
	"Could you knock a bit off the fee?" "What's your best price?" "Any chance of a lower rate?"
for r in 1 2 3 4; do
	run round --db "$W" "$id" --json
	python3 - "$OUT" "$TMP/labels.tsv" >"$TMP/tags.txt" <<'PY'
import json, sys
yes = {int(l.split("\t")[0]) for l in open(sys.argv[2]) if l.rstrip("\n").endswith("\tasking_for_discount")}
for it in json.load(open(sys.argv[1]))["items"]:
    if it["tag"] is None:
        print(it["sentence"], "yes" if it["sentence"] in yes else "no")
PY
	run tag --db "$W" "$id" --file "$TMP/tags.txt"
done
run activate --db "$W" "$id"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }
run create --db "$W" --name "Next steps"
sid=$(head -n 1 "$TMP/tags.txt" | cut -d' ' -f1)
printf 'Can you do better on the price?\nLet us book a follow-up.\n' >"$TMP/texts.txt"
gen_calls "$TMP/more.jsonl" 1 3 900

# The commands that only read, one a line, each with what it printed on the workspace as
# it was made.
cat >"$TMP/reading" <<EOF
list
list --json
calls
calls --json
show call-0001 --json
examples $id list
overview $id
overview $id --json
results $id
results $id --format json
rates $id
rates $id --json
export $id
score $id --file $TMP/texts.txt --json
EOF
n=0
while read -r cmd; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	run $cmd --db "$W"
	[ "$RC" = 0 ] || { echo "setup: tracker $cmd: exit $RC: $(cat "$ERR")"; exit 1; }
	keep "read$n"
done <"$TMP/reading"
run export --db "$W" "$id"
keep export.json

# The commands that change it.
cat >"$TMP/writing" <<EOF
create --name Another
edit $id --description changed
delete $id
examples $id add Nonprofit?
round $id
tag $id $sid yes
train $id
activate $id --upcoming-only
publish $id
import $TMP/more.jsonl
import-tracker $TMP/export.json
demo --calls 5
EOF

# How the commands reach the workspace: READER before each (nothing, setpriv, or a
# read-only mount), and the path they give for it.
READER=
RW=$W
# reads: every reading command prints what it printed before
reads() {
	n=0
	while read -r cmd; do
		n=$((n + 1))
		T_LAST="$READER tracker $cmd --db $RW"
		# shellcheck disable=SC2086
		$READER "$TRACKER" $cmd --db "$RW" >"$OUT" 2>"$ERR" </dev/null
		RC=$?
		rc_is 0
		same_as "read$n"
		err_is_empty
	done <"$TMP/reading"
}
# writes REASON: every changing command exits 1 saying the file is read-only and why
writes() {
	while read -r cmd; do
		T_LAST="$READER tracker $cmd --db $RW"
		# shellcheck disable=SC2086
		$READER "$TRACKER" $cmd --db "$RW" >"$OUT" 2>"$ERR" </dev/null
		RC=$?
		rc_is 1
		err_has "tracker: $RW is read-only ($1), so nothing can be changed in it"
		out_is_empty
	done <"$TMP/writing"
}
# untouched FILE SUM: the file is as it was and nothing was made beside it
untouched() {
	check "$1 is unchanged" test "$(cksum <"$1")" = "$2"
	check "no $1-wal or -shm was made" test ! -e "$1-wal" -a ! -e "$1-shm"
}
SUM=$(cksum <"$W")

# As root, permissions are for nobody, who may run the binary when its path is open to all.
as_user=
if [ "$(id -u)" = 0 ]; then
	chmod 711 "$TMP"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	$as_user "$TRACKER" --version >/dev/null 2>&1 || as_user=none
fi

if [ "$as_user" = none ]; then
	echo "cli_readonly: skipped the permission cases: nobody cannot run $TRACKER"
else
	READER=$as_user
	case_ "file read-only, its folder writable: reading commands print what they printed"
	chmod 444 "$W"
	chmod 777 "$D"
	reads
	untouched "$W" "$SUM"

	case_ "file read-only: changing commands exit 1 naming the file; it is unchanged"
	writes "you may not write the file"
	untouched "$W" "$SUM"

	case_ "folder read-only: reading works, changing does not, and no -wal or -shm appears"
	chmod 644 "$W"
	chmod 555 "$D"
	reads
	if [ -n "$as_user" ]; then
		writes "you may not write the file"
	else
		writes "you may not write its folder, where its -wal and -shm files go"
	fi
	untouched "$W" "$SUM"

	case_ "a workspace open elsewhere is read through its -wal and -shm files"
	# a writer holds a copy open, with a change not yet in the file
	mkdir "$TMP/held"
	cp "$W" "$TMP/held/w.db"
	python3 - "$TMP/held/w.db" "$TMP/holding" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE trackers SET name = 'Next steps, renamed' WHERE name = 'Next steps'")
c.commit()
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]):
    time.sleep(0.05)
c.close()
PY
	held=$!
	for _ in $(seq 200); do [ -e "$TMP/holding" ] && break; sleep 0.05; done
	chmod 444 "$TMP/held/w.db"
	RW=$TMP/held/w.db
	T_LAST="tracker list --db $RW (held open)"
	$READER "$TRACKER" list --db "$RW" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	rc_is 0
	out_has "Next steps, renamed"
	rm -f "$TMP/holding"
	wait "$held"

	case_ "a stale index is built in memory, not saved: the overview is the same"
	mkdir "$TMP/noindex"
	cp "$W" "$TMP/noindex/w.db"
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM blobs WHERE name = ?", ("learn.index",)); c.commit(); c.close()' "$TMP/noindex/w.db"
	chmod 444 "$TMP/noindex/w.db"
	chmod 555 "$TMP/noindex"
	sum2=$(cksum <"$TMP/noindex/w.db")
	RW=$TMP/noindex/w.db
	T_LAST="tracker overview $id --json --db $RW"
	$READER "$TRACKER" overview "$id" --json --db "$RW" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	rc_is 0
	same_as read8
	err_is_empty
	untouched "$RW" "$sum2"

	case_ "a workspace of an older schema says to open it once with write access"
	mkdir "$TMP/old"
	cp "$W" "$TMP/old/w.db"
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 3"); c.commit(); c.close()' "$TMP/old/w.db"
	chmod 444 "$TMP/old/w.db"
	chmod 555 "$TMP/old"
	sum3=$(cksum <"$TMP/old/w.db")
	RW=$TMP/old/w.db
	T_LAST="tracker list --db $RW"
	$READER "$TRACKER" list --db "$RW" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	rc_is 1
	err_has "tracker: $RW: the workspace was made by an older tracker (schema 3; this one needs"
	err_has "open it once with write access, which upgrades it"
	out_is_empty
	untouched "$RW" "$sum3"

	case_ "changes still in a -wal file that cannot be read without a -shm file are not passed over"
	mkdir "$TMP/walonly"
	python3 - "$W" "$TMP/walonly" <<'PY'
import shutil, sqlite3, sys
src, dst = sys.argv[1], sys.argv[2]
shutil.copy(src, dst + "/src.db")
c = sqlite3.connect(dst + "/src.db")
c.execute("PRAGMA wal_autocheckpoint = 0")
c.execute("UPDATE trackers SET name = 'Only in the wal' WHERE name = 'Next steps'")
c.commit()
shutil.copy(dst + "/src.db", dst + "/w.db")
shutil.copy(dst + "/src.db-wal", dst + "/w.db-wal")
c.close()
PY
	rm -f "$TMP/walonly/src.db"*
	chmod 444 "$TMP/walonly/w.db"
	chmod 555 "$TMP/walonly"
	RW=$TMP/walonly/w.db
	T_LAST="tracker list --db $RW"
	$READER "$TRACKER" list --db "$RW" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	rc_is 1
	err_has "changes to it are still in"
	err_has "copy the workspace with its -wal file to a folder you can write"
	out_is_empty
	check "no -shm was made" test ! -e "$RW-shm"
	RW=$W
fi
chmod 755 "$D"
chmod 644 "$W"

# Root is stopped by an immutable file and by a read-only file system, not by permissions.
if [ "$(id -u)" = 0 ]; then
	READER=
	if chattr +i "$W" 2>/dev/null && ! (: >>"$W") 2>/dev/null; then
		case_ "root, immutable file: reading works, changing exits 1, the file is unchanged"
		reads
		writes "the file is marked immutable"
		untouched "$W" "$SUM"
		chattr -i "$W"
	else
		chattr -i "$W" 2>/dev/null
		echo "cli_readonly: skipped the immutable-file case: chattr +i does not work here"
	fi
	# the folder mounted read-only, in a mount namespace of the command's own
	cat >"$TMP/in-ro-mount" <<'EOF'
#!/bin/sh
dir=$1
shift
exec unshare -m --propagation private sh -c \
	'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"' "$dir" "$@"
EOF
	chmod 755 "$TMP/in-ro-mount"
	if "$TMP/in-ro-mount" "$D" sh -c '! (: >"$0/probe") 2>/dev/null' "$D" 2>/dev/null && [ ! -e "$D/probe" ]; then
		case_ "root, read-only file system: reading works, changing exits 1, nothing appears"
		READER="$TMP/in-ro-mount $D"
		reads
		writes "it is on a read-only file system"
		untouched "$W" "$SUM"
	else
		rm -f "$D/probe"
		echo "cli_readonly: skipped the read-only mount case: cannot mount here"
	fi
else
	echo "cli_readonly: skipped the immutable-file and read-only mount cases: they need root"
fi

case_ "the same workspace writable again: changes work"
READER=
run create --db "$W" --name Another
rc_is 0
check "-wal and -shm are gone after the last writer" test ! -e "$W-wal" -a ! -e "$W-shm"

# The open round of a read-only workspace: shown as it was, items and tags.
run tag --db "$W" "$id" --file "$TMP/tags.txt"
run round --db "$W" "$id" --json
keep open_round
if [ "$(id -u)" = 0 ]; then
	READER=
	chattr +i "$W" 2>/dev/null && ! (: >>"$W") 2>/dev/null || READER=skip
else
	READER=
	chmod 444 "$W"
fi
if [ "$READER" = skip ]; then
	chattr -i "$W" 2>/dev/null
	echo "cli_readonly: skipped the open-round case: chattr +i does not work here"
else
	case_ "read-only: round shows the open round as it was; it makes none"
	SUM=$(cksum <"$W")
	run round --db "$W" "$id" --json
	rc_is 0
	same_as open_round
	err_is_empty
	untouched "$W" "$SUM"
	chattr -i "$W" 2>/dev/null
	chmod 644 "$W"
fi

finish
