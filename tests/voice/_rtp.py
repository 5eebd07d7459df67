"""A caller's media for the voice tests: one RTP socket that records what
the daemon sends and sends what a phone would (PCMU audio every 20 ms,
DTMF as in-band tones or RFC 4733 events).  SIPp does the signalling and
puts this socket's port in its SDP (-key rtp_port); SIPp 3.6.1 cannot read
RTP, this can.

    peer = _rtp.Peer()                      # bound, not sending yet
    c = _sipp.uac(hl, "caller_rtp.xml", "12345",
                  keys={"rtp_port": peer.port, "caller": "7001"}, ...)
    peer.start()                            # sends once it hears the relay
    peer.inband("3"); peer.rfc4733("2")     # queued after what is queued
    ...
    peer.packets()   -> [Pkt(t, seq, ts, pt, marker, ssrc, payload)]
    peer.close()

The remote address is learnt from the first packet received (the relay
plays to a caller at once), so nothing is sent before that.
"""

import math
import os
import random
import socket
import struct
import threading
import time
from collections import deque, namedtuple

import _sipp

Pkt = namedtuple("Pkt", "t seq ts pt marker ssrc payload")

FRAME = 160  # samples per 20 ms packet at 8 kHz

DTMF_FREQ = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
}
EVENT_CODE = {d: i for i, d in enumerate("0123456789*#ABCD")}


def ulaw_encode(sample):
    """G.711 mu-law of one 16-bit linear sample."""
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    if sample < 0:
        sample = -sample
    sample = min(sample, clip) + bias
    exp = 7
    mask = 0x4000
    while exp > 0 and not (sample & mask):
        exp -= 1
        mask >>= 1
    mant = (sample >> (exp + 3)) & 0x0F
    return (~(sign | (exp << 4) | mant)) & 0xFF


def ulaw_decode(u):
    u = ~u & 0xFF
    t = ((u & 0x0F) << 3) + 0x84
    t <<= (u & 0x70) >> 4
    return (0x84 - t) if (u & 0x80) else (t - 0x84)


_ULAW = bytes(ulaw_encode(x) for x in range(-32768, 32768, 1))


def ulaw(sample):
    return _ULAW[max(-32768, min(32767, int(sample))) + 32768]


def tone_frames(freqs, ms, level=0.25, phase0=0):
    """PCMU frames of a sum of sines (level: peak of each, of full
    scale)."""
    n = int(8000 * ms / 1000)
    n -= n % FRAME
    out = bytearray()
    for i in range(n):
        v = sum(math.sin(2 * math.pi * f * (i + phase0) / 8000)
                for f in freqs)
        out.append(ulaw(v * level * 32767))
    return [bytes(out[i:i + FRAME]) for i in range(0, len(out), FRAME)]


SILENCE = bytes([0xFF]) * FRAME


def wav_ulaw(path):
    """The mu-law samples of a WAV file written by gen-prompts (format 7,
    8 kHz mono); PCM16 files are encoded."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    pos, fmt, bits = 12, None, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I",
                                                     data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            fmt = struct.unpack("<H", body[:2])[0]
            bits = struct.unpack("<H", body[14:16])[0]
        elif cid == b"data":
            if fmt == 7:
                return bytes(body)
            if fmt == 1 and bits == 16:
                return bytes(ulaw(s) for (s,) in struct.iter_unpack("<h",
                                                                   body))
            raise AssertionError("%s: format %s" % (path, fmt))
        pos += 8 + size + (size & 1)
    raise AssertionError("%s: no data" % path)


def pcap_rtp(path):
    """RTP packets of a pcap file (Ethernet or Linux cooked, IPv4, UDP):
    [(seconds since the first, rtp bytes)]."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    pos, out, t0 = 24, [], None
    while pos + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(end + "IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        off = {1: 14, 113: 16, 0: 4}.get(link, 14)
        ip = frame[off:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        rtp = ip[ihl + 8:]
        t = sec + usec / 1e6
        if t0 is None:
            t0 = t
        out.append((t - t0, bytes(rtp)))
    return out


class Peer:
    def __init__(self, pt=0, idle=None):
        """pt: 0 PCMU; idle: the payload sent when nothing is queued
        (default silence; a tone makes the caller's channel audible in a
        recording)."""
        self.port = _sipp.free_media_port()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.settimeout(0.2)
        self.pt = pt
        self.idle = idle or [SILENCE]
        self.remote = None
        self.rx = []
        self.lock = threading.Lock()
        self.q = deque()
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.ts = random.getrandbits(32)
        self.stop_ev = threading.Event()
        self.sending = False
        self.sent = 0
        self.idle_i = 0
        self.t_rx = threading.Thread(target=self._rx_loop, daemon=True)
        self.t_rx.start()
        self.t_tx = None

    # --- receiving -------------------------------------------------------

    def _rx_loop(self):
        while not self.stop_ev.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                break
            now = time.monotonic()
            if len(data) < 12 or data[0] >> 6 != 2:
                continue
            pt = data[1] & 0x7F
            if 72 <= pt <= 76:  # RTCP
                continue
            if self.remote is None:
                self.remote = addr
            seq, ts, ssrc = struct.unpack("!HII", data[2:12])
            cc = data[0] & 15
            with self.lock:
                self.rx.append(Pkt(now, seq, ts, pt, bool(data[1] & 0x80),
                                   ssrc, data[12 + 4 * cc:]))

    def packets(self):
        with self.lock:
            return list(self.rx)

    def wait_packets(self, n, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.packets()) >= n:
                return True
            time.sleep(0.05)
        return len(self.packets()) >= n

    def bursts(self, gap=0.5):
        """Runs of packets separated by silences longer than gap seconds:
        [[Pkt, ...], ...]."""
        out, cur, last = [], [], None
        for p in self.packets():
            if last is not None and p.t - last > gap:
                out.append(cur)
                cur = []
            cur.append(p)
            last = p.t
        if cur:
            out.append(cur)
        return out

    # --- sending -----------------------------------------------------------

    def start(self):
        self.t_tx = threading.Thread(target=self._tx_loop, daemon=True)
        self.t_tx.start()

    def _send(self, pt, payload, marker=False, ts=None):
        hdr = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt,
                          self.seq & 0xFFFF,
                          (self.ts if ts is None else ts) & 0xFFFFFFFF,
                          self.ssrc)
        self.seq += 1
        try:
            self.sock.sendto(hdr + payload, self.remote)
            self.sent += 1
        except OSError:
            pass

    def _tx_loop(self):
        while self.remote is None and not self.stop_ev.is_set():
            time.sleep(0.01)
        nxt = time.monotonic()
        while not self.stop_ev.is_set():
            with self.lock:
                item = self.q.popleft() if self.q else None
            if item is None:
                payload = self.idle[self.idle_i % len(self.idle)]
                self.idle_i += 1
                self._send(self.pt, payload)
            elif item[0] == "audio":
                self._send(self.pt, item[1])
            elif item[0] == "event":
                _, payload, marker, ts_off = item
                self._send(101, payload, marker, self.ts - ts_off)
            elif item[0] == "both":  # a tone and its event at once
                _, audio, payload, marker, ts_off = item
                self._send(self.pt, audio)
                self._send(101, payload, marker, self.ts - ts_off)
            self.ts += FRAME
            nxt += 0.02
            delay = nxt - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.monotonic()

    def _queue(self, items):
        with self.lock:
            self.q.extend(items)

    def pause(self, ms):
        self._queue([("audio", f) for f in
                     [SILENCE] * max(1, int(ms / 20))])

    def inband(self, digits, ms=100, gap=100):
        """Each digit as a DTMF tone pair of ms, then gap of silence."""
        items = []
        for d in digits:
            items += [("audio", f) for f in tone_frames(DTMF_FREQ[d], ms)]
            items += [("audio", SILENCE)] * max(1, gap // 20)
        self._queue(items)

    def rfc4733(self, digits, ms=100, gap=100):
        """Each digit as an RFC 4733 event: a start packet (marker), an
        update every 20 ms, three end packets; one timestamp per event."""
        items = []
        for d in digits:
            code = EVENT_CODE[d]
            n = max(1, ms // 20)
            for i in range(n):
                dur = (i + 1) * FRAME
                items.append(("event", struct.pack("!BBH", code, 10, dur),
                              i == 0, i * FRAME))
            for k in range(3):
                items.append(("event", struct.pack("!BBH", code, 0x80 | 10,
                                                   n * FRAME),
                              False, (n + k) * FRAME))
            items += [("audio", SILENCE)] * max(1, gap // 20)
        self._queue(items)

    def both(self, digits, ms=100, gap=100):
        """Each digit sent two ways at once, as some phones do: the tone in
        the audio and RFC 4733 events beside it (one key press each)."""
        items = []
        for d in digits:
            code = EVENT_CODE[d]
            tones = tone_frames(DTMF_FREQ[d], ms)
            n = len(tones)
            for i in range(n):
                items.append(("both", tones[i],
                              struct.pack("!BBH", code, 10, (i + 1) * FRAME),
                              i == 0, i * FRAME))
            for k in range(3):
                items.append(("event", struct.pack("!BBH", code, 0x80 | 10,
                                                   n * FRAME),
                              False, (n + k) * FRAME))
            items += [("audio", SILENCE)] * max(1, gap // 20)
        self._queue(items)

    def payload(self, pt=None):
        """Every payload received (of one payload type), joined."""
        return b"".join(p.payload for p in self.packets()
                        if pt is None or p.pt == pt)

    def close(self):
        self.stop_ev.set()
        for t in (self.t_tx, self.t_rx):
            if t:
                t.join(timeout=2)
        self.sock.close()
