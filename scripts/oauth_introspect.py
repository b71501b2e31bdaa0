#!/usr/bin/env python3
"""Tiny OAuth2 token introspection endpoint (RFC 7662 style) for the test bench.

Dovecot's oauth2 passdb (introspection_mode = post) posts ``token=...`` here and
expects a JSON object back.  Tokens come from two JSON files that are re-read
on every request, so tests can add or expire tokens without a restart:

  --static FILE   {"token": {"user": "alice@wd.test"}}           never expire
  --tokens FILE   {"token": {"user": "alice@wd.test", "exp": 1700000000}}

A known, unexpired token answers {"active": true, "username": USER, ...};
anything else answers {"active": false}.  GET /health answers "ok".
"""

import argparse
import json
import os
import signal
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def load(path):
    if not path:
        return {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        sys.stderr.write("cannot read %s: %s\n" % (path, e))
        return {}
    return data if isinstance(data, dict) else {}


def lookup(args, token):
    now = time.time()
    for path, expiring in ((args.static, False), (args.tokens, True)):
        entry = load(path).get(token)
        if not isinstance(entry, dict) or not entry.get("user"):
            continue
        exp = entry.get("exp")
        if expiring and exp is not None:
            try:
                if float(exp) <= now:
                    return None
            except (TypeError, ValueError):
                return None
        return entry
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "wd-introspect/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), fmt % a))

    def reply(self, code, obj):
        body = (json.dumps(obj) if not isinstance(obj, str) else obj).encode()
        self.send_response(code)
        self.send_header("Content-Type",
                         "application/json" if not isinstance(obj, str) else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def token_from_request(self, body):
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        if form.get("token"):
            return form["token"][0]
        q = urllib.parse.urlsplit(self.path).query
        form = urllib.parse.parse_qs(q, keep_blank_values=True)
        for key in ("token", "access_token"):
            if form.get(key):
                return form[key][0]
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return None

    def answer(self, body):
        token = self.token_from_request(body)
        entry = lookup(self.server.args, token) if token else None
        if entry is None:
            self.reply(200, {"active": False})
            return
        user = entry["user"]
        obj = {"active": True, "username": user, "sub": user, "email": user,
               "scope": entry.get("scope", "mail"), "token_type": "Bearer"}
        if entry.get("exp") is not None:
            obj["exp"] = entry["exp"]
        self.reply(200, obj)

    def do_GET(self):
        if urllib.parse.urlsplit(self.path).path == "/health":
            self.reply(200, "ok\n")
            return
        self.answer("")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        self.answer(raw.decode("utf-8", "replace"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--static")
    p.add_argument("--tokens")
    p.add_argument("--pidfile")
    args = p.parse_args()

    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    srv.daemon_threads = True
    srv.args = args
    if args.pidfile:
        tmp = args.pidfile + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.replace(tmp, args.pidfile)

    def stop(*_):
        if args.pidfile:
            try:
                with open(args.pidfile) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.unlink(args.pidfile)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        srv.serve_forever()
    finally:
        stop()


if __name__ == "__main__":
    main()
