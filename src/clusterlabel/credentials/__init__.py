"""Signed, offline-verifiable label credentials (Open Badges 3.0, VC-JWT, Bitstring Status List).

Pure Python with no Django import, so the ``clusterlabel verify`` command and third parties
can use it offline. Issuing a credential::

    keyring = KeyRing.from_directory(settings.CREDENTIAL_KEY_DIR)
    token = sign_credential(build_credential(claim), keyring)

Publishing: ``keyring.public_jwks()`` as the JWKS, and for each status purpose
``sign_credential(build_status_list_credential(...), keyring)`` at its list URL.
Verifying: ``verify_credential(token, jwks, now=..., status_lists={url: jwt_or_list})``.
"""

from .badge import LabelClaim, build_achievement, build_credential
from .keys import (
    KeyFileError,
    KeyRing,
    SigningKey,
    create_key_directory,
    generate_private_key,
    rotate,
)
from .status_list import (
    MINIMUM_SIZE,
    BitstringStatusList,
    StatusListError,
    StatusPurpose,
    build_status_list_credential,
    status_list_entry,
)
from .vcjwt import (
    AlgorithmOutcome,
    DatesOutcome,
    KeyOutcome,
    SignatureOutcome,
    StatusOutcome,
    Verdict,
    VerificationReport,
    sign_credential,
    verify_credential,
)

__all__ = [
    "MINIMUM_SIZE",
    "AlgorithmOutcome",
    "BitstringStatusList",
    "DatesOutcome",
    "KeyFileError",
    "KeyOutcome",
    "KeyRing",
    "LabelClaim",
    "SignatureOutcome",
    "SigningKey",
    "StatusListError",
    "StatusOutcome",
    "StatusPurpose",
    "Verdict",
    "VerificationReport",
    "build_achievement",
    "build_credential",
    "build_status_list_credential",
    "create_key_directory",
    "generate_private_key",
    "rotate",
    "sign_credential",
    "status_list_entry",
    "verify_credential",
]
