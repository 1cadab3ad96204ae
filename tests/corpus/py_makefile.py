#!/usr/bin/env python3
"""py_makefile.py - corpus: a thread-per-client echo server that reads and
writes its socket through file objects (socket.makefile), line by line,
as a tutorial on "treating a socket like a file" does.

Kind: broken. Its one defect: the file it writes to is buffered and never
flushed, so an echoed line waits in the buffer until 8 KB have piled up
or the client closes (stdio on a socket, CS:APP 10.11). Everything else is
right: binary files, a backlog of 128, a thread per client, errors end
one client only.
Run: python3 tests/corpus/py_makefile.py PORT
"""
import socket
import sys
import threading
import time


def serve(conn):
    try:
        with conn, conn.makefile("rb") as rfile, conn.makefile("wb") as wfile:
            for line in rfile:
                wfile.write(line)  # BUG: no wfile.flush()
    except OSError:
        pass


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: py_makefile.py PORT")
    addr = ("127.0.0.1", int(sys.argv[1]))
    with socket.create_server(addr, backlog=128) as listener:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError as e:  # out of descriptors: wait for one
                print("accept:", e, file=sys.stderr)
                time.sleep(0.05)
            else:
                threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
