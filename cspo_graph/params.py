"""Typed ``--param name=value`` bindings, parsed into RDF terms (never spliced into query text).

Value forms:

- ``<http://...>`` an IRI; ``cspo:UnitedStates`` a prefixed name of a known prefix;
- ``"text"``, ``"text"@en``, ``"2018"^^xsd:gYear`` or ``"x"^^<iri>`` a literal;
- ``42``, ``4.2``, ``4.2e1``, ``true``, ``false`` a typed number or boolean;
- anything else a plain string literal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cspo_graph import resources
from cspo_graph.errors import UsageError

if TYPE_CHECKING:
    import rdflib

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r'^<([^<>"{}|^`\\\s]*)>$')
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([\w.-]*)$")
_QUOTED = re.compile(r'^"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?$', re.S)
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DOUBLE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")
XSD = "http://www.w3.org/2001/XMLSchema#"


def _iri(text: str, spec: str) -> rdflib.URIRef:
    import rdflib

    match = _IRI.match(text)
    if match:
        return rdflib.URIRef(match[1])
    match = _PREFIXED.match(text)
    if match and match[1] in resources.PREFIXES:
        return rdflib.URIRef(resources.PREFIXES[match[1]] + match[2])
    raise UsageError(f"--param {spec!r}: {text!r} is not an <IRI> or a known prefixed name")


def parse_value(text: str, spec: str = "") -> rdflib.term.Node:
    """The RDF term a ``--param`` value stands for."""
    import rdflib

    if text.startswith("<") or (_PREFIXED.match(text) and text.split(":")[0] in resources.PREFIXES):
        return _iri(text, spec or text)
    match = _QUOTED.match(text)
    if match:
        value, lang, datatype = match[1], match[2], match[3]
        if lang:
            return rdflib.Literal(value, lang=lang)
        if datatype:
            return rdflib.Literal(value, datatype=_iri(datatype, spec or text))
        return rdflib.Literal(value)
    for pattern, datatype in ((_INTEGER, "integer"), (_DECIMAL, "decimal"), (_DOUBLE, "double")):
        if pattern.match(text):
            return rdflib.Literal(text, datatype=rdflib.URIRef(XSD + datatype))
    if text in ("true", "false"):
        return rdflib.Literal(text, datatype=rdflib.URIRef(XSD + "boolean"))
    return rdflib.Literal(text)


def parse_param(spec: str) -> tuple[str, rdflib.term.Node]:
    """Split ``name=value`` and type the value."""
    name, sep, value = spec.partition("=")
    name = name.lstrip("?$")
    if not sep or not _NAME.match(name):
        raise UsageError(f"--param {spec!r}: expected NAME=VALUE with NAME a SPARQL variable name")
    return name, parse_value(value, spec)
