#!/usr/bin/env python3
"""Holds COUNT FastCGI connections to sbx-fcgi open at once, as nginx does with
`fastcgi_keep_conn on` and `keepalive N`: on each, one request (GET PATH, FCGI_KEEP_CONN)
is sent and its answer awaited for at most TIMEOUT seconds, and the connection is then
kept open, idle, until all COUNT have been tried. Prints one line per connection
("N: STATUS SECONDS" or "N: no answer within TIMEOUT s") and exits 0 only when every
one was answered.

usage: fcgi-keepalive.py SOCKET COUNT PATH [TIMEOUT]
"""
import socket
import struct
import sys
import time

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER, KEEP_CONN = 1, 1


def record(kind, request_id, content=b""):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def pair(name, value):
    name, value = name.encode(), value.encode()
    out = b""
    for length in (len(name), len(value)):
        out += bytes([length]) if length < 128 else struct.pack(">I", length | 0x80000000)
    return out + name + value


def request(path):
    params = {
        "REQUEST_METHOD": "GET",
        "REQUEST_URI": path,
        "SCRIPT_NAME": path,
        "QUERY_STRING": "",
        "CONTENT_LENGTH": "",
        "REMOTE_ADDR": "127.0.0.99",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
    }
    body = b"".join(pair(k, v) for k, v in params.items())
    return (record(BEGIN_REQUEST, 1, struct.pack(">HB5x", RESPONDER, KEEP_CONN)) +
            record(PARAMS, 1, body) + record(PARAMS, 1) + record(STDIN, 1))


def read_answer(conn):
    """The Status line of the answer, once its END_REQUEST record has come."""
    data, stdout = b"", b""
    while True:
        while len(data) < 8:
            chunk = conn.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", data[:8])
        while len(data) < 8 + length + padding:
            chunk = conn.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        content, data = data[8:8 + length], data[8 + length + padding:]
        if kind == STDOUT:
            stdout += content
        elif kind == END_REQUEST:
            head = stdout.split(b"\r\n", 1)[0].decode(errors="replace")
            return head.removeprefix("Status: ").split(" ")[0]


def main():
    path_to_socket, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
    held, failures = [], 0
    for n in range(1, count + 1):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        start = time.monotonic()
        try:
            conn.connect(path_to_socket)
            conn.sendall(request(path))
            status = read_answer(conn)
            print(f"{n}: {status} {time.monotonic() - start:.3f}")
        except (OSError, EOFError) as e:
            failures += 1
            print(f"{n}: no answer within {timeout:g} s ({e})")
        held.append(conn)
        sys.stdout.flush()
    for conn in held:
        conn.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
