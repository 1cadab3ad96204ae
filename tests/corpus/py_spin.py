#!/usr/bin/env python3
"""py_spin.py - corpus: a thread-per-client echo server in the shape of
the shortest examples: recv, then sendall what came, forever.

Kind: broken. Its one defect: the loop never stops at end of file. Once a
client has shut down its side, recv() returns b"" at once, every time,
and sendall(b"") sends nothing: the thread spins on a core for ever and
never closes the connection. Everything else is right: a backlog of
128, daemon threads, a reset ends that client's thread only.
Run: python3 tests/corpus/py_spin.py PORT
"""
import socket
import sys
import threading
import time


def client_thread(conn):
    try:
        while True:
            data = conn.recv(4096)
            conn.sendall(data)  # BUG: no "if not data: break"
    except OSError:
        conn.close()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: py_spin.py PORT")
    s = socket.create_server(("127.0.0.1", int(sys.argv[1])), backlog=128)
    while True:
        try:
            conn, addr = s.accept()
            threading.Thread(target=client_thread, args=(conn,), daemon=True).start()
        except OSError as err:  # out of descriptors: wait for some to free
            print(err, file=sys.stderr)
            time.sleep(0.05)


if __name__ == "__main__":
    main()
