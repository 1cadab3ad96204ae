// JavaLazyInit.java - corpus: a thread-per-client Java echo server as a
// Java tutorial writes it: a ServerSocket, a Runnable per client copying
// bytes from its InputStream to its OutputStream.
// Kind: broken, though its code has no bug a reader would see. Its one
// defect: it leaves Java 17 to set up its socket write path at the first
// write (sun.nio.ch.FileDispatcherImpl opens a descriptor of its own).
// When that first write comes while every descriptor is taken (a limit of
// 64 and a crowd of clients), the set-up fails for the rest of the run
// (ExceptionInInitializerError, then NoClassDefFoundError): no socket is
// ever written or closed again, descriptors stay used up, and nobody is
// served. JavaThreads.java sets it up at start.
// Run: java -cp tests/bin/corpus JavaLazyInit PORT
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

public class JavaLazyInit implements Runnable {
    private final Socket socket;

    JavaLazyInit(Socket socket) {
        this.socket = socket;
    }

    @Override
    public void run() {
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
                out.write(buffer, 0, n);
        } catch (IOException e) {
            System.err.println("client: " + e);
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 128);
            while (true) {
                try {
                    new Thread(new JavaLazyInit(listener.accept())).start();
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
        } catch (IOException e) {
            System.err.println("listen: " + e);
            System.exit(1);
        }
    }
}
