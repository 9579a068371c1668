# tracker import, calls and show: good files, the shapes of calls --json and show --json,
# a bad call among good ones (exit 1, its line named, the workspace unchanged),
# re-imports, recordings, WebVTT, and one transaction over several files.
. "$TOP/tests/lib.sh"
suite cli_import

W="$TMP/w.db"
gen_calls "$TMP/a.jsonl" 5 1 1
gen_calls "$TMP/b.jsonl" 3 2 6

case_ "import: a JSON Lines file imports every call and says how many"
run import --db "$W" "$TMP/a.jsonl"
rc_is 0
out_matches "^imported 5 calls \([0-9]+ sentences\)$"
err_is_empty

case_ "calls: one line a call, newest first, and a count"
run calls --db "$W"
rc_is 0
out_lines_are 6
out_has "5 calls"
out_matches "^call-0005 +2026-06-06 internal +[0-9]+ sentences +[0-9]+ min +North +Call 5 with "
keep calls_before

case_ "calls --json: id, title, started, scope, metadata, parties, sentence count, recording"
run calls --db "$W" --json
rc_is 0
keep calls_json_before
json_ok 'isinstance(d, list) and len(d) == 5'
json_ok '[c["id"] for c in d] == ["call-0005", "call-0004", "call-0003", "call-0002", "call-0001"]'
json_ok 'all(set(c) >= {"id", "title", "started", "scope", "meta", "parties", "sentences", "audio"} for c in d)'
json_ok 'd[0]["title"].startswith("Call 5 with ") and d[0]["started"] == "2026-06-06T14:00:00Z"'
json_ok 'd[0]["scope"] == "internal" and d[1]["scope"] == "external"'
json_ok 'd[0]["meta"] == {"team": "North", "deal_stage": "Demo"}'
json_ok 'all(isinstance(p["name"], str) and p["affiliation"] in ("company", "customer") for c in d for p in c["parties"])'
json_ok 'all(isinstance(c["sentences"], int) and c["sentences"] > 30 for c in d)'
json_ok 'all(c["audio"] is None for c in d)'

case_ "show: the transcript with speakers, sides, times and sentence ids"
run show --db "$W" call-0002
rc_is 0
out_matches "^call-0002  Call 2 with .*  2026-03-03T11:00:00Z  external$"
out_has "  team: North"
out_matches "^ +0:00\.0  .* \(company\)$"
out_matches "^ +\[[0-9]+\] "

case_ "show --json: the call's details and every sentence in order"
run show --db "$W" call-0002 --json
rc_is 0
json_ok 'd["id"] == "call-0002" and d["meta"]["team"] == "North"'
json_ok 'len(d["transcript"]) == d["sentences"]'
json_ok 'all(set(s) >= {"sentence", "speaker", "affiliation", "start_ms", "end_ms", "text"} for s in d["transcript"])'
json_ok 'all(d["transcript"][i+1]["sentence"] == d["transcript"][i]["sentence"] + 1 for i in range(len(d["transcript"]) - 1))'
json_ok 'all(s["start_ms"] <= s["end_ms"] for s in d["transcript"])'
json_ok 'all(d["transcript"][i]["start_ms"] <= d["transcript"][i+1]["start_ms"] for i in range(len(d["transcript"]) - 1))'
json_ok 'd["transcript"][0]["text"] == "Thanks for joining today." or d["transcript"][0]["affiliation"] == "company"'

case_ "show: an unknown call is 1 and says how to list them"
run show --db "$W" call-9999
rc_is 1
err_has "no call 'call-9999'"
err_has "tracker calls"
run show --db "$W"
rc_is 2

# The issue's "done when": one bad call among good ones.
python3 - "$TMP/a.jsonl" "$TMP/mixed.jsonl" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
with open(sys.argv[2], "w") as f:
    for i, c in enumerate(calls):
        c = dict(c, id="new-%d" % i)
        if i == 3:
            c["transcript"][2]["speaker"] = "p9"    # not in parties
        f.write(json.dumps(c) + "\n")
PY
case_ "import: one bad call among good ones exits 1 naming the bad call's line"
run import --db "$W" "$TMP/mixed.jsonl"
rc_is 1
err_has "$TMP/mixed.jsonl:4: call new-3: transcript[2]: speaker \"p9\" is not in parties"
err_has "nothing was imported; the workspace is unchanged"
out_is_empty

case_ "import: ... and tracker calls shows the workspace unchanged"
run calls --db "$W"
same_as calls_before
run calls --db "$W" --json
same_as calls_json_before

# The same bad call in a pretty-printed .json array.
python3 - "$TMP/mixed.jsonl" "$TMP/mixed.json" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
open(sys.argv[2], "w").write(json.dumps(calls, indent=2) + "\n")
PY
bad_line=$(grep -n '"id": "new-3"' "$TMP/mixed.json" | cut -d: -f1)
bad_line=$((bad_line - 1))
entry_line=$(grep -n '"p9"' "$TMP/mixed.json" | cut -d: -f1)
entry_line=$((entry_line - 1))
case_ "import: in a pretty-printed .json array the error names the call's line and the entry's"
run import --db "$W" "$TMP/mixed.json"
rc_is 1
err_has "$TMP/mixed.json:$bad_line: call new-3: transcript[2] (line $entry_line): speaker \"p9\" is not in parties"
run calls --db "$W" --json
same_as calls_json_before

case_ "import: every kind of malformed call names its line and leaves the workspace as it was"
good=$(sed -n 1p "$TMP/a.jsonl")
i=0
while IFS='|' read -r what json says; do
	i=$((i + 1))
	printf '%s\n%s\n' "$good" "$json" | sed "s/\"call-0001\"/\"fresh-$i\"/" >"$TMP/bad$i.jsonl"
	run import --db "$W" "$TMP/bad$i.jsonl"
	rc_is 1
	err_has "$TMP/bad$i.jsonl:2: call "
	err_has "$says"
	run calls --db "$W" --json
	same_as calls_json_before
done <<'EOF'
missing id|{"started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|call ?: missing "id"
speaker not in parties|{"id": "x1", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "b", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|speaker "b" is not in parties
end before start|{"id": "x2", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 50, "end_ms": 5, "text": "Hi."}]}|ends (5 ms) before it starts (50 ms)
negative time|{"id": "x3", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": -1, "end_ms": 5, "text": "Hi."}]}|negative time
times going backwards|{"id": "x4", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 90, "end_ms": 95, "text": "Hi."}, {"speaker": "a", "start_ms": 10, "end_ms": 20, "text": "Yo."}]}|times must not go backwards
empty transcript|{"id": "x5", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": []}|call x5: empty transcript
JSON syntax error|{"id": "x6", "started": "2026-01-01", "parties": [}|call x6: JSON syntax error near
fractional numeric id|{"id": 1.5, "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|call ?: "id" 1.5 is not a whole number an id can be; write it as a string ("1.5")
id with a line break|{"id": "call\n7", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|call ?: "id" must be one line of text, without tabs or line breaks
id of only spaces|{"id": "   ", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|call ?: "id" is only spaces
time far out of range|{"id": "x8", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 1e300, "text": "Hi."}]}|time end_ms = 1e+300 is out of range (at most 2000000000 ms, about 23 days)
numeric id too long to keep|{"id": 12345678901234567890, "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "Hi."}]}|"id" 12345678901234567890 is not a whole number
EOF
# invalid UTF-8 cannot go through the here-document portably
printf '%s\n{"id": "x7", "started": "2026-01-01", "parties": [{"id": "a", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 5, "text": "caf\303("}]}\n' "$good" >"$TMP/bad-utf8.jsonl"
run import --db "$W" "$TMP/bad-utf8.jsonl"
rc_is 1
err_has "$TMP/bad-utf8.jsonl:2: call x7: transcript[0]: invalid UTF-8 in \"text\""
run calls --db "$W" --json
same_as calls_json_before

case_ "import: a good file then a bad one imports neither (one transaction)"
printf '%s\n' "$good" | sed 's/"call-0001"/"only-if-all"/' >"$TMP/good1.jsonl"
run import --db "$W" "$TMP/good1.jsonl" "$TMP/bad2.jsonl"
rc_is 1
err_has "$TMP/bad2.jsonl:2: call x1: "
run calls --db "$W" --json
same_as calls_json_before

case_ "import: a failed first import leaves no workspace behind"
run import --db "$TMP/new.db" "$TMP/bad2.jsonl"
rc_is 1
err_has "no workspace was made"
check "no workspace file" test ! -e "$TMP/new.db"
check "no WAL file" test ! -e "$TMP/new.db-wal"

case_ "import: several files at once"
run import --db "$W" "$TMP/b.jsonl" "$TMP/good1.jsonl"
rc_is 0
out_matches "^imported 4 calls"
run calls --db "$W" --json
json_ok 'len(d) == 9'

case_ "import: re-importing calls with the same id replaces them and says so"
run calls --db "$W" --json
keep calls_json_9
run import --db "$W" "$TMP/b.jsonl"
rc_is 0
out_matches "^imported 3 calls \([0-9]+ sentences\), 3 replaced existing calls$"
err_has "$TMP/b.jsonl:1: call call-0006: replaced the call with the same id"
err_has "$TMP/b.jsonl:3: call call-0008: replaced"
run calls --db "$W" --json
json_ok 'len(d) == 9'
json_ok '[(c["id"], c["sentences"]) for c in d] == [(c["id"], c["sentences"]) for c in json.load(open("'"$TMP/calls_json_9"'"))]'

case_ "import: a replaced call gets new sentence ids"
run show --db "$W" call-0008 --json
json_ok 'd["transcript"][0]["sentence"] > max(c["sentences"] for c in json.load(open("'"$TMP/calls_json_9"'")))'

case_ "import: a changed call replaces the old one's transcript"
sed -n 1p "$TMP/b.jsonl" | python3 -c '
import json, sys
c = json.loads(sys.stdin.read())
c["title"] = "Renamed"
c["transcript"] = c["transcript"][:2]
print(json.dumps(c))' >"$TMP/changed.jsonl"
run import --db "$W" "$TMP/changed.jsonl"
rc_is 0
run show --db "$W" call-0006 --json
json_ok 'd["title"] == "Renamed" and d["sentences"] == len(d["transcript"]) and 2 <= d["sentences"] <= 6'

case_ "import: re-importing a call keeps the tags on its sentences, on the same texts, wherever they moved"
run create --db "$W" --name "Kept tags"
rc_is 0
TID=$(cat "$OUT")
run show --db "$W" call-0007 --json
keep show7
S_YES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["transcript"][2]["sentence"])' "$TMP/show7")
S_NO=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["transcript"][3]["sentence"])' "$TMP/show7")
run tag --db "$W" "$TID" "$S_YES" yes
rc_is 0
run tag --db "$W" "$TID" "$S_NO" no
rc_is 0
# the same call with a line said before all the others
sed -n 2p "$TMP/b.jsonl" | python3 -c '
import json, sys
c = json.loads(sys.stdin.read())
first = c["transcript"][0]
c["transcript"].insert(0, dict(first, start_ms=0, end_ms=1, text="Sorry, one more thing first."))
print(json.dumps(c))' >"$TMP/moved7.jsonl"
run import --db "$W" "$TMP/moved7.jsonl"
rc_is 0
err_has "$TMP/moved7.jsonl:1: call call-0007: replaced the call with the same id, keeping its 2 tags"
tagged_texts() {
	python3 - "$W" "$TID" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for text, label in db.execute("SELECT s.text, t.label FROM tags t JOIN sentences s ON s.id = t.sentence"
                              " WHERE t.tracker = ? ORDER BY t.label DESC", (int(sys.argv[2]),)):
    print(["no", "yes", "unsure"][label], text)
PY
}
tagged_texts >"$TMP/tagged_after"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("yes", d["transcript"][2]["text"]); print("no", d["transcript"][3]["text"])' "$TMP/show7" >"$TMP/tagged_before"
check "the tags are on the same texts" cmp -s "$TMP/tagged_before" "$TMP/tagged_after"
run show --db "$W" call-0007 --json
json_ok 'd["transcript"][0]["text"] == "Sorry, one more thing first."'

case_ "import: re-importing a call without a tagged sentence says how many tags went with it"
python3 - "$TMP/moved7.jsonl" "$TMP/show7" <<'PY' >"$TMP/cut7.jsonl"
import json, sys
c = json.loads(open(sys.argv[1]).read())
gone = json.load(open(sys.argv[2]))["transcript"][2]["text"]
c["transcript"] = [u for u in c["transcript"] if gone not in u["text"]]
print(json.dumps(c))
PY
run import --db "$W" "$TMP/cut7.jsonl"
rc_is 0
err_has "$TMP/cut7.jsonl:1: call call-0007: replaced the call with the same id; 1 of its 2 tags went with sentences it no longer has"
run list --db "$W" --json
json_ok '[t["tags"] for t in d if t["id"] == '"$TID"'] == [{"yes": 0, "no": 1, "unsure": 0}]'
run delete --db "$W" "$TID"
rc_is 0

case_ "import: a field the format does not have is ignored with a warning, once an import"
python3 - "$TMP/b.jsonl" >"$TMP/typo.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    c = json.loads(line)
    c["metadata"] = c.pop("meta")
    print(json.dumps(c))
PY
run import --db "$W" "$TMP/typo.jsonl"
rc_is 0
err_has "$TMP/typo.jsonl:1: call call-0006: warning: \"metadata\" is not a field of the import format and is ignored in every call (the fields: id, title, started, scope, language, audio, meta, parties, transcript)"
check "one warning for three calls" [ "$(grep -c metadata "$ERR")" = 1 ]
run show --db "$W" call-0006 --json
json_ok 'd["meta"] == {}'
run import --db "$W" "$TMP/b.jsonl"
rc_is 0
err_lacks "is not a field"

case_ "import: a missing recording is a warning; the call is imported without it"
mkdir -p "$TMP/calls"
python3 - "$TMP/calls/with-audio.json" <<'PY'
import json, sys
json.dump({"id": "rec-1", "title": "Recorded", "started": "2026-07-01T10:00:00Z",
           "audio": "audio/rec-1.ogg",
           "parties": [{"id": "p1", "name": "Dana", "affiliation": "company"}],
           "transcript": [{"speaker": "p1", "start_ms": 0, "end_ms": 2000, "text": "Hello there."}]},
          open(sys.argv[1], "w"))
PY
run import --db "$W" "$TMP/calls/with-audio.json"
rc_is 0
out_is "imported 1 call (1 sentence)"
err_has "$TMP/calls/with-audio.json:1: call rec-1: warning: recording not usable"
err_has "$TMP/calls/audio/rec-1.ogg"
run calls --db "$W" --json
json_ok '[c for c in d if c["id"] == "rec-1"][0]["audio"] == "'"$TMP/calls/audio/rec-1.ogg"'"'
json_ok '[c for c in d if c["id"] == "rec-1"][0]["recording"] == "unusable"'

case_ "import: WebVTT with voices and a sidecar NAME.meta.json"
cat >"$TMP/calls/standup.vtt" <<'EOF'
WEBVTT

1
00:00:00.000 --> 00:00:03.000
<v Dana Reyes>Morning all. Let's start.

2
00:00:03.500 --> 00:00:06.000
<v Lee Park>Sure. Can you do better on the price?
EOF
cat >"$TMP/calls/standup.meta.json" <<'EOF'
{"id": "vtt-1", "title": "Standup", "started": "2026-07-02T09:00:00Z", "meta": {"team": "East"},
 "parties": [{"name": "Dana Reyes", "affiliation": "company"}, {"name": "Lee Park", "affiliation": "customer"}]}
EOF
run import --db "$W" "$TMP/calls/standup.vtt"
rc_is 0
out_is "imported 1 call (4 sentences)"
err_is_empty
run show --db "$W" vtt-1 --json
json_ok 'd["title"] == "Standup" and d["meta"] == {"team": "East"}'
json_ok '[(s["speaker"], s["affiliation"]) for s in d["transcript"]] == [("Dana Reyes", "company")] * 2 + [("Lee Park", "customer")] * 2'
json_ok 'd["transcript"][3]["text"] == "Can you do better on the price?" and d["transcript"][3]["end_ms"] == 6000'

case_ "import, calls: one call and one sentence are counted in the singular"
W1="$TMP/one.db"
printf '%s\n' '{"id": "solo-1", "started": "2026-07-03T09:00:00Z", "parties": [{"id": "a", "name": "Dana", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 900, "text": "Hello there."}]}' >"$TMP/solo.jsonl"
run import --db "$W1" "$TMP/solo.jsonl"
rc_is 0
out_is "imported 1 call (1 sentence)"
run import --db "$W1" "$TMP/solo.jsonl"
rc_is 0
out_is "imported 1 call (1 sentence), 1 replaced an existing call"
run calls --db "$W1"
rc_is 0
out_matches "^solo-1 +2026-07-03 external +1 sentence +0 min"
out_lacks "sentences"
out_matches "^1 call$"

case_ "import: two calls with the same id in one file: exit 1, both lines named, nothing imported"
run calls --db "$W" --json
keep calls_json_dup
sed -n 1p "$TMP/a.jsonl" >"$TMP/dup.jsonl"
sed -n 2p "$TMP/a.jsonl" >>"$TMP/dup.jsonl"
sed -n 1p "$TMP/a.jsonl" >>"$TMP/dup.jsonl"
run import --db "$W" "$TMP/dup.jsonl"
rc_is 1
out_is_empty
err_has "$TMP/dup.jsonl:3: call call-0001: the same id as the call at line 1; an import takes each call once"
err_has "nothing was imported; the workspace is unchanged"
run calls --db "$W" --json
same_as calls_json_dup

case_ "import: a .json list of values that are not calls names the item and what it is"
printf '[1,2]\n' >"$TMP/numbers.json"
run import --db "$W" "$TMP/numbers.json"
rc_is 1
err_has "$TMP/numbers.json:1: item 1 of the list: a call must be a JSON object"
err_has "not the number 1"
err_lacks "single value"
run calls --db "$W" --json
same_as calls_json_dup

case_ "import: an unknown file type is 1 and names the file"
echo "id,title" >"$TMP/calls.csv"
run import --db "$W" "$TMP/calls.csv"
rc_is 1
err_has "$TMP/calls.csv: unknown file type (want .json, .jsonl or .vtt)"

case_ "calls, show: a title or a speaker with line breaks is printed on one line"
W2=$TMP/lines.db
cat >"$TMP/lines.jsonl" <<'EOF'
{"id": "nl-1", "title": "Quarterly\nreview", "started": "2026-01-01T10:00:00Z", "meta": {"team": "EMEA"}, "parties": [{"id": "a", "name": "Ann\nLee", "affiliation": "company"}], "transcript": [{"speaker": "a", "start_ms": 0, "end_ms": 900, "text": "Hello there."}]}
EOF
run import --db "$W2" "$TMP/lines.jsonl"
rc_is 0
run calls --db "$W2"
rc_is 0
out_has "Quarterly review"
check "calls prints one line a call and the count" [ "$(wc -l <"$OUT")" -eq 2 ]
run show --db "$W2" nl-1
rc_is 0
out_has "nl-1  Quarterly review  "
out_has "Ann Lee (company)"
run show --db "$W2" nl-1 --json
json_ok 'd["title"] == "Quarterly\nreview"'

case_ "import: a party with a blank name is shown by its id"
cat >"$TMP/blank.jsonl" <<'EOF'
{"id": "bl-1", "started": "2026-01-02T10:00:00Z", "parties": [{"id": "rep-7", "name": "  ", "affiliation": "company"}, {"id": "c", "name": "", "affiliation": "customer"}], "transcript": [{"speaker": "rep-7", "start_ms": 0, "end_ms": 900, "text": "Hello there."}, {"speaker": "c", "start_ms": 1000, "end_ms": 1900, "text": "Hi."}]}
EOF
run import --db "$W2" "$TMP/blank.jsonl"
rc_is 0
run show --db "$W2" bl-1
out_has "rep-7 (company)"
out_has "c (customer)"

case_ "import: no file named is usage"
run import --db "$W"
rc_is 2
err_has "name at least one file"

finish
