// rust_unwrap.rs - corpus: an iterative Rust echo server, one client at a
// time, with every Result unwrapped, as quick examples do.
// Kind: broken, for one client at a time (echocheck -m one). Its one
// defect: unwrap() on a read or write error. A client that resets its
// connection makes read() fail with ECONNRESET; the unwrap panics in the
// main thread and the whole server exits ("panicked at"). Everything else
// is right: bytes as bytes, write_all, the listener's default backlog.
// Run: tests/bin/corpus/rust_unwrap PORT (built with rustc -O)
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn echo(mut stream: TcpStream) {
    let mut buf = [0; 1024];
    loop {
        let n = stream.read(&mut buf).unwrap(); // BUG: a reset panics
        if n == 0 {
            break;
        }
        stream.write_all(&buf[..n]).unwrap();
    }
}

fn main() {
    let addr = format!("127.0.0.1:{}", std::env::args().nth(1).unwrap());
    let listener = TcpListener::bind(addr).unwrap();
    for stream in listener.incoming() {
        echo(stream.unwrap());
    }
}
