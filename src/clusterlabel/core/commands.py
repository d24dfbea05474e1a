"""What the management commands share: a service's refusal as the command's one-line error."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def refused(error: ValidationError) -> CommandError:
    """``error`` as one line, each message after the field it is about ("url: Use https; events:
    …"), for ``raise refused(error) from error``."""
    if not hasattr(error, "error_dict"):
        return CommandError(" ".join(error.messages))
    return CommandError(
        "; ".join(
            f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        )
    )
