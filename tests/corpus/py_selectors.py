#!/usr/bin/env python3
"""py_selectors.py - corpus: a single-threaded echo server on the
selectors module, the way its docs' example grows into a real one:
non-blocking sockets, a buffer of echo per connection; each round writes
what it can, then reads all that is there, until the buffer is full.

Kind: broken. Its one defect: at the client's end of file it closes the
connection at once, with echo still in the buffer. A client that
half-closes (shuts down its sending side) has ended its input, not its
echo: one that sent a lot without reading, then half-closed and reads
only now, loses what was queued. Everything else is right: back-pressure
(nothing more is read while 1 MB waits), a backlog of 128, a reset ends
one connection, and at the descriptor limit accepting pauses until a
connection ends.
Run: python3 tests/corpus/py_selectors.py PORT
"""
import selectors
import socket
import sys

HIGH_WATER = 1 << 20
sel = selectors.DefaultSelector()


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.out = bytearray()


def accept(listener):
    try:
        sock, _ = listener.accept()
    except OSError:  # out of descriptors: listen again once one is closed
        sel.unregister(listener)
        return
    sock.setblocking(False)
    sel.register(sock, selectors.EVENT_READ, Conn(sock))


def close(conn, listener):
    sel.unregister(conn.sock)
    conn.sock.close()
    if listener not in sel.get_map():
        sel.register(listener, selectors.EVENT_READ, None)


def serve(conn, mask, listener):
    try:
        if mask & selectors.EVENT_WRITE and conn.out:
            del conn.out[:conn.sock.send(conn.out)]
        while mask & selectors.EVENT_READ and len(conn.out) < HIGH_WATER:
            data = conn.sock.recv(65536)
            if not data:
                close(conn, listener)  # BUG: conn.out may not be sent yet
                return
            conn.out += data
    except BlockingIOError:
        pass
    except ConnectionError:
        close(conn, listener)
        return
    events = selectors.EVENT_WRITE if conn.out else 0
    if len(conn.out) < HIGH_WATER:
        events |= selectors.EVENT_READ
    sel.modify(conn.sock, events, conn)


def main():
    listener = socket.create_server(("127.0.0.1", int(sys.argv[1])), backlog=128)
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, None)
    while True:
        for key, mask in sel.select():
            if key.data is None:
                accept(listener)
            else:
                serve(key.data, mask, listener)


if __name__ == "__main__":
    main()
