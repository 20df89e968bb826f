"""Errors raised by the audit trail, its checkpoints and evidence bundles.

TocsinError
 └── PermanentError
      ├── ConfigurationError
      │    └── SigningKeyError       key file missing, unreadable or too open
      ├── TrailVerificationFailed    the chain or a checkpoint does not verify
      └── EvidenceBundleError        an artifact or output folder is unusable
"""

from tocsin.errors import ConfigurationError, PermanentError


class SigningKeyError(ConfigurationError):
    """The audit signing key file is missing, invalid or readable by others."""


class TrailVerificationFailed(PermanentError):
    """The stored audit trail contradicts its hashes or a signed checkpoint."""


class EvidenceBundleError(PermanentError):
    """An evidence bundle could not be written from the given artifacts."""
