"""A fake OAuth2 authorization server on loopback for the Python tests: the device
authorization endpoint (POST /device) and the token endpoint (POST /token) with the
client_credentials, device-code and refresh_token grants. Every request is recorded with
its form; the test approves or denies a user code (from the prompt, say) with approve() /
deny(). When ``register`` is given, it is called with each access token issued and its
expiry (to register the token with the mail server bench)."""

import itertools
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_numbers = itertools.count(1)


class FakeAuthServer:
    def __init__(self, client_id="py-client", client_secret="py-secret", expires_in=3600,
                 interval=1, register=None, approve_at_once=False):
        self.client_id, self.client_secret = client_id, client_secret
        self.expires_in, self.interval = expires_in, interval
        self.register = register
        self.approve_at_once = approve_at_once
        self.requests = []  # (path, form)
        self.issued = []  # grant of each access token issued
        self.devices = {}  # device code -> {"user_code", "state"}
        self.refresh_tokens = set()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode(), keep_blank_values=True))
                status, body = fake.answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def forms(self, path):
        return [f for p, f in self.requests if p == path]

    def approve(self, user_code, state="approved"):
        with self.lock:
            for d in self.devices.values():
                if d["user_code"] == user_code:
                    d["state"] = state
                    return True
        return False

    def deny(self, user_code):
        return self.approve(user_code, "denied")

    def answer(self, path, form):
        with self.lock:
            self.requests.append((path, form))
        secret = form.get("client_secret")
        if form.get("client_id") != self.client_id or secret != (self.client_secret or None):
            return 400, {"error": "invalid_client", "error_description": "bad client credentials"}
        if path == "/device":
            n = next(_numbers)
            code = "WD-%04d" % n
            with self.lock:
                state = "approved" if self.approve_at_once else "pending"
                self.devices["dev-%d-%d" % (os.getpid(), n)] = {"user_code": code, "state": state}
            return 200, {"device_code": "dev-%d-%d" % (os.getpid(), n), "user_code": code,
                         "verification_uri": self.url("/verify"), "expires_in": 600,
                         "interval": self.interval}
        if path != "/token":
            return 404, {"error": "not_found"}
        grant = form.get("grant_type")
        refresh = False
        if grant == "client_credentials":
            pass
        elif grant == DEVICE_GRANT:
            with self.lock:
                d = self.devices.get(form.get("device_code"))
            if d is None:
                return 400, {"error": "invalid_grant"}
            if d["state"] != "approved":
                error = "access_denied" if d["state"] == "denied" else "authorization_pending"
                return 400, {"error": error}
            refresh = True
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description": "unknown refresh token"}
        else:
            return 400, {"error": "unsupported_grant_type"}
        n = next(_numbers)
        token = "wdtok-py-%d-%d-%d" % (os.getpid(), n, int(time.time()))
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        if refresh:
            body["refresh_token"] = "refresh-py-%d-%d" % (os.getpid(), n)
            with self.lock:
                self.refresh_tokens.add(body["refresh_token"])
        with self.lock:
            self.issued.append(grant)
        if self.register:
            self.register(token, int(time.time()) + self.expires_in)
        return 200, body


def register_with_bench(tokens_file, user):
    """A `register` callback that adds each token for `user` to the bench's token file
    (read, merge, write a temporary file and rename it over it)."""
    lock = threading.Lock()

    def register(token, exp):
        with lock:
            for _ in range(50):
                try:
                    with open(tokens_file, encoding="utf-8") as f:
                        data = json.load(f)
                except (OSError, ValueError):
                    data = {}
                data[token] = {"user": user, "exp": exp}
                tmp = "%s.tmp.py.%d" % (tokens_file, os.getpid())
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(data, f)
                os.chmod(tmp, 0o666)
                os.replace(tmp, tokens_file)
                time.sleep(0.02)
                with open(tokens_file, encoding="utf-8") as f:
                    if token in json.load(f):
                        return
            raise RuntimeError("could not register a token in %s" % tokens_file)

    return register
