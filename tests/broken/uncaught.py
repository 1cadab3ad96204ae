# uncaught.py - WARNING: broken on purpose, for echocheck's tests.
# The defect: an error of one connection is never caught. The iterative
# loop reads and writes with the socket's calls; a client that resets its
# connection makes recv (or sendall) raise ConnectionResetError (or
# BrokenPipeError), nothing catches it, and Python ends the whole server
# with a Traceback on stderr (exit status 1). echocheck quotes it and
# names "an uncaught error ended the server", with no C advice.
# Done right: catch OSError around one client's session, close that
# connection, and go on accepting.
# Otherwise correct: it serves one client at a time (claim -m one).
# Run: python3 tests/broken/uncaught.py PORT
import socket
import sys

if len(sys.argv) != 2:
    sys.exit("usage: uncaught.py <port>")
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(128)
while True:
    conn, _ = listener.accept()
    while True:
        data = conn.recv(65536)  # BUG: nothing catches its errors
        if not data:
            break
        conn.sendall(data)
    conn.close()
