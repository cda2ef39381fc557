"""A git server over HTTP for tests: ``git http-backend`` behind basic auth, on 127.0.0.1."""
from __future__ import annotations

import subprocess
from http.server import BaseHTTPRequestHandler

from helpers.identity import git_env


class GitHttp(BaseHTTPRequestHandler):
    """``git http-backend`` (smart HTTP) behind basic auth: the user ``ci`` with ``password``."""

    project_root = ""
    password = ""
    log: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # the base class's name
        self.log.append(f"{self.command} {self.path} {self.headers.get('Authorization', '-')}")

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        import base64

        expected = "Basic " + base64.b64encode(f"ci:{self.password}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.log_message("%s", "401")
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = dict(git_env(), GIT_PROJECT_ROOT=self.project_root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER="ci", REMOTE_ADDR="127.0.0.1",
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)),
                   GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
