# Trackers without a model: create (and what it refuses), list, edit, delete, and the
# example sentences (at most 100, from arguments or a file, blanks and duplicates).
. "$TOP/tests/lib.sh"
suite cli_trackers

W="$TMP/w.db"
gen_calls "$TMP/calls.jsonl" 10
run import --db "$W" "$TMP/calls.jsonl"
[ "$RC" = 0 ] || { cat "$ERR"; exit 1; }

case_ "create: prints the new tracker's id alone on stdout"
run create --db "$W" --name "Asking for a discount" --description "customer asks for a lower price" \
	--mentioned-by customer --scope external --filter team=East --filter team=West \
	--filter deal_stage=Negotiation --part last:10
rc_is 0
out_matches '^[0-9]+$'
out_lines_are 1
err_is_empty
id1=$(cat "$OUT")

case_ "list --json: the settings as given and the state of a new tracker"
run list --db "$W" --json
rc_is 0
json_ok 'len(d) == 1 and d[0]["id"] == '"$id1"
json_ok 'd[0]["name"] == "Asking for a discount" and d[0]["description"] == "customer asks for a lower price"'
json_ok 'd[0]["mentioned_by"] == "customer" and d[0]["scope"] == "external" and d[0]["part"] == "last:10"'
json_ok 'd[0]["filters"] == {"team": ["East", "West"], "deal_stage": ["Negotiation"]}'
json_ok 'd[0]["examples"] == 0 and d[0]["tags"] == {"yes": 0, "no": 0, "unsure": 0} and d[0]["rounds"] == 0'
json_ok 'd[0]["model_version"] is None and d[0]["precision"] is None and d[0]["recall"] is None'
json_ok 'd[0]["active"] is False and d[0]["state"] == "needs examples"'

case_ "create: the defaults are anyone, external calls, the whole call"
run create --db "$W" --name Defaults
rc_is 0
id2=$(cat "$OUT")
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["mentioned_by"] == "any"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["scope"] == "external"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["part"] == "anytime"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["filters"] == {}'

run list --db "$W" --json
keep trackers_before
case_ "create: names are unique in a workspace, whatever their case"
run create --db "$W" --name "asking FOR a discount"
rc_is 1
err_has "a tracker named 'asking FOR a discount' already exists"
out_is_empty

case_ "create: spaces around a name are not part of it"
run create --db "$W" --name " asking for a DISCOUNT  "
rc_is 1
err_has "a tracker named 'asking for a DISCOUNT' already exists"

case_ "create: an unknown --mentioned-by says what is allowed"
run create --db "$W" --name X --mentioned-by everyone
rc_is 2
err_has "--mentioned-by is company, customer or any, not 'everyone'"

case_ "create: a bad --part says what is allowed"
for part in middle first: first:0 last:x last:601 first:5m; do
	run create --db "$W" --name X --part "$part"
	rc_is 2
	err_has "--part is anytime, first:MINUTES or last:MINUTES (1 to 600), not '$part'"
done

case_ "create: a bad --scope says what is allowed"
run create --db "$W" --name X --scope partners
rc_is 2
err_has "--scope is external, internal or all, not 'partners'"

case_ "create: a filter key no call has is an error that says so and lists the keys"
run create --db "$W" --name X --filter region=EMEA
rc_is 1
err_has "--filter region=EMEA: no call has the key 'region' (keys in this workspace: deal_stage, team)"

case_ "create: a filter value no call has lists the values there are"
run create --db "$W" --name X --filter team=South
rc_is 1
err_has "no call has team 'South' (values: 'East', 'North', 'West')"

case_ "create: a filter that is not KEY=VALUE is usage"
for f in team team= =East; do
	run create --db "$W" --name X --filter "$f"
	rc_is 2
	err_has "--filter takes KEY=VALUE, not '$f'"
done

case_ "create: a name is needed, and not empty, only spaces, all digits or several lines"
run create --db "$W"
rc_is 2
err_has "a tracker needs --name"
run create --db "$W" --name ""
rc_is 2
run create --db "$W" --name "   "
rc_is 2
err_has "--name must not be only spaces"
run create --db "$W" --name 123
rc_is 2
err_has "must not be all digits"
run create --db "$W" --name "two
lines"
rc_is 2
run create --db "$W" --name X extra
rc_is 2
err_has "unexpected argument 'extra'"

case_ "create: nothing was made by the refused ones"
run list --db "$W" --json
same_as trackers_before

case_ "edit: spaces around a new name are dropped"
run create --db "$W" --name "  Spaced out "
rc_is 0
sid=$(cat "$OUT")
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$sid"'][0]["name"] == "Spaced out"'
run edit --db "$W" "$sid" --name " Spaced out again "
rc_is 0
run examples --db "$W" "Spaced out again  " list
rc_is 0
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$sid"'][0]["name"] == "Spaced out again"'
run delete --db "$W" "$sid"
rc_is 0

case_ "trackers are found by id or by name"
run examples --db "$W" "Asking for a discount" list
rc_is 0
run examples --db "$W" "$id1" list
rc_is 0
run examples --db "$W" 999 list
rc_is 1
err_has "no tracker '999'"
err_has "tracker list"

case_ "examples: fewer than 5 are stored, with a note of how many more are needed"
run examples --db "$W" "$id1" add "Can you do better on the price?" "Is there a discount for two years?"
rc_is 0
out_is "added 2 examples (2 in all); 3 more needed before the first round"
run examples --db "$W" "$id1" list --json
json_ok '[e["text"] for e in d] == ["Can you do better on the price?", "Is there a discount for two years?"]'
json_ok 'all(isinstance(e["id"], int) for e in d)'

case_ "examples: from a file, one a line; blank lines dropped, duplicates skipped with a note"
printf 'Could you knock a bit off?\n\n   \ncan you do BETTER on the   price?\nWhat is the best price you can give us?\r\nAny room to move on cost?' >"$TMP/ex.txt"
run examples --db "$W" "$id1" add --file "$TMP/ex.txt"
rc_is 0
out_is "added 3 examples (5 in all, 1 duplicate skipped)"
err_has "$TMP/ex.txt:4: skipped: same as an example already given"
run examples --db "$W" "$id1" list --json
json_ok 'len(d) == 5 and d[-1]["text"] == "Any room to move on cost?" and d[3]["text"] == "What is the best price you can give us?"'

case_ "examples: a byte order mark before a file's first line is not part of its example"
printf '\357\273\277Could we get a lower price for fifty seats?\r\nAny room on the fee?\r\n' >"$TMP/bom.txt"
run examples --db "$W" "$id2" add --file "$TMP/bom.txt"
rc_is 0
out_is "added 2 examples (2 in all); 3 more needed before the first round"
run examples --db "$W" "$id2" list --json
json_ok '[e["text"] for e in d] == ["Could we get a lower price for fifty seats?", "Any room on the fee?"]'
run examples --db "$W" "$id2" add "could we get a lower price for fifty seats?"
err_has "example 1: skipped: same as an example already given"
run examples --db "$W" "$id2" list --json
for e in $(python3 -c 'import json,sys; print(" ".join(str(e["id"]) for e in json.load(open(sys.argv[1]))))' "$OUT"); do
	run examples --db "$W" "$id2" delete "$e"
done

case_ "examples: from standard input with --file -"
printf 'Is there a startup discount?\n' >"$TMP/one.txt"
run_in "$TMP/one.txt" examples --db "$W" "$id2" add --file -
rc_is 0
out_has "added 1 example (1 in all)"

case_ "examples: more than 100 in all is an error naming the line, and none are added"
seq 1 97 | sed 's/^/Discount request number /' >"$TMP/many.txt"
run examples --db "$W" "$id1" add --file "$TMP/many.txt"
rc_is 1
err_has "$TMP/many.txt:96: a tracker takes at most 100 examples (it has 100)"
run examples --db "$W" "$id1" list --json
json_ok 'len(d) == 5'

case_ "examples: exactly 100 is fine"
seq 1 95 | sed 's/^/Discount request number /' >"$TMP/95.txt"
run examples --db "$W" "$id1" add --file "$TMP/95.txt"
rc_is 0
out_is "added 95 examples (100 in all)"
run examples --db "$W" "$id1" add "One more?"
rc_is 1
err_has "example 1: a tracker takes at most 100 examples (it has 100)"

case_ "examples: an empty one, a file that is not there, and sentences with --file are refused"
run examples --db "$W" "$id2" add "   "
rc_is 1
err_has "example 1: the example is empty"
run examples --db "$W" "$id2" add --file "$TMP/none.txt"
rc_is 1
err_has "$TMP/none.txt: No such file or directory"
mkdir -p "$TMP/adir"
run examples --db "$W" "$id2" add --file "$TMP/adir"
rc_is 1
err_has "$TMP/adir: Is a directory"
run tag --db "$W" "$id2" --file "$TMP/adir"
rc_is 1
err_has "$TMP/adir: Is a directory"
run examples --db "$W" "$id2" add --file "$TMP/one.txt" "and this"
rc_is 2
run examples --db "$W" "$id2" add
rc_is 2
run examples --db "$W" "$id2" rename
rc_is 2
err_has "unknown action 'rename'"

case_ "examples: edited and deleted by id"
run examples --db "$W" "$id2" list --json
eid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$OUT")
run examples --db "$W" "$id2" edit "$eid" "Is there a discount for startups?"
rc_is 0
out_is "example $eid changed"
run examples --db "$W" "$id2" list --json
json_ok 'd[0]["text"] == "Is there a discount for startups?"'
run examples --db "$W" "$id1" edit "$eid" "not this tracker's"
rc_is 1
err_has "has no example $eid"
run examples --db "$W" "$id2" delete "$eid"
rc_is 0
out_is "example $eid deleted"
run examples --db "$W" "$id2" list --json
json_ok 'd == []'

case_ "list: the plain form shows id, name and state"
run list --db "$W"
rc_is 0
out_matches "^$id1 +Asking for a discount +needs examples|^$id1 +Asking for a discount +in training|^$id1 +Asking for a discount +ready"
out_has "Defaults"

case_ "edit: changes only what is given"
run edit --db "$W" "$id2" --name "Startup discount" --mentioned-by company --part first:5
rc_is 0
out_is "saved"
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["name"] == "Startup discount"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["mentioned_by"] == "company"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["part"] == "first:5"'
json_ok '[t for t in d if t["id"] == '"$id2"'][0]["scope"] == "external"'

case_ "edit: validates like create and changes nothing when refused"
run list --db "$W" --json
keep before_edit
run edit --db "$W" "$id2" --name "Asking for a discount"
rc_is 1
err_has "already exists"
run edit --db "$W" "$id2" --filter region=EMEA
rc_is 1
run edit --db "$W" "$id2" --part sometimes
rc_is 2
run list --db "$W" --json
same_as before_edit

case_ "edit: --filter replaces the filters and --clear-filters removes them"
run edit --db "$W" "$id1" --filter team=North
rc_is 0
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$id1"'][0]["filters"] == {"team": ["North"]}'
run edit --db "$W" "$id1" --clear-filters
run list --db "$W" --json
json_ok '[t for t in d if t["id"] == '"$id1"'][0]["filters"] == {}'

case_ "rates --by a key no call has: exit 1, naming the key and the keys there"
run rates --db "$W" "$id2" --by tema
rc_is 1
err_has "--by tema: no call has the key 'tema' (in this workspace: deal_stage, team, or all)"
out_is_empty

case_ "rates of a tracker not active: exit 1, saying no call is scored yet, instead of 0% a week"
run rates --db "$W" "$id2" --by all
rc_is 1
err_has "is not active: no call is scored yet, so there are no rates (\`tracker activate $id2\`)"
out_is_empty
run rates --db "$W" "$id2" --json
rc_is 1
out_is_empty

case_ "import-tracker: broken JSON names the file, line and column and makes no tracker"
run list --db "$W" --json
keep list_before_bad_export
printf '{\n  "format": "tracker-export-1",\n  "name": "Broken",\n  "example_sentences": ["a", "b",\n}\n' >"$TMP/broken.json"
run import-tracker --db "$W" "$TMP/broken.json"
rc_is 1
err_has "$TMP/broken.json:5:1: JSON syntax error near '}'"
out_is_empty
printf '{"format": "tracker-export-1",\n "name": "Cut"' >"$TMP/cut.json"
run import-tracker --db "$W" "$TMP/cut.json"
rc_is 1
err_has "$TMP/cut.json:2:15: JSON syntax error: the text ends too soon"
printf '{"format": "tracker-export-1"}\n{"name": "two"}\n' >"$TMP/two.json"
run import-tracker --db "$W" "$TMP/two.json"
rc_is 1
err_has "$TMP/two.json:2:1: JSON syntax error: text after the end of the export"
run list --db "$W" --json
same_as list_before_bad_export

case_ "import-tracker: a field that is wrong is named with what is wrong; no tracker is made"
run list --db "$W" --json
keep list_before_bad_fields
run export --db "$W" "$id2"
keep export2.json
# bad_export PYTHON: the export of $id2 renamed "Imported", changed by PYTHON on d
bad_export() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["name"] = "Imported"
exec(sys.argv[2])
json.dump(d, open(sys.argv[3], "w"))' "$TMP/export2.json" "$1" "$TMP/bad.json"
}
for c in \
	'd["part"] = "middle"|"part" is anytime, first:MINUTES or last:MINUTES (1 to 600), not '"'middle'" \
	'd["part"] = "first:abc"|"part" is anytime, first:MINUTES or last:MINUTES (1 to 600), not '"'first:abc'" \
	'd["mentioned_by"] = "bob"|"mentioned_by" is company, customer or any, not '"'bob'" \
	'd["scope"] = 3|"scope" is external, internal or all, not 3' \
	'del d["name"]|"name": a tracker needs a name' \
	'd["name"] = "123"|"name" must not be all digits (ids are)' \
	'd["name"] = "n" * 61|"name" is 61 characters; keep it to 60 at most' \
	'd["filters"] = {"team": ["South"]}|"filters": team=South: no call has team '"'South'" \
	'd["filters"] = {"tema": ["East"]}|"filters": tema=East: no call has the key '"'tema'" \
	'd["example_sentences"] = ["One.", 5]|"example_sentences"[1] must be a sentence, not 5' \
	'd["example_sentences"] = ["e%d" % i for i in range(101)]|"example_sentences": 101 examples; a tracker takes at most 100' \
	'd["tagged"] = [{"call": "call-0001", "text": "Hi.", "label": "maybe"}]|"tagged"[0]: "label" must be yes, no or unsure, not '"'maybe'"; do
	bad_export "${c%%|*}"
	run import-tracker --db "$W" "$TMP/bad.json"
	rc_is 1
	err_has "$TMP/bad.json: ${c#*|}"
	out_is_empty
done
run list --db "$W" --json
same_as list_before_bad_fields

case_ "create: a name of 60 characters is fine however many bytes they take; 61 are refused"
run create --db "$W" --name "$(python3 -c 'print("é" * 60)')"
rc_is 0
run delete --db "$W" "$(cat "$OUT")"
rc_is 0
run create --db "$W" --name "$(python3 -c 'print("é" * 61)')"
rc_is 2
err_has "--name is 61 characters; keep it to 60 at most"

case_ "list: names are a column of 28 characters however many bytes they take, cut with …"
run create --db "$W" --name "Préavis de résiliation évoqué par le client"
rc_is 0
long_id=$(cat "$OUT")
run create --db "$W" --name "$(python3 -c 'print("é" * 27)')"
rc_is 0
short_id=$(cat "$OUT")
run list --db "$W"
rc_is 0
check "stdout is UTF-8" python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$OUT"
out_matches "^$long_id +Préavis de résiliation évoq… needs examples "
out_matches "^$short_id +é{27}  needs examples "
run delete --db "$W" "$long_id"
run delete --db "$W" "$short_id"

case_ "list: a wide (CJK) letter takes two columns of the 28"
run create --db "$W" --name "値引きの相談についての話題と価格交渉"
rc_is 0
wide_id=$(cat "$OUT")
run create --db "$W" --name "割引"
rc_is 0
two_id=$(cat "$OUT")
run list --db "$W"
rc_is 0
out_matches "^$wide_id +値引きの相談についての話題…  needs examples "
out_matches "^$two_id +割引 {25}needs examples "
run delete --db "$W" "$wide_id"
run delete --db "$W" "$two_id"

case_ "examples edit: more than 500 characters is refused as add refuses it; edit and delete without an ID say what they take"
run examples --db "$W" "$id1" list --json
keep examples_before_edit
ex1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$OUT")
run examples --db "$W" "$id1" edit "$ex1" "$(python3 -c 'print("x" * 501)')"
rc_is 1
err_has "example $ex1: the example is 501 characters; give one sentence"
run examples --db "$W" "$id1" delete
rc_is 2
err_has "delete takes the example's ID (IDs: \`tracker examples TRACKER list\`)"
run examples --db "$W" "$id1" edit "$ex1"
rc_is 2
err_has "edit takes the example's ID and its new text"
run examples --db "$W" "$id1" list --json
same_as examples_before_edit

case_ "examples: the 500 are characters, not bytes: 500 accented letters are one example, 501 are refused"
run examples --db "$W" "$id1" edit "$ex1" "$(python3 -c 'print("é" * 500)')"
rc_is 0
run examples --db "$W" "$id1" edit "$ex1" "$(python3 -c 'print("é" * 501)')"
rc_is 1
err_has "example $ex1: the example is 501 characters; give one sentence (at most 500)"
run examples --db "$W" "$id2" add "$(python3 -c 'print("ü" * 501)')"
rc_is 1
err_has "the example is 501 characters; give one sentence (at most 500)"
run examples --db "$W" "$id1" edit "$ex1" "Can you do better on the price?"
rc_is 0

case_ "delete: removes the tracker with its examples"
run delete --db "$W" "$id1"
rc_is 0
out_has "deleted tracker $id1"
run list --db "$W" --json
json_ok '[t["id"] for t in d] == ['"$id2"']'
run delete --db "$W" "$id1"
rc_is 1
err_has "no tracker '$id1'"

finish
