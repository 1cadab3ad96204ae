// node_pipe.js - corpus: the echo server of Node's own documentation,
// net.createServer with the socket piped into itself.
// Kind: correct. pipe() is the back-pressure: it stops reading while the
// client is not reading its echo. What it takes beyond the smallest
// example: an 'error' listener on each socket, so that a client's reset
// ends that socket and not the process, and a backlog of 128.
// Run: node tests/corpus/node_pipe.js PORT
'use strict';
const net = require('net');

const port = Number(process.argv[2]);
const server = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});
server.listen({ port, host: '127.0.0.1', backlog: 128 });
