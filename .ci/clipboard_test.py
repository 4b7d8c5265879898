#!/usr/bin/env python3
"""Copy reply in the real window, read back with xclip, byte for byte (run under Xvfb by .ci/run).

A server on 127.0.0.1 sends a 64 MiB text reply and a 64 MiB binary reply. For each, the app
fetches it; once the server has sent it all, xdotool focuses the window and presses Ctrl+Shift+C
(again, if the window had not taken in the whole reply yet: the app reports each copy and its size
on stderr); then `xclip -o -selection clipboard` (which reads INCR) pastes it. The text reply must
come back exactly; the binary one must be the copy rule's escaped form (each byte that is not
UTF-8 as \\xNN, each backslash doubled) and unescape to exactly the bytes sent.

Prints the time to copy and to paste, the window's longest frame while copying, and the app's peak
memory. Usage: clipboard_test.py PATH/TO/socket-fetch
"""

import os
import queue
import random
import re
import socket
import subprocess
import sys
import threading
import time

SIZE = 64 << 20
LIMIT_S = 120


def replies():
    rng = random.Random(7)
    # Text: lines with multi-byte characters, control characters and literal backslashes,
    # all valid UTF-8, so the clipboard must get it unchanged.
    line = "line with é, €, 😀, a tab\t, a NUL \0, an ESC \x1b[2J and \\x41 typed as text\r\n".encode()
    text = (line * (SIZE // len(line) + 1))[:SIZE]
    while True:  # the cut must not split a character
        try:
            text.decode("utf-8")
            break
        except UnicodeDecodeError:
            text = text[:-1]
    binary = b"".join(rng.randbytes(1 << 20) for _ in range(SIZE >> 20))
    head = lambda n: f"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {n}\r\n\r\n".encode()
    return {"/text": head(len(text)) + text, "/binary": head(len(binary)) + binary}


def serve(listener, by_path, sent):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                part = conn.recv(4096)
                if not part:
                    break
                request += part
            path = request.split(b" ")[1].decode() if request.count(b" ") >= 2 else "/"
            conn.sendall(by_path.get(path, b"HTTP/1.0 404 Not Found\r\n\r\n"))
        sent.put(path)


def expected_escape(data):
    """The copy rule's escaped form, written independently of the app: Python's UTF-8 decoder
    marks exactly the bytes that are not UTF-8 (surrogateescape), the rest is text."""
    text = data.decode("utf-8", "surrogateescape").replace("\\", "\\\\")
    out = re.sub("[\udc80-\udcff]", lambda m: "\\x%02X" % (ord(m.group()) - 0xDC00), text)
    return out.encode("utf-8")


def unescape(text):
    def one(m):
        return b"\\" if m.group(1) == b"\\" else bytes([int(m.group(2), 16)])

    if b"\\" in re.sub(rb"\\\\|\\x[0-9A-F]{2}", b"", text):
        raise ValueError("a backslash that is not part of an escape")
    return re.sub(rb"\\(\\|x([0-9A-F]{2}))", one, text)


def peak_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def copied_size(line):
    """The exact byte count in the app's "Copied the reply, 67 million bytes (67 MB; 67,108,864 bytes)"
    line (a size under ten thousand is only its exact count: "Copied the reply, 52 bytes")."""
    found = re.search(r"Copied the reply, (?:[^(]*\([^;]*; )?([\d,]+) bytes", line)
    return int(found.group(1).replace(",", "")) if found else None


def run_case(app, port, path, reply, sent):
    cmd = [app, "--host", f"127.0.0.1{path}", "--port", str(port), "--fetch", "--tab", "reply"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True).start()
    try:
        if sent.get(timeout=LIMIT_S) != path:
            raise SystemExit(f"{path}: the app asked for something else")
        time.sleep(1)  # time for the window to take in the last bytes (if not, the copy is made again)
        window = subprocess.run(
            ["xdotool", "search", "--sync", "--pid", str(proc.pid), "--name", "socket-fetch"],
            capture_output=True, text=True, timeout=LIMIT_S, check=True,
        ).stdout.split()[0]
        report = None
        deadline = time.monotonic() + LIMIT_S
        while report is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"{path}: no copy of the whole reply was reported")
            subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True, timeout=10)
            subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+shift+c"], check=True, timeout=10)
            while True:
                try:
                    line = lines.get(timeout=LIMIT_S)
                except queue.Empty:
                    raise SystemExit(f"{path}: Ctrl+Shift+C brought no copy")
                sys.stderr.write("  app: " + line)
                if "socket-fetch: Not copied" in line:
                    raise SystemExit(f"{path}: {line.strip()}")
                if "socket-fetch: Copied" in line:
                    break
            if copied_size(line) == len(reply):
                report = line.strip()
            else:
                time.sleep(0.5)  # the window was still taking in the reply: copy again
        start = time.monotonic()
        pasted = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=LIMIT_S, check=True
        ).stdout
        paste_s = time.monotonic() - start
        peak = peak_kib(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    if path == "/text":
        ok = pasted == reply
        how = "exactly the reply"
    else:
        ok = pasted == expected_escape(reply) and unescape(pasted) == reply
        how = "the escaped form, which unescapes to exactly the reply"
    if not ok:
        first = next((i for i, (a, b) in enumerate(zip(pasted, reply)) if a != b), min(len(pasted), len(reply)))
        raise SystemExit(f"{path}: the clipboard is not {how} ({len(pasted)} bytes pasted, first difference at {first})")
    copy_ms = re.search(r"\((\d+) ms; the longest frame meanwhile took (\d+) ms\)", report)
    print(
        f"clipboard {path}: {len(reply) / 2**20:.1f} MiB reply, {len(pasted) / 2**20:.1f} MiB pasted, {how}; "
        f"copy {copy_ms.group(1) if copy_ms else '?'} ms (longest frame {copy_ms.group(2) if copy_ms else '?'} ms), "
        f"paste {paste_s * 1000:.0f} ms, app peak memory {peak / 1024:.0f} MiB"
    )


def main():
    app = sys.argv[1]
    by_path = replies()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    sent = queue.Queue()
    threading.Thread(target=serve, args=(listener, by_path, sent), daemon=True).start()
    port = listener.getsockname()[1]
    for path in ("/text", "/binary"):
        run_case(app, port, path, by_path[path], sent)
    listener.close()
    print("clipboard test: passed")


if __name__ == "__main__":
    main()
