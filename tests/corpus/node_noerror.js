// node_noerror.js - corpus: the smallest Node echo server, as blog posts
// show it: net.createServer with the socket piped into itself, and
// nothing more.
// Kind: broken. Its one defect: no 'error' listener on the socket. A
// client that resets its connection makes the socket emit 'error'
// (ECONNRESET); with nobody listening, Node throws it, and the whole
// server exits ("Unhandled 'error' event"). Everything else is right:
// pipe() keeps back-pressure, a backlog of 128.
// Run: node tests/corpus/node_noerror.js PORT
'use strict';
const net = require('net');

net.createServer((socket) => socket.pipe(socket))
  .listen({ port: Number(process.argv[2]), host: '127.0.0.1', backlog: 128 });
