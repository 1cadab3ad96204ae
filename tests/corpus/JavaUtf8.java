// JavaUtf8.java - corpus: a thread-per-client Java echo server that wraps
// its streams in a Reader and a Writer, "because we are echoing text",
// and copies chars.
// Kind: broken. Its one defect: text decoding. The InputStreamReader
// decodes the bytes as UTF-8, so bytes that are not valid UTF-8 come
// back as U+FFFD (EF BF BD), changed. Everything else is right: no
// line handling (read(char[]) and write, flushed each time), a backlog
// of 128, an IOException ends its own client only, the socket write path
// set up at start (JavaLazyInit.java shows why).
// Run: java -cp tests/bin/corpus JavaUtf8 PORT
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

public class JavaUtf8 {
    public static void main(String[] args) throws IOException, InterruptedException {
        java.nio.channels.Pipe.open().sink().close(); // see JavaThreads.java
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 128);
        for (;;) {
            try {
                Socket sock = ss.accept();
                Thread t = new Thread(new Handler(sock));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
    }

    static class Handler implements Runnable {
        private final Socket sock;

        Handler(Socket sock) {
            this.sock = sock;
        }

        public void run() {
            try (Reader in = new InputStreamReader(sock.getInputStream(), StandardCharsets.UTF_8);
                 Writer out = new OutputStreamWriter(sock.getOutputStream(), StandardCharsets.UTF_8)) {
                char[] cbuf = new char[4096];
                int n;
                while ((n = in.read(cbuf)) > 0) {
                    out.write(cbuf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // this client only
            } finally {
                try {
                    sock.close();
                } catch (IOException e) {
                }
            }
        }
    }
}
