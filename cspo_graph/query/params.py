"""Typed ``--param name=value`` bindings, parsed into RDF terms (never spliced into query text).

Value forms:

- ``<http://...>`` an IRI; ``cspo:UnitedStates`` a prefixed name of a known prefix;
- ``"text"``, ``"text"@en``, ``"2018"^^xsd:gYear`` or ``"x"^^<iri>`` a literal;
- ``42``, ``4.2``, ``4.2e1``, ``true``, ``false`` a typed number or boolean;
- anything else a plain string literal.

Values are checked: an IRI must be absolute and valid, a typed literal's text must
fit its XSD datatype, a bare ``http://...`` or ``unknown:name`` is refused rather than
guessed at. A value is bound to the variable as one RDF term, so whatever it
contains (braces, quotes, ``#``, SPARQL keywords) stays a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import UsageError
from cspo_graph.query.results import Term, term_to_rdflib

if TYPE_CHECKING:
    import rdflib

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r'^<([^<>"{}|^`\\\s]*)>$')
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([\w.-]*)$")
_IRI_LIKE = re.compile(r"^[A-Za-z][\w+.-]*:\S*$")
_QUOTED = re.compile(r'^"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?$', re.S)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DOUBLE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
XSD = "http://www.w3.org/2001/XMLSchema#"
_TIMEZONE = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_GREGORIAN = {
    XSD + "gYear": re.compile(rf"^-?(?:[1-9]\d{{4,}}|\d{{4}}){_TIMEZONE}$"),
    XSD + "gYearMonth": re.compile(rf"^-?(?:[1-9]\d{{4,}}|\d{{4}})-(?:0[1-9]|1[0-2]){_TIMEZONE}$"),
    XSD + "gMonth": re.compile(rf"^--(?:0[1-9]|1[0-2]){_TIMEZONE}$"),
    XSD + "gDay": re.compile(rf"^---(?:0[1-9]|[12]\d|3[01]){_TIMEZONE}$"),
    XSD + "gMonthDay": re.compile(rf"^--(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]){_TIMEZONE}$"),
}
"""Lexical forms of the XSD date parts that rdflib does not check itself."""


def _iri(text: str, spec: str) -> Term:
    import pyoxigraph

    match = _IRI.match(text)
    if match:
        iri = match[1]
    else:
        match = _PREFIXED.match(text)
        if not (match and match[1] in resources.PREFIXES):
            known = ", ".join(f"{prefix}:" for prefix in resources.PREFIXES)
            raise UsageError(
                f"--param {spec!r}: write an IRI in angle brackets (<...>), a name with a known prefix "
                f'({known}) or text in quotes ("...")'
            )
        iri = resources.PREFIXES[match[1]] + match[2]
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"--param {spec!r}: {iri!r} is not a valid absolute IRI ({exc})") from None
    return Term("uri", iri)


def _typed(lexical: str, datatype: str, spec: str) -> Term:
    import warnings

    import rdflib

    iri = _iri(datatype, spec).value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns (and logs) about the ill-typed ones
        literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(iri))
    pattern = _GREGORIAN.get(iri)
    if literal.ill_typed or (pattern is not None and not pattern.match(lexical)):
        raise UsageError(f"--param {spec!r}: {lexical!r} is not a valid {datatype}")
    return Term("literal", lexical, datatype=iri)


def parse_term(text: str, spec: str = "") -> Term:
    """The RDF term a ``--param`` value stands for, engine-neutral."""
    spec = spec or text
    if text.startswith("<") or _IRI_LIKE.match(text):
        return _iri(text, spec)
    match = _QUOTED.match(text)
    if match:
        value, lang, datatype = match[1], match[2], match[3]
        if lang:
            return Term("literal", value, lang=lang)
        if datatype:
            return _typed(value, datatype, spec)
        return Term("literal", value)
    for pattern, datatype in ((_INTEGER, "integer"), (_DECIMAL, "decimal"), (_DOUBLE, "double")):
        if pattern.match(text):
            return Term("literal", text, datatype=XSD + datatype)
    if text in ("true", "false"):
        return Term("literal", text, datatype=XSD + "boolean")
    return Term("literal", text)


def parse_value(text: str, spec: str = "") -> rdflib.term.Node:
    """The RDF term a ``--param`` value stands for, as rdflib's."""
    return term_to_rdflib(parse_term(text, spec))


def parse_param_term(spec: str) -> tuple[str, Term]:
    """Split ``name=value`` and type the value, engine-neutral."""
    name, sep, value = spec.partition("=")
    name = name.lstrip("?$")
    if not sep or not _NAME.match(name):
        raise UsageError(f"--param {spec!r}: expected NAME=VALUE with NAME a SPARQL variable name")
    return name, parse_term(value, spec)


def parse_param(spec: str) -> tuple[str, rdflib.term.Node]:
    """Split ``name=value`` and type the value, as rdflib's."""
    name, term = parse_param_term(spec)
    return name, term_to_rdflib(term)


def parse_params(specs: Iterable[str]) -> dict[str, Term]:
    """Every ``--param`` as variable name -> engine-neutral term; a variable bound twice is an error."""
    bindings: dict[str, Term] = {}
    for spec in specs:
        name, term = parse_param_term(spec)
        if name in bindings:
            raise UsageError(f"--param {spec!r}: ?{name} is bound twice")
        bindings[name] = term
    return bindings
