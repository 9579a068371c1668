# The training commands at their edges, as a demanding admin meets them: texts far longer
# than a sentence, trackers whose calls are few or none, every tag the same, repeated
# sentences, the limits of activation. Each command either does something sensible (exit
# 0) or says what is wrong (exit 1) and leaves the workspace as it was.
. "$TOP/tests/lib.sh"
suite cli_edges

# Answers every untagged item of the round in stdout with LABEL, or by keyword when LABEL
# is "keyword" (yes for a discount ask).
answer_round() {
	python3 - "$OUT" "$1" >"$TMP/tags.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
words = ("price", "discount", "deal", "off", "rate", "cost")
for it in d["items"]:
    if it["tag"] is None:
        if sys.argv[2] == "keyword":
            label = "yes" if any(w in it["text"].lower() for w in words) else "no"
        else:
            label = sys.argv[2]
        print(it["sentence"], label)
PY
}

# Tags rounds of tracker $2 in workspace $1 with label $4 until $3 rounds are done; stops
# at the first refusal.
tag_rounds() {
	_r=0
	while [ $_r -lt "$3" ]; do
		_r=$((_r + 1))
		run round --db "$1" "$2" --json
		[ "$RC" = 0 ] || return 1
		answer_round "$4"
		run tag --db "$1" "$2" --file "$TMP/tags.txt"
		[ "$RC" = 0 ] || return 1
	done
}

# A table-by-table digest of a workspace, to tell whether a command changed it.
digest() {
	python3 - "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
h = hashlib.sha1()
for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    for row in db.execute("SELECT * FROM %s ORDER BY 1" % t):
        h.update(repr(row).encode())
print(h.hexdigest())
PY
}

EXAMPLES="Can you do better on the price?|Is there any discount if we sign for two years?|Could you knock a bit off the annual fee?|What's the best price you can give us?|Any chance of a lower rate?"
add_examples() {
	_ifs=$IFS
	IFS='|'
	# shellcheck disable=SC2086
	run examples --db "$1" "$2" add $EXAMPLES
	IFS=$_ifs
}

W="$TMP/w.db"
gen_calls "$TMP/calls.jsonl" 30 7
run import --db "$W" "$TMP/calls.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }
run create --db "$W" --name Discount --mentioned-by customer
id=$(cat "$OUT")
add_examples "$W" "$id"
tag_rounds "$W" "$id" 4 keyword || { cat "$ERR"; exit 1; }

# ------------------------------------------------------------------ score

case_ "score: a line of a million characters is scored in seconds, as one text"
python3 -c 'print("can you lower the price " * 40000)' >"$TMP/long.txt"
printf 'Can you do better on the price?\n' >>"$TMP/long.txt"
T_LAST="timeout 60 tracker score --db $W $id --file $TMP/long.txt --json"
timeout 60 "$TRACKER" score --db "$W" "$id" --file "$TMP/long.txt" --json >"$OUT" 2>"$ERR" </dev/null
RC=$?
rc_is 0
json_ok 'len(d) == 2 and all(0 <= x["score"] <= 1 for x in d)'

case_ "score --file on a directory exits 1 saying so, instead of scoring nothing"
run score --db "$W" "$id" --file "$TMP"
rc_is 1
err_has "$TMP: Is a directory"
out_is_empty

case_ "score: a NUL byte in a line names the line, instead of cutting the text there unseen"
printf 'Can you do better on the price?\nwhat about\000 a discount\n' >"$TMP/nul.txt"
run score --db "$W" "$id" --file "$TMP/nul.txt"
rc_is 1
err_has "$TMP/nul.txt:2: a NUL byte"
out_is_empty

case_ "score: a byte order mark before the first line is not part of its text"
printf '\357\273\277Can you do better on the price?\r\nThanks for joining today.\r\n' >"$TMP/bom.txt"
run score --db "$W" "$id" --file "$TMP/bom.txt" --json
rc_is 0
json_ok '[x["text"] for x in d] == ["Can you do better on the price?", "Thanks for joining today."]'
keep bom_scores
printf 'Can you do better on the price?\nThanks for joining today.\n' >"$TMP/plain.txt"
run score --db "$W" "$id" --file "$TMP/plain.txt" --json
same_as bom_scores

# ------------------------------------------------------------------ the overview

case_ "overview: tags made after the model are not counted as what it was built from"
run overview --db "$W" "$id" --json
json_ok 'd["model_version"] == 1 and d["model_tags"] == {"yes": d["tags"]["yes"], "no": d["tags"]["no"]}'
keep built_from
run round --db "$W" "$id" --json
answer_round no
head -n 2 "$TMP/tags.txt" >"$TMP/two.txt"
run tag --db "$W" "$id" --file "$TMP/two.txt"
rc_is 0
run overview --db "$W" "$id" --json
json_ok 'd["model_tags"] == json.load(open("'"$TMP/built_from"'"))["model_tags"]'
json_ok 'd["tags"]["no"] == json.load(open("'"$TMP/built_from"'"))["tags"]["no"] + 2'
yes1=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["tags"]["yes"], d["tags"]["no"])' "$TMP/built_from")
run overview --db "$W" "$id"
rc_is 0
out_has "model version 1, from $(echo "$yes1" | cut -d' ' -f1) yes / $(echo "$yes1" | cut -d' ' -f2) no tags and 5 examples"
out_has "since then: $(echo "$yes1" | cut -d' ' -f1) yes / $(($(echo "$yes1" | cut -d' ' -f2) + 2)) no tags and 5 examples in all"

case_ "tag --file: a byte order mark before the first line is not part of its sentence id"
run round --db "$W" "$id" --json
answer_round no
head -n 1 "$TMP/tags.txt" | sed '1s/^/\xef\xbb\xbf/' >"$TMP/bomtags.txt"
run tag --db "$W" "$id" --file "$TMP/bomtags.txt"
rc_is 0
out_has "tagged 1 sentence (0 yes, 1 no, 0 unsure)"

# ------------------------------------------------------------------ trackers with no calls

case_ "train: a tracker whose settings leave no sentence says so, and writes nothing"
run create --db "$W" --name "No customers" --scope internal --mentioned-by customer
none=$(cat "$OUT")
add_examples "$W" "$none"
before=$(digest "$W")
run train --db "$W" "$none"
rc_is 1
err_has "tracker 'No customers' has no sentences to learn from"
err_has "leave no calls"
err_lacks "learn:"
check "the workspace changed" [ "$(digest "$W")" = "$before" ]

# ------------------------------------------------------------------ every tag yes

# Four calls of distinct sentences, 96 in all: four rounds ask every one of them.
U="$TMP/u.db"
python3 - "$TMP/uniq.jsonl" <<'PY'
import json, random, sys
r = random.Random(3)
words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey yankee zulu "
         "apple banana cherry grape lemon mango melon peach pear plum berry orange kiwi").split()
with open(sys.argv[1], "w") as f:
    for i in range(4):
        tr = [{"speaker": "b", "start_ms": u * 3000, "end_ms": u * 3000 + 2500,
               "text": " ".join(r.sample(words, 6)).capitalize() + "."} for u in range(24)]
        f.write(json.dumps({"id": "u-%d" % i, "title": "t", "started": "2026-0%d-10T10:00:00Z" % (i + 1),
                            "scope": "external", "meta": {"team": "A"},
                            "parties": [{"id": "a", "name": "Rep", "affiliation": "company"},
                                        {"id": "b", "name": "Buyer", "affiliation": "customer"}],
                            "transcript": tr}) + "\n")
PY
run import --db "$U" "$TMP/uniq.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }
run create --db "$U" --name Everything
all=$(cat "$OUT")
add_examples "$U" "$all"

case_ "tag: every sentence yes, the tag that completes round 4 is kept and says why no model was built"
tag_rounds "$U" "$all" 3 yes
rc_is 0
run round --db "$U" "$all" --json
json_ok 'd["round"] == 4'
answer_round yes
run tag --db "$U" "$all" --file "$TMP/tags.txt"
rc_is 0
out_has "the round is complete"
out_has "no model built: tracker 'Everything' has nothing to set against its examples"
err_lacks "learn:"
run overview --db "$U" "$all" --json
json_ok 'd["tags"] == {"yes": 96, "no": 0, "unsure": 0} and d["rounds"] == 4 and d["model_version"] is None'

case_ "train: with every sentence tagged yes, refused with the reason; nothing written"
before=$(digest "$U")
run train --db "$U" "$all"
rc_is 1
err_has "every sentence of its calls is tagged YES (or is in the audit sample"
check "the workspace changed" [ "$(digest "$U")" = "$before" ]

case_ "tag: round 4 changed to no, train builds the model"
sed 's/ yes$/ no/' "$TMP/tags.txt" >"$TMP/no.txt"
run tag --db "$U" "$all" --file "$TMP/no.txt"
rc_is 0
run train --db "$U" "$all"
rc_is 0
out_matches "^model version 1"

case_ "overview: with too few calls for estimates, the audit sample does not claim to agree with one"
run overview --db "$U" "$all" --json
json_ok 'd["precision"] is None and d["audit"]["tagged"] > 0'
json_ok '"no estimate to check yet" in d["audit"]["note"] and "agrees" not in d["audit"]["note"]'

case_ "overview: with no estimate because the settings leave too few calls, it says to widen them"
json_ok 'd["estimate_note"] == "No estimate: it needs YES and NO tags from 10 calls or more, and this tracker'"'"'s settings leave 4 calls: widen them (scope, filters, part of the call) for one."'
run overview --db "$U" "$all"
rc_is 0
out_has "No estimate: it needs YES and NO tags from 10 calls or more, and this tracker's settings leave 4 calls"
out_lacks "too few tags for estimates yet"

case_ "overview: with no estimate yet in a workspace of enough calls, it says what there is so far"
run create --db "$W" --name "Yes to all"
yall=$(cat "$OUT")
add_examples "$W" "$yall"
tag_rounds "$W" "$yall" 4 yes
rc_is 0
out_matches "model version 1 built"
run overview --db "$W" "$yall"
rc_is 0
out_matches "^No estimate yet: it needs YES and NO tags \(2 of each at least\) from 10 calls or more; so far 100 YES and 0 NO from [0-9]+ calls\. Tag another round\.$"
run delete --db "$W" "$yall"
rc_is 0

# ------------------------------------------------------------------ one sentence, said everywhere

S="$TMP/s.db"
python3 - "$TMP/same.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(40):
        tr = [{"speaker": "a" if u % 2 == 0 else "b", "start_ms": u * 3000, "end_ms": u * 3000 + 2500,
               "text": "Can you do better on the price?"} for u in range(30)]
        f.write(json.dumps({"id": "s-%d" % i, "title": "t", "started": "2026-%02d-10T10:00:00Z" % (1 + i % 11),
                            "scope": "external", "meta": {"team": "A"},
                            "parties": [{"id": "a", "name": "Rep", "affiliation": "company"},
                                        {"id": "b", "name": "Buyer", "affiliation": "customer"}],
                            "transcript": tr}) + "\n")
PY
run import --db "$S" "$TMP/same.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }

case_ "round: when the only sentence is an example, says so (not that it was tagged); nothing written"
run create --db "$S" --name Said
said=$(cat "$OUT")
add_examples "$S" "$said"
before=$(digest "$S")
run round --db "$S" "$said"
rc_is 1
err_has "no sentence is left to ask"
err_has "says the same as a tagged sentence or an example"
check "the workspace changed" [ "$(digest "$S")" = "$before" ]

case_ "round: the one sentence there is to ask is asked to train on, not kept back for the audit"
run create --db "$S" --name Other
other=$(cat "$OUT")
run examples --db "$S" "$other" add "Is there any discount for two years?" "Could you knock a bit off?" \
	"What is the best price you can give?" "Any chance of a lower rate?" "Lower the fee?"
run round --db "$S" "$other" --json
rc_is 0
json_ok 'len(d["items"]) == 1 and d["items"][0]["text"] == "Can you do better on the price?"'
answer_round yes
run tag --db "$S" "$other" --file "$TMP/tags.txt"
rc_is 0
out_has "the round is complete"
run train --db "$S" "$other"
rc_is 0
run overview --db "$S" "$other" --json
json_ok 'd["tags"]["yes"] == 1 and d["audit"]["tagged"] == 0'

case_ "score and overview agree on the one sentence: detected everywhere exactly when its text matches"
keep same_overview
printf 'Can you do better on the price?\n' >"$TMP/one.txt"
run score --db "$S" "$other" --file "$TMP/one.txt" --json
rc_is 0
json_ok '(json.load(open("'"$TMP/same_overview"'"))["detections"] == 1200) == d[0]["match"]'
json_ok 'json.load(open("'"$TMP/same_overview"'"))["detections"] in (0, 1200)'

finish
