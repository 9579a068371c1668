# The command line itself: help, exit codes, global options anywhere, `--`, the
# configuration file, and commands on a workspace that is not there.
. "$TOP/tests/lib.sh"
suite cli_basics

W="$TMP/w.db"
gen_calls "$TMP/calls.jsonl" 6

case_ "help: tracker --help prints every command on stdout and exits 0"
run --help
rc_is 0
out_has "usage: tracker"
for cmd in demo import calls show list create examples round tag train overview score activate \
	results export import-tracker; do
	out_matches "^  $cmd "
done
out_has "Exit status: 0 done, 1 the input or state is wrong, 2 usage."
err_is_empty

case_ "help: -h and 'help' are the same"
run --help
keep help
run -h
same_as help
run help
same_as help

case_ "help: tracker CMD --help prints that command's usage and exits 0"
for cmd in demo import calls show list create edit delete examples round tag train overview \
	score activate publish results rates export import-tracker; do
	run "$cmd" --help
	rc_is 0
	out_has "usage: tracker $cmd"
	err_is_empty
done

case_ "help: tracker help CMD and -h after options work too"
run help create
rc_is 0
out_has "usage: tracker create"
run create --name x -h
rc_is 0
out_has "usage: tracker create"

case_ "exit codes: global options and then an unknown word is 2"
run --db "$W" --config /dev/null nonsense
rc_is 2
err_has "unknown command 'nonsense'"
err_has "usage: tracker"

case_ "exit codes: help for an unknown command is 2 and names it"
run help nope
rc_is 2
out_is_empty
err_has "tracker: unknown command 'nope'"
run --help nope
rc_is 2

case_ "exit codes: an empty --db or --config path is 2"
run --db= list
rc_is 2
err_has "tracker: --db needs a path"
run list --db ""
rc_is 2
err_has "tracker: --db needs a path"
run list --config=
rc_is 2
err_has "tracker: --config needs a path"

case_ "exit codes: an unknown command is 2 with the usage"
run frobnicate
rc_is 2
err_has "tracker: unknown command 'frobnicate'"
out_is_empty

case_ "exit codes: an unknown option is 2 and names it, with the command's usage"
run calls --db "$W" --colour
rc_is 2
err_has "unknown option '--colour'"
err_has "usage: tracker calls"

case_ "exit codes: an option missing its value is 2"
run calls --db
rc_is 2
err_has "--db needs a path"
run create --db "$W" --name
rc_is 2
err_has "--name needs a value"

case_ "exit codes: a flag given a value is 2"
run calls --db "$W" --json=yes
rc_is 2
err_has "--json takes no value"

case_ "exit codes: a whole number option given words is 2"
run demo --db "$TMP/d.db" --calls many
rc_is 2
err_has "--calls needs a whole number, not 'many'"
check "a usage error makes no workspace" test ! -e "$TMP/d.db"

case_ "exit codes: wrong input is 1 and says what and where"
run import --db "$W" "$TMP/nowhere.jsonl"
rc_is 1
err_has "$TMP/nowhere.jsonl: No such file or directory"

case_ "workspace: a command other than demo or import needs an existing workspace"
run calls --db "$TMP/typo.db"
rc_is 1
err_has "$TMP/typo.db: no workspace there"
check "no file was made" test ! -e "$TMP/typo.db"
run list --db "$TMP/typo.db" --json
rc_is 1
run create --db "$TMP/typo.db" --name X
rc_is 1
check "no file was made" test ! -e "$TMP/typo.db"

case_ "workspace: demo or import into a folder that is not there names the folder"
run import --db "$TMP/no/such/w.db" "$TMP/calls.jsonl"
rc_is 1
err_has "$TMP/no/such/w.db: the folder $TMP/no/such is not there"
check "no folder was made" test ! -e "$TMP/no"
run demo --db "$TMP/calls.jsonl/w.db" --calls 5
rc_is 1
err_has "$TMP/calls.jsonl/w.db: $TMP/calls.jsonl is not a folder"

case_ "workspace: a file that is not a workspace says so"
echo "not a database, just words, words and more words to fill a page or so" >"$TMP/text.db"
run calls --db "$TMP/text.db"
rc_is 1
err_has "$TMP/text.db: not a tracker workspace"

case_ "workspace: one that cannot be written opens for reading, and is not called 'not a tracker workspace'"
# a folder nobody may write, holding a workspace nobody may write; root writes anyway, so
# the command runs as nobody when the suite runs as root
mkdir "$TMP/ro"
run import --db "$TMP/ro/w.db" "$TMP/calls.jsonl"
chmod 444 "$TMP/ro/w.db"
chmod 555 "$TMP/ro"
chmod 711 "$TMP"
as_nobody=
[ "$(id -u)" = 0 ] && as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
T_LAST="tracker list --db $TMP/ro/w.db (read-only)"
$as_nobody "$TRACKER" list --db "$TMP/ro/w.db" >"$OUT" 2>"$ERR" </dev/null
RC=$?
rc_is 0
out_has "no trackers yet"
err_is_empty
T_LAST="tracker create --db $TMP/ro/w.db --name X (read-only)"
$as_nobody "$TRACKER" create --db "$TMP/ro/w.db" --name X >"$OUT" 2>"$ERR" </dev/null
RC=$?
rc_is 1
err_lacks "not a tracker workspace"
err_has "tracker: $TMP/ro/w.db is read-only (you may not write the file), so nothing can be changed in it"
chmod 755 "$TMP/ro"
chmod 700 "$TMP"

run import --db "$W" "$TMP/calls.jsonl"
case_ "global options: --db before the command"
run --db "$W" calls
rc_is 0
out_has "6 calls"

case_ "global options: -- between them and the command ends them"
run --db "$W" -- calls
rc_is 0
out_has "6 calls"
run -- --db "$W" calls
rc_is 2
err_has "unknown command '--db'"

case_ "global options: --db after the command, before or after its arguments"
run calls --db "$W"
keep calls
rc_is 0
run calls --json --db "$W"
rc_is 0
json_ok 'len(d) == 6'
run show call-0002 --db "$W"
rc_is 0
run show --db "$W" call-0002
rc_is 0
out_has "call-0002"

case_ "global options: --db=PATH and --config=PATH forms"
run calls --db="$W"
same_as calls
printf '[workspace]\npath = w.db\n' >"$TMP/t.conf"
run calls --config="$TMP/t.conf"
same_as calls

case_ "global options: the workspace named in the configuration, relative to its folder"
run --config "$TMP/t.conf" calls
rc_is 0
same_as calls
run calls --config "$TMP/t.conf"
same_as calls

case_ "global options: ./tracker.conf is read when no --config is given"
mkdir -p "$TMP/here"
printf '[workspace]\npath = ../w.db\n' >"$TMP/here/tracker.conf"
(cd "$TMP/here" && "$TRACKER" calls >"$OUT" 2>"$ERR" </dev/null)
RC=$?
T_LAST="(cd here && tracker calls)"
rc_is 0
same_as calls

case_ "demo: tracker.conf's seed is taken whole, however large"
printf '[demo]\nseed = 9999999999999999999\ncalls = 3\n' >"$TMP/seed.conf"
run demo --config "$TMP/seed.conf" --db "$TMP/seed.db" --audio none
rc_is 0
out_has "demo: 3 calls"

case_ "global options: --db wins over the configuration"
printf '[workspace]\npath = other.db\n' >"$TMP/o.conf"
run calls --config "$TMP/o.conf" --db "$W"
same_as calls
check "the configuration's workspace was not made" test ! -e "$TMP/other.db"

case_ "global options: a bad configuration names its file and line, exit 1"
printf '[workspace]\npath = w.db\n[audio]\nvolume = 11\n' >"$TMP/bad.conf"
run calls --config "$TMP/bad.conf"
rc_is 1
err_has "$TMP/bad.conf:4: unknown key 'volume' in [audio]"
run calls --config "$TMP/missing.conf"
rc_is 1
err_has "$TMP/missing.conf: No such file or directory"

case_ "--: ends the options, so an argument may start with a dash"
run create --db "$W" --name Dashes
rc_is 0
id=$(cat "$OUT")
run examples --db "$W" "$id" add -- "-10% off would get this signed." "--really-- cheaper?"
rc_is 0
out_has "added 2 examples"
run examples --db "$W" "$id" list --json
json_ok '[e["text"] for e in d] == ["-10% off would get this signed.", "--really-- cheaper?"]'

case_ "--: without it a leading dash is an unknown option"
run examples --db "$W" "$id" add "-5% maybe?"
rc_is 2
err_has "unknown option '-5% maybe?'"

case_ "--: global options after -- are text, not options"
run examples "$id" add --db "$W" -- --db
rc_is 0
run examples --db "$W" "$id" list --json
json_ok 'd[-1]["text"] == "--db"'

case_ "--version prints the schema version"
run --version
rc_is 0
out_matches "^tracker \(workspace schema [0-9]+\)$"

finish
