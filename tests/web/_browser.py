"""The browser for web scenario tests: tests/web/browser.mjs (Chromium via
playwright-core) driven from python, so a test can use harness.py's daemon
and SIPp peers and the browser in one script.

    import _browser
    b = _browser.Browser()                 # starts headless chromium
    b.open("agent", width=1440, height=900)
    b.goto("agent", hl.base_url + "/")
    b.fill("agent", "input[name=username]", "1001")
    b.wait("agent", "[data-testid=my-state]", text="Available")
    b.shot("agent", "agent-available")     # build/screenshots/NAME.png
    b.quit()

Every call is bounded (timeout + a margin); the node process is killed at
exit with the daemons (harness's list)."""

import json
import os
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import harness  # noqa: E402

SHOTS = os.path.join(harness.repo_root(), "build", "screenshots")


class BrowserError(AssertionError):
    pass


class Browser:
    def __init__(self):
        self.proc = subprocess.Popen(
            ["node", os.path.join(HERE, "browser.mjs")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=harness._die_with_parent)
        harness._live.append(self.proc)
        self.seq = 0
        self.buf = b""

    def call(self, op, timeout=10, **kw):
        self.seq += 1
        req = dict(kw, id=self.seq, op=op, timeout=int(timeout * 1000))
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout + 30  # + browser start-up
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                try:
                    msg = json.loads(line)
                except ValueError:
                    continue
                if msg.get("id") != self.seq:
                    continue
                if not msg.get("ok"):
                    raise BrowserError("%s %s: %s" % (op, kw.get("sel", ""),
                                                      msg.get("error")))
                return msg.get("value")
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                err = self.proc.stderr.read1(4000) if self.proc.poll() \
                    is not None else b""
                raise BrowserError("browser did not answer %s: %s" %
                                   (op, err.decode("utf-8", "replace")))
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 1))
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    continue
                self.buf += chunk

    # --- shorthands -------------------------------------------------------
    def open(self, page, width=1440, height=900, **kw):
        return self.call("open", page=page, width=width, height=height, **kw)

    def goto(self, page, url, timeout=15):
        return self.call("goto", page=page, url=url, timeout=timeout)

    def click(self, page, sel, timeout=10):
        return self.call("click", page=page, sel=sel, timeout=timeout)

    def fill(self, page, sel, value, timeout=10):
        return self.call("fill", page=page, sel=sel, value=value,
                         timeout=timeout)

    def select(self, page, sel, value, timeout=10):
        return self.call("select", page=page, sel=sel, value=value,
                         timeout=timeout)

    def files(self, page, sel, name, mime, data, timeout=10):
        """Choose a file (bytes data) in an <input type=file>."""
        import base64
        return self.call("files", page=page, sel=sel, name=name, mime=mime,
                         b64=base64.b64encode(data).decode(), timeout=timeout)

    def wait(self, page, sel, text=None, timeout=10, state=None):
        kw = {}
        if text is not None:
            kw["text"] = text
        if state:
            kw["state"] = state
        return self.call("wait", page=page, sel=sel, timeout=timeout, **kw)

    def try_wait(self, page, sel, text=None, timeout=10, state=None):
        try:
            self.wait(page, sel, text=text, timeout=timeout, state=state)
            return True
        except BrowserError:
            return False

    def text(self, page, sel, timeout=10):
        return self.call("text", page=page, sel=sel, timeout=timeout)

    def count(self, page, sel):
        return self.call("count", page=page, sel=sel)

    def eval(self, page, js, timeout=10):
        return self.call("eval", page=page, js=js, timeout=timeout)

    def shot(self, page, name, full=False):
        path = os.path.join(SHOTS, name + ".png")
        self.call("shot", page=page, path=path, full=full, timeout=15)
        return path

    def fonts(self, page, sel):
        """{family: glyphs} Chromium drew sel's own text with."""
        return {f["familyName"]: f["glyphCount"]
                for f in self.call("fonts", page=page, sel=sel)}

    def console(self, page):
        return self.call("console", page=page)

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.call("quit", timeout=5)
            except BrowserError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc in harness._live:
            harness._live.remove(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.quit()
        return False
