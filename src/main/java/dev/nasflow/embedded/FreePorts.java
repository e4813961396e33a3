package dev.nasflow.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Free TCP ports for servers that are started in another process (or later in this one) and bind the port themselves.
 *
 * <p>A port found by binding port 0 and closing the socket is free again at once, so until the server binds it any
 * other {@code bind(0)} on the machine may be handed the same number: the Temporal dev server, for one, picks a dozen
 * internal ports that way while it starts and crashed (exit code 2, a Go panic) in CI when one of them was the
 * frontend port we had just chosen. {@link #reserve(String)} therefore leaves the port in {@code TIME_WAIT}: it
 * connects to its own listener and closes the accepted side first, so the kernel keeps the port out of ephemeral
 * allocation for the {@code TIME_WAIT} period (60 s on Linux), while a server that binds it explicitly with
 * {@code SO_REUSEADDR} (Go and Java server sockets do) gets it. The Temporal CLI and SDK core pick their own ports the
 * same way.
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port on {@code host} that is free now and that {@code bind(0)} elsewhere will not hand out for a while. */
    public static int reserve(String host) {
        try {
            return reserve(InetAddress.getByName(host));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    /** {@link #reserve(String)} on an address. */
    public static int reserve(InetAddress address) {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(address, 0), 1);
            int port = listener.getLocalPort();
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(address, port), 2000);
                client.setSoTimeout(2000);
                try (Socket accepted = listener.accept()) {
                    // closed first: the accepted side (local port = port) is the active closer, so it is the one
                    // left in TIME_WAIT
                }
                client.getInputStream().read(); // -1 once the accepted side's FIN arrived; then the client closes
            }
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + address.getHostAddress() + ": "
                    + e.getMessage(), e);
        }
    }
}
