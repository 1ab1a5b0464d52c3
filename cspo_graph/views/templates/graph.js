// Draws the graph that cspo-graph embedded as JSON in this page, with vis-network.
// Text from the data only ever reaches the page through textContent and DOM nodes.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var LABEL_MAX = 44;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shorten(text) {
    return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1).trimEnd() + "…" : text;
  }

  // A tooltip as DOM nodes: heading, class, detail lines, sources.
  function tooltip(item, heading, kind) {
    var box = el("div", "tip");
    box.appendChild(el("div", "tip-title", heading));
    if (kind) box.appendChild(el("div", "tip-kind", kind));
    if (item.details.length) {
      var lines = el("dl", "tip-details");
      item.details.forEach(function (pair, index) {
        var repeated = index > 0 && item.details[index - 1][0] === pair[0];
        lines.appendChild(el("dt", "", repeated ? "" : pair[0]));
        lines.appendChild(el("dd", "", pair[1]));
      });
      box.appendChild(lines);
    }
    if (item.sources.length) {
      box.appendChild(el("div", "tip-heading", "Sources"));
      var list = el("ul", "tip-sources");
      item.sources.forEach(function (source) { list.appendChild(el("li", "", source)); });
      box.appendChild(list);
    }
    return box;
  }

  var labels = {};
  data.nodes.forEach(function (n) { labels[n.id] = n.label; });

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return {
      id: n.id,
      label: shorten(n.label),
      fullLabel: n.label,
      group: n.family,
      value: n.degree,
      title: tooltip(n, n.label, n.kind && n.kind !== n.family ? n.family + " · " + n.kind : n.family),
    };
  }));

  // Parallel edges (two facts between the same two nodes) bend away from each other.
  function pairOf(e) { return [e.from, e.to].sort().join("\u0000"); }
  var total = {}, seen = {};
  data.edges.forEach(function (e) { total[pairOf(e)] = (total[pairOf(e)] || 0) + 1; });
  var edges = new vis.DataSet(data.edges.map(function (e, index) {
    var pair = pairOf(e);
    var nth = seen[pair] = (seen[pair] || 0) + 1;
    var edge = {
      id: index,
      from: e.from,
      to: e.to,
      label: shorten(e.label),
      length: Math.max(150, 80 + 9 * e.label.length), // room for the label along the edge
      title: tooltip(e, e.title, labels[e.from] + " → " + labels[e.to]),
    };
    if (total[pair] > 1) {
      var side = (nth % 2 ? "curvedCW" : "curvedCCW");
      edge.smooth = { type: e.from < e.to ? side : (side === "curvedCW" ? "curvedCCW" : "curvedCW"),
                      roundness: 0.2 + 0.15 * Math.floor((nth - 1) / 2) };
    }
    return edge;
  }));

  var hidden = {};
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !hidden[n.group]; } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !hidden[nodes.get(e.from).group] && !hidden[nodes.get(e.to).group]; },
  });

  var groups = {};
  data.families.forEach(function (f) {
    groups[f.name] = { shape: f.shape, color: { background: f.color, border: f.border,
      highlight: { background: f.color, border: "#222" }, hover: { background: f.color, border: "#222" } } };
  });

  var started = performance.now();
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodeView, edges: edgeView }, {
    groups: groups,
    nodes: {
      scaling: { min: 10, max: 38 },
      font: { size: 15, face: "system-ui, sans-serif", color: "#1d1d1f", strokeWidth: 4, strokeColor: "#ffffff" },
      borderWidth: 1.5,
      widthConstraint: { maximum: 160 },
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      color: { color: "#a7adb8", highlight: "#39404d", hover: "#39404d" },
      width: 1.2,
      font: { size: 12, face: "system-ui, sans-serif", color: "#5b6270", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      smooth: { type: "continuous", roundness: 0.3 },
      selectionWidth: 2,
      scaling: { label: { drawThreshold: 9 } }, // edge labels show from about 70% zoom
    },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: {
        gravitationalConstant: -120, centralGravity: 0.02, springLength: 150, springConstant: 0.03,
        damping: 0.7, avoidOverlap: 1,
      },
      minVelocity: 1.5,
      maxVelocity: 60,
      timestep: 0.4,
      stabilization: { enabled: true, iterations: 800, updateInterval: 50, fit: true },
    },
    layout: { randomSeed: 4 }, // the same picture every time the page opens
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false },
  });

  // Once the layout has settled, physics stops: the picture holds still, and nodes
  // a reader drags stay where they are put. A time limit stops it on any data.
  var state = { network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, settled: null };
  function settle(by) {
    if (state.settled) return;
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    state.settled = { by: by, ms: Math.round(performance.now() - started) };
    document.body.setAttribute("data-settled", by);
  }
  network.on("stabilized", function () { settle("stabilized"); });
  network.once("stabilizationIterationsDone", function () {
    setTimeout(function () { settle("time limit"); }, 6000);
  });
  window.cspoGraph = state;

  // Find: select the nodes whose label holds the text; Enter (or a single match) focuses the first.
  var search = document.getElementById("search");
  var matchesOut = document.getElementById("matches");
  function matches() {
    var text = search.value.trim().toLowerCase();
    if (!text) return [];
    return nodeView.getIds({ filter: function (n) { return n.fullLabel.toLowerCase().indexOf(text) !== -1; } });
  }
  function find(focus) {
    var ids = matches();
    network.selectNodes(ids);
    matchesOut.textContent = search.value.trim() ? ids.length + (ids.length === 1 ? " match" : " matches") : "";
    if (ids.length && (focus || ids.length === 1)) {
      network.focus(ids[0], { scale: 1.1, animation: { duration: 400 } });
    }
  }
  search.addEventListener("input", function () { find(false); });
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") find(true); });

  // Show or hide a family of nodes from the legend.
  Array.prototype.forEach.call(document.querySelectorAll(".legend input"), function (box) {
    box.addEventListener("change", function () {
      hidden[box.value] = !box.checked;
      nodeView.refresh();
      edgeView.refresh();
      find(false);
    });
  });
})();
