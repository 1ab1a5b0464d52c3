// The cspo-graph web page: library menu, query editor, results table, downloads, graph.
// Every text from the data or the server reaches the page through textContent, never as HTML.
"use strict";

const ACCEPT = "application/sparql-results+json, application/ld+json;q=0.9";
const DOWNLOADS = {
  SELECT: [["JSON", "json"], ["XML", "xml"], ["CSV", "csv"], ["TSV", "tsv"]],
  CONSTRUCT: [["Turtle", "ttl"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"], ["RDF/XML", "xml"]],
};
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

const state = { library: new Map(), prefixes: {}, network: null, construct: null };
const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function compact(iri) {
  for (const [prefix, namespace] of Object.entries(state.prefixes)) {
    if (iri.startsWith(namespace)) return `${prefix}:${iri.slice(namespace.length)}`;
  }
  return iri;
}

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error((await response.text()).trim() || `HTTP ${response.status}`);
  return response;
}

// ---- the query library menu

async function loadLibrary() {
  const [queries, prefixes] = await Promise.all([
    fetchOk("/queries").then((r) => r.json()),
    fetchOk("/prefixes").then((r) => r.json()),
  ]);
  state.prefixes = prefixes;
  for (const query of queries) {
    state.library.set(query.name, query);
    const option = element("option", query.title);
    option.value = query.name;
    $("library").append(option);
  }
  if (queries.length) choose(queries[0].name);
}

function choose(name) {
  const query = state.library.get(name);
  $("library").value = query ? name : "";
  $("description").textContent = query ? query.description : "";
  if (query) $("query").value = query.text;
}

function currentLibraryName() {
  const query = state.library.get($("library").value);
  return query && query.text === $("query").value ? query.name : null;
}

// ---- running a query

async function run() {
  const text = $("query").value;
  setStatus("Running…");
  const started = performance.now();
  try {
    const response = await fetchOk("/sparql", {
      method: "POST",
      headers: { Accept: ACCEPT, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: text }),
    });
    const type = response.headers.get("Content-Type") || "";
    const body = await response.json();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (type.startsWith("application/ld+json")) {
      const triples = triplesOf(body);
      showTable(["subject", "predicate", "object"], triples.map((t) => t.map(cellText)));
      setStatus(`${triples.length} triple${triples.length === 1 ? "" : "s"} · ${seconds} s`);
      showDownloads("CONSTRUCT", text);
      state.construct = text;
      if (!$("view").value) drawQueryGraph(text);
    } else if ("boolean" in body) {
      showTable(["answer"], [[String(body.boolean)]]);
      setStatus(`ASK · ${seconds} s`);
      showDownloads("SELECT", text);
    } else {
      const vars = body.head.vars;
      const rows = body.results.bindings.map((b) => vars.map((v) => cellText(b[v])));
      showTable(vars, rows);
      setStatus(`${rows.length} row${rows.length === 1 ? "" : "s"} · ${seconds} s`);
      showDownloads("SELECT", text);
    }
  } catch (error) {
    showTable([], []);
    $("downloads").hidden = true;
    setStatus(error.message, true);
  }
}

function setStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function cellText(term) {
  if (!term) return "";
  if (term.type === "uri") return compact(term.value);
  if (term.type === "bnode") return `_:${term.value}`;
  return term.value;
}

// Expanded JSON-LD (what the endpoint writes for a graph) -> [subject, predicate, object] terms.
function triplesOf(document) {
  const term = (id) => ({ type: id.startsWith("_:") ? "bnode" : "uri", value: id.replace(/^_:/, "") });
  const triples = [];
  for (const node of Array.isArray(document) ? document : document["@graph"] || [document]) {
    const subject = term(node["@id"] || "_:");
    for (const [key, values] of Object.entries(node)) {
      if (key === "@id") continue;
      const predicate = { type: "uri", value: key === "@type" ? RDF_TYPE : key };
      for (const value of [].concat(values)) {
        const object = key === "@type" ? term(value)
          : "@id" in value ? term(value["@id"]) : { type: "literal", value: String(value["@value"]) };
        triples.push([subject, predicate, object]);
      }
    }
  }
  return triples;
}

function showTable(header, rows) {
  const head = $("results").tHead;
  const body = $("results").tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  $("results-hint").hidden = header.length > 0;
  if (!header.length) return;
  const headRow = head.insertRow();
  for (const name of header) headRow.append(element("th", name));
  for (const row of rows) {
    const tableRow = body.insertRow();
    for (const cell of row) tableRow.append(element("td", cell));
  }
}

function showDownloads(kind, text) {
  const links = $("downloads");
  links.replaceChildren(element("span", "Download: "));
  const name = currentLibraryName();
  for (const [label, format] of DOWNLOADS[kind]) {
    const link = element("a", label);
    link.href = name
      ? `/queries/${encodeURIComponent(name)}?format=${format}`
      : `/sparql?${new URLSearchParams({ query: text, format })}`;
    link.download = `${name || "result"}.${format}`;
    links.append(link);
  }
  links.hidden = false;
}

// ---- the graph

async function loadViews() {
  const views = await fetchOk("/graph/views").then((r) => r.json());
  const group = element("optgroup");
  group.label = "Views of the whole graph";
  for (const view of views) {
    const option = element("option", view.title);
    option.value = view.name;
    option.title = view.description;
    group.append(option);
  }
  $("view").append(group);
}

async function drawQueryGraph(text) {
  await drawGraph(fetchOk("/graph", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: text }),
  }));
}

async function drawView(name) {
  if (name) await drawGraph(fetchOk(`/graph?${new URLSearchParams({ view: name })}`));
  else if (state.construct) await drawQueryGraph(state.construct);
}

// A tooltip as DOM nodes (vis-network shows an element as it is): heading, details, sources.
function tooltip(heading, subheading, item) {
  const box = element("div", undefined, "tooltip");
  box.append(element("strong", heading));
  if (subheading) box.append(element("div", subheading, "tooltip-kind"));
  for (const [name, value] of item.details || []) {
    const line = element("div");
    line.append(element("span", `${name}: `, "tooltip-name"), value);
    box.append(line);
  }
  if ((item.sources || []).length) box.append(element("div", `Sources: ${item.sources.join("; ")}`, "tooltip-kind"));
  return box;
}

const shorten = (text) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

function showLegend(families) {
  const legend = $("legend");
  legend.replaceChildren();
  for (const family of families) {
    const glyph = element("span", family.glyph, "glyph");
    glyph.style.color = family.color;
    const item = element("span", undefined, "legend-item");
    item.append(glyph, `${family.name} (${family.count})`);
    legend.append(item);
  }
}

async function drawGraph(request) {
  $("graph-status").textContent = "Drawing…";
  try {
    const data = await (await request).json();
    const labels = new Map(data.nodes.map((n) => [n.id, n.label]));
    const nodes = data.nodes.map((n) => ({
      id: n.id, label: shorten(n.label), group: n.family, value: n.degree,
      title: tooltip(n.label, n.kind ? `${n.family} · ${n.kind}` : n.family, n),
    }));
    const edges = data.edges.map((e, index) => ({
      id: index, from: e.from, to: e.to, label: shorten(e.label),
      title: tooltip(e.title, `${labels.get(e.from)} → ${labels.get(e.to)}`, e),
    }));
    const groups = Object.fromEntries(data.families.map((f) => [f.name, {
      shape: f.shape, color: { background: f.color, border: f.border },
    }]));
    if (state.network) state.network.destroy();
    state.network = new vis.Network($("network"), { nodes, edges }, { ...GRAPH_OPTIONS, groups });
    state.network.once("stabilizationIterationsDone", () => state.network.setOptions({ physics: false }));
    showLegend(data.families);
    $("graph-caption").textContent = data.description || "The graph of your CONSTRUCT query's result.";
    $("graph-status").textContent = `${nodes.length} nodes · ${edges.length} edges`;
  } catch (error) {
    $("graph-status").textContent = error.message;
  }
}

const GRAPH_OPTIONS = {
  nodes: { scaling: { min: 12, max: 36 }, font: { size: 16, strokeWidth: 4, strokeColor: "#fff" } },
  edges: {
    arrows: { to: { enabled: true, scaleFactor: 0.5 } },
    color: { color: "#a7adb8", highlight: "#39404d" },
    font: { size: 12, color: "#5b6270", strokeWidth: 3, strokeColor: "#fff" },
    smooth: { type: "continuous" },
  },
  physics: {
    solver: "forceAtlas2Based",
    forceAtlas2Based: { gravitationalConstant: -150, centralGravity: 0.015, springLength: 120, avoidOverlap: 0.6 },
    stabilization: { iterations: 600, fit: true },
  },
  interaction: { hover: true, tooltipDelay: 120 },
};

// ---- wiring

document.addEventListener("DOMContentLoaded", () => {
  $("endpoint-url").textContent = new URL("/sparql", location.href).href;
  $("library").addEventListener("change", (event) => choose(event.target.value));
  $("query").addEventListener("input", () => {
    if (!currentLibraryName()) choose("");
  });
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
  });
  $("run").addEventListener("click", run);
  $("view").addEventListener("change", (event) => drawView(event.target.value));
  loadLibrary().catch((error) => setStatus(error.message, true));
  loadViews().catch((error) => { $("graph-status").textContent = error.message; });
});
