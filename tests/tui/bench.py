"""Times the app in a pseudo-terminal: start-up to the first drawn screen, and key to
screen on the tagging screen. The app writes a line to $TRACKER_TUI_TRACE with the
CLOCK_MONOTONIC time each time it has handed a frame to the terminal (the first one,
and the one after each key); this script notes the same clock just before it starts
the app or writes a key, and the difference is the figure.

usage: bench.py TRACKER CONFIG WORKSPACE_COPY_FROM WORKDIR [KEYS] [STARTS]"""
import fcntl
import os
import pty
import shutil
import signal
import struct
import sys
import termios
import threading
import time

COLS, ROWS = 120, 40


class App:
    def __init__(self, tracker, conf, db, trace):
        self.trace = trace
        open(trace, "w").close()
        self.out = bytearray()
        self.lock = threading.Lock()
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8",
                   TRACKER_TUI_TRACE=trace, ESCDELAY="25")
        env.pop("NO_COLOR", None)
        self.t0 = time.monotonic_ns()
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execve(tracker, [tracker, "--config", conf, "--db", db], env)
        self.pid, self.fd = pid, fd
        self.reader = threading.Thread(target=self.drain, daemon=True)
        self.reader.start()

    def drain(self):
        while True:
            try:
                b = os.read(self.fd, 65536)
            except OSError:
                return
            if not b:
                return
            with self.lock:
                self.out += b

    def frames(self):
        with open(self.trace) as f:
            return [ln.split() for ln in f if ln.strip()]

    def wait_frames(self, n, timeout=30.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            fr = self.frames()
            if len(fr) >= n:
                return fr
            time.sleep(0.0005)
        raise SystemExit("bench: the app drew no frame in %.0f s" % timeout)

    def wait_text(self, text, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if text.encode() in self.out:
                    return
            time.sleep(0.005)
        raise SystemExit("bench: '%s' never showed" % text)

    def key(self, k, code):
        """Writes a key; returns ms from the write to the frame drawn after it. The
        frame must say it followed that key (code as the app reads it)."""
        n = len(self.frames())
        t = time.monotonic_ns()
        os.write(self.fd, k)
        fr = self.wait_frames(n + 1)
        if int(fr[n][2]) != code or len(self.frames()) != n + 1:
            raise SystemExit("bench: key %r drew frames %r" % (k, self.frames()[n:]))
        return (int(fr[n][0]) - t) / 1e6

    def quit(self):
        try:
            os.write(self.fd, b"\x03")
        except OSError:
            pass
        end = time.monotonic() + 10
        while time.monotonic() < end:
            p, _ = os.waitpid(self.pid, os.WNOHANG)
            if p:
                break
            time.sleep(0.01)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    tracker, conf, base, work = sys.argv[1:5]
    nkeys = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    nstarts = int(sys.argv[6]) if len(sys.argv) > 6 else 10
    db = os.path.join(work, "bench.db")
    trace = os.path.join(work, "trace.txt")

    # start-up: fresh copies, the trackers screen, to its first frame
    starts = []
    for _ in range(nstarts):
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(db + ext):
                os.unlink(db + ext)
        shutil.copy(base, db)
        app = App(tracker, conf, db, trace)
        fr = app.wait_frames(1)
        starts.append((int(fr[0][0]) - app.t0) / 1e6)
        app.wait_text("Workspace")
        app.quit()

    # keys on the tagging screen: tag and take it back, move on, in turn
    app = App(tracker, conf, db, trace)
    app.wait_frames(1)
    app.wait_text("Workspace")
    app.key(b"t", ord("t"))
    app.wait_text(" of 25 ")
    time.sleep(0.2)
    # keypad mode: xterm's arrows are ESC O C / ESC O D; the app reads function keys
    # as negative codes (KEY_BACKSPACE 263, KEY_RIGHT 261, KEY_LEFT 260)
    right, left = b"\x1bOC", b"\x1bOD"
    codes = {b"y": 121, b"n": 110, b"u": 117, b"\x7f": -263, right: -261, left: -260}
    seq = [b"y", b"\x7f", right, b"n", b"\x7f", right, b"u", b"\x7f", left]
    lat = []
    kinds = {}
    for i in range(nkeys):
        k = seq[i % len(seq)]
        ms = app.key(k, codes[k])
        lat.append(ms)
        kinds.setdefault(k, []).append(ms)
    app.quit()

    names = {b"y": "y", b"n": "n", b"u": "u", b"\x7f": "Backspace", right: "→", left: "←"}
    print("tui: start-up to the first drawn screen (600-call demo), %d starts: median %.1f ms, "
          "max %.1f ms (goal < 300 ms)" % (len(starts), pct(starts, 0.5), max(starts)))
    print("tui: key to screen on the tagging screen, %d keys: median %.1f ms, p99 %.1f ms, "
          "max %.1f ms (goal p99 < 30 ms)" % (len(lat), pct(lat, 0.5), pct(lat, 0.99), max(lat)))
    print("tui:   by key: " + ", ".join("%s %.1f ms" % (names[k], pct(v, 0.5))
                                        for k, v in kinds.items()))
    ok = pct(lat, 0.99) < 30 and pct(starts, 0.5) < 300
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
