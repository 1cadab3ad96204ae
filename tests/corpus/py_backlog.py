#!/usr/bin/env python3
"""py_backlog.py - corpus: the threaded echo server of the socketserver
docs, as they show it: ThreadingTCPServer and a StreamRequestHandler
whose handle() copies what it reads to what it writes.

Kind: broken. Its one defect: socketserver's default listen backlog,
request_queue_size = 5. When a hundred clients connect at once, the
kernel keeps five waiting for accept and drops the others' handshakes;
they wait for a retransmission, a second and more, while Python's accept
loop (a select, an accept and a new thread per client) drains the queue.
Everything else is right: bytes, not text (read1 and write, no lines),
daemon threads, a reset ends that client's handler only.
Run: python3 tests/corpus/py_backlog.py PORT
"""
import socketserver
import sys


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            while chunk := self.rfile.read1(65536):
                self.wfile.write(chunk)
        except ConnectionError:
            pass


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # BUG: request_queue_size left at socketserver's 5


if __name__ == "__main__":
    with Server(("127.0.0.1", int(sys.argv[1])), Echo) as server:
        server.serve_forever()
