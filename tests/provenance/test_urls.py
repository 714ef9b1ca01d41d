import socket

import pytest

from synthsieve.provenance.urls import _extractor, registered_domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://news.bbc.co.uk/world/123", "bbc.co.uk"),
        ("HTTPS://WWW.Example.COM/Path?q=1", "example.com"),
        ("https://user:pw@sub.example.co.uk:8443/", "example.co.uk"),
        ("//cdn.example.org/lib.js", "example.org"),
        ("example.com", "example.com"),
        ("  https://www.example.com/  ", "example.com"),
        ("http://www.example.com./", "example.com"),
        # The PSL private section is off by default: user sites on shared hosts map to the host's domain.
        ("https://foo.github.io/blog", "foo.github.io"),
        ("https://foo.blogspot.com/2020/01/post.html", "foo.blogspot.com"),
    ],
)
def test_registered_domain(url, expected):
    assert registered_domain(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [("http://127.0.0.1:8080/x", "127.0.0.1"), ("http://[2001:DB8::1]:80/", "2001:db8::1")],
)
def test_ip_hosts_return_the_ip(url, expected):
    assert registered_domain(url) == expected


@pytest.mark.parametrize(
    "url", [None, "", "   ", "http://localhost:8000/", "not a url", "http://999.1.1.1/", "http://[", "\x00"]
)
def test_no_registered_domain(url):
    assert registered_domain(url) is None


def test_uses_the_bundled_suffix_list_offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tldextract tried to reach the network")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "https://example.invalid/psl.dat")
    _extractor.cache_clear()
    try:
        assert registered_domain("https://www.example.co.uk/") == "example.co.uk"
    finally:
        _extractor.cache_clear()
