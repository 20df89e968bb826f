"""Master keys kept in HashiCorp Vault's Transit secrets engine.

The master key never leaves Vault: data keys are sent to Transit's
``encrypt`` endpoint and the wrapped form it returns (``vault:v<N>:...``)
is stored. The key id is the Transit key name and version, such as
``transit:tocsin:v3``, so a rotation (``keys/<name>/rotate``) makes every
data key wrapped under an older version stale until it is rewrapped.

The wrap context is sent as ``associated_data``, which Transit binds to
AES-GCM ciphertexts from Vault 1.13 on.
"""

import base64
import logging
from typing import Any

import requests
from cryptography.exceptions import InvalidTag

from tocsin.errors import ConfigurationError
from tocsin.vault import conf
from tocsin.vault.errors import KeyProviderUnavailable, VaultKeyMissing
from tocsin.vault.keys import KeyProvider

logger = logging.getLogger(__name__)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class TransitKeyProvider(KeyProvider):
    """Wrap and unwrap data keys through Vault Transit over HTTP."""

    def __init__(
        self,
        address: str,
        token: str,
        key_name: str,
        mount: str = "transit",
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.address = address.rstrip("/")
        self.key_name = key_name
        self.mount = mount.strip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["X-Vault-Token"] = token

    @classmethod
    def from_settings(cls) -> "TransitKeyProvider":
        """Return a provider configured from VAULT_ADDR and VAULT_TOKEN."""
        address, token = conf.vault_address(), conf.vault_token()
        if not address or not token:
            raise ConfigurationError(
                "TOCSIN_KEY_PROVIDER is 'vault-transit' but VAULT_ADDR or "
                "VAULT_TOKEN is not set; set both, or use TOCSIN_KEY_PROVIDER=local"
            )
        return cls(
            address,
            token,
            conf.vault_transit_key(),
            conf.vault_transit_mount(),
            conf.vault_timeout(),
        )

    def _key_id(self, version: int | str) -> str:
        return f"transit:{self.key_name}:v{version}"

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        url = f"{self.address}/v1/{self.mount}/{path}"
        try:
            response = self.session.request(
                method, url, json=body, timeout=self.timeout
            )
        except requests.RequestException as error:
            logger.warning("vault transit request failed", extra={"path": path})
            raise KeyProviderUnavailable(
                f"Vault at {self.address} did not respond ({type(error).__name__}); "
                "check VAULT_ADDR and that Vault is unsealed, then retry"
            ) from None
        return self._parse(response, path)

    def _parse(self, response: requests.Response, path: str) -> dict:
        if response.status_code >= 500 or response.status_code == 429:
            raise KeyProviderUnavailable(
                f"Vault returned HTTP {response.status_code} for {self.mount}/{path}; "
                "retry when Vault is unsealed and healthy"
            )
        if response.status_code in (401, 403):
            raise ConfigurationError(
                f"Vault rejected the token for {self.mount}/{path} (HTTP "
                f"{response.status_code}); give VAULT_TOKEN a policy allowing it"
            )
        if response.status_code == 400 and path.startswith("decrypt/"):
            # Transit reports a failed authentication tag as a 400 error.
            raise InvalidTag()
        if response.status_code >= 400:
            raise ConfigurationError(
                f"Vault returned HTTP {response.status_code} for "
                f"{self.mount}/{path}; check TOCSIN_VAULT_TRANSIT_KEY and the mount"
            )
        if response.status_code == 204 or not response.content:
            return {}
        body: dict[str, Any] = response.json()
        return body.get("data") or {}

    def current_key_id(self) -> str:
        info = self._call("GET", f"keys/{self.key_name}")
        return self._key_id(info["latest_version"])

    def wrap(self, key: bytes, context: bytes) -> tuple[bytes, str]:
        body = {"plaintext": _b64(key), "associated_data": _b64(context)}
        result = self._call("POST", f"encrypt/{self.key_name}", body)
        ciphertext: str = result["ciphertext"]
        version = ciphertext.split(":")[1].lstrip("v")
        return ciphertext.encode("ascii"), self._key_id(version)

    def unwrap(self, wrapped: bytes, key_id: str, context: bytes) -> bytes:
        if not key_id.startswith(f"transit:{self.key_name}:"):
            raise VaultKeyMissing(
                f"master key '{key_id}' is not a version of Transit key "
                f"'{self.key_name}'; set TOCSIN_VAULT_TRANSIT_KEY or "
                "TOCSIN_KEY_PROVIDER to the provider that wrapped it"
            )
        body = {
            "ciphertext": wrapped.decode("ascii"),
            "associated_data": _b64(context),
        }
        result = self._call("POST", f"decrypt/{self.key_name}", body)
        return base64.b64decode(result["plaintext"])

    def rotate(self) -> str:
        self._call("POST", f"keys/{self.key_name}/rotate")
        new_id = self.current_key_id()
        logger.info("master key rotated", extra={"new_key_id": new_id})
        return new_id

    def discard_retired(self, key_ids_in_use: set[str]) -> list[str]:
        # Old versions stay in Vault: retiring them means raising the key's
        # min_decryption_version, an operator decision made in Vault itself.
        return []
