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
from cspo_graph.results import Term, term_to_rdflib

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


def _iri(text: str, spec: str) -> Term:
    match = _IRI.match(text)
    if match:
        return Term("uri", match[1])
    match = _PREFIXED.match(text)
    if match and match[1] in resources.PREFIXES:
        return Term("uri", resources.PREFIXES[match[1]] + match[2])
    raise UsageError(f"--param {spec!r}: {text!r} is not an <IRI> or a known prefixed name")


def parse_term(text: str, spec: str = "") -> Term:
    """The RDF term a ``--param`` value stands for, engine-neutral."""
    if text.startswith("<") or (_PREFIXED.match(text) and text.split(":")[0] in resources.PREFIXES):
        return _iri(text, spec or text)
    match = _QUOTED.match(text)
    if match:
        value, lang, datatype = match[1], match[2], match[3]
        if lang:
            return Term("literal", value, lang=lang)
        if datatype:
            return Term("literal", value, datatype=_iri(datatype, spec or text).value)
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
