"""One TLS context per process: loading the CA bundle takes ~50 ms, too long to pay per client.

A plain-HTTP loopback client (a mock on 127.0.0.1) never speaks TLS: it
gets a context that trusts no certificate, which costs nothing to make and
fails closed should an https URL ever be sent through it.
"""

from __future__ import annotations

import functools
import ssl

import httpx

__all__ = ["no_tls_context", "tls_context"]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying context every https client of this process shares (httpx's defaults,
    ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` included, read once)."""
    return httpx.create_ssl_context()


@functools.cache
def no_tls_context() -> ssl.SSLContext:
    """For a plain-HTTP loopback client: verifies, and trusts nothing."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
