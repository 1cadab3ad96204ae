#!/usr/bin/env python3
"""py_asyncio.py - corpus: an echo server on asyncio streams, the way the
asyncio docs show one: start_server, then read, write and drain.

Kind: correct. The drain() after each write is the back-pressure: it
waits while the client is not reading, so the server stops reading too.
Run: python3 tests/corpus/py_asyncio.py PORT
"""
import asyncio
import sys


async def handle_echo(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def main(port):
    server = await asyncio.start_server(handle_echo, "127.0.0.1", port, backlog=128)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: py_asyncio.py PORT")
    asyncio.run(main(int(sys.argv[1])))
