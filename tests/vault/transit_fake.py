"""A local stand-in for Vault Transit's encrypt, decrypt and rotate endpoints.

It follows Vault's wire format (``vault:v<N>:<base64>`` ciphertexts,
``associated_data`` bound as AES-GCM associated data, a 400 error for a
ciphertext that fails authentication) so the provider's requests and
parsing are exercised without a Vault server.
"""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN = "fake-root-token"


class FakeTransit:
    """Transit keys by name, each a list of AES-256 versions."""

    def __init__(self) -> None:
        self.keys: dict[str, list[bytes]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.fail_with: int | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTransit":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        self.requests.append((method, path, body))
        if self.fail_with:
            return self.fail_with, {"errors": ["fake failure"]}
        parts = path.removeprefix("/v1/transit/").split("/")
        if parts[0] == "keys" and len(parts) == 2 and method == "GET":
            versions = self.keys.setdefault(parts[1], [AESGCM.generate_key(256)])
            return 200, {"data": {"latest_version": len(versions)}}
        if parts[0] == "keys" and parts[2:] == ["rotate"]:
            self.keys.setdefault(parts[1], []).append(AESGCM.generate_key(256))
            return 204, {}
        if parts[0] == "encrypt":
            return self._encrypt(parts[1], body)
        if parts[0] == "decrypt":
            return self._decrypt(parts[1], body)
        return 404, {"errors": ["no handler for route"]}

    def _encrypt(self, name: str, body: dict) -> tuple[int, dict]:
        versions = self.keys.setdefault(name, [AESGCM.generate_key(256)])
        nonce = os.urandom(12)
        sealed = AESGCM(versions[-1]).encrypt(
            nonce,
            base64.b64decode(body["plaintext"]),
            base64.b64decode(body.get("associated_data", "")),
        )
        text = base64.b64encode(nonce + sealed).decode()
        return 200, {"data": {"ciphertext": f"vault:v{len(versions)}:{text}"}}

    def _decrypt(self, name: str, body: dict) -> tuple[int, dict]:
        _, version, text = body["ciphertext"].split(":", 2)
        raw = base64.b64decode(text)
        key = self.keys[name][int(version.lstrip("v")) - 1]
        try:
            plain = AESGCM(key).decrypt(
                raw[:12], raw[12:], base64.b64decode(body.get("associated_data", ""))
            )
        except InvalidTag:
            return 400, {"errors": ["cipher: message authentication failed"]}
        return 200, {"data": {"plaintext": base64.b64encode(plain).decode()}}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _respond(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("X-Vault-Token") != TOKEN:
                    status, payload = 403, {"errors": ["permission denied"]}
                else:
                    status, payload = fake.answer(method, self.path, body)
                encoded = json.dumps(payload).encode() if status != 204 else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def do_GET(self) -> None:
                self._respond("GET")

            def do_POST(self) -> None:
                self._respond("POST")

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
