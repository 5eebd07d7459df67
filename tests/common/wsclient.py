"""A small WebSocket client (RFC 6455) on the standard library, for the
event stream tests and the fan-out benchmark.

    ws = wsclient.connect("127.0.0.1", port, "/api/v1/events?token=" + tok)
    msg = ws.recv_json(timeout=5)      # dict, or None on timeout
    ws.close()

connect() raises WSError with the HTTP status when the upgrade is refused
(ws.status, ws.body).  Frames from the server are unmasked; ours are masked
as the RFC requires.  Pings are answered.
"""

import base64
import hashlib
import json
import os
import socket
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WSError(Exception):
    def __init__(self, msg, status=None, body=b""):
        super().__init__(msg)
        self.status = status
        self.body = body


class WS:
    def __init__(self, sock, rest=b""):
        self.sock = sock
        self.buf = rest
        self.closed = False

    def _read(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                self.closed = True
                raise WSError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, data, opcode=1):
        if isinstance(data, str):
            data = data.encode()
        head = bytes([0x80 | opcode])
        n = len(data)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + mask + body)

    def recv(self, timeout=5):
        """The next text message (str), or None on timeout.  Raises
        WSError when the server closes."""
        deadline = time.monotonic() + timeout
        msg = b""
        try:
            while True:
                b0, b1 = self._read(2, deadline)
                op, n = b0 & 0x0F, b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._read(2, deadline))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._read(8, deadline))[0]
                mask = self._read(4, deadline) if b1 & 0x80 else None
                data = self._read(n, deadline)
                if mask:
                    data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                if op == 8:
                    self.closed = True
                    code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 \
                        else None
                    raise WSError("closed by server (%s %s)" %
                                  (code, data[2:].decode("utf-8", "replace")),
                                  status=code)
                if op == 9:
                    self.send(data, opcode=10)
                    continue
                if op == 10:
                    continue
                msg += data
                if b0 & 0x80:
                    return msg.decode("utf-8")
        except socket.timeout:
            return None

    def recv_json(self, timeout=5):
        t = self.recv(timeout)
        return json.loads(t) if t is not None else None

    def close(self):
        try:
            if not self.closed:
                self.send(struct.pack("!H", 1000), opcode=8)
        except OSError:
            pass
        self.sock.close()


def connect(host, port, path, headers=None, timeout=5):
    key = base64.b64encode(os.urandom(16)).decode()
    s = socket.create_connection((host, port), timeout=timeout)
    req = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
           "Sec-WebSocket-Version: 13\r\n" % (path, host, port, key))
    for k, v in (headers or {}).items():
        req += "%s: %s\r\n" % (k, v)
    s.sendall((req + "\r\n").encode())
    buf = b""
    deadline = time.monotonic() + timeout
    while b"\r\n\r\n" not in buf:
        if time.monotonic() > deadline:
            s.close()
            raise WSError("no answer to the upgrade")
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        s.close()
        raise WSError("bad answer: %r" % head[:80])
    if status != 101:
        # read the (JSON) body for the caller
        hdrs = {l.split(":", 1)[0].strip().lower(): l.split(":", 1)[1].strip()
                for l in lines[1:] if ":" in l}
        want = int(hdrs.get("content-length", "0"))
        while len(rest) < want and time.monotonic() < deadline:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        s.close()
        raise WSError("upgrade refused: %d" % status, status, rest)
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode())
                              .digest()).decode()
    if ("sec-websocket-accept: " + accept).lower() not in \
            head.decode("latin-1").lower():
        s.close()
        raise WSError("bad Sec-WebSocket-Accept")
    return WS(s, rest)
