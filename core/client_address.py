"""The client's address, as every per-address limit sees it (the public form's limits,
the login lock-out)."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address. Behind `TRUSTED_PROXY_COUNT` reverse proxies (nginx: 1) it is
    the entry that many places from the right of X-Forwarded-For, the one our own proxy
    wrote; entries further left are whatever the client sent and are not trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
