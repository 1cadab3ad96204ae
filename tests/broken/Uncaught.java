// Uncaught.java - WARNING: broken on purpose, for echocheck's tests.
// The defect: an error of one connection is never caught. The iterative
// loop echoes with the socket's streams; a client that resets its
// connection makes read (or write) throw a SocketException, main throws
// it on, and the JVM ends the whole server with "Exception in thread
// "main"" on stderr. echocheck quotes it and names "an uncaught error
// ended the server", with no C advice.
// Done right: catch IOException around one client's session, close that
// connection, and go on accepting.
// Otherwise correct: it serves one client at a time (claim -m one).
// Run: java -cp tests/bin/java Uncaught PORT
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class Uncaught {
    public static void main(String[] args) throws Exception { // BUG
        if (args.length != 1) {
            System.err.println("usage: Uncaught <port>");
            System.exit(2);
        }
        ServerSocket listener = new ServerSocket(Integer.parseInt(args[0]),
                128, InetAddress.getLoopbackAddress());
        byte[] buf = new byte[65536];
        while (true) {
            Socket conn = listener.accept();
            InputStream in = conn.getInputStream();
            OutputStream out = conn.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0)
                out.write(buf, 0, n);
            conn.close();
        }
    }
}
