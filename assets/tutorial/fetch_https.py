"""Fetch a web page over HTTPS: the classic sockets tutorial's five steps, with the TLS handshake
as one more step between connecting and sending.

Run it:  python3 fetch_https.py HOST [PORT]
Progress goes to stderr; the server's reply, decrypted, goes to stdout, byte for byte.
The server's certificate is checked against the authorities this computer trusts; to trust a test
server's own authority instead, name its file: SSL_CERT_FILE=ca.pem python3 fetch_https.py HOST PORT
"""
import socket
import ssl
import sys


def fail(message):
    """Say what went wrong and stop; a non-zero exit code tells scripts it failed."""
    print("Error: " + message, file=sys.stderr)
    sys.exit(1)


if len(sys.argv) not in (2, 3):
    fail("usage: python3 fetch_https.py HOST [PORT]")
host = sys.argv[1]
port = sys.argv[2] if len(sys.argv) == 3 else "443"  # 443: the usual port for https
if not port.isdecimal() or not 0 < int(port) < 65536:
    fail("the port must be a number from 1 to 65535, such as 443")
port = int(port)

print("# Setting up the socket", file=sys.stderr)
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # step: socket
except OSError as e:
    fail("could not set up a socket: " + str(e))

print("# Resolving server IP address", file=sys.stderr)
try:
    remote_ip = socket.gethostbyname(host)  # step: resolve
except OSError:
    fail("the host name " + host + " could not be resolved")

print("# Establishing connection to " + host + " at IP: " + remote_ip, file=sys.stderr)
try:
    s.connect((remote_ip, port))  # step: connect
except OSError as e:
    fail("could not connect to " + remote_ip + " port " + str(port) + ": " + str(e))

print("# Securing the connection (TLS handshake)", file=sys.stderr)
# The server shows its certificate, its ID card: it is checked against the authorities this
# computer trusts, and against the name asked for, which is also sent to the server (SNI).
# From here on, s encrypts what we send and decrypts what we receive.
try:
    context = ssl.create_default_context()  # step: handshake
    s = context.wrap_socket(s, server_hostname=host)  # step: handshake
except ssl.SSLCertVerificationError as e:
    fail("the server's certificate was not accepted: " + e.verify_message)
except OSError as e:
    fail("the secure handshake failed: " + str(e))

print("# Transmitting request to server", file=sys.stderr)
# The Host line names the site we want: one server often holds many sites.
# Its port is written only when it is not the usual 443.
site = host if port == 443 else host + ":" + str(port)
request = "GET / HTTP/1.0\r\nHost: " + site + "\r\n\r\n"  # step: send
try:
    s.sendall(request.encode())  # step: send
except OSError as e:
    fail("could not send the request: " + str(e))

print("# Retrieving data from server", file=sys.stderr)
reply = b""
try:
    while True:  # the reply may come in many pieces: read them all
        piece = s.recv(4096)  # step: receive
        if not piece:  # the server ended the encrypted session: the reply is complete
            break
        reply += piece
except OSError as e:
    fail("the reply was cut off: " + str(e))
s.close()
sys.stdout.buffer.write(reply)
