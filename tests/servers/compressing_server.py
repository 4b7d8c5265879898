"""An HTTP server the project did not write: Python's http.server, compressing with Python's own
gzip and zlib modules. Serves 3000 numbered lines of the text given as its first argument
("line 0: TEXT\n", "line 1: TEXT\n", ...):

  /gzip          gzip (gzip.compress), with Content-Length
  /zlib          deflate, zlib-wrapped as the standard says (zlib.compress)
  /raw-deflate   deflate without the zlib wrapper, as some servers send it
  /chunked-gzip  gzip, sent with Transfer-Encoding: chunked in pieces of 1000 bytes

It prints its port on the first line of stdout, then serves until it is killed. Every reply closes
the connection."""

import gzip
import http.server
import sys
import zlib

TEXT = "".join(f"line {i}: {sys.argv[1]}\n" for i in range(3000)).encode("utf-8")


def raw_deflate(data):
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        bodies = {
            "/gzip": ("gzip", gzip.compress(TEXT)),
            "/zlib": ("deflate", zlib.compress(TEXT)),
            "/raw-deflate": ("deflate", raw_deflate(TEXT)),
            "/chunked-gzip": ("gzip", gzip.compress(TEXT)),
        }
        if self.path not in bodies:
            self.send_error(404)
            return
        coding, body = bodies[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Encoding", coding)
        self.send_header("Connection", "close")
        if self.path == "/chunked-gzip":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 1000):
                piece = body[start : start + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
