#!/usr/bin/env python3
"""Cairn under hostile load (`make bench-hostile`): the demo server's peak memory while

1. 500 clients send sign-in attempts for different accounts, each again as soon as it is
   answered, for 5 seconds (each password check is argon2id, ~19 MiB while it runs), with the
   time a correct sign-in made during them takes (retrying when told to by `503` +
   `Retry-After`, as a person clicking again would);
2. 16 image bombs arrive at once: PNGs of ~500 KB each that declare 8000 × 8000 pixels at 16
   bits per channel (512 MB decoded), uploaded by the demo parent as training records; then 16
   that stay under the pixel budget but would take 288 MB each to decode (6000 × 6000).

Peak memory is the server's VmHWM (peak resident set), reset between phases through
/proc/PID/clear_refs. Standard library only. Prints one line per figure.
"""

import http.client
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

BIN = os.environ.get("CAIRN_BIN") or sys.exit("set CAIRN_BIN to the cairn binary")
PORT = int(os.environ.get("BENCH_HOSTILE_PORT", "3820"))
ATTEMPTS = int(os.environ.get("BENCH_SIGN_INS", "500"))
BOMBS = int(os.environ.get("BENCH_BOMBS", "16"))


def memory_mb(pid, field):
    """A memory figure of /proc/PID/status in MB: `VmHWM` (peak resident) or `VmRSS` (now)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as refs:
        refs.write("5")


def request(method, path, body=b"", headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    all_headers = {"Host": f"127.0.0.1:{PORT}", "Origin": f"http://127.0.0.1:{PORT}"}
    all_headers.update(headers or {})
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def sign_in(email, password):
    body = urllib.parse.urlencode({"email": email, "password": password}).encode()
    return request(
        "POST",
        "/api/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def cookie_of(response):
    value = response.getheader("Set-Cookie") or ""
    return value.split(";")[0]


def png(width, height):
    """A 16-bit RGBA PNG of zeros: tiny on disk, width × height × 8 bytes decoded."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + width * 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def upload(cookie, name, picture):
    boundary = "cairnbench"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nFirst aid\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: image/png\r\n\r\n"
    ).encode() + picture + f"\r\n--{boundary}--\r\n".encode()
    response = request(
        "POST",
        "/backpack/records",
        body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie},
        timeout=300,
    )
    return response.getheader("Location") or ""


def all_at_once(jobs):
    results = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index, job):
        start.wait()
        try:
            results[index] = job()
        except Exception as error:  # a refused connection is a result too
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    return threads, results


def main():
    work = tempfile.mkdtemp(prefix="cairn-hostile-")
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen(
        [BIN, "serve", "--demo", "--addr", f"127.0.0.1:{PORT}", "--data-dir", work],
        stdout=log,
        stderr=log,
    )
    try:
        for _ in range(1200):
            try:
                if request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        # The demo's earned credentials are issued in the background at start-up: after that.
        for _ in range(3000):
            with open(os.path.join(work, "serve.log")) as text:
                if "credentials due at start-up are issued" in text.read():
                    break
            time.sleep(0.1)
        time.sleep(1)
        print(f"server idle after the demo load: {memory_mb(server.pid, 'VmRSS'):.0f} MB resident")

        # 1. Sign-in flood.
        reset_peak(server.pid)
        stop = time.monotonic() + 5

        def flood(n):
            answers = {}
            tries = 0
            while time.monotonic() < stop:
                try:
                    status = sign_in(f"flood{n}-{tries}@nowhere.example", "wrong-password").status
                except OSError as error:
                    status = type(error).__name__
                answers[status] = answers.get(status, 0) + 1
                tries += 1
            return answers

        threads, results = all_at_once([lambda n=n: flood(n) for n in range(ATTEMPTS)])
        time.sleep(1)
        began = time.monotonic()
        tries = 0
        while True:
            tries += 1
            response = sign_in("teacher@demo.cairn", "cairn-demo")
            if response.status == 303 and response.getheader("Location") == "/":
                break
            if response.status != 503:
                raise SystemExit(f"the correct sign-in failed: {response.status}")
            time.sleep(float(response.getheader("Retry-After") or "1"))
        signed_in_after = time.monotonic() - began
        for thread in threads:
            thread.join()
        answered = {}
        for result in results:
            for key, count in (result.items() if isinstance(result, dict) else [(type(result).__name__, 1)]):
                answered[key] = answered.get(key, 0) + count
        print(f"sign-in flood: {ATTEMPTS} clients for 5 s, answers {answered}")
        print(f"sign-in flood: a correct sign-in during it succeeded after {signed_in_after:.2f} s ({tries} tries)")
        print(f"sign-in flood: server peak {memory_mb(server.pid, 'VmHWM'):.0f} MB")

        # 2. Image bombs, uploaded by the demo parent.
        parent = cookie_of(sign_in("parent@demo.cairn", "cairn-demo"))
        for width, height, label in [(8000, 8000, "over the pixel budget"), (6000, 6000, "under it")]:
            picture = png(width, height)
            reset_peak(server.pid)
            threads, results = all_at_once(
                [lambda n=n: upload(parent, f"bomb{n}.png", picture) for n in range(BOMBS)]
            )
            for thread in threads:
                thread.join()
            refused = sum(1 for r in results if isinstance(r, str) and "upload_error" in r)
            kept = sum(1 for r in results if isinstance(r, str) and "upload_error" not in r)
            print(
                f"image bombs {width}×{height} ({label}, {len(picture) // 1024} KB each, "
                f"{width * height * 8 // (1 << 20)} MB decoded): {BOMBS} at once, "
                f"{refused} refused, {kept} kept; server peak {memory_mb(server.pid, 'VmHWM'):.0f} MB"
            )
            if refused:
                reason = next(r for r in results if isinstance(r, str) and "upload_error" in r)
                print(f"  refusal: {urllib.parse.unquote(reason.split('upload_error=')[1])}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
