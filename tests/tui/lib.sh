# Shared steps of the TUI suites (tests/tui_*.sh): a private tmux server, the app in a
# fixed-size pane, polling captures, screen and attribute assertions, cached demo
# workspaces and the test counters. Sourced, never run.
#
# A suite sets SUITE ("tui-flow") before sourcing, then calls the steps and ends with
# `finish`, which prints "SUITE: N passed, N failed".

TRACKER=${TRACKER:-$(pwd)/tracker}
TOP=${TOP:-$(pwd)}
TUI_LIB=$TOP/tests/tui
W=$(mktemp -d "${TMPDIR:-/tmp}/$SUITE.XXXXXX")
SOCK="$SUITE-$$"
# the server's socket lives (and goes) with the suite's folder
export TMUX_TMPDIR="$W"
T="tmux -L $SOCK -f $TOP/tests/tmux.conf"
# a fixed clock: the store's timestamps and the demo's dates do not move
NOW=1780000000
export LANG=C.UTF-8 TRACKER_NOW=$NOW
# no configuration from the tree or the user: only what a suite writes
CONF=$W/tracker.conf
: >"$CONF"
pass=0
fail=0
name="setup"

cleanup() {
	$T kill-server 2>/dev/null
	if [ -n "$JACK_PID" ]; then kill "$JACK_PID" 2>/dev/null; fi
	rm -rf "$W"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1))
	echo "FAIL $name: $*" >&2
}
# check COMMAND...: the command must succeed
check() { if "$@"; then ok; else bad "$*"; fi; }
# step NAME: names the cases that follow
step() { name=$1; }

finish() {
	echo "$SUITE: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# ------------------------------------------------------------------ demo workspaces

# demo CALLS AUDIO DEST: copies a demo workspace of CALLS calls (audio none or lazy) to
# DEST and its ground truth to DEST.labels. Each is generated once per build of the
# binary under test and kept in build/tui-cache (recordings made on first use too).
demo() {
	calls=$1 audio=$2 dest=$3
	sum=$(cksum <"$TRACKER" | cut -d' ' -f1)
	cache=$TOP/build/tui-cache
	prefix=$cache/demo-$calls-$audio-$(basename "$TRACKER")
	base=$prefix-$sum.db
	if [ ! -f "$base.done" ]; then
		mkdir -p "$cache"
		rm -rf "$prefix"-*
		if ! "$TRACKER" demo --config "$CONF" --db "$base" --labels "$base.labels" \
			--calls "$calls" --seed 7 --audio "$audio" >"$W/demo.log" 2>&1 </dev/null; then
			echo "demo workspace failed: $(cat "$W/demo.log")" >&2
			return 1
		fi
		: >"$base.done"
	fi
	cp "$base" "$dest"
	cp "$base.labels" "$dest.labels"
}

# ------------------------------------------------------------------ the app in tmux

# quote ARG: ARG quoted for sh
quote() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }

# start NAME COLSxROWS [VAR=VALUE...] -- ARGS...: runs the app in a pane of its own with
# those variables set; its exit status lands in $W/NAME.rc, its pid in $W/NAME.pid and
# its standard error in $W/NAME.err.
start() {
	sname=$1 size=$2
	shift 2
	envs="LANG=C.UTF-8 ESCDELAY=25 TRACKER_NOW=$NOW TERM=tmux-256color"
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $(quote "$1")"
		shift
	done
	[ "$1" = "--" ] && shift
	cmd="env $envs sh -c 'echo \$\$ >\"\$0\"; exec \"\$@\"' $(quote "$W/$sname.pid") $(quote "$TRACKER")"
	for a in "$@"; do cmd="$cmd $(quote "$a")"; done
	rm -f "$W/$sname.rc" "$W/$sname.pid"
	printf '%s 2>%s\necho $? >%s\n' "$cmd" "$(quote "$W/$sname.err")" "$(quote "$W/$sname.rc")" \
		>"$W/$sname.sh"
	$T new-session -d -s "$sname" -x "${size%x*}" -y "${size#*x}" sh "$W/$sname.sh"
}

# screen NAME [-e]: the pane as text (with attributes when -e)
screen() { $T capture-pane -p $2 -t "$1"; }

# wait_for NAME TEXT [SECONDS]: polls the pane until TEXT shows (default 20 s)
wait_for() {
	tries=$(( ${3:-20} * 20 ))
	while [ "$tries" -gt 0 ]; do
		if screen "$1" | grep -qF -- "$2"; then return 0; fi
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "--- waited for '$2' on $1; the screen:" >&2
	screen "$1" >&2
	[ -s "$W/$1.err" ] && { echo "--- stderr:" >&2; cat "$W/$1.err" >&2; }
	return 1
}

# wait_re NAME REGEX [SECONDS]: the same with an extended regular expression
wait_re() {
	tries=$(( ${3:-20} * 20 ))
	while [ "$tries" -gt 0 ]; do
		if screen "$1" | grep -qE -- "$2"; then return 0; fi
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "--- waited for /$2/ on $1; the screen:" >&2
	screen "$1" >&2
	return 1
}

# wait_gone NAME REGEX [SECONDS]: polls until no line matches REGEX
wait_gone() {
	tries=$(( ${3:-20} * 20 ))
	while [ "$tries" -gt 0 ]; do
		if ! screen "$1" | grep -qE -- "$2"; then return 0; fi
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "--- waited for /$2/ to go from $1; the screen:" >&2
	screen "$1" >&2
	return 1
}

# settled NAME: waits until two captures 100 ms apart are the same
settled() {
	prev=""
	for _ in $(seq 100); do
		cur=$(screen "$1")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.1
	done
	return 1
}

# keys NAME KEY...: tmux key names (Enter, BSpace, Escape, C-s, Left, y ...)
keys() {
	sname=$1
	shift
	$T send-keys -t "$sname" "$@"
}

# type NAME TEXT: literal text
type_text() { $T send-keys -t "$1" -l -- "$2"; }

# wait_exit NAME [SECONDS]: waits for the app to end; prints its status
wait_exit() {
	tries=$(( ${2:-20} * 20 ))
	while [ "$tries" -gt 0 ] && [ ! -s "$W/$1.rc" ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	cat "$W/$1.rc" 2>/dev/null
}

# exits_clean NAME: the app ended with status 0 and wrote nothing on standard error
# (sanitizer reports land there)
exits_clean() {
	rc=$(wait_exit "$1")
	if [ "$rc" != 0 ]; then
		echo "--- $1 exited with status '$rc'" >&2
		cat "$W/$1.err" >&2
		return 1
	fi
	if [ -s "$W/$1.err" ]; then
		echo "--- $1 wrote on standard error:" >&2
		head -n 60 "$W/$1.err" >&2
		return 1
	fi
	return 0
}

# attr FILE bold|plain TEXT: the line starting with TEXT (after indentation) is all
# bold / has no bold, in a capture made with -e; attr FILE reverse|unreversed TEXT: the
# line holding TEXT shows it all in reverse video (selected) / none of it
attr() { python3 "$TUI_LIB/sgr.py" "$1" "$2" "$3"; }

# same_screen NAME EXPECTED: the pane equals the expected screen file (diff on failure)
same_screen() {
	screen "$1" | sed 's/ *$//' >"$W/got.txt"
	sed 's/ *$//' "$2" >"$W/want.txt"
	if diff -u "$W/want.txt" "$W/got.txt" >"$W/diff.txt"; then return 0; fi
	cat "$W/diff.txt" >&2
	return 1
}

# json EXPR < JSON: evaluates a Python expression on the parsed input (as j)
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# tracker ARGS...: the headless commands on the suite's configuration
tracker() { "$TRACKER" --config "$CONF" "$@" </dev/null; }
