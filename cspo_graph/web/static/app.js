// The cspo-graph web page: YASGUI (editor, tabs, history, results) on the page's endpoint,
// the query library, the "showing N of M" line and full-result downloads, cancel, and the graph.
// Every text from the data or the server reaches the page through textContent (YASR escapes
// and sanitizes what it writes), never as HTML of ours.
"use strict";

const PAGE_ENDPOINT = "/page/sparql"; // like /sparql, with at most ROW_CAP rows per result
const DOWNLOADS = {
  SELECT: [["JSON", "json"], ["XML", "xml"], ["CSV", "csv"], ["TSV", "tsv"]],
  ASK: [["JSON", "json"], ["XML", "xml"]],
  CONSTRUCT: [["Turtle", "ttl"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"], ["RDF/XML", "xml"]],
  DESCRIBE: [["Turtle", "ttl"], ["N-Triples", "nt"], ["JSON-LD", "jsonld"], ["RDF/XML", "xml"]],
};
const XSD = "http://www.w3.org/2001/XMLSchema#";
const NOT_ENTITIES = [XSD, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"];
const NUMBERS = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
  "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
  "unsignedByte"].map((name) => XSD + name));

const state = { library: new Map(), prefixes: {}, yasgui: null, graph: null, construct: null, running: null };
const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function fetchOk(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) throw new Error((await response.text()).trim() || `HTTP ${response.status}`);
  return response;
}

// ---- entity pages: every IRI of the results, and of the graph's details, opens one

function entityHref(iri) {
  const namespace = state.prefixes.cspo;
  const local = namespace && iri.startsWith(namespace) ? iri.slice(namespace.length) : "";
  return /^[A-Za-z][\w.-]*$/.test(local) ? `/entity/${local}` : `/entity?${new URLSearchParams({ iri })}`;
}

// YASR's table writes each IRI as a link to the IRI itself; ours go to the entity's page.
function linkIrisToEntityPages() {
  const Table = Yasgui.Yasr.plugins.table;
  const original = Table.prototype.getUriLinkFromBinding;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    const html = original.call(this, binding, prefixes);
    if (NOT_ENTITIES.some((start) => binding.value.startsWith(start))) return html;
    const template = document.createElement("template");
    template.innerHTML = html; // YASR's own sanitized output; a template runs nothing
    const link = template.content.querySelector("a");
    if (!link) return html;
    link.href = entityHref(binding.value);
    link.target = "_self";
    link.removeAttribute("ref");
    link.title = binding.value;
    return template.innerHTML;
  };
}

// ---- the editor

function queryType(text) {
  const match = /^\s*(?:(?:#[^\n]*|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)/i.exec(text);
  return match ? match[1].toUpperCase() : "SELECT";
}

function startYasgui(first) {
  linkIrisToEntityPages();
  sortNumbersAsNumbers();
  filterOnEveryChange();
  const endpoint = new URL(PAGE_ENDPOINT, location.href).href;
  Yasgui.Yasqe.defaults.value = first ? first.text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  // A shared link (#query=…) runs its query while YASGUI starts, before the listeners below exist:
  // it is given its request id now, and followed below like any other run.
  const shared = [location.hash.slice(1), location.search.slice(1)].some((part) => new URLSearchParams(part).has("query"));
  if (shared) started(null);
  state.yasgui = new Yasgui($("yasgui"), {
    persistenceId: "cspo-graph",
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    requestConfig: {
      endpoint,
      method: "POST",
      headers: () => ({ "X-Request-Id": state.running ? state.running.id : "" }),
    },
    yasqe: { prefixCcApi: "/prefixes", resizeable: true, editorHeight: "260px" },
    yasr: {
      prefixes: state.prefixes,
      pluginOrder: ["table", "response"],
      defaultPlugin: "table",
      maxPersistentResponseSize: 200000,
    },
  });
  registerOwnCompleters();
  new MutationObserver(() => repairYasguiMarkup($("yasgui"))).observe($("yasgui"), { childList: true, subtree: true });
  repairYasguiMarkup($("yasgui"));
  const yasgui = state.yasgui;
  yasgui.on("queryBefore", (_, tab) => started(tab));
  yasgui.on("query", (_, tab) => watch(tab));
  yasgui.on("queryAbort", () => finished());
  yasgui.on("queryResponse", (_, tab) => setTimeout(() => finished(tab))); // after YASR took the response
  yasgui.on("tabSelect", () => setTimeout(describeActiveTab));
  describeActiveTab();
  if (state.running) {
    const tab = yasgui.getTab();
    if (tab.getYasqe().req) {
      state.running.tab = tab;
      watch(tab);
    } else { // the shared query was open in a tab already, with its result: nothing runs
      stopped();
      setStatus("");
    }
  }
}

// YASR's table sorts a column by each value's text ("100" before "12"): typed numbers sort as numbers.
function sortNumbersAsNumbers() {
  const Table = Yasgui.Yasr.plugins.table;
  const original = Table.prototype.getColumns;
  Table.prototype.getColumns = function () {
    return original.call(this).map((column, index) => index === 0 ? column : {
      ...column,
      render: (binding, kind, ...rest) => (kind === "sort" || kind === "type") && NUMBERS.has(binding.datatype)
        && Number.isFinite(Number(binding.value)) ? Number(binding.value) : column.render(binding, kind, ...rest),
    });
  };
}

// YASR filters the table on keyup only: text pasted or dropped into its filter box left the rows
// as they were. The table is filtered on every change of the text instead.
function filterOnEveryChange() {
  const Table = Yasgui.Yasr.plugins.table;
  const original = Table.prototype.drawControls;
  Table.prototype.drawControls = function () {
    original.call(this);
    if (!this.tableFilterField) return;
    this.tableFilterField.removeEventListener("keyup", this.handleTableSearch);
    this.tableFilterField.addEventListener("input", this.handleTableSearch);
  };
}

// Names for YASGUI's unnamed controls (axe-core finds no violation on the page). Its "+" tab
// button is hidden (a tab list may hold only tabs); the page's New tab button does its work.
function repairYasguiMarkup(root) {
  const name = (selector, label) => root.querySelectorAll(`${selector}:not([aria-label])`)
    .forEach((node) => node.setAttribute("aria-label", label));
  name(".CodeMirror textarea", "SPARQL query editor");
  name(".tableSizer", "Rows per page");
  // CodeMirror gives its scrolling area tabindex -1; a scrolling region must be reachable by keyboard
  root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach((node) => node.setAttribute("tabindex", "0"));
  // YASR's stylesheet addresses DataTables 1's wrapper; the DataTables 2 of its bundle makes a
  // .dt-container instead, and without the old name none of the table's rules applied (the
  // column resizer's own rule took the cells' padding away: the row number ran into the value)
  root.querySelectorAll(".dt-container:not(.dataTables_wrapper)").forEach((node) => node.classList.add("dataTables_wrapper"));
}

// Term completion from our own data: the classes and properties it uses (YASQE's own ask a
// service on the Web, which the page's Content-Security-Policy blocks).
function registerOwnCompleters() {
  const Yasqe = Yasgui.Yasqe;
  const terms = (query) => () => fetchOk(PAGE_ENDPOINT, {
    method: "POST",
    headers: { Accept: "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query }),
  }).then((r) => r.json()).then((body) => body.results.bindings.map((b) => b.t.value));
  for (const [name, query] of [
    ["property", "SELECT DISTINCT ?t WHERE { ?s ?t ?o } ORDER BY ?t"],
    ["class", "SELECT DISTINCT ?t WHERE { ?s a ?t } ORDER BY ?t"],
  ]) {
    const builtIn = Yasqe.Autocompleters[name];
    Yasqe.registerAutocompleter({ ...builtIn, name, bulk: true, autoShow: false, persistenceId: null, get: terms(query) });
  }
}

// ---- the query library: each query opens in a tab of its own

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
  return state.library.get("founders") || queries[0];
}

function openLibraryQuery(name) {
  const query = state.library.get(name);
  if (!query) return;
  const yasgui = state.yasgui;
  const existing = Object.keys(yasgui._tabs).find((id) => yasgui.getTab(id).getName() === query.title);
  const tab = existing ? yasgui.selectTabId(existing) && yasgui.getTab(existing)
    : yasgui.addTab(true, { name: query.title, requestConfig: { ...yasgui.config.requestConfig } });
  tab.setQuery(query.text);
  $("library").value = "";
  describeActiveTab();
}

function libraryQueryOf(tab) {
  const text = tab.getQuery();
  for (const query of state.library.values()) if (query.text === text) return query;
  return null;
}

function describeActiveTab() {
  const tab = state.yasgui && state.yasgui.getTab();
  const query = tab && libraryQueryOf(tab);
  $("description").textContent = query ? query.description : "";
}

// ---- running, cancelling, and what the status line says

function started(tab) {
  state.running = { id: crypto.randomUUID(), tab, began: performance.now() };
  $("cancel").disabled = false;
  setStatus("Running…");
}

// Read the row counts the page's endpoint sends in its headers.
const watched = new WeakSet();
function watch(tab) {
  const yasqe = tab.getYasqe();
  if (watched.has(yasqe)) return;
  watched.add(yasqe);
  yasqe.on("queryResponse", (_, response) => {
    if (!response || !response.headers || !response.headers.get) return;
    state.counts = { total: Number(response.headers.get("x-total-rows")), shown: Number(response.headers.get("x-shown-rows")) };
  });
}

// The run ends (answered, failed or cancelled): the one that was running, if any.
function stopped() {
  const running = state.running;
  state.running = null;
  $("cancel").disabled = true;
  return running;
}

function finished(tab) {
  const running = stopped();
  if (!running) return; // cancelled: cancel() says how that went
  if (!tab) {
    setStatus("Query cancelled in the browser.");
    return;
  }
  const seconds = ((performance.now() - running.began) / 1000).toFixed(2);
  const results = tab.getYasr().results;
  if (!results || results.hasError()) {
    const error = results && results.getError();
    setStatus(error ? String(error.text || error.statusText || "The query failed.") : "The query failed.", true);
    $("downloads").hidden = true;
    return;
  }
  const text = tab.getQuery();
  const kind = queryType(text);
  const counts = state.counts || { total: 0, shown: 0 };
  state.counts = null;
  if (kind === "SELECT") {
    setStatus(counts.shown < counts.total
      ? `Showing ${counts.shown.toLocaleString("en")} of ${counts.total.toLocaleString("en")} rows · ${seconds} s · download the full result below`
      : `${counts.total.toLocaleString("en")} row${counts.total === 1 ? "" : "s"} · ${seconds} s`);
  } else {
    setStatus(`${kind} · ${seconds} s`);
  }
  showDownloads(kind, text);
  if (kind === "CONSTRUCT") {
    state.construct = text;
    if (!$("view").value) drawQueryGraph(text);
  }
}

async function cancel() {
  const running = stopped();
  if (!running) return;
  let message = "Query cancelled: the server stopped it.";
  try {
    await fetchOk(`/page/cancel/${encodeURIComponent(running.id)}`, { method: "POST" });
  } catch (error) {
    message = `Query cancelled here; the server said: ${error.message}`;
  }
  running.tab.getYasqe().abortQuery();
  setStatus(message, !message.startsWith("Query cancelled:"));
}

function setStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function showDownloads(kind, text) {
  const links = $("downloads");
  links.replaceChildren(element("span", "Download the full result: "));
  const query = libraryQueryOf(state.yasgui.getTab());
  for (const [label, format] of DOWNLOADS[kind]) {
    const link = element("a", label);
    link.href = query
      ? `/queries/${encodeURIComponent(query.name)}?format=${format}`
      : `/sparql?${new URLSearchParams({ query: text, format })}`;
    link.download = `${query ? query.name : "result"}.${format}`;
    links.append(link);
  }
  links.hidden = false;
}

// ---- the graph (drawn by the same script as the exported pages)

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
  return views;
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

async function drawGraph(request) {
  $("graph-status").textContent = "Drawing…";
  try {
    const data = await (await request).json();
    if (state.graph) state.graph.network.destroy();
    state.graph = cspoGraphDraw(data, {
      canvas: $("network"), details: $("details"), legend: $("legend"), counts: $("graph-status"),
      table: $("facts"), announce: $("announce"), more: $("show-all"), entityHref,
    });
    $("graph-caption").textContent = data.description || "The graph of your CONSTRUCT query's result.";
  } catch (error) {
    $("graph-status").textContent = error.message;
  }
}

// ---- the membership timeline: the chart is an image; the list says the same with each source's words

async function loadTimeline() {
  const bars = await fetchOk("/page/timeline.json").then((r) => r.json());
  const list = $("timeline-list");
  list.replaceChildren();
  for (const bar of bars) {
    const item = element("li");
    const link = element("a", bar.nation);
    link.href = entityHref(bar.nation_id);
    item.append(link, ` joined in ${bar.year}${bar.founding ? " as a founding member" : ""}: `);
    bar.sources.forEach((source, index) => {
      item.append(element("cite", source));
      for (const wording of bar.wordings) item.append(" “", element("q", wording), "”");
      if (index < bar.sources.length - 1) item.append("; ");
    });
    list.append(item);
  }
}

// ---- wiring

document.addEventListener("DOMContentLoaded", async () => {
  $("endpoint-url").textContent = new URL("/sparql", location.href).href;
  $("library").addEventListener("change", (event) => openLibraryQuery(event.target.value));
  $("cancel").addEventListener("click", cancel);
  $("new-tab").addEventListener("click", () => state.yasgui.addTab(true, { requestConfig: { ...state.yasgui.config.requestConfig } }));
  $("view").addEventListener("change", (event) => drawView(event.target.value));
  $("show-all").hidden = true;
  try {
    startYasgui(await loadLibrary());
  } catch (error) {
    setStatus(error.message, true);
  }
  loadTimeline().catch((error) => { $("timeline-list").textContent = error.message; });
  try {
    const views = await loadViews();
    const first = views.find((view) => view.name === "membership") || views[0];
    if (first) {
      $("view").value = first.name;
      await drawView(first.name);
    }
  } catch (error) {
    $("graph-status").textContent = error.message;
  }
});
