// uncaught.rs - WARNING: broken on purpose, for echocheck's tests.
// The defect: an error of one connection ends the server. The iterative
// loop unwraps every read and write; a client that resets its connection
// makes one fail, unwrap panics in main, and the whole server ends with
// "thread 'main' panicked at" on stderr. echocheck quotes it and names
// "an uncaught error ended the server", with no C advice (the binary is
// ELF, but Rust's).
// Done right: match on the error, drop that connection, go on accepting.
// Otherwise correct: it serves one client at a time (claim -m one).
// Run: tests/bin/broken_uncaught_rs PORT
use std::io::{Read, Write};
use std::net::TcpListener;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 {
        eprintln!("usage: uncaught_rs <port>");
        std::process::exit(2);
    }
    let listener = TcpListener::bind(("127.0.0.1", args[1].parse::<u16>().unwrap())).unwrap();
    let mut buf = [0u8; 65536];
    for conn in listener.incoming() {
        let mut conn = conn.unwrap();
        loop {
            let n = conn.read(&mut buf).unwrap(); // BUG: panics on a reset
            if n == 0 {
                break;
            }
            conn.write_all(&buf[..n]).unwrap();
        }
    }
}
