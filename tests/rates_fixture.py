# A workspace whose detection rate moves: on a demo workspace (with its ground truth in
# WS.labels), a tracker of customers asking for a discount trained 4 rounds from the truth
# and activated, then 11 weeks of Enterprise East calls imported after the demo's last
# call: 12 a week, 2 with a discount ask, then 10 of 12 in the 11th week. Prints the
# tracker id and that week ("2026-W33"). Used by tests/cli_rates.sh and tests/tui_rates.sh.
# usage: python3 tests/rates_fixture.py TRACKER WS
import datetime, json, subprocess, sys

T, WS = sys.argv[1], sys.argv[2]


def run(*args, stdin=None):
    return subprocess.run([T, *args, "--db", WS], input=stdin, check=True,
                          capture_output=True, text=True).stdout


yes = set()
for line in open(WS + ".labels"):
    sid, concept = line.rstrip("\n").split("\t")
    if concept == "asking_for_discount":
        yes.add(int(sid))
tid = run("create", "--name", "Discount asks", "--mentioned-by", "customer").strip()
run("examples", tid, "add", "Can you give us a discount?",
    "Is there any flexibility on the price?", "Could you knock something off the list price?",
    "Any chance of a reduction if we commit for two years?", "Can you do better on the price?")
for _ in range(4):
    r = json.loads(run("round", tid, "--json"))
    answers = "".join("%d %s\n" % (it["sentence"], "yes" if it["sentence"] in yes else "no")
                      for it in r["items"] if it["tag"] is None)
    run("tag", tid, "--file", "-", stdin=answers)
run("activate", tid)

last = max(c["started"] for c in json.loads(run("calls", "--json")))
last = datetime.datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ")
start = (last + datetime.timedelta(days=7 - last.weekday())).replace(hour=9, minute=0)
calls = []
for wk in range(11):
    asks = 10 if wk == 10 else 2
    for i in range(12):
        lines = [("p1", "Thanks for joining, shall we look at the agenda?"),
                 ("p2", "Sure, we want to hear about the rollout plan.")]
        if i < asks:
            lines.append(("p2", "Can you give us a discount if we sign this quarter?"))
        lines.append(("p1", "We will send the contract over tomorrow."))
        t = start + datetime.timedelta(days=7 * wk, minutes=30 * i)
        calls.append(json.dumps({
            "id": "drift-%02d-%02d" % (wk, i), "title": ("Globex Übergabe %d" if wk == 10 else "Globex check-in %d") % i,
            "started": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "scope": "external", "language": "en",
            "meta": {"team": "Enterprise East", "deal_stage": "Negotiation"},
            "parties": [{"id": "p1", "name": "Dana Reyes", "affiliation": "company"},
                        {"id": "p2", "name": "Lee Park", "affiliation": "customer"}],
            "transcript": [{"speaker": s, "start_ms": 5000 * k, "end_ms": 5000 * k + 4000,
                            "text": x} for k, (s, x) in enumerate(lines)]}))
path = WS + ".drift.jsonl"
with open(path, "w") as f:
    f.write("\n".join(calls) + "\n")
run("import", path)
y, w, _ = (start + datetime.timedelta(days=70)).isocalendar()
print(tid, "%d-W%02d" % (y, w))
