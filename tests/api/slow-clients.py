#!/usr/bin/env python3
"""Slow, hostile HTTP clients against nginx, from one source address.

  slow-clients.py hold ADDR PORT FROM COUNT SECONDS
      Opens COUNT connections from FROM, each a POST /api/v1/session whose headers are
      complete and whose body (1 KiB announced) then drips a byte a second. After 2 s it
      prints "answered N: STATUS" for each connection that got an answer and "holding M"
      for the rest, then keeps dripping on those for SECONDS more and prints
      "still open K" (those nginx has not cut off).

  slow-clients.py stall ADDR PORT FROM WHAT LIMIT
      One connection from FROM that stops sending: WHAT is "header" (the request line and
      a header byte a second, never the blank line) or "body" (headers, 10 bytes of a
      100-byte body, then nothing). Prints "closed after S s" when nginx ends it, or
      "open after LIMIT s".
"""
import select
import socket
import sys
import time


def connect(addr, port, source):
    s = socket.socket()
    s.bind((source, 0))
    s.connect((addr, port))
    return s


def post_headers(addr, port, length):
    return (f"POST /api/v1/session HTTP/1.1\r\nHost: {addr}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


def status_of(data):
    line = data.split(b"\r\n", 1)[0].decode(errors="replace")
    parts = line.split()
    return parts[1] if len(parts) > 1 else f"closed ({line!r})"


def answer(s):
    """What the server sent before it closed: a status, or how it closed (a timed-out
    connection is reset: reset_timedout_connection)."""
    try:
        return status_of(s.recv(4096))
    except OSError as e:
        return f"reset ({e.strerror})"


def readable(s):
    return bool(select.select([s], [], [], 0)[0])


def hold(addr, port, source, count, seconds):
    conns = []
    for _ in range(count):
        s = connect(addr, port, source)
        s.sendall(post_headers(addr, port, 1024))
        conns.append(s)
    time.sleep(2)
    holding = []
    for i, s in enumerate(conns):
        if readable(s):
            print(f"answered {i}: {answer(s)}", flush=True)
            s.close()
        else:
            holding.append(s)
    print(f"holding {len(holding)}", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and holding:
        for s in list(holding):
            try:
                if readable(s):
                    raise OSError("answered")
                s.sendall(b"x")
            except OSError:
                holding.remove(s)
        time.sleep(1)
    print(f"still open {len(holding)}", flush=True)


def stall(addr, port, source, what, limit):
    s = connect(addr, port, source)
    start = time.monotonic()
    if what == "header":
        s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {addr}:{port}\r\nX-Slow: ".encode())
    else:
        s.sendall(post_headers(addr, port, 100) + b"0123456789")
    while time.monotonic() - start < limit:
        if readable(s):
            print(f"closed after {time.monotonic() - start:.1f} s ({answer(s)})", flush=True)
            return
        if what == "header":
            try:
                s.sendall(b"a")
            except OSError:
                print(f"closed after {time.monotonic() - start:.1f} s", flush=True)
                return
        time.sleep(1)
    print(f"open after {limit} s", flush=True)


def main():
    mode, addr, port, source = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if mode == "hold":
        hold(addr, port, source, int(sys.argv[5]), float(sys.argv[6]))
    else:
        stall(addr, port, source, sys.argv[5], float(sys.argv[6]))


if __name__ == "__main__":
    main()
