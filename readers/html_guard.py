"""Deterministic checks that keep HTML built to blow up the parser away from it.

Measured with resiliparse 2.0.1 (``docs/RELIABILITY.md``): main-text extraction is quadratic in nesting depth
(20,000 nested ``<div>`` take 8 s), and parsing is quadratic in the attributes of one tag (20,000: 0.9 s) and in
unclosed formatting elements (``<b><i>...<a>`` repeated). Every check here is linear and runs at C speed on
ordinary pages; the Python tag walk runs only on pages with far more opening than closing tags.
"""

from __future__ import annotations

import re

_OPEN = re.compile(rb"<[A-Za-z]")
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")
_QUOTED = re.compile(rb"\"[^\"]*\"|'[^']*'")
#: Elements that never hold others (void) or that the parser closes by itself when a sibling opens.
_FLAT = frozenset(
    b"area base br col embed hr img input link meta param source track wbr keygen basefont bgsound frame "
    b"p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rtc rp html head body".split()
)
_FOREIGN = (b"svg", b"math")  # inside them, ``<x/>`` closes itself


class HtmlRejected(ValueError):
    """An HTML body over a configured limit; ``reason`` is its stable dead-letter code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def check_markup(body: bytes, max_depth: int, max_attributes: int) -> None:
    """Rejects, before parsing, a tag with more than ``max_attributes`` attributes and nesting estimated deeper
    than ``max_depth`` on pages that open far more elements than they close.

    Raises:
        HtmlRejected: ``html_too_many_attributes`` or ``html_too_deep``.
    """
    long_tag = re.compile(rb"<[A-Za-z][^<>]{%d,}>" % (2 * max_attributes))
    for match in long_tag.finditer(body):
        if (n := len(_QUOTED.sub(b"", match.group()).split()) - 1) > max_attributes:
            raise HtmlRejected("html_too_many_attributes", f"a tag has {n} attributes (limit {max_attributes})")
    if len(_OPEN.findall(body)) - body.count(b"</") > max_depth and nests_deeper_than(body, max_depth):
        raise HtmlRejected("html_too_deep", f"unclosed elements nested more than {max_depth} deep")


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the parser would nest elements more than ``limit`` deep, estimated from the tags alone.

    A closing tag closes the innermost open element of its name and everything opened inside it; void elements and
    those closed by a sibling (``p``, ``li``, ``td``, ...) never nest; ``<x/>`` closes itself inside svg or math.
    """
    stack: list[bytes] = []
    open_count: dict[bytes, int] = {}
    for close, name, self_closing in _TAG.findall(body):
        name = name.lower()
        if close:
            if open_count.get(name):
                while (top := stack.pop()) != name:
                    open_count[top] -= 1
                open_count[name] -= 1
        elif name not in _FLAT and not (self_closing and (name in _FOREIGN or _inside_foreign(open_count))):
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            if len(stack) > limit:
                return True
    return False


def dom_deeper_than(tree, depth: int) -> bool:
    """Whether a parsed resiliparse ``HTMLTree`` nests elements more than ``depth`` deep: a C-level selector match
    of an element with ``depth`` element ancestors, after a cheaper one that ordinary pages already fail."""
    if depth > _SHALLOW and not _deeper(tree, _SHALLOW):
        return False
    return _deeper(tree, depth)


_SHALLOW = 32  # ordinary pages nest under 32 elements; a short selector is 3x cheaper to match than one of 512


def _deeper(tree, depth: int) -> bool:
    return tree.document.query_selector("*" + " > *" * depth) is not None


def _inside_foreign(open_count: dict[bytes, int]) -> bool:
    return any(open_count.get(name) for name in _FOREIGN)
