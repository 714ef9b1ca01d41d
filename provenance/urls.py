"""Registered-domain extraction from URLs, offline against tldextract's bundled Public Suffix List snapshot."""

from __future__ import annotations

import functools

import tldextract


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache dir: tldextract uses the snapshot shipped in its wheel and never touches the
    # network or disk. The PSL private section is on: each user site on a shared host (foo.github.io,
    # bar.blogspot.com) is its own source, for per-source calibration and for counting domains in a content farm.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registered_domain(url: str | None) -> str | None:
    """Returns the lowercased registered domain of a URL (``news.bbc.co.uk`` -> ``bbc.co.uk``).

    Args:
        url: An absolute URL, a scheme-relative URL or a bare host name.

    Returns:
        The domain under the public suffix, the IP address itself for IP hosts, or None for empty input and hosts
        without a known public suffix (``localhost``, garbage).
    """
    if not url or not (url := url.strip()):
        return None
    parts = _extractor()(url)
    if parts.ipv4 or parts.ipv6:
        return (parts.ipv4 or parts.ipv6).lower()
    return parts.top_domain_under_public_suffix.lower() or None
