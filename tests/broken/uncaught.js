// uncaught.js - WARNING: broken on purpose, for echocheck's tests.
// The defect: no 'error' listener on a client's socket. A client that
// resets its connection makes the socket emit 'error' (ECONNRESET or
// EPIPE); with nobody listening, Node throws it, and the whole server
// ends with "Unhandled 'error' event" on stderr. echocheck quotes it and
// names "an uncaught error ended the server", with no C advice.
// Done right: sock.on('error', () => sock.destroy()).
// Otherwise correct: an event loop serving many at once.
// Run: node tests/broken/uncaught.js PORT
const net = require('net');

if (process.argv.length !== 3) {
    console.error('usage: uncaught.js <port>');
    process.exit(2);
}
net.createServer((sock) => {
    sock.on('data', (data) => sock.write(data)); // BUG: no 'error' listener
    sock.on('end', () => sock.end());
}).listen(Number(process.argv[2]), '127.0.0.1');
