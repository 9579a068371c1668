# A tracker built end to end on a demo workspace with the demo's ground truth answering
# the rounds: the shape of the overview, F1 on calls the rounds never saw against a
# keyword match of the examples' words, then activation, training more and editing as
# drafts until published, and calls imported later reaching every active tracker.
#
# The concept is security_compliance, said by customers (its assets/demo header says
# side=customer). The tracker looks at one region's calls; the other regions' calls are
# held back: no round can ask from them, so they measure the model on calls it has not
# seen. 240 calls rather than fewer: on a smaller demo the rounds tag most of a concept's
# sentences, leaving too few unseen ones to measure. Only behaviour is checked, not how
# good the model is beyond beating keywords.
. "$TOP/tests/lib.sh"
suite cli_trainer

W="$TMP/w.db"
L="$TMP/labels.tsv"
CONCEPT=security_compliance
REGION="North America"
H="$TMP/helper.py"
export TRACKER W L CONCEPT REGION TMP

# The test's own reading of the workspace and the truth. Commands:
#   dump [PREFIX]           transcripts of every call (or of calls whose id starts with
#                           PREFIX, added) into TMP/sents.json
#   examples                5 labelled sentences of the concept from the region's calls
#   check-round FILE N      round N (JSON in FILE) obeys the rules; records what it asked
#   answer FILE             "ID yes|no" for each untagged item, from the labels
#   texts NAME [SINCE [TEAM]]  texts of a set of sentences into TMP/NAME.txt (ids in .ids):
#                           scope, window, team (the tracker's calls started at or after
#                           SINCE, of TEAM), heldout (other regions), new (new-* calls)
#   compare RESULTS NAME [VERSION|any [within]]  the detections (those among NAME's ids
#                           with "within") equal the matches of `score` in NAME.scored
#   f1 SCORED               the model's F1 on held-back sentences beats the keywords'
cat >"$H" <<'PY'
import json, os, re, subprocess, sys, time, calendar, random

TMP = os.environ["TMP"]
T, W = os.environ["TRACKER"], os.environ["W"]
CONCEPT, REGION = os.environ["CONCEPT"], os.environ["REGION"]
SENTS = os.path.join(TMP, "sents.json")

# The benchmark's keyword baseline (../shared/bench/trackerbench.py): a text matches when
# it holds any content word of the examples.
STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each few for from further get got had hadn't has hasn't
have haven't having he he'd he'll he's her here here's hers herself him himself his how
how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's me more most
mustn't my myself no nor not now of off on once only or other ought our ours ourselves
out over own please same shan't she she'd she'll she's should shouldn't so some such than
that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those through to too under until up us very was wasn't we we'd we'll
we're we've were weren't what what's when when's where where's which while who who's whom
why why's will with won't would wouldn't you you'd you'll you're you've your yours
yourself yourselves also still yet like want hi hello hey thanks thank ok okay yes yeah
im ive dont cant
""".split())
TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")

def tokens(text):
    return TOKEN_RE.findall(str(text).lower().replace("\u2019", "'"))

def die(msg):
    print(msg)
    sys.exit(1)

def tracker(*args):
    r = subprocess.run([T, *args, "--db", W], capture_output=True, text=True)
    if r.returncode:
        die("tracker %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout

def labels():
    lab = {}
    for line in open(os.environ["L"]):
        i, c = line.rstrip("\n").split("\t")
        lab[int(i)] = c
    return lab

def load():
    return {int(k): v for k, v in json.load(open(SENTS)).items()}

def unix(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))

def in_scope(s):
    return s["scope"] == "external" and s["side"] == "customer" and s["region"] == REGION

def lines(path):
    return [int(x) for x in open(path).read().split()] if os.path.exists(path) else []

cmd = sys.argv[1]
if cmd == "dump":
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    sents = {str(k): v for k, v in load().items()} if prefix else {}
    for c in json.loads(tracker("calls", "--json")):
        if not c["id"].startswith(prefix):
            continue
        d = json.loads(tracker("show", c["id"], "--json"))
        order = [s["sentence"] for s in d["transcript"]]
        for k, s in enumerate(d["transcript"]):
            sents[s["sentence"]] = {
                "text": s["text"], "side": s["affiliation"], "scope": c["scope"],
                "call": c["id"], "region": c["meta"].get("region"), "team": c["meta"].get("team"),
                "started": unix(c["started"]),
                "before": [d["transcript"][j]["text"] for j in range(max(0, k - 2), k)],
                "after": [d["transcript"][j]["text"] for j in range(k + 1, min(len(order), k + 3))],
            }
    json.dump(sents, open(SENTS, "w"))
elif cmd == "examples":
    sents, lab = load(), labels()
    pos = sorted(i for i, c in lab.items() if c == CONCEPT and in_scope(sents[i]))
    random.Random(3).shuffle(pos)
    chosen, seen = [], set()
    for i in pos:
        if sents[i]["text"] not in seen and len(chosen) < 5:
            chosen.append(i)
            seen.add(sents[i]["text"])
    open(os.path.join(TMP, "examples.ids"), "w").write("\n".join(map(str, chosen)) + "\n")
    print("\n".join(sents[i]["text"] for i in chosen))
elif cmd == "check-round":
    sents, d = load(), json.load(open(sys.argv[2]))
    asked_path = os.path.join(TMP, "asked.ids")
    asked = set(lines(asked_path))
    if d["round"] != int(sys.argv[3]):
        die("round %s, want %s" % (d["round"], sys.argv[3]))
    items = d["items"]
    if len(items) != 25:
        die("%d items, want 25" % len(items))
    for it in items:
        s = sents.get(it["sentence"])
        if s is None:
            die("sentence %s is in no call" % it["sentence"])
        if not in_scope(s) or it["affiliation"] != "customer" or it["call"] != s["call"]:
            die("sentence %s (%s, %s call, %s) is outside the tracker's scope"
                % (it["sentence"], it["affiliation"], s["scope"], s["region"]))
        if it["text"] != s["text"]:
            die("sentence %s: text %r, the call says %r" % (it["sentence"], it["text"], s["text"]))
        if it["before"] != s["before"] or it["after"] != s["after"]:
            die("sentence %s: context is not the two sentences either side" % it["sentence"])
        if it["sentence"] in asked:
            die("sentence %s was asked in an earlier round" % it["sentence"])
        if it["tag"] is not None:
            die("a new round holds a tagged item")
    if len({it["sentence"] for it in items}) != 25:
        die("a sentence comes twice in the round")
    with open(asked_path, "a") as f:
        for it in items:
            f.write("%d\n" % it["sentence"])
elif cmd == "answer":
    lab, d = labels(), json.load(open(sys.argv[2]))
    for it in d["items"]:
        if it["tag"] is None:
            print(it["sentence"], "yes" if lab.get(it["sentence"]) == CONCEPT else "no")
elif cmd == "texts":
    sents, name = load(), sys.argv[2]
    since = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    team = sys.argv[4] if len(sys.argv) > 4 else None
    if name in ("scope", "window", "team"):
        ids = [i for i, s in sents.items() if in_scope(s)]
    elif name == "heldout":
        ids = [i for i, s in sents.items()
               if s["scope"] == "external" and s["side"] == "customer" and s["region"] != REGION]
    else:
        ids = [i for i, s in sents.items() if in_scope(s) and s["call"].startswith("new-")]
    ids = sorted(i for i in ids if sents[i]["started"] >= since and (team is None or sents[i]["team"] == team))
    base = os.path.join(TMP, name)
    open(base + ".ids", "w").write("\n".join(map(str, ids)) + "\n")
    open(base + ".txt", "w").write("".join(sents[i]["text"] + "\n" for i in ids))
elif cmd == "compare":
    res = json.load(open(sys.argv[2]))
    name = sys.argv[3]
    ids = lines(os.path.join(TMP, name + ".ids"))
    if len(sys.argv) > 5 and sys.argv[5] == "within":
        res = [r for r in res if r["sentence"] in set(ids)]
    scored = json.load(open(os.path.join(TMP, name + ".scored")))
    if len(scored) != len(ids):
        die("`score` gave %d results for %d lines" % (len(scored), len(ids)))
    want = {i: x["score"] for i, x in zip(ids, scored) if x["match"]}
    got = {r["sentence"]: r for r in res}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing or extra:
        die("detections differ from `score`: %d missing (%s), %d extra (%s)"
            % (len(missing), missing[:5], len(extra), extra[:5]))
    bad = [i for i in want if abs(want[i] - got[i]["score"]) > 1e-4]
    if bad:
        die("%d detections score differently from `score`, e.g. sentence %d: %.5f vs %.5f"
            % (len(bad), bad[0], got[bad[0]]["score"], want[bad[0]]))
    versions = {r["model_version"] for r in res}
    if len(sys.argv) > 4 and sys.argv[4] != "any" and versions - {int(sys.argv[4])}:
        die("detections of model versions %s, want %s" % (sorted(versions), sys.argv[4]))
    print(len(got))
elif cmd == "f1":
    sents, lab = load(), labels()
    ids = lines(os.path.join(TMP, "heldout.ids"))
    scored = json.load(open(sys.argv[2]))
    if len(scored) != len(ids):
        die("`score` gave %d results for %d lines" % (len(scored), len(ids)))
    ex = lines(os.path.join(TMP, "examples.ids"))
    kw = {t for i in ex for t in tokens(sents[i]["text"]) if t not in STOPWORDS and len(t) > 1}
    truth = [lab.get(i) == CONCEPT for i in ids]
    def f1(pred):
        tp = sum(p and t for p, t in zip(pred, truth))
        fp = sum(p and not t for p, t in zip(pred, truth))
        fn = sum(t and not p for p, t in zip(pred, truth))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    model = f1([x["match"] for x in scored])
    keyword = f1([any(t in kw for t in tokens(sents[i]["text"])) for i in ids])
    print("F1 %.3f, keywords %.3f, on %d held-back sentences (%d of the concept)"
          % (model, keyword, len(ids), sum(truth)))
    if sum(truth) < 10:
        die("too few held-back sentences of the concept to compare")
    if not model > keyword:
        die("the model's F1 %.3f does not beat the keywords' %.3f" % (model, keyword))
PY

# Runs the helper; a failure fails the case with what it said.
helper() {
	python3 "$H" "$@" >"$TMP/.helper" 2>&1 || fail "$(tail -n 3 "$TMP/.helper")"
}

case_ "demo: a 240-call workspace with the generator's ground truth"
run demo --db "$W" --calls 240 --seed 1 --labels "$L" --audio none
rc_is 0
[ "$RC" = 0 ] || finish
check "the concept is said by customers" grep -q "side=customer" "$TOP/assets/demo/concept_$CONCEPT.txt"
check "the labels hold the concept" grep -q "	$CONCEPT\$" "$L"
helper dump

case_ "create: a customer-side tracker on one region's calls, with 5 labelled example sentences"
run create --db "$W" --name Security --mentioned-by customer --filter "region=$REGION"
rc_is 0
id=$(cat "$OUT")
helper examples
cp "$TMP/.helper" "$TMP/examples.txt"
check "five examples" [ "$(wc -l <"$TMP/examples.txt" | tr -d ' ')" = 5 ]
run examples --db "$W" "$id" add --file "$TMP/examples.txt"
rc_is 0

case_ "round: four rounds of 25 customer sentences of the region's external calls, with context, never asked twice"
for r in 1 2 3 4; do
	run round --db "$W" "$id" --json
	rc_is 0
	keep "round$r.json"
	helper check-round "$TMP/round$r.json" "$r"
	python3 "$H" answer "$TMP/round$r.json" >"$TMP/tags$r.txt"
	run tag --db "$W" "$id" --file "$TMP/tags$r.txt"
	rc_is 0
	out_has "the round is complete"
done
out_has "model version 1 built"

case_ "overview --json: the tracker, its model version, tag counts, estimates with ranges and up to 20 samples"
run overview --db "$W" "$id" --json
rc_is 0
keep overview.json
yes_tags=$(cat "$TMP"/tags[1-4].txt | grep -c ' yes$')
json_ok 'd["tracker"] == '"$id"' and d["model_version"] == 1'
json_ok 'set(d) >= {"tracker", "model_version", "tags", "precision", "recall", "precision_ci", "recall_ci", "samples"}'
json_ok 'd["tags"] == {"yes": '"$yes_tags"', "no": '"$((100 - yes_tags))"', "unsure": 0}'
json_ok 'all(isinstance(d[k], float) and 0 <= d[k] <= 1 for k in ("precision", "recall"))'
json_ok 'all(isinstance(d[k], list) and len(d[k]) == 2 and 0 <= d[k][0] <= d[k][1] <= 1 for k in ("precision_ci", "recall_ci"))'
json_ok 'isinstance(d["samples"], list) and 0 < len(d["samples"]) <= 20'
json_ok 'all(isinstance(s["sentence"], int) and isinstance(s["text"], str) and isinstance(s["score"], float) and 0 <= s["score"] <= 1 for s in d["samples"])'
run list --db "$W" --json
json_ok '[(t["state"], t["model_version"], t["live"]) for t in d if t["id"] == '"$id"'] == [("model ready", 1, None)]'

case_ "overview: the samples are sentences the tracker matches, in its scope, spread over calls, no text twice"
helper texts scope
run score --db "$W" "$id" --file "$TMP/scope.txt" --json
rc_is 0
cp "$OUT" "$TMP/scope.scored"
python3 - "$TMP" <<'PY' >"$TMP/.samples" 2>&1 || fail "$(tail -n 3 "$TMP/.samples")"
import json, sys
tmp = sys.argv[1]
o = json.load(open(tmp + "/overview.json"))
sents = {int(k): v for k, v in json.load(open(tmp + "/sents.json")).items()}
ids = [int(x) for x in open(tmp + "/scope.ids").read().split()]
scored = dict(zip(ids, json.load(open(tmp + "/scope.scored"))))
det_calls = {sents[i]["call"] for i, x in scored.items() if x["match"]}
calls = set()
for s in o["samples"]:
    if s["sentence"] not in scored:
        sys.exit("sample %d is outside the tracker's scope" % s["sentence"])
    if s["text"] != sents[s["sentence"]]["text"]:
        sys.exit("sample %d: text differs from the call's" % s["sentence"])
    if not scored[s["sentence"]]["match"]:
        sys.exit("sample %d (score %.3f) is not a match of `score`" % (s["sentence"], s["score"]))
    calls.add(sents[s["sentence"]]["call"])
want = min(len(o["samples"]), len(det_calls))
if len(calls) < want:
    sys.exit("%d samples from %d calls; %d calls have detections" % (len(o["samples"]), len(calls), len(det_calls)))
key = lambda t: " ".join(t.lower().replace("?", " ").replace(".", " ").replace(",", " ").split())
texts = [key(s["text"]) for s in o["samples"]]
twice = sorted({t for t in texts if texts.count(t) > 1})
if twice:
    sys.exit("surfaced more than once: %s" % "; ".join(twice))
distinct = {key(sents[i]["text"]) for i, x in scored.items() if x["match"]}
if len(o["samples"]) < min(20, len(distinct)):
    sys.exit("%d samples; %d distinct texts are detected" % (len(o["samples"]), len(distinct)))
PY

case_ "score: F1 on the held-back calls' sentences beats a keyword match of the examples' words"
helper texts heldout
run score --db "$W" "$id" --file "$TMP/heldout.txt" --json
rc_is 0
cp "$OUT" "$TMP/heldout.scored"
helper f1 "$TMP/heldout.scored"
echo "  ($(cat "$TMP/.helper"))"

# Activation at a fixed clock a little after now: the window of 6 months leaves the
# older half of the demo's calls out.
NOW=$(($(date +%s) + 100))
SINCE=$((NOW - 6 * 2629746))

case_ "activate --backfill-months 6: the detections are the sentences \`score\` matches in the window"
export TRACKER_NOW=$NOW
run activate --db "$W" "$id" --backfill-months 6
unset TRACKER_NOW
rc_is 0
out_matches "6 months: [0-9]+ detections"
run results --db "$W" "$id" --format json
rc_is 0
keep results1.json
helper texts window "$SINCE"
run score --db "$W" "$id" --file "$TMP/window.txt" --json
cp "$OUT" "$TMP/window.scored"
helper compare "$TMP/results1.json" window 1
check "the window leaves calls out" [ "$(wc -l <"$TMP/window.ids")" -lt "$(wc -l <"$TMP/scope.ids")" ]
run list --db "$W" --json
json_ok '[t["state"] for t in d if t["id"] == '"$id"'] == ["active"]'
json_ok '[(t["live"]["model_version"], t["live"]["precision"] == t["precision"], t["live"]["recall"] == t["recall"]) for t in d if t["id"] == '"$id"'] == [(1, True, True)]'

case_ "rates --by all: each week of the window is one row of all calls, the detections adding up to the results"
run rates --db "$W" "$id" --by all
rc_is 0
out_matches '^week +segment +calls +detected +rate moved$'
out_matches '^[0-9]{4}-W[0-9]{2} +all calls +[0-9]+ +[0-9]+ +[0-9]+%( up| down)?$'
out_lacks "(none)"
run rates --db "$W" "$id" --by all --json
json_ok 'sum(r["detections"] for r in d) == len(json.load(open("'"$TMP"'/results1.json")))'

case_ "train more after activation: a draft ('unpublished changes'); the detections stay with the live model"
run round --db "$W" "$id" --json
keep round5.json
helper check-round "$TMP/round5.json" 5
python3 "$H" answer "$TMP/round5.json" >"$TMP/tags5.txt"
run tag --db "$W" "$id" --file "$TMP/tags5.txt"
rc_is 0
out_has "model version 2 built"
run list --db "$W" --json
json_ok '[(t["state"], t["unpublished_changes"], t["model_version"]) for t in d if t["id"] == '"$id"'] == [("active, unpublished changes", True, 2)]'
json_ok '[t["live"]["model_version"] for t in d if t["id"] == '"$id"'] == [1]'
keep list5.json
live_pr=$(python3 -c 'import json,sys; t=[t for t in json.load(open(sys.argv[1])) if t["id"] == int(sys.argv[2])][0]; print("%.2f +%.2f" % (t["live"]["precision"], t["live"]["recall"]))' "$TMP/list5.json" "$id")
draft_pr=$(python3 -c 'import json,sys; t=[t for t in json.load(open(sys.argv[1])) if t["id"] == int(sys.argv[2])][0]; print("precision %.2f, hit rate %.2f" % (t["precision"], t["recall"]))' "$TMP/list5.json" "$id")
run list --db "$W"
rc_is 0
out_matches "^$id +.* +active, unpublished changes +[0-9]+ +$live_pr\$"
out_has "     draft model 2, not published: $draft_pr (\`tracker compare $id\`)"
run results --db "$W" "$id" --format json
same_as results1.json

case_ "overview of an active tracker's newer model says it is a draft and which version is live"
run overview --db "$W" "$id"
rc_is 0
out_has "model version 2, from"
out_has "a draft, not published: model version 1 is live (\`tracker compare $id\`, \`tracker publish $id\`)"
run overview --db "$W" "$id" --json
json_ok '(d["model_version"], d["live_model_version"], d["draft"], d["draft_settings"]) == (2, 1, True, False)'

case_ "activate on an active tracker with a draft: refused, pointing to compare and publish; nothing changes"
cp "$W" "$TMP/before_activate.db"
run activate --db "$W" "$id" --backfill-months 0
rc_is 1
err_has "is active already, with unpublished changes: \`tracker compare $id\` shows them and \`tracker publish $id\` makes them live"
out_is_empty
check "activate again wrote nothing" cmp -s "$W" "$TMP/before_activate.db"
run results --db "$W" "$id" --format json
same_as results1.json
run activate --db "$W" "$id" --upcoming-only --backfill-months 3
rc_is 2
err_has "give --backfill-months N or --upcoming-only, not both"
check "a usage error wrote nothing" cmp -s "$W" "$TMP/before_activate.db"

case_ "compare: the draft against the live detections on the same calls, before publishing; it writes nothing"
cp "$W" "$TMP/before_compare.db"
run compare --db "$W" "$id" --json
rc_is 0
keep compare.json
run compare --db "$W" "$id"
rc_is 0
out_has "live:  model version 1"
out_has "draft: model version 2"
out_matches "^publishing stores [0-9]+ detections? \([0-9]+ now\)$"
python3 - "$TMP" <<'PY' >"$TMP/.compare" 2>&1 || fail "$(tail -n 3 "$TMP/.compare")"
import json, sys
tmp = sys.argv[1]
k = json.load(open(tmp + "/compare.json"))
live = {r["sentence"] for r in json.load(open(tmp + "/results1.json"))}
ids = [int(x) for x in open(tmp + "/window.ids").read().split()]
if k["live"]["model_version"] != 1 or k["draft"]["model_version"] != 2:
    sys.exit("versions: %r" % [k["live"], k["draft"]])
if not k["draft"]["model_changed"] or k["draft"]["settings_changed"]:
    sys.exit("what changed: %r" % k["draft"])
if k["live"]["detections"] != len(live):
    sys.exit("live detections %d, results list %d" % (k["live"]["detections"], len(live)))
s = k["same_calls"]
if s["sentences"] != len(ids):
    sys.exit("%d sentences compared; the window holds %d" % (s["sentences"], len(ids)))
if s["live"] != len(live & set(ids)) or s["both"] + s["only_live"] != s["live"] \
        or s["both"] + s["only_draft"] != s["draft"]:
    sys.exit("counts do not add up: %r" % s)
for x in s["only_live_samples"]:
    if x["sentence"] not in live:
        sys.exit("sentence %d shown as detected only live is not a live detection" % x["sentence"])
for x in s["only_draft_samples"]:
    if x["sentence"] in live:
        sys.exit("sentence %d shown as detected only by the draft is a live detection" % x["sentence"])
if k["calls"]["added"] or k["calls"]["removed"]:
    sys.exit("settings unchanged, yet calls differ: %r" % k["calls"])
PY
check "compare wrote nothing" cmp -s "$W" "$TMP/before_compare.db"

case_ "publish: the draft model goes live and the calls are scored again with it"
run publish --db "$W" "$id"
rc_is 0
out_matches "published: [0-9]+ detections"
n_pub=$(sed -n 's/^published: \([0-9]*\) detections*$/\1/p' "$OUT")
check "publish stored what compare said it would ($n_pub)" python3 -c "import json,sys; sys.exit(json.load(open('$TMP/compare.json'))['draft']['detections'] != $n_pub)"
run compare --db "$W" "$id"
rc_is 1
err_has "has no unpublished changes to compare"
run list --db "$W" --json
json_ok '[(t["state"], t["unpublished_changes"], t["live"]["model_version"]) for t in d if t["id"] == '"$id"'] == [("active", False, 2)]'
run results --db "$W" "$id" --format json
keep results2.json
run activate --db "$W" "$id"
rc_is 1
err_matches "is active already \(model version 2, [0-9]+ detections?; \`tracker results $id\` lists them\)"
run results --db "$W" "$id" --format json
same_as results2.json
run score --db "$W" "$id" --file "$TMP/window.txt" --json
cp "$OUT" "$TMP/window.scored"
helper compare "$TMP/results2.json" window 2

case_ "edit: a filter change of an active tracker is a draft until published, then rules the detections"
run edit --db "$W" "$id" --filter "region=$REGION" --filter team=Mid-Market
rc_is 0
out_has "draft"
run list --db "$W" --json
json_ok '[(t["unpublished_changes"], t["filters"], t["draft"]["filters"]) for t in d if t["id"] == '"$id"'] == [(True, {"region": ["'"$REGION"'"]}, {"region": ["'"$REGION"'"], "team": ["Mid-Market"]})]'
run results --db "$W" "$id" --format json
same_as results2.json
run overview --db "$W" "$id"
out_has "edited settings not published"
out_lacks "a draft, not published"
run overview --db "$W" "$id" --json
json_ok '(d["live_model_version"], d["draft"], d["draft_settings"]) == (2, False, True)'
run publish --db "$W" "$id"
rc_is 0
run list --db "$W" --json
json_ok '[(t["state"], t["filters"]) for t in d if t["id"] == '"$id"'] == [("active", {"region": ["'"$REGION"'"], "team": ["Mid-Market"]})]'
run edit --db "$W" "$id" --filter "region=$REGION" --filter team=Mid-Market
rc_is 0
out_is "saved: the settings are those live, so there is no draft of them to publish"
run list --db "$W" --json
json_ok '[(t["state"], t["unpublished_changes"]) for t in d if t["id"] == '"$id"'] == [("active", False)]'
run results --db "$W" "$id" --format json
keep results3.json
helper texts team "$SINCE" Mid-Market
run score --db "$W" "$id" --file "$TMP/team.txt" --json
cp "$OUT" "$TMP/team.scored"
helper compare "$TMP/results3.json" team 2
python3 -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))) < len(json.load(open(sys.argv[2]))) else 1)' \
	"$TMP/results3.json" "$TMP/results2.json" || fail "the team filter did not narrow the detections"

case_ "activate --upcoming-only: a second tracker (imported from the first) stores no detection"
run export --db "$W" "$id"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["name"]="Security again"; json.dump(d, open(sys.argv[2], "w"))' \
	"$OUT" "$TMP/second.json"
run import-tracker --db "$W" "$TMP/second.json"
rc_is 0
id2=$(cat "$OUT")
run train --db "$W" "$id2"
rc_is 0
export TRACKER_NOW=$NOW
run activate --db "$W" "$id2" --upcoming-only
unset TRACKER_NOW
rc_is 0
run results --db "$W" "$id2" --format json
json_ok 'd == []'

case_ "import: calls imported later are scored by both active trackers, as \`score\` would"
# Three new calls of the region and team, their customers saying held-back sentences of
# the concept among others. The parties take turns, the rep first, so the odd turns are
# the customer's: the concept's sentences go there, where the trackers look.
python3 - "$TMP" <<'PY' || fail "could not write the new calls"
import json, os, sys, time
tmp = sys.argv[1]
region = os.environ["REGION"]
sents = {int(k): v for k, v in json.load(open(tmp + "/sents.json")).items()}
lab = {}
for line in open(os.environ["L"]):
    i, c = line.rstrip("\n").split("\t")
    lab[int(i)] = c
held = [i for i in sorted(sents) if sents[i]["scope"] == "external"
        and sents[i]["side"] == "customer" and sents[i]["region"] != region]
pos = [sents[i]["text"] for i in held if lab.get(i) == os.environ["CONCEPT"]][:9]
neg = [sents[i]["text"] for i in held if i not in lab][:60]
started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 3600))
with open(tmp + "/new.jsonl", "w") as f:
    for c in range(3):
        texts = neg[c * 20:(c + 1) * 20]
        for k, p in enumerate(pos[c * 3:(c + 1) * 3]):
            texts.insert(5 + 6 * k, p)
        tr, t = [], 0
        for k, text in enumerate(texts):
            tr.append({"speaker": "p%d" % (1 + k % 2), "start_ms": t, "end_ms": t + 3000, "text": text})
            t += 3500
        f.write(json.dumps({
            "id": "new-%d" % c, "title": "New call %d" % c, "started": started,
            "scope": "external", "language": "en", "meta": {"region": region, "team": "Mid-Market"},
            "parties": [{"id": "p1", "name": "Rep One", "affiliation": "company"},
                        {"id": "p2", "name": "Buyer Two", "affiliation": "customer"}],
            "transcript": tr}) + "\n")
PY
export TRACKER_NOW=$((NOW + 100))
run import --db "$W" "$TMP/new.jsonl"
unset TRACKER_NOW
rc_is 0
out_matches "scored by 2 active trackers: [0-9]+ detections"
added=$(sed -n 's/^scored by 2 active trackers: \([0-9]*\) detections$/\1/p' "$OUT")
helper dump new-
helper texts new
run score --db "$W" "$id2" --file "$TMP/new.txt" --json
cp "$OUT" "$TMP/new.scored"
run results --db "$W" "$id2" --format json
keep results_second.json
helper compare "$TMP/results_second.json" new any
n2=$(cat "$TMP/.helper")
check "the new calls hold detections" [ "${n2:-0}" -gt 0 ]
run score --db "$W" "$id" --file "$TMP/new.txt" --json
cp "$OUT" "$TMP/new.scored"
run results --db "$W" "$id" --format json
keep results4.json
helper compare "$TMP/results4.json" new any within
n1=$(cat "$TMP/.helper")
python3 - "$TMP/results4.json" "$TMP/results3.json" <<'PY' >"$TMP/.new" 2>&1 || fail "$(tail -n 3 "$TMP/.new")"
import json, sys
now, before = (json.load(open(p)) for p in sys.argv[1:3])
old = {r["sentence"] for r in before}
if not old <= {r["sentence"] for r in now}:
    sys.exit("detections from before the import were lost")
if any(not r["call"].startswith("new-") for r in now if r["sentence"] not in old):
    sys.exit("the import added detections outside the new calls")
PY
check "the import's count ($added) is what both trackers added ($n1 + $n2)" [ "$added" = "$((n1 + n2))" ]

case_ "overview: a sentence said in many calls is surfaced once among the 20"
# Forty more calls of the region, each with its customer saying a sentence the model
# surfaces: a sample drawn over calls would otherwise show it again and again.
run overview --db "$W" "$id" --json
keep overview_before_repeats.json
python3 - "$TMP" <<'PY' || fail "could not write the calls that repeat a sentence"
import json, os, sys, time
tmp = sys.argv[1]
said = json.load(open(tmp + "/overview_before_repeats.json"))["samples"][0]["text"]
open(tmp + "/repeated.txt", "w").write(said)
started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 7200))
with open(tmp + "/repeats.jsonl", "w") as f:
    for c in range(40):
        texts = ["Thanks for making the time today.", said, "Let me share my screen.",
                 "We can pick this up next week."]
        f.write(json.dumps({
            "id": "repeat-%d" % c, "title": "Repeat call %d" % c, "started": started,
            "scope": "external", "language": "en", "meta": {"region": os.environ["REGION"], "team": "Mid-Market"},
            "parties": [{"id": "p1", "name": "Rep One", "affiliation": "company"},
                        {"id": "p2", "name": "Buyer Two", "affiliation": "customer"}],
            "transcript": [{"speaker": "p%d" % (1 + k % 2), "start_ms": 3500 * k,
                            "end_ms": 3500 * k + 3000, "text": t} for k, t in enumerate(texts)]}) + "\n")
PY
export TRACKER_NOW=$((NOW + 200))
run import --db "$W" "$TMP/repeats.jsonl"
unset TRACKER_NOW
rc_is 0
run overview --db "$W" "$id" --json
rc_is 0
keep overview_repeats.json
python3 - "$TMP" <<'PY' >"$TMP/.repeats" 2>&1 || fail "$(tail -n 3 "$TMP/.repeats")"
import json, sys
tmp = sys.argv[1]
said = open(tmp + "/repeated.txt").read()
texts = [s["text"] for s in json.load(open(tmp + "/overview_repeats.json"))["samples"]]
if texts.count(said) > 1:
    sys.exit("%r is surfaced %d times among %d" % (said, texts.count(said), len(texts)))
if len(set(t.lower() for t in texts)) != len(texts):
    sys.exit("a text is surfaced twice: %r" % texts)
PY

finish
