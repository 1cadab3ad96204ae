// rust_lossy.rs - corpus: a thread-per-client Rust echo server that turns
// what it reads into a string (to log it, or "to work with text") and
// writes the string back.
// Kind: broken. Its one defect: text decoding. String::from_utf8_lossy
// replaces every byte that is not valid UTF-8 by U+FFFD (three bytes, EF
// BF BD), and a character split between two reads is mangled too.
// Everything else is right: errors matched, not unwrapped; a thread per
// client; a reset ends its own thread.
// Run: tests/bin/corpus/rust_lossy PORT (built with rustc -O)
use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

fn main() {
    let port = std::env::args().nth(1).expect("usage: rust_lossy PORT");
    let listener = TcpListener::bind(format!("127.0.0.1:{}", port)).unwrap();
    loop {
        let (mut stream, _) = match listener.accept() {
            Ok(conn) => conn,
            Err(_) => {
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buf[..n]); // BUG: not text
                if stream.write_all(text.as_bytes()).is_err() {
                    break;
                }
            }
        });
    }
}
