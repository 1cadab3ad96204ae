// node_destroy.js - corpus: a Node echo server that pipes the socket into
// itself and, "to free it at once", destroys the socket when the client
// has ended its side.
// Kind: broken. Its one defect: destroy() on 'end' throws away the echo
// still queued for writing; a client that sends a lot, shuts down its
// side and only then reads gets part of its echo and then the end.
// (end() would send the rest first.) Everything else is right: pipe()
// keeps back-pressure, an 'error' listener, a backlog of 128.
// Run: node tests/corpus/node_destroy.js PORT
'use strict';
const net = require('net');

const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => {});
  socket.on('end', () => socket.destroy()); // BUG: drops what is queued
  socket.pipe(socket, { end: false });
});
server.listen({ port: Number(process.argv[2]), host: '127.0.0.1', backlog: 128 });
