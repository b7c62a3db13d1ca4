"""The exceptions users can catch: one base class, usage errors under it.

`BackpropSymError` is every error the tool raises on purpose. `UsageError` is bad input
(a malformed width, an unknown activation, an unreadable file): the faces print its
message and exit 2. Internal signals that never leave a module stay private to it.
"""
from __future__ import annotations


class BackpropSymError(Exception):
    """Any error backprop-sym raises on purpose."""


class UsageError(BackpropSymError, ValueError):
    """Input that is not what was expected; the message names both."""


class Unsupported(BackpropSymError):
    """Something well-formed that this version cannot decide or read."""
