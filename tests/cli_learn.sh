# A small end-to-end run of the training commands on a generated workspace: round, tag,
# train, overview and score. Only the shapes and the rules of DESIGN.md are checked; how
# good the model is belongs to the trainer's own tests.
. "$TOP/tests/lib.sh"
suite cli_learn

W="$TMP/w.db"
gen_calls "$TMP/calls.jsonl" 30 7
run import --db "$W" "$TMP/calls.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }
run create --db "$W" --name Discount --mentioned-by customer
id=$(cat "$OUT")

# Answers every untagged item of the round in stdout: yes for a discount ask.
answer_round() {
	python3 - "$OUT" >"$TMP/tags.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
words = ("price", "discount", "deal", "off", "rate", "cost")
for i, it in enumerate(d["items"]):
    if it["tag"] is None:
        label = "yes" if any(w in it["text"].lower() for w in words) else "no"
        if i % 11 == 10:
            label = "unsure"
        print(it["sentence"], label)
PY
}

case_ "round: refused with fewer than 5 examples, saying so"
run examples --db "$W" "$id" add "Can you do better on the price?" "Is there a discount?"
run round --db "$W" "$id"
rc_is 1
err_matches "5|examples"
run list --db "$W" --json
json_ok 'd[0]["rounds"] == 0'

run examples --db "$W" "$id" add "Could you knock a bit off the fee?" "What's your best price?" \
	"Any chance of a lower rate?"
case_ "overview: before any model the version and the estimates are null"
run overview --db "$W" "$id" --json
rc_is 0
json_ok 'd["tracker"] == '"$id"' and d["model_version"] is None'
json_ok 'd["precision"] is None and d["recall"] is None'
json_ok 'd["precision_ci"] is None and d["recall_ci"] is None'
json_ok 'd["tags"] == {"yes": 0, "no": 0, "unsure": 0}'

case_ "round --json: 25 items said by customers, each with context, call, speaker and times"
run round --db "$W" "$id" --json
rc_is 0
keep round1
json_ok 'd["tracker"] == '"$id"' and d["round"] == 1 and len(d["items"]) == 25'
json_ok 'all(set(it) >= {"sentence", "text", "before", "after", "call", "speaker", "affiliation", "start_ms", "end_ms", "tag"} for it in d["items"])'
json_ok 'all(it["affiliation"] == "customer" for it in d["items"])'
json_ok 'all(it["tag"] is None for it in d["items"])'
json_ok 'all(isinstance(it["before"], list) and len(it["before"]) <= 2 and len(it["after"]) <= 2 for it in d["items"])'
json_ok 'all(it["call"].startswith("call-") and it["start_ms"] <= it["end_ms"] for it in d["items"])'
json_ok 'len({it["sentence"] for it in d["items"]}) == 25'

case_ "round: the open round comes back unchanged until it is complete"
run round --db "$W" "$id" --json
same_as round1
run round --db "$W" "$id"
rc_is 0
out_has "round 1: 0 of 25 tagged"

case_ "tag: one sentence, then the round shows it"
s1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["sentence"])' "$TMP/round1")
run tag --db "$W" "$id" "$s1" yes
rc_is 0
out_is "tagged 1 sentence (1 yes, 0 no, 0 unsure)"
run round --db "$W" "$id" --json
json_ok 'd["round"] == 1 and d["items"][0]["tag"] == "yes" and sum(it["tag"] is not None for it in d["items"]) == 1'

case_ "tag: a bad label is usage; an unknown sentence is 1"
run tag --db "$W" "$id" "$s1" perhaps
rc_is 2
err_has "label must be yes, no or unsure, not 'perhaps'"
run tag --db "$W" "$id" abc yes
rc_is 2
run tag --db "$W" "$id" 99999999 yes
rc_is 1
err_has "99999999"

case_ "tag --file: a bad line names file and line, and nothing of the file is tagged"
run round --db "$W" "$id" --json
answer_round
printf 'this is not a tag\n' >>"$TMP/tags.txt"
bad_line=$(wc -l <"$TMP/tags.txt" | tr -d ' ')
run tag --db "$W" "$id" --file "$TMP/tags.txt"
rc_is 1
err_has "$TMP/tags.txt:$bad_line: want \"SENTENCE_ID LABEL\""
run round --db "$W" "$id" --json
json_ok 'sum(it["tag"] is not None for it in d["items"]) == 1'

case_ "tag --file: a sentence given twice is refused, naming both lines; nothing of the file is tagged"
answer_round
head -n 2 "$TMP/tags.txt" >"$TMP/twice.txt"
printf '%s no\n' "$(head -n 1 "$TMP/tags.txt" | cut -d' ' -f1)" >>"$TMP/twice.txt"
run tag --db "$W" "$id" --file "$TMP/twice.txt"
rc_is 1
err_has "$TMP/twice.txt:3: sentence $(head -n 1 "$TMP/tags.txt" | cut -d' ' -f1) is tagged on line 1 already"
out_is_empty
run round --db "$W" "$id" --json
json_ok 'sum(it["tag"] is not None for it in d["items"]) == 1'

case_ "tag --file: the rest of the round; it completes and the next round is built"
answer_round
run tag --db "$W" "$id" --file "$TMP/tags.txt"
rc_is 0
out_has "tagged 24 sentences"
out_has "the round is complete"
run round --db "$W" "$id" --json
json_ok 'd["round"] == 2 and all(it["tag"] is None for it in d["items"])'
json_ok 'not ({it["sentence"] for it in d["items"]} & {it["sentence"] for it in json.load(open("'"$TMP/round1"'"))["items"]})'

case_ "tag: from standard input, rounds 2 to 4; the model is built when round 4 completes"
for r in 2 3 4; do
	run round --db "$W" "$id" --json
	json_ok 'd["round"] == '"$r"
	answer_round
	run_in "$TMP/tags.txt" tag --db "$W" "$id" --file -
	rc_is 0
done
out_has "model version 1 built"

case_ "overview --json: the model's estimates and up to 20 surfaced sentences"
run overview --db "$W" "$id" --json
rc_is 0
json_ok 'd["tracker"] == '"$id"' and d["model_version"] == 1'
json_ok 'set(d) >= {"tracker", "model_version", "tags", "precision", "recall", "precision_ci", "recall_ci", "samples"}'
json_ok 'sum(d["tags"].values()) == 100 and d["tags"]["yes"] > 0 and d["tags"]["no"] > 0'
json_ok 'd["precision"] is None or 0 <= d["precision"] <= 1'
json_ok 'd["recall"] is None or 0 <= d["recall"] <= 1'
json_ok 'd["precision_ci"] is None or (len(d["precision_ci"]) == 2 and d["precision_ci"][0] <= d["precision_ci"][1])'
json_ok 'len(d["samples"]) <= 20 and all(set(s) >= {"sentence", "text", "score"} for s in d["samples"])'
json_ok 'all(0 <= s["score"] <= 1 for s in d["samples"])'

case_ "overview: the plain form names the model version"
run overview --db "$W" "$id"
rc_is 0
out_has "model version 1"

case_ "train: with nothing changed since the last model, keeps it and says so"
run train --db "$W" "$id"
rc_is 0
out_matches "^model version 1 is up to date"
run list --db "$W" --json
json_ok 'd[0]["model_version"] == 1'

case_ "train: after a new tag, rebuilds now as a new version"
run round --db "$W" "$id" --json
sid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["sentence"])' "$OUT")
run tag --db "$W" "$id" "$sid" no
rc_is 0
run train --db "$W" "$id"
rc_is 0
out_matches "^model version 2"
run list --db "$W" --json
json_ok 'd[0]["model_version"] == 2 and d[0]["rounds"] >= 4'

printf 'Can you do better on the price? We really need it.\n\nThanks for joining today.\n-10%% would help\n' >"$TMP/texts.txt"
case_ "score --json: one result a line, in order, each line one text"
run score --db "$W" "$id" --file "$TMP/texts.txt" --json
rc_is 0
json_ok 'len(d) == 4'
json_ok '[x["text"] for x in d] == ["Can you do better on the price? We really need it.", "", "Thanks for joining today.", "-10% would help"]'
json_ok 'all(0 <= x["score"] <= 1 and isinstance(x["match"], bool) for x in d)'

case_ "score: standard input by default gives the same"
keep scored
run_in "$TMP/texts.txt" score --db "$W" "$id" --json
same_as scored
run_in "$TMP/texts.txt" score --db "$W" "$id"
rc_is 0
out_lines_are 4

case_ "score: a tracker with no model yet says so"
run create --db "$W" --name Fresh
fresh=$(cat "$OUT")
run_in "$TMP/texts.txt" score --db "$W" "$fresh" --json
rc_is 1
out_is_empty

# A tracker over few sentences: rounds get shorter, then there is nothing left to ask.
case_ "round: fewer than 25 left gives a shorter round; none left is an error that says so"
run create --db "$W" --name Internal --scope internal --filter team=West --mentioned-by company
small=$(cat "$OUT")
run examples --db "$W" "$small" add "Let me share my screen." "I'll send the proposal." \
	"Our platform syncs hourly." "Pricing is per seat." "We can set up a pilot."
n=0
short=0
while [ $n -lt 40 ]; do
	n=$((n + 1))
	run round --db "$W" "$small" --json
	[ "$RC" = 0 ] || break
	if python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))["items"]) < 25 else 1)' "$OUT"; then
		short=1
	fi
	answer_round
	run tag --db "$W" "$small" --file "$TMP/tags.txt"
	[ "$RC" = 0 ] || break
done
check "a shorter round came before the end" [ "$short" = 1 ]
run round --db "$W" "$small" --json
rc_is 1
err_matches "no (more )?sentence|left"

case_ "examples: below 5 after rounds were tagged, what is needed is for the next round, not the first"
run examples --db "$W" "$id" list --json
for ex in $(python3 -c 'import json,sys; print(" ".join(str(e["id"]) for e in json.load(open(sys.argv[1]))[3:]))' "$OUT"); do
	run examples --db "$W" "$id" delete "$ex"
	rc_is 0
done
run examples --db "$W" "$id" add "Any room on the price for a two-year deal?"
rc_is 0
out_is "added 1 example (4 in all); 1 more needed before the next round"

finish
