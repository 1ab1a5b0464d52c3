"""What can be told about a SPARQL text without parsing it (and so without importing rdflib).

Each answer errs on the safe side: :func:`may_call_service` and :func:`may_vary` say
"maybe" for any text that could mean what they look for, and :func:`mentioned_variables`
finds every variable (and perhaps a name that only looks like one). Callers treat a
"maybe" by handing the text to the rdflib algebra check (:func:`cspo_graph.query.sparql.prepare`),
which decides; only the certain "no" takes the fast path.
"""

from __future__ import annotations

import re

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKENS = re.compile(
    r"""
      (?P<skip>
          \#[^\n]*                                        # a comment
        | "\""(?:[^"\\]|\\.|"(?!""))*"\""                # long strings
        | '''(?:[^'\\]|\\.|'(?!''))*'''
        | "(?:[^"\\\n]|\\.)*"                             # short strings
        | '(?:[^'\\\n]|\\.)*'
        | <[^<>"{}|^`\\\x00-\x20]*>                       # an IRI
      )
    | [?$](?P<variable>[\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    """,
    re.VERBOSE,
)
_VOLATILE = re.compile(r"\b(?:now|rand|uuid|struuid|bnode)\s*\(")
_FROM = re.compile(r"(?<![\w:?$])from(?![\w:])", re.IGNORECASE)
_GROUP_CONCAT = re.compile(r"\bgroup_concat\s*\(", re.IGNORECASE)
_AS_VARIABLE = re.compile(r"\s*AS\s*[?$]([\w\u00B7\u0300-\u036F\u203F-\u2040]+)", re.IGNORECASE)


def unescape(text: str) -> str:
    """The text with SPARQL's ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded, as a parser sees it."""

    def decode(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _CODEPOINT.sub(decode, text)


def may_call_service(text: str) -> bool:
    """False only when the text cannot hold a SERVICE clause: the word appears nowhere in it."""
    return "service" in unescape(text).casefold()


def may_vary(text: str) -> bool:
    """False only when the answer cannot change between calls: no NOW, RAND, UUID, STRUUID or BNODE call."""
    return _VOLATILE.search(unescape(text).casefold()) is not None


def _bare(text: str) -> str:
    """The text with comments, strings and IRIs blanked out."""
    return _TOKENS.sub(lambda m: " " if m["skip"] else m[0], unescape(text))


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its dataset (FROM or FROM NAMED): the keyword appears outside strings and IRIs."""
    return _FROM.search(_bare(text)) is not None


def mentioned_variables(text: str) -> set[str]:
    """The names of the ``?x`` / ``$x`` tokens outside comments, strings and IRIs."""
    return {match["variable"] for match in _TOKENS.finditer(unescape(text)) if match["variable"]}


def group_concat_variables(text: str) -> set[str]:
    """The variables ``(GROUP_CONCAT(...) AS ?v)`` binds."""
    bare = _bare(text)
    names = set()
    for match in _GROUP_CONCAT.finditer(bare):
        depth, end = 1, match.end()
        while depth and end < len(bare):
            depth += {"(": 1, ")": -1}.get(bare[end], 0)
            end += 1
        target = _AS_VARIABLE.match(bare, end)
        if target:
            names.add(target[1])
    return names
