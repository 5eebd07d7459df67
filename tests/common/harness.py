"""Start a real `hotline serve` for scenario tests and talk to it.

Shared by the scenario tests (tests/**/*.test, python3).  Import it with:

    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "common"))
    import harness

Typical use:

    t = harness.Tally()
    with harness.Hotline() as hl:          # demo center, free ports, temp dir
        st, body = hl.get("/api/v1/agents/1001")
        t.check("agent found", st == 200, body)
        st, body = hl.post("/api/v1/agents/1001/state", {"state": "available"})
    # leaving the block stops the daemon with SIGTERM and checks that it
    # exited 0 with no sanitizer report on stderr (raises AssertionError)
    t.exit()                               # prints "N passed, N failed"

What it offers:

  repo_root(), hotline_bin()     the checkout and "$HOTLINE_BIN" (default
                                 build/asan/hotline, as scripts/run-tests sets)
  free_port(udp=False)           a free 127.0.0.1 TCP port (and UDP when udp)
  Hotline(center=PATH, center_text=STR, sip_port=N, http_port=N, db=PATH,
          log_level="info", args=[...], env={...}, cwd=PATH,
          ready_timeout=30, start=True, pass_addrs=True)
      A daemon in its own temp dir: the center file (default etc/demo.yaml,
      or center_text) is copied there, the database defaults to
      TMP/var/hotline.db, ports default to free ones (SIP on UDP and TCP).
      pass_addrs=False leaves out --sip/--http/--db (to test the center
      file's server: section; give http_port so the harness can poll it).
      .start()  spawns `hotline serve --center --sip --http --db --log-level`
                and waits until GET /api/v1/health answers 200 (retrying with
                new ports if a picked port was taken meanwhile)
      .stop(timeout=15) -> (exit code, [problems]); SIGTERM, then SIGKILL
      .check_stop()     stop() and raise AssertionError on any problem
      .kill()           SIGKILL, no checks
      .alive()          still running?
      .login(username, password, tenant=None) -> token: signs in and makes
                the token the default of request() (hl.token); raises
                AssertionError when refused
      .request(method, path, body=None, headers=None, timeout=10,
                token=None) -> (status, parsed JSON or text); body:
                dict/list -> JSON, bytes/str -> sent as is; token: None
                uses hl.token, "" sends none, else that token
      .get(path), .post(path, body)
      .raw(data: bytes, timeout=5) -> (status or None, headers dict, body
                bytes); one request on a fresh TCP connection, for framing
                tests urllib cannot send
      .stderr_text()    everything the daemon logged so far
      .wait_log(pattern, timeout)  wait until a regex appears on stderr
      attributes: sip_port, http_port, sip_addr, http_addr, base_url, tmpdir,
                  center_path, db, proc
  run_hotline(args, timeout=30, cwd=None) -> subprocess.CompletedProcess
      one-shot run (text stdout/stderr), e.g. for "exits 1 on bad config"
  sanitizer_problems(text) -> [lines]   ASan/UBSan/LSan reports in a log
  port_listening(port, udp=False) -> bool
  Tally: .check(name, cond, detail=""), .exit()  (prints "N passed, N
      failed", exits 0 only if all passed and at least one ran)

Safety: every daemon is killed when the test exits, however it exits: an
atexit hook, SIGTERM/SIGINT handlers that run it, and PR_SET_PDEATHSIG so a
SIGKILLed test (run-tests' timeout) takes its daemons with it.  All waits
are bounded.
"""

import atexit
import ctypes
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

_live = []  # daemons to kill at exit


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", ".."))


def hotline_bin():
    return os.environ.get("HOTLINE_BIN") or os.path.join(repo_root(), "build",
                                                         "asan", "hotline")


def _kill_all():
    for p in list(_live):
        try:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
        except Exception:
            pass
    _live.clear()


atexit.register(_kill_all)


def _on_signal(sig, frame):
    _kill_all()
    sys.exit(128 + sig)


for _s in (signal.SIGTERM, signal.SIGINT):
    try:
        signal.signal(_s, _on_signal)
    except ValueError:  # not the main thread
        pass


def _die_with_parent():
    # Linux: the child gets SIGKILL when the test process dies.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def free_port(udp=False):
    """A port free on 127.0.0.1 for TCP (and UDP too when udp)."""
    for _ in range(200):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        finally:
            s.close()
        if not udp:
            return port
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
    raise RuntimeError("no free port found")


def port_listening(port, udp=False):
    """Is something bound to 127.0.0.1:port (TCP listening, or UDP bound)?"""
    if udp:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
            return False
        except OSError:
            return True
        finally:
            u.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


_SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|"
                        r"runtime error:|WARNING: ThreadSanitizer")


def sanitizer_problems(text):
    return [l for l in text.splitlines() if _SANITIZER.search(l)]


# The RTP ports of daemons started by tests: below the C tests' port blocks
# (tests/common/testnet.c, 20000-31999) and the kernel's ephemeral ports
# (32768-), where free_port() and SIPp's media ports come from; the
# daemon's own default (16384-32767) overlaps both.
TEST_RTP_PORTS = "10000-19999"


def _env(extra):
    e = dict(os.environ)
    e.setdefault("HOTLINE_RTP_PORTS", TEST_RTP_PORTS)
    if extra:
        e.update(extra)
    return e


def run_hotline(args, timeout=30, cwd=None, env=None):
    """Run `hotline ARGS...` to completion (bounded) and return the result."""
    e = _env(env)
    return subprocess.run([hotline_bin()] + list(args), cwd=cwd, env=e,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout,
                          preexec_fn=_die_with_parent)


class Hotline:
    def __init__(self, center=None, center_text=None, sip_port=None,
                 http_port=None, db=None, log_level="info", args=None,
                 env=None, cwd=None, ready_timeout=30, start=True,
                 pass_addrs=True):
        self.tmpdir = tempfile.mkdtemp(prefix="hotline-test-")
        if center_text is not None:
            self.center_path = os.path.join(self.tmpdir, "center.yaml")
            with open(self.center_path, "w") as f:
                f.write(center_text)
        else:
            src = center or os.path.join(repo_root(), "etc", "demo.yaml")
            self.center_path = os.path.join(self.tmpdir,
                                            os.path.basename(src))
            shutil.copyfile(src, self.center_path)
        self._fixed_ports = sip_port is not None or http_port is not None
        self.sip_port = sip_port
        self.http_port = http_port
        self.db = db or os.path.join(self.tmpdir, "var", "hotline.db")
        self.log_level = log_level
        self.args = list(args or [])
        self.env = env
        self.cwd = cwd or self.tmpdir
        self.ready_timeout = ready_timeout
        self.pass_addrs = pass_addrs
        self.proc = None
        self.token = None
        self.log_path = os.path.join(self.tmpdir, "stderr.log")
        self._log = None
        self.exit_code = None
        if start:
            self.start()

    # --- lifecycle -------------------------------------------------------

    @property
    def sip_addr(self):
        return "127.0.0.1:%d" % self.sip_port

    @property
    def http_addr(self):
        return "127.0.0.1:%d" % self.http_port

    @property
    def base_url(self):
        return "http://" + self.http_addr

    def _spawn(self):
        if self.sip_port is None:
            self.sip_port = free_port(udp=True)
        if self.http_port is None:
            self.http_port = free_port()
        cmd = [hotline_bin(), "serve", "--center", self.center_path]
        if self.pass_addrs:
            cmd += ["--sip", self.sip_addr, "--http", self.http_addr,
                    "--db", self.db]
        if self.log_level:
            cmd += ["--log-level", self.log_level]
        cmd += self.args
        e = _env(self.env)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=e,
                                     stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log,
                                     preexec_fn=_die_with_parent)
        _live.append(self.proc)

    def start(self):
        for attempt in range(3):
            self._spawn()
            err = self._wait_ready()
            if err is None:
                return self
            taken = "in use" in self.stderr_text()
            self.kill()
            if taken and not self._fixed_ports and attempt < 2:
                # A picked port was taken between picking and binding.
                self.sip_port = self.http_port = None
                continue
            tail = self._tail()
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            raise AssertionError("hotline serve did not start: %s\n%s" %
                                 (err, tail))
        raise AssertionError("hotline serve did not start")

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited with %d" % self.proc.returncode
            try:
                st, body = self.request("GET", "/api/v1/health", timeout=2)
                if st == 200 and isinstance(body, dict) and \
                        body.get("status") == "ok":
                    return None
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return "no answer on /api/v1/health within %ds" % self.ready_timeout

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._close_log()

    def _close_log(self):
        if self.proc in _live and self.proc.poll() is not None:
            _live.remove(self.proc)
        if self._log:
            self._log.close()
            self._log = None

    def stop(self, timeout=15, sig=signal.SIGTERM):
        """Signal the daemon and wait; return (exit code, [problems])."""
        problems = []
        if self.proc is None:
            return None, ["never started"]
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                problems.append("did not exit within %ds of %s" %
                                (timeout, signal.Signals(sig).name))
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.exit_code = self.proc.returncode
        self._close_log()
        if self.exit_code != 0:
            problems.append("exit status %d" % self.exit_code)
        problems += sanitizer_problems(self.stderr_text())
        return self.exit_code, problems

    def check_stop(self, timeout=15):
        code, problems = self.stop(timeout)
        if problems:
            raise AssertionError("hotline serve did not stop cleanly: %s\n%s"
                                 % ("; ".join(problems), self._tail()))
        return code

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.check_stop()
            else:
                sys.stderr.write(self._tail())
        finally:
            self.cleanup()
        return False

    # --- logs --------------------------------------------------------------

    def stderr_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _tail(self, n=40):
        lines = self.stderr_text().splitlines()[-n:]
        return "".join("    | %s\n" % l for l in lines)

    def wait_log(self, pattern, timeout=10):
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while time.monotonic() < deadline:
            m = rx.search(self.stderr_text())
            if m:
                return m
            time.sleep(0.05)
        return None

    # --- HTTP --------------------------------------------------------------

    def login(self, username, password, tenant=None):
        """Sign in; the token becomes the default of request()."""
        body = {"username": username, "password": password}
        if tenant:
            body["tenant"] = tenant
        st, res = self.request("POST", "/api/v1/login", body, token="")
        if st != 200 or not isinstance(res, dict) or "token" not in res:
            raise AssertionError("login %s: %s %s" % (username, st, res))
        self.token = res["token"]
        return self.token

    def request(self, method, path, body=None, headers=None, timeout=10,
                token=None):
        """(status, JSON or text).  dict/list bodies are sent as JSON."""
        hdrs = dict(headers or {})
        tok = self.token if token is None else token
        if tok and "Authorization" not in hdrs:
            hdrs["Authorization"] = "Bearer " + tok
        data = None
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, bytes):
            data = body
            hdrs.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.base_url + path, data=data,
                                     method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def raw(self, data, timeout=5):
        """Send bytes on a new connection; read one response.  Returns
        (status or None if the connection closed without one, headers with
        lower-case names, body bytes)."""
        s = socket.create_connection(("127.0.0.1", self.http_port),
                                     timeout=timeout)
        buf = b""
        try:
            try:
                s.sendall(data)
            except OSError:
                pass  # the server may close early; read what it sent
            deadline = time.monotonic() + timeout
            while b"\r\n\r\n" not in buf and time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
            if b"\r\n\r\n" not in buf:
                return None, {}, buf
            head, _, rest = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            hdrs = {}
            for l in lines[1:]:
                k, _, v = l.partition(":")
                hdrs[k.strip().lower()] = v.strip()
            want = int(hdrs.get("content-length", "0"))
            while len(rest) < want and time.monotonic() < deadline:
                try:
                    chunk = s.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                rest += chunk
            return status, hdrs, rest
        finally:
            s.close()


class Tally:
    """Counts checks; exit() prints the line scripts/run-tests reads."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL %s %s" % (name, detail if detail != "" else ""),
                  flush=True)
        return bool(cond)

    def exit(self):
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        sys.exit(0 if self.failed == 0 and self.passed > 0 else 1)
