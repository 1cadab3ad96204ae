// JavaThreads.java - corpus: an echo server the way a Java course writes
// one: a ServerSocket, and a new Thread per accepted Socket copying its
// InputStream to its OutputStream in a byte[] buffer.
// Kind: correct. Bytes are copied as bytes (no Reader, no println); a
// backlog of 128; an accept that fails (a descriptor limit) waits a
// moment and tries again; an IOException ends its own client only. And
// one line a plain Java server lacks (JavaLazyInit.java is one): the
// socket write path is set up at start, not at the first write.
// Run: java -cp tests/bin/corpus JavaThreads PORT
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class JavaThreads {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        // Java 17 sets up its socket write path (sun.nio.ch.FileDispatcherImpl,
        // which opens a descriptor of its own) at the first write. If no
        // descriptor is free then, the set-up fails for good: no socket can
        // be written or closed for the rest of the run. Opening a Pipe sets
        // it up now, while descriptors are free.
        java.nio.channels.Pipe.open().sink().close();
        try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getByName("127.0.0.1"))) {
            while (true) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    System.err.println("accept: " + e.getMessage());
                    Thread.sleep(50);
                    continue;
                }
                new Thread(() -> serve(client)).start();
            }
        }
    }

    static void serve(Socket client) {
        try (Socket s = client) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client reset or left: this connection only
        }
    }
}
