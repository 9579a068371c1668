"""Reads a tmux capture made with `capture-pane -e` and says whether the line that
starts with a text (after its indentation) is drawn bold, or whether the line that
holds a text shows it in reverse video (a selected row).

usage: sgr.py CAPTURE bold|plain TEXT   exit 0 when every character of TEXT on every
                                         such line is bold (bold) / none is (plain)
       sgr.py CAPTURE reverse|unreversed TEXT   the same for reverse video
       sgr.py CAPTURE text              the capture without attributes

tmux emits one SGR per change and carries the state across lines: 1 sets bold,
0 and 22 clear it; 7 sets reverse, 0 and 27 clear it; 38/48 take extra colour
arguments."""
import sys


def parse(path):
    rows = []
    bold = False
    rev = False
    with open(path, encoding="utf-8", errors="replace") as f:
        data = f.read()
    for raw in data.split("\n"):
        out = []
        i = 0
        while i < len(raw):
            c = raw[i]
            if c == "\x1b" and i + 1 < len(raw) and raw[i + 1] == "[":
                j = i + 2
                while j < len(raw) and not raw[j].isalpha():
                    j += 1
                if j < len(raw) and raw[j] == "m":
                    params = raw[i + 2:j].split(";") if raw[i + 2:j] else ["0"]
                    k = 0
                    while k < len(params):
                        p = params[k] or "0"
                        if p == "0":
                            bold = rev = False
                        elif p == "22":
                            bold = False
                        elif p == "1":
                            bold = True
                        elif p == "7":
                            rev = True
                        elif p == "27":
                            rev = False
                        elif p in ("38", "48") and k + 1 < len(params):
                            k += 2 if params[k + 1] == "5" else 4
                        k += 1
                i = j + 1
                continue
            if c == "\x1b":
                i += 1
                continue
            out.append((c, bold, rev))
            i += 1
        rows.append(out)
    return rows


def main():
    rows = parse(sys.argv[1])
    if sys.argv[2] == "text":
        for r in rows:
            print("".join(c for c, _, _ in r))
        return 0
    want = sys.argv[2]
    text = sys.argv[3]
    found = 0
    for r in rows:
        line = "".join(c for c, _, _ in r)
        if want in ("reverse", "unreversed"):
            # a list row: the text may follow marks, times and names
            start = line.find(text)
            if start < 0:
                continue
            flags = [v for _, _, v in r[start:start + len(text)]]
        else:
            start = len(line) - len(line.lstrip(" "))
            if not line[start:].startswith(text):
                continue
            flags = [b for _, b, _ in r[start:start + len(text)]]
        found += 1
        if want in ("bold", "reverse") and not all(flags):
            print("not %s: %r" % (want, line.strip()), file=sys.stderr)
            return 1
        if want in ("plain", "unreversed") and any(flags):
            print("%s: %r" % ("bold" if want == "plain" else "reversed", line.strip()),
                  file=sys.stderr)
            return 1
    if not found:
        print("no line starts with %r" % text, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
