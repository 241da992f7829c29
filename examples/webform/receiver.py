#!/usr/bin/env python3
"""A minimal receiver for form.html, on Python's standard library only (WSGI).

GET / serves the form; POST /contact pipes the raw body into ``funnel intake`` and answers
"thank you". When intake fails (no database, a full disk, funnel missing), the body is kept in
the fallback folder and the answer is 503, so the visitor can resubmit and nothing is lost.

    python receiver.py --host 127.0.0.1 --port 8080

Behind your web server (nginx, Apache, Caddy), proxy /contact to it. Environment:
FUNNEL_INTAKE (the command; default "funnel intake --honeypot website"), WEBFORM_FALLBACK (the
fallback folder; default ./webform-fallback). With ``--spool-only DIR`` in FUNNEL_INTAKE, the
web server's user never opens the database (see docs/web-forms.md).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

HERE = Path(__file__).resolve().parent
MAX_BYTES = 64 * 1024
THANKS = b"<!doctype html><meta charset=utf-8><p>Thank you! We will answer shortly.</p>\n"
MISSING = b"<!doctype html><meta charset=utf-8><p>Please give your name, email or phone.</p>\n"
SORRY = b"<!doctype html><meta charset=utf-8><p>Sorry, please try again in a minute.</p>\n"


def command() -> list[str]:
    return shlex.split(os.environ.get("FUNNEL_INTAKE", "funnel intake --honeypot website"))


def keep(body: bytes) -> None:
    """The receiver's own fallback: the raw body, written whole (fsync), then renamed."""
    folder = Path(os.environ.get("WEBFORM_FALLBACK", "webform-fallback"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{hashlib.sha256(body).hexdigest()[:16]}.form"
    temp = folder / f".{name}.tmp"
    with open(temp, "wb") as file:
        file.write(body)
        file.flush()
        os.fsync(file.fileno())
    os.rename(temp, folder / name)


def app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    if method == "GET" and path in ("/", "/form.html"):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [(HERE / "form.html").read_bytes()]
    if method != "POST" or path != "/contact":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_BYTES:
        start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
        return [b"too large\n"]
    body = environ["wsgi.input"].read(length)
    try:
        code = subprocess.run(command(), input=body, capture_output=True, timeout=60).returncode
    except (OSError, subprocess.TimeoutExpired):
        code = None
    html = [("Content-Type", "text/html; charset=utf-8")]
    if code == 0:
        start_response("200 OK", html)
        return [THANKS]
    if code == 65:  # nobody to contact: funnel kept it in the spool's rejected/
        start_response("400 Bad Request", html)
        return [MISSING]
    keep(body)
    start_response("503 Service Unavailable", [*html, ("Retry-After", "60")])
    return [SORRY]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with make_server(args.host, args.port, app, handler_class=QuietHandler) as server:
        print(f"listening on http://{args.host}:{server.server_port}/", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
