// rust_threads.rs - corpus: an echo server the way the Rust book's
// chapter on a multithreaded web server starts one: std::net's
// TcpListener, a thread spawned per incoming TcpStream, read into a byte
// buffer and write_all back.
// Kind: correct. Errors are matched, not unwrapped: a reset ends its own
// thread, and an accept that fails (a descriptor limit) waits a moment.
// Run: tests/bin/corpus/rust_threads PORT (built with rustc -O)
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

fn handle_client(mut stream: TcpStream) {
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return,
        }
    }
}

fn main() {
    let port: u16 = match std::env::args().nth(1).and_then(|p| p.parse().ok()) {
        Some(p) => p,
        None => {
            eprintln!("usage: rust_threads PORT");
            std::process::exit(2);
        }
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                thread::spawn(move || handle_client(stream));
            }
            Err(e) => {
                eprintln!("accept: {}", e);
                thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
