"""SIPp peers for the voice scenario tests (tests/voice/*.test).

Every peer is one `sipp` process with its own SIP and media ports, bounded
in time (-timeout) and killed at exit with the daemon (harness).  The
scenarios are in tests/voice/scenarios/.

    import _sipp
    with _sipp.center() as hl:                  # demo center, fast timers
        ph = _sipp.Phone(hl, "1001", "agent_answer.xml")   # registers
        c = _sipp.uac(hl, "caller.xml", "12345", duration_ms=2000)
        c.wait()  -> SIPp exit status (0: every call succeeded)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import harness  # noqa: E402

SCENARIOS = os.path.join(HERE, "scenarios")
_tmp = tempfile.mkdtemp(prefix="hotline-sipp-")
_owner = os.getpid()


def _cleanup():
    if os.environ.get("SIPP_KEEP"):  # keep traces for debugging
        return
    if os.getpid() != _owner:  # a forked child must not remove our files
        return
    shutil.rmtree(_tmp, ignore_errors=True)


import atexit  # noqa: E402
atexit.register(_cleanup)


def free_media_port():
    """An even UDP port with the next three free (SIPp uses mp..mp+3)."""
    import socket
    for _ in range(200):
        p = harness.free_port(udp=True) & ~1
        socks = []
        try:
            for i in range(4):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", p + i))
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free media ports")


def demo_text(offer_timeout=3, wrapup=0, survey=False):
    """etc/demo.yaml with the general queue's timers shortened for tests.
    Without survey, the demo's post-call survey is off (survey_queues
    removed): a call the agent hangs up ends at once, as most tests
    expect; tests/voice/survey.test turns it on."""
    with open(os.path.join(harness.repo_root(), "etc", "demo.yaml")) as f:
        text = f.read()
    if not survey:
        text = re.sub(r"\n *survey_queues:.*", "", text)
    m = re.search(r"\n      - name: general\n(?:.*\n)*?(?=\n      # |\n      - name:)",
                  text)
    block = m.group(0)
    new = re.sub(r"offer_timeout: *\d+", "offer_timeout: %d" % offer_timeout,
                 block, count=1)
    new = re.sub(r"wrapup: *\d+", "wrapup: %d" % wrapup, new, count=1)
    return text.replace(block, new)


def center(**kw):
    """A daemon on the demo center with fast timers (see demo_text),
    signed in as the demo's supervisor (hl.get and hl.post send its
    token)."""
    hl = harness.Hotline(center_text=demo_text(), **kw)
    try:
        hl.login("supervisor", "supervisor-demo")
    except AssertionError:
        hl.cleanup()
        raise
    return hl


class Sipp:
    """One sipp process.  calls: -m; the process ends after that many."""

    def __init__(self, hl, scenario, service, calls=1, rate=None,
                 duration_ms=None, auth=None, keys=None, timeout=30,
                 transport="u1", port=None, extra=None, name=None,
                 ip="127.0.0.1", trace=False):
        self.port = port or harness.free_port(udp=True)
        self.mport = free_media_port()
        self.name = name or "%s-%s-%d" % (scenario.split(".")[0], service,
                                          self.port)
        self.errfile = os.path.join(_tmp, self.name + ".err")
        self.outfile = os.path.join(_tmp, self.name + ".out")
        self.msgfile = os.path.join(_tmp, self.name + ".msg")
        cmd = ["sipp", "-sf", os.path.join(SCENARIOS, scenario),
               "-s", str(service), "-i", ip, "-p", str(self.port),
               "-mp", str(self.mport), "-t", transport, "-m", str(calls),
               "-timeout", "%ds" % timeout, "-timeout_error",
               "-trace_err", "-error_file", self.errfile,
               "-nostdin"]
        if trace or os.environ.get("SIPP_KEEP"):
            cmd += ["-trace_msg", "-message_file", self.msgfile]
        if rate:
            cmd += ["-r", str(rate)]
            if rate > 10:
                cmd += ["-rp", "1000"]
        if duration_ms is not None:
            cmd += ["-d", str(duration_ms)]
        if auth:
            cmd += ["-au", auth[0], "-ap", auth[1]]
        for k, v in (keys or {}).items():
            cmd += ["-key", k, str(v)]
        cmd += list(extra or [])
        cmd.append(hl.sip_addr)
        self.cmd = cmd
        self.out = open(self.outfile, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=self.out,
                                     preexec_fn=harness._die_with_parent)
        harness._live.append(self.proc)

    def wait(self, timeout=40):
        """SIPp's exit status: 0 all calls succeeded, 1 some failed, 99
        none processed, negative a fatal error.  None if still running."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()

    def statuses(self):
        """Status codes of the responses received (needs trace=True)."""
        try:
            with open(self.msgfile, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return []
        return [int(c) for c in
                re.findall(r"message received \[\d+\] bytes :\s*\n\s*"
                           r"SIP/2.0 (\d+)", text)]

    def errors(self):
        """The tail of SIPp's error trace and output, for failure details."""
        text = ""
        for p in (self.errfile, self.outfile):
            try:
                with open(p, "rb") as f:
                    text += f.read()[-1500:].decode("utf-8", "replace")
            except OSError:
                pass
        return text


def uac(hl, scenario, number, **kw):
    return Sipp(hl, scenario, number, **kw)


def register(hl, agent, contact_port, password=None, expires=600,
             timeout=10, transport="u1"):
    """Register agent's phone (Contact at contact_port, over transport);
    returns SIPp's exit status (0 = registered)."""
    r = Sipp(hl, "reg.xml", agent,
             auth=(agent, password or "pw" + agent),
             keys={"contact_port": contact_port, "expires": expires},
             timeout=timeout, transport=transport)
    return r.wait(timeout + 5)


class Phone:
    """An agent phone: a SIPp UAS running scenario for `calls` calls,
    registered for agent (unless register=False)."""

    def __init__(self, hl, agent, scenario, calls=1, duration_ms=None,
                 timeout=60, register_it=True, keys=None, transport="u1"):
        self.agent = agent
        self.uas = Sipp(hl, scenario, agent, calls=calls,
                        duration_ms=duration_ms, timeout=timeout, keys=keys,
                        transport=transport,
                        name="%s-%s" % (scenario.split(".")[0], agent))
        self.port = self.uas.port
        if register_it:
            rc = register(hl, agent, self.port, transport=transport)
            if rc != 0:
                raise AssertionError("agent %s did not register (sipp %s)"
                                     % (agent, rc))
            hl.wait_log(r"register: agent %s \(demo\) device \S*:%d\b.*"
                        r"registered" % (agent, self.port), 5)

    def wait(self, timeout=40):
        return self.uas.wait(timeout)


def call_ids(hl):
    """Call ids in the order they arrived (from the daemon's log)."""
    return re.findall(r"voice: call (\S+): from ", hl.stderr_text())


def call_log(hl, cid):
    return [l for l in hl.stderr_text().splitlines()
            if "call %s:" % cid in l]


def wait_call_end(hl, cid, timeout=15):
    """The 'ended' line of a call: (disposition, agent, packets dict)."""
    m = hl.wait_log(r"voice: call %s: ended: .*" % re.escape(cid), timeout)
    return parse_end(m.group(0)) if m else None


def parse_end(line):
    m = re.search(r"ended: (\w+)(?:, agent (\S+?))?, (.*); packets from "
                  r"caller (\d+), from agent (\d+), to caller (\d+), to "
                  r"agent (\d+)", line)
    if not m:
        return None
    return {"disposition": m.group(1), "agent": m.group(2),
            "reason": m.group(3),
            "from_caller": int(m.group(4)), "from_agent": int(m.group(5)),
            "to_caller": int(m.group(6)), "to_agent": int(m.group(7))}


def wait_until(cond, timeout=10, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def records(db):
    """The interaction rows (dicts), oldest first, read with sqlite3 (after
    the daemon stopped)."""
    import sqlite3
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("SELECT * FROM interaction ORDER BY arrived, id")
        return [dict(r) for r in rows]
    finally:
        con.close()
