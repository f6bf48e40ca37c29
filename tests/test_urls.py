"""URL and header checks (domain/urls): what stays on this machine, what is refused."""

from __future__ import annotations

import pytest

from pivotal_cli.domain.hosts import is_loopback
from pivotal_cli.domain.urls import (
    RemoteRefused,
    UnsafeValue,
    check_header_value,
    check_url,
)


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LOCALHOST",
        "app.localhost",
        "127.0.0.1",
        "127.9.9.9",
        "::1",
        "[::1]",
        "::ffff:127.0.0.1",
    ],
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "169.254.169.254",
        "10.0.0.1",
        "192.168.1.1",
        "example.com",
        "0.0.0.0",
        "2130706433",
        "0x7f.1",
        "localhost.example.com",
        "::",
    ],
)
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8787/hooks",
        "https://localhost/x",
        "http://[::1]:9/",
        " http://localhost/ ",
    ],
)
def test_loopback_urls_pass(url: str) -> None:
    checked = check_url(url, allow_remote=False)
    assert checked.loopback and checked.url == url.strip()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://169.254.169.254/latest/meta-data", "cloud metadata service"),
        ("http://10.0.0.7/h", "private-network address"),
        ("http://192.168.0.2/h", "private-network address"),
        ("http://169.254.10.10/h", "link-local address"),
        ("https://example.com/h", "another machine"),
        ("http://8.8.8.8/h", "public internet address"),
        ("http://0.0.0.0:80/h", "every interface"),
        ("http://127.0.0.1@evil.example/h", "evil.example is another machine"),
    ],
)
def test_remote_urls_are_refused_by_default_and_described(url: str, words: str) -> None:
    with pytest.raises(RemoteRefused, match=words):
        check_url(url, allow_remote=False)
    checked = check_url(url, allow_remote=True)
    assert not checked.loopback and words in checked.where


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:99999/", "port outside 1-65535"),
        ("http://127.0.0.1:0/", "port outside 1-65535"),
        ("http://127.0.0.1:-1/", "port outside 1-65535"),
        ("http://127.0.0.1/\r\nX-Evil: 1", r"\\r"),
        ("http://127.0.0.1/a\nb", r"\\n"),
        ("http://127.0.0.1/\x00", r"\\x00"),
        ("http://127.0.0.1/a b", "a space"),
        ("ftp://127.0.0.1/", "not an http"),
        ("http:///path", "not an http"),
        ("127.0.0.1:8000", "not an http"),
    ],
)
def test_malformed_urls_are_refused_even_when_remote_is_allowed(url: str, problem: str) -> None:
    with pytest.raises(UnsafeValue, match=problem):
        check_url(url, allow_remote=True)


def test_header_values_refuse_control_characters() -> None:
    assert check_header_value("msg_123", "--id") == "msg_123"
    for value in ("msg\r\nX-Injected: 1", "a\nb", "nul\x00", "del\x7f"):
        with pytest.raises(UnsafeValue, match="--id holds a control character"):
            check_header_value(value, "--id")
