"""Generate a synthetic CSpO-shaped graph of about N triples, seeded and reproducible.

    python bench/generate.py 100000 -o bench/data/synthetic-100k.ttl [--seed 1]

The graph uses the project's own vocabulary (``ontology/cspo.ttl``, whose triples it
includes so that the query library's class and label lookups work) and is shaped like
the curated data (``data/triples.trig``, the union of its graphs): the number of delegations, statements and
claims of each kind per meeting, the share of led delegations, of facts both sources
state, of post holdings with a variant, of founding members, and how many facts one
wording states are all measured on the curated data and repeated meeting after
meeting. Nations, people and posts grow with the size.

Everything it makes is synthetic and labelled so ("Synthetic person 12"), under
``https://w3id.org/cspo-graph/synthetic/``: it is benchmark data, never facts. The
only real resources it links to are cspo:CSpO (the initiative the memberships are
in) and cspo:UnitedStates (whose delegations the ``us-delegation`` query looks for),
with their labels taken from the curated data.

The output is Turtle, or N-Triples when the file name ends in ``.nt``. The same N
and seed give the same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "cspo.ttl"
DATA = ROOT / "data" / "triples.trig"

CSPO = "https://w3id.org/cspo-graph/ns#"
SYN = "https://w3id.org/cspo-graph/synthetic/"
PREFIXES = {
    "cspo": CSPO,
    "syn": SYN,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CLAIM_KINDS = ("Claim", "TopicDiscussed", "RiskOutlined", "Commitment", "HedgedClaim")


def iri(prefix: str, local: str) -> str:
    """An IRI in N-Triples form."""
    return f"<{PREFIXES[prefix]}{local}>"


def text(value: str, lang: str = "en") -> str:
    """A language-tagged literal in N-Triples form."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    """A typed literal (``xsd`` datatype) in N-Triples form."""
    return f'"{value}"^^{iri("xsd", datatype)}'


A = iri("rdf", "type")
LABEL = iri("rdfs", "label")
DERIVED = iri("prov", "wasDerivedFrom")
TRUE, FALSE = typed("true", "boolean"), typed("false", "boolean")


@dataclass(frozen=True)
class Profile:
    """The shape of the curated data, per meeting and per fact."""

    delegations: float
    statements: float
    claims: dict[str, float]
    led_share: float
    leaders_per_led: float
    both_sources_share: float
    facts_per_wording: float
    holdings_per_person: float
    variant_share: float
    founding_share: float
    claimant_share: float

    @classmethod
    def measure(cls, data: Path = DATA) -> Profile:
        """Measure the curated data with SPARQL."""
        store = pyoxigraph.Store()
        store.load(path=str(data), format=pyoxigraph.RdfFormat.from_extension(data.suffix[1:]))

        def number(select: str) -> float:
            query = f"PREFIX cspo: <{CSPO}> PREFIX prov: <{PREFIXES['prov']}> SELECT ?n WHERE {{ {select} }}"
            return float(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)

        def count(pattern: str) -> float:
            return number(f"{{ SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }} }}")

        meetings = count("?x a cspo:Meeting")
        delegations = count("?x a cspo:Delegation")
        led = count("?x a cspo:Delegation ; cspo:ledBy ?l")
        facts = "VALUES ?t { cspo:Delegation cspo:Statement " + " ".join(f"cspo:{k}" for k in CLAIM_KINDS) + " }"
        claims = "VALUES ?t { " + " ".join(f"cspo:{k}" for k in CLAIM_KINDS) + " } ?x a ?t"
        holdings = count("?x a cspo:PostHolding")
        periods = count("?x cspo:founding ?f")
        return cls(
            delegations=delegations / meetings,
            statements=count("?x a cspo:Statement") / meetings,
            claims={k: count(f"?x a cspo:{k}") / meetings for k in CLAIM_KINDS},
            led_share=led / delegations,
            leaders_per_led=number("{ SELECT (COUNT(*) AS ?n) WHERE { ?x a cspo:Delegation ; cspo:ledBy ?l } }") / led,
            both_sources_share=count(f"{facts} ?x a ?t ; prov:wasDerivedFrom ?s1, ?s2 FILTER(?s1 != ?s2)")
            / count(f"{facts} ?x a ?t"),
            facts_per_wording=number("{ SELECT (COUNT(*) AS ?n) WHERE { ?w cspo:wordingOf ?f } }")
            / count("?x a cspo:Wording"),
            holdings_per_person=holdings / count("?h cspo:holder ?x"),
            variant_share=count("?x a cspo:PostHolding ; cspo:variantOf ?v") / holdings,
            founding_share=count("?x cspo:founding true") / periods,
            claimant_share=count(f"{claims} ; cspo:claimant ?c") / count(claims),
        )


def triples(path: Path) -> list[tuple[str, str, str]]:
    """A Turtle or TriG file's triples in N-Triples form, in document order, each once (the union of its graphs)."""
    parsed = pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.from_extension(path.suffix[1:]))
    return list(dict.fromkeys((str(q.subject), str(q.predicate), str(q.object)) for q in parsed))


ANCHORS = (iri("cspo", "UnitedStates"), iri("cspo", "CSpO"))
"""The real resources the synthetic graph links to."""


def anchor_pairs(data: list[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The type and label of each anchor, as the curated data states them."""
    return {anchor: [(p, o) for s, p, o in data if s == anchor and p in (A, LABEL)] for anchor in ANCHORS}


_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_CSPO_OPEN = f"<{CSPO}"


class Writer:
    """Streams subjects with their predicate-object pairs as Turtle or N-Triples.

    Every ``cspo:`` predicate or object must be one of ``vocabulary`` (the terms the
    ontology and the curated data define): the graph stays in the project's vocabulary.
    """

    def __init__(self, out: TextIO, turtle: bool, vocabulary: set[str]) -> None:
        self.out = out
        self.turtle = turtle
        self.vocabulary = vocabulary
        self.count = 0
        self._short: dict[str, str] = {}
        if turtle:
            out.writelines(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())

    def comment(self, line: str) -> None:
        self.out.write(f"# {line}\n")

    def _compact(self, term: str) -> str:
        short = self._short.get(term)
        if short is None:
            short = term
            if term.startswith("<"):
                for prefix, namespace in PREFIXES.items():
                    local = term[1 + len(namespace) : -1]
                    if term.startswith(namespace, 1) and _SAFE_LOCAL.match(local):
                        short = f"{prefix}:{local}"
                        break
            self._short[term] = short
        return short

    def _check(self, term: str) -> None:
        if term.startswith(_CSPO_OPEN) and term not in self.vocabulary:
            raise ValueError(f"{term} is not defined by the ontology or the curated data")

    def node(self, subject: str, pairs: Iterable[tuple[str, str]]) -> None:
        pairs = list(pairs)
        for predicate, obj in pairs:
            self._check(predicate)
            self._check(obj)
        self.count += len(pairs)
        if not self.turtle:
            self.out.writelines(f"{subject} {p} {o} .\n" for p, o in pairs)
            return
        c = self._compact
        body = " ;\n    ".join(f"{'a' if p == A else c(p)} {c(o)}" for p, o in pairs)
        self.out.write(f"{c(subject)} {body} .\n")


def cspo(local: str) -> str:
    """A term of the project's vocabulary."""
    return iri("cspo", local)


def syn(local: str) -> str:
    """A synthetic resource."""
    return iri("syn", local)


@dataclass
class Nation:
    """A nation with its organizations, posts, people, headquarters and capital."""

    index: int
    node: str
    name: str
    orgs: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    facility: str = ""
    place: str = ""


@dataclass
class Meeting:
    """One meeting being generated: its two sources and the facts stated so far, with their sources."""

    number: int
    node: str
    sources: tuple[str, str]
    participants: list[Nation]
    facts: list[tuple[str, list[str]]] = field(default_factory=list)
    delegations: list[str] = field(default_factory=list)


class Generator:
    """Builds the synthetic graph meeting by meeting until it holds ``target`` triples."""

    def __init__(self, writer: Writer, profile: Profile, seed: int) -> None:
        self.w = writer
        self.p = profile
        self.rng = random.Random(seed)
        self.nations: list[Nation] = []
        self.news: list[str] = []
        self.people = 0
        self.holdings = 0
        self.first_sources: tuple[str, str] = ("", "")

    def chance(self, share: float) -> bool:
        return self.rng.random() < share

    def about(self, mean: float) -> int:
        """A whole number whose average is ``mean``."""
        whole = int(mean)
        return whole + (1 if self.chance(mean - whole) else 0)

    def sources_of(self, meeting: Meeting, news_only: bool = False) -> list[str]:
        """One or both of a meeting's sources, in the curated data's proportions."""
        if news_only:
            return [meeting.sources[1]]
        if self.chance(self.p.both_sources_share):
            return list(meeting.sources)
        return [self.rng.choice(meeting.sources)]

    def emit(
        self, node: str, kind: str, label: str = "", pairs: Iterable[tuple[str, str]] = (), cited: Iterable[str] = ()
    ) -> None:
        """Write a resource: its class, its label, its other properties and its sources."""
        head = [(A, kind), *([(LABEL, text(label))] if label else [])]
        self.w.node(node, [*head, *pairs, *((DERIVED, source) for source in cited)])

    def fact(
        self, meeting: Meeting, node: str, kind: str, label: str, pairs: list[tuple[str, str]], cited: list[str]
    ) -> None:
        """Write an n-ary fact of a meeting, to be worded by the sources it cites."""
        self.emit(node, kind, label, pairs, cited)
        meeting.facts.append((node, cited))

    # -- the world: nations, organizations, posts ----------------------------------------

    def add_nation(self, index: int, node: str | None = None, name: str | None = None) -> None:
        nation = Nation(index, node or syn(f"nation-{index}"), name or f"Synthetic nation {index}")
        if node is None:
            self.emit(nation.node, cspo("Nation"), nation.name)
        kinds = {"space-force": "MilitarySpaceOrganization", "space-command": "MilitarySpaceOrganization"}
        for key, kind in {**kinds, "ministry": "GovernmentDepartment"}.items():
            org = syn(f"nation-{index}-{key}")
            nation.orgs.append(org)
            self.emit(org, cspo(kind), f"{nation.name} {key.replace('-', ' ')}", [(cspo("nation"), nation.node)])
            for rank in ("Chief", "Deputy"):
                post = syn(f"nation-{index}-{key}-{rank.lower()}")
                nation.posts.append(post)
                self.emit(post, cspo("Post"), f"{rank}, {nation.name} {key}", [(iri("org", "postIn"), org)])
        nation.facility = syn(f"nation-{index}-headquarters")
        self.emit(nation.facility, cspo("Facility"), f"{nation.name} headquarters")
        self.w.node(nation.orgs[1], [(iri("org", "hasPrimarySite"), nation.facility)])
        nation.place = syn(f"nation-{index}-city")
        contained = [(iri("schema", "containedInPlace"), nation.node)]
        self.emit(nation.place, cspo("Place"), f"Capital of {nation.name}", contained)
        self.nations.append(nation)

    def add_membership(self, nation: Nation) -> None:
        membership = syn(f"nation-{nation.index}-membership")
        period = syn(f"nation-{nation.index}-membership-period")
        founding = self.chance(self.p.founding_share)
        year = 2018 if founding else self.rng.randint(2019, 2025)
        member = [(iri("org", "member"), nation.node), (iri("org", "organization"), cspo("CSpO"))]
        during = [(iri("org", "memberDuring"), period)]
        self.emit(membership, cspo("Membership"), f"{nation.name} in the CSpO", member + during, self.first_sources)
        start = [(cspo("startYear"), typed(str(year), "gYear")), (cspo("founding"), TRUE if founding else FALSE)]
        label = f"{nation.name} in the CSpO since {year}"
        self.emit(period, iri("time", "ProperInterval"), label, start, [self.first_sources[1]])

    def add_news_outlets(self, count: int) -> None:
        for index in range(count):
            self.news.append(syn(f"outlet-{index}"))
            self.emit(self.news[-1], cspo("NewsOrganization"), f"Synthetic outlet {index}")

    # -- one meeting: sources, people, delegations, statements, claims, wordings ----------

    def add_sources(self, number: int, host: Nation) -> tuple[str, str]:
        release, article = syn(f"meeting-{number}-press-release"), syn(f"meeting-{number}-article")
        title = (iri("dcterms", "title"), text(f"Synthetic meeting {number} press release title"))
        publisher = iri("dcterms", "publisher")
        file_a, file_b = ((cspo("fileName"), text(f"synthetic-{number}-{x}.txt", "")) for x in "ab")
        pairs = [title, (publisher, host.orgs[2]), file_a]
        self.emit(release, cspo("PressRelease"), f"Synthetic press release {number}", pairs)
        judged = [
            (cspo("judgementOn"), release),
            (cspo("judgedProperty"), publisher),
            (cspo("reason"), text(f"The publisher of synthetic press release {number} is inferred.")),
        ]
        self.emit(syn(f"meeting-{number}-publisher-judgement"), cspo("Judgement"), "Publisher inferred", judged)
        pairs = [(publisher, self.rng.choice(self.news)), file_b]
        self.emit(article, cspo("NewsArticle"), f"Synthetic news article {number}", pairs)
        return release, article

    def add_person(self, nation: Nation, meeting: Meeting) -> None:
        """A new person of ``nation`` with their post holdings (a variant pair now and then, as in the data)."""
        self.people += 1
        person, name = syn(f"person-{self.people}"), f"Synthetic person {self.people}"
        self.emit(person, cspo("Person"), name, cited=[meeting.sources[0]])
        count = min(len(nation.posts), max(1, self.about(self.p.holdings_per_person)))
        for post in self.rng.sample(nation.posts, count):
            variants = self.chance(self.p.variant_share)
            capacities = (
                list(zip(("Acting", "PerformingTheDuties"), meeting.sources, strict=True))
                if variants
                else [("Substantive", "")]
            )
            holdings = []
            for capacity, source in capacities:
                self.holdings += 1
                holdings.append(syn(f"holding-{self.holdings}"))
                pairs = [(cspo("holder"), person), (cspo("post"), post), (cspo("capacity"), cspo(capacity))]
                cited = [source] if source else self.sources_of(meeting)
                self.fact(meeting, holdings[-1], cspo("PostHolding"), f"{name}, holding {self.holdings}", pairs, cited)
            if variants:
                self.w.node(holdings[0], [(cspo("variantOf"), holdings[1])])
                self.w.node(holdings[1], [(cspo("variantOf"), holdings[0])])
        nation.people.append(person)

    def add_delegation(self, meeting: Meeting, nation: Nation) -> None:
        delegation = syn(f"meeting-{meeting.number}-delegation-{nation.index}")
        pairs = [(cspo("represents"), nation.node), (cspo("attended"), meeting.node)]
        if nation is self.nations[0] or self.chance(self.p.led_share):
            leaders = self.rng.sample(nation.people, min(len(nation.people), self.about(self.p.leaders_per_led)))
            pairs += [(cspo("ledBy"), leader) for leader in leaders]
        label = f"{nation.name} delegation at meeting {meeting.number}"
        self.fact(meeting, delegation, cspo("Delegation"), label, pairs, self.sources_of(meeting))
        meeting.delegations.append(delegation)

    def add_statement(self, meeting: Meeting, i: int) -> None:
        speakers = [person for nation in meeting.participants for person in nation.people[-3:]]
        pairs = [
            (cspo("speaker"), self.rng.choice(speakers)),
            (cspo("quote"), text(f"Synthetic quote {i} reported with synthetic meeting {meeting.number}")),
        ]
        node, label = (
            syn(f"meeting-{meeting.number}-statement-{i}"),
            f"Synthetic statement {i} at meeting {meeting.number}",
        )
        self.fact(meeting, node, cspo("Statement"), label, pairs, self.sources_of(meeting))

    def add_claim(self, meeting: Meeting, kind: str, i: int) -> None:
        hedged = kind == "HedgedClaim"
        pairs = [(cspo("atMeeting"), meeting.node)]
        if hedged:
            pairs.append((cspo("hedge"), text("reportedly")))
            if self.chance(0.3):
                pairs.append((A, cspo("TopicDiscussed")))
        if self.chance(self.p.claimant_share):
            everyone = [n.node for n in meeting.participants]
            claimants = everyone if kind == "Commitment" else [self.rng.choice(meeting.delegations)]
            pairs += [(cspo("claimant"), claimant) for claimant in claimants]
        node, label = (
            syn(f"meeting-{meeting.number}-{kind.lower()}-{i}"),
            f"Synthetic {kind} {i} at meeting {meeting.number}",
        )
        self.fact(meeting, node, cspo(kind), label, pairs, self.sources_of(meeting, news_only=hedged))

    def add_wordings(self, meeting: Meeting) -> None:
        """Each source words the facts it states, a few facts per wording."""
        for s, source in enumerate(meeting.sources):
            stated = [fact for fact, cited in meeting.facts if source in cited]
            self.rng.shuffle(stated)
            for w in itertools.count():
                if not stated:
                    break
                size = max(1, self.about(self.p.facts_per_wording))
                group, stated = stated[:size], stated[size:]
                words = text(f"Synthetic wording {w} of source {s} about meeting {meeting.number}")
                pairs = [(cspo("text"), words), *((cspo("wordingOf"), fact) for fact in group)]
                self.emit(syn(f"meeting-{meeting.number}-wording-{s}-{w}"), cspo("Wording"), "", pairs, [source])

    def add_meeting(self, number: int) -> None:
        count = min(len(self.nations), max(2, self.about(self.p.delegations)))
        if self.chance(0.5):  # half the meetings have a U.S. delegation, for the us-delegation query
            participants = [self.nations[0], *self.rng.sample(self.nations[1:], count - 1)]
        else:
            participants = self.rng.sample(self.nations, count)
        host = self.rng.choice(participants)
        meeting = Meeting(number, syn(f"meeting-{number}"), self.add_sources(number, host), participants)
        day = syn(f"meeting-{number}-day")
        place = [(cspo("hostFacility"), host.facility), (cspo("place"), host.place), (iri("time", "hasTime"), day)]
        self.fact(meeting, meeting.node, cspo("Meeting"), f"Synthetic meeting {number}", place, list(meeting.sources))
        self.emit(day, iri("time", "Instant"), f"Synthetic day {number}", cited=[meeting.sources[1]])
        for nation in participants:
            if not nation.people or self.chance(0.3):
                self.add_person(nation, meeting)
        for nation in participants:
            self.add_delegation(meeting, nation)
        for i in range(self.about(self.p.statements)):
            self.add_statement(meeting, i)
        for kind, mean in self.p.claims.items():
            for i in range(self.about(mean)):
                self.add_claim(meeting, kind, i)
        self.add_wordings(meeting)

    def run(self, target: int, anchors: dict[str, list[tuple[str, str]]]) -> None:
        """Generate until the graph holds at least ``target`` triples."""
        for anchor, pairs in anchors.items():
            self.w.node(anchor, pairs)
        us_label = next(o for p, o in anchors[cspo("UnitedStates")] if p == LABEL)
        nation_count = max(round(self.p.delegations) + 2, min(250, 10 + target // 4500))
        self.add_nation(0, cspo("UnitedStates"), us_label.split('"')[1])
        for index in range(1, nation_count):
            self.add_nation(index)
        self.add_news_outlets(max(2, nation_count // 5))
        self.first_sources = self.add_sources(0, self.nations[0])
        for nation in self.nations:
            self.add_membership(nation)
        for number in itertools.count(1):
            if self.w.count >= target:
                break
            self.add_meeting(number)


def generate(target: int, out: TextIO, *, seed: int = 1, turtle: bool = True) -> int:
    """Write a synthetic graph of at least ``target`` triples to ``out``; return the count."""
    ontology, data = triples(ONTOLOGY), triples(DATA)
    vocabulary = {s for s, _, _ in ontology + data if s.startswith(_CSPO_OPEN)}
    writer = Writer(out, turtle, vocabulary)
    writer.comment(f"Synthetic benchmark data from bench/generate.py {target} --seed {seed}: not facts.")
    for subject, predicate, obj in ontology:
        writer.node(subject, [(predicate, obj)])
    Generator(writer, Profile.measure(), seed).run(target, anchor_pairs(data))
    return writer.count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("triples", type=int, help="how many triples (at least) to generate")
    parser.add_argument("-o", "--output", type=Path, help="file to write (.ttl or .nt); standard output if absent")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.output is None:
        count = generate(args.triples, sys.stdout, seed=args.seed)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        temp = args.output.with_name(f".{args.output.name}.tmp")
        with temp.open("w", encoding="utf-8") as out:
            count = generate(args.triples, out, seed=args.seed, turtle=args.output.suffix != ".nt")
        temp.replace(args.output)
    print(f"{count} triples", file=sys.stderr)


if __name__ == "__main__":
    main()
