#!/usr/bin/env python3
"""py_threading.py - corpus: an echo server the way the Python docs show
one: socketserver.ThreadingTCPServer and a BaseRequestHandler that echoes
what recv() returns with sendall().

Kind: correct. What it takes beyond the docs' example: a listen backlog
of 128 (socketserver asks for 5, request_queue_size), daemon threads, and
a client's reset ending that client's handler only.
Run: python3 tests/corpus/py_threading.py PORT
"""
import socketserver
import sys


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            try:
                data = self.request.recv(65536)
                if not data:
                    break
                self.request.sendall(data)
            except ConnectionError:
                break


class EchoServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: py_threading.py PORT")
    with EchoServer(("127.0.0.1", int(sys.argv[1])), EchoHandler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
