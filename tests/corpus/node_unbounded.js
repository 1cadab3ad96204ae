// node_unbounded.js - corpus: a Node echo server that writes back each
// chunk from its 'data' handler, as many tutorials do instead of pipe().
// Kind: broken. Its one defect: no back-pressure. socket.write() queues
// what the client does not read and returns false, and the handler never
// pauses reading: a client that sends without reading makes the server
// buffer it all in memory. Everything else is right: an 'error' listener,
// the socket ended (not destroyed) at the client's end, a backlog of 128.
// Run: node tests/corpus/node_unbounded.js PORT
'use strict';
const net = require('net');

const server = net.createServer((socket) => {
  socket.on('data', (chunk) => socket.write(chunk)); // BUG: ignores false
  socket.on('error', () => socket.destroy());
});
server.listen({ port: Number(process.argv[2]), host: '127.0.0.1', backlog: 128 });
