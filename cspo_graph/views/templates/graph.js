// Draws a cspo-graph view with vis-network: the exported page and the serve page both use it.
// Text from the data only ever reaches the page through textContent and DOM nodes, never as HTML.
//
// cspoGraph.draw(data, parts) draws `data` (nodes, edges, families: what page_data gives) into
// parts.canvas and returns the drawing's state; parts names the page's other elements:
// details (the pinned details panel), legend (the show/hide checkboxes with counts), counts
// (the "N nodes · M edges" line), table (where the same facts are listed as a table),
// announce (a live region saying which node the keyboard is on) and entityHref (id -> the URL
// of the entity's page, where there is one).
(function (global) {
  "use strict";

  var LABEL_MAX = 44;
  var FOCUS_ABOVE = 40; // views with more nodes than this start on one neighbourhood
  var FOCUS_MAX = 30; // of at most this many nodes
  var READABLE = 10 / 15; // the least scale such a start is shown at: node labels (15 px) at 10 px on screen
  var LABEL_GAP = 6; // canvas pixels kept between two boxes with text (a node's shape and label, an edge's label)

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function shorten(text) {
    return text.length > LABEL_MAX ? text.slice(0, LABEL_MAX - 1).trimEnd() + "…" : text;
  }

  function kindOf(n) {
    return n.kind && n.kind !== n.family ? n.family + " · " + n.kind : n.family;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  // Quotes and each source's wording are shown as block quotes, the rest as name: value lines.
  function isQuote(name) {
    return name === "quote" || name.indexOf("as worded in") === 0;
  }

  // The details panel of a node or an edge, as DOM nodes.
  function detailsOf(item, heading, kind, href) {
    var box = el("div", "details-body");
    box.appendChild(el("h3", "details-title", heading));
    if (kind) box.appendChild(el("p", "details-kind", kind));
    if (href) {
      var link = el("a", "details-link", "Open its page");
      link.href = href;
      box.appendChild(link);
    }
    var lines = item.details.filter(function (pair) { return !isQuote(pair[0]); });
    if (lines.length) {
      var list = el("dl", "details-lines");
      lines.forEach(function (pair, index) {
        var repeated = index > 0 && lines[index - 1][0] === pair[0];
        list.appendChild(el("dt", "", repeated ? "" : pair[0]));
        list.appendChild(el("dd", "", pair[1]));
      });
      box.appendChild(list);
    }
    item.details.filter(function (pair) { return isQuote(pair[0]); }).forEach(function (pair) {
      var figure = el("figure", "details-quote");
      var quote = el("blockquote", "", pair[1]);
      quote.tabIndex = 0;
      figure.appendChild(quote);
      figure.appendChild(el("figcaption", "", pair[0]));
      box.appendChild(figure);
    });
    if (item.sources.length) {
      box.appendChild(el("h4", "details-heading", "Sources"));
      var sources = el("ul", "details-sources");
      item.sources.forEach(function (source) { sources.appendChild(el("li", "", source)); });
      box.appendChild(sources);
    }
    return box;
  }

  // Parallel edges (two facts between the same two nodes) bend away from each other.
  function edgeItems(data, labels) {
    function pairOf(e) { return [e.from, e.to].sort().join("\u0000"); }
    var total = {}, seen = {};
    data.edges.forEach(function (e) { total[pairOf(e)] = (total[pairOf(e)] || 0) + 1; });
    return data.edges.map(function (e, index) {
      var pair = pairOf(e);
      var nth = seen[pair] = (seen[pair] || 0) + 1;
      var edge = {
        id: index, from: e.from, to: e.to, label: shorten(e.label), fact: e,
        heading: e.title, kind: labels[e.from] + " → " + labels[e.to],
        length: Math.max(160, 90 + 8 * e.label.length), // room for the label between its ends
      };
      if (total[pair] > 1) {
        var side = (nth % 2 ? "curvedCW" : "curvedCCW");
        edge.smooth = { enabled: true, type: e.from < e.to ? side : (side === "curvedCW" ? "curvedCCW" : "curvedCW"),
                        roundness: 0.2 + 0.15 * Math.floor((nth - 1) / 2) };
      }
      return edge;
    });
  }

  function options(groups) {
    return {
      groups: groups,
      nodes: {
        scaling: { min: 10, max: 34 },
        // On a white background too: an edge passing behind a label does not run through its words.
        font: { size: 15, face: "system-ui, sans-serif", color: "#1d1d1f", strokeWidth: 4, strokeColor: "#ffffff",
                background: "rgba(255,255,255,0.85)" },
        borderWidth: 1.5,
        widthConstraint: { maximum: 170 },
      },
      edges: {
        arrows: { to: { enabled: true, scaleFactor: 0.45 } },
        color: { color: "#9aa1ad", highlight: "#2d333d", hover: "#2d333d" },
        width: 1.2,
        // Horizontal labels on a white background: the line no longer runs through the words.
        font: { size: 12, face: "system-ui, sans-serif", color: "#434a56", strokeWidth: 0,
                background: "rgba(255,255,255,0.92)", align: "horizontal" },
        smooth: false, // straight: a label stays at the middle of its two ends
        selectionWidth: 2,
        scaling: { label: { drawThreshold: 7 } },
      },
      physics: {
        solver: "forceAtlas2Based",
        forceAtlas2Based: {
          gravitationalConstant: -140, centralGravity: 0.02, springLength: 170, springConstant: 0.03,
          damping: 0.7, avoidOverlap: 1,
        },
        minVelocity: 1.5,
        maxVelocity: 60,
        timestep: 0.4,
        stabilization: { enabled: true, iterations: 800, updateInterval: 50, fit: true },
      },
      layout: { randomSeed: 4 }, // the same picture every time the page opens
      interaction: { hover: true, navigationButtons: false, keyboard: false, multiselect: false },
    };
  }

  function draw(data, parts) {
    var labels = {};
    var neighbours = {};
    data.nodes.forEach(function (n) { labels[n.id] = n.label; neighbours[n.id] = []; });
    data.edges.forEach(function (e) {
      neighbours[e.from].push(e.to);
      neighbours[e.to].push(e.from);
    });
    var facts = {};
    data.nodes.forEach(function (n) { facts[n.id] = n; });

    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      return { id: n.id, label: shorten(n.label), fullLabel: n.label, group: n.family, value: n.degree };
    }));
    var edges = new vis.DataSet(edgeItems(data, labels));

    var hidden = {}; // family -> true when its checkbox is off
    var shown = null; // with a focused start: the ids drawn so far (null: every node)
    function visible(id) {
      return !hidden[facts[id].family] && (shown === null || shown[id]);
    }
    var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible(n.id); } });
    var edgeView = new vis.DataView(edges, { filter: function (e) { return visible(e.from) && visible(e.to); } });

    var groups = {};
    data.families.forEach(function (f) {
      var colour = { background: f.color, border: "#1d1d1f" }; // a hovered or selected node keeps its colour
      groups[f.name] = { shape: f.shape, color: { background: f.color, border: f.border, highlight: colour, hover: colour } };
    });

    if (data.nodes.length > FOCUS_ABOVE) {
      var first = centre();
      shown = {};
      shown[first] = true;
      neighbours[first].forEach(function (other) { shown[other] = true; });
    }

    var started = performance.now();
    var network = new vis.Network(parts.canvas, { nodes: nodeView, edges: edgeView }, options(groups));
    var state = {
      network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
      settled: null, busy: true, pinned: null, current: null, hidden: hidden,
      expand: expand, showAll: showAll, pin: pin, overlaps: overlaps,
    };

    // ---- layout: physics first, then no two boxes with text meet: a node's shape, its label, an edge's label

    // Every box drawn, as a function of the node positions: a node (its shape and label, as offsets from
    // its position) and an edge's label (its size, centred on the edge's midpoint, which moves with both
    // ends). Each box says which nodes move it (movers).
    function labelItems() {
      return measured(function () {
        var items = [];
        nodeView.getIds().forEach(function (id) {
          // One box around the shape and the label: an edge label is never squeezed in between.
          var body = network.body.nodes[id], shape = body.shape, label = body.labelModule.size;
          var left = Math.min(shape.left, label.left), top = Math.min(shape.top, label.top);
          items.push({ node: id, movers: [id], left: left - body.x, top: top - body.y,
                       width: Math.max(shape.left + shape.width, label.left + label.width) - left,
                       height: Math.max(shape.top + shape.height, label.top + label.height) - top });
        });
        edgeView.getIds().forEach(function (id) {
          var body = network.body.edges[id], size = body && body.labelModule.size;
          if (size && size.width && body.fromId !== body.toId) {
            items.push({ edge: id, movers: [body.fromId, body.toId], width: size.width, height: size.height });
          }
        });
        return items;
      });
    }
    // What read() gives once every node and edge is drawn at scale 1: vis-network measures a box when it
    // draws it, and leaves out nodes outside the view and labels too small to read. Then the view is put back.
    function measured(read) {
      var scale = network.getScale(), view = network.getViewPosition(), context = network.canvas.getContext();
      network.moveTo({ scale: 1, position: view, animation: false });
      context.save();
      nodeView.getIds().forEach(function (id) {
        var drawn = network.body.nodes[id].draw(context);
        if (drawn.drawExternalLabel) drawn.drawExternalLabel(); // a label below its shape is drawn last
      });
      edgeView.getIds().forEach(function (id) { if (network.body.edges[id]) network.body.edges[id].draw(context); });
      context.restore();
      var result = read();
      network.moveTo({ scale: scale, position: view, animation: false });
      return result;
    }
    function boxOf(item) { // [left, top, right, bottom] in canvas pixels
      var left, top;
      if (item.node !== undefined) {
        var node = network.body.nodes[item.node];
        left = node.x + item.left;
        top = node.y + item.top;
      } else {
        var middle = network.body.edges[item.edge].edgeType.getPoint(0.5);
        left = middle.x - item.width / 2;
        top = middle.y - item.height / 2;
      }
      return [left, top, left + item.width, top + item.height];
    }
    function meet(a, b, gap) {
      return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap && b[1] < a[3] + gap;
    }

    // Pairs of boxes that overlap, as ["node ID" or "edge ID", the other]; the browser test measures its own.
    function overlaps() {
      var items = labelItems(), found = [];
      var boxes = items.map(boxOf);
      function name(item) { return item.node !== undefined ? "node " + item.node : "edge " + item.edge; }
      for (var i = 0; i < items.length; i++) {
        for (var j = i + 1; j < items.length; j++) {
          if (meet(boxes[i], boxes[j], 0)) found.push([name(items[i]), name(items[j])]);
        }
      }
      return found;
    }

    // Give each edge room for its label between its ends: the less linked end moves out along the edge.
    function lengthen() {
      var ids = nodeView.getIds();
      var positions = network.getPositions(ids);
      var degree = {};
      edgeView.get().forEach(function (e) {
        degree[e.from] = (degree[e.from] || 0) + 1;
        degree[e.to] = (degree[e.to] || 0) + 1;
      });
      edgeView.get().forEach(function (e) {
        var a = positions[e.from], b = positions[e.to];
        if (!a || !b || e.from === e.to) return;
        var need = 7 * e.label.length + 90;
        var dx = b.x - a.x, dy = b.y - a.y, length = Math.sqrt(dx * dx + dy * dy) || 1;
        if (length >= need) return;
        var moving = degree[e.to] <= degree[e.from] ? b : a, sign = moving === b ? 1 : -1;
        moving.x += sign * dx / length * (need - length);
        moving.y += sign * dy / length * (need - length);
      });
      nodes.update(ids.map(function (id) { return { id: id, x: positions[id].x, y: positions[id].y }; }));
    }

    // Move the nodes until no two boxes meet. Each overlap is resolved by moving the nodes its two boxes
    // hang on, least-linked nodes most (a hub moves little), by the least that clears it along the
    // axis where the boxes overlap least (a step of position-based dynamics: the change in the boxes'
    // distance per pixel each node moves is measured, so a label between two ends moves as it is drawn).
    // Where crowding keeps boxes meeting, the layout is spread out a little and the rounds go on.
    function untangle() {
      var items = labelItems(), bodies = network.body.nodes, weight = {}, byNode = {};
      if (!items.length) return;
      nodeView.getIds().forEach(function (id) {
        var links = network.getConnectedEdges(id).length;
        weight[id] = 1 / ((1 + links) * (1 + links));
      });
      items.forEach(function (item, index) {
        item.movers.forEach(function (id) { (byNode[id] = byNode[id] || []).push(index); });
      });
      var boxes = items.map(boxOf);
      function distance(a, b, axis) {
        var p = boxOf(a), q = boxOf(b);
        return (q[axis] + q[axis + 2]) / 2 - (p[axis] + p[axis + 2]) / 2;
      }
      function push(a, b, axis, need) { // change the distance of b from a along axis by need; false if no node can
        var movers = unique(a.movers.concat(b.movers)), steps = [], sum = 0;
        movers.forEach(function (id) {
          ["x", "y"].forEach(function (coordinate) {
            var node = bodies[id], before = distance(a, b, axis);
            node[coordinate] += 1;
            var change = distance(a, b, axis) - before;
            node[coordinate] -= 1;
            steps.push([node, coordinate, weight[id] * change]);
            sum += weight[id] * change * change;
          });
        });
        if (sum < 1e-9) return false;
        steps.forEach(function (step) { step[0][step[1]] += step[2] * need / sum; });
        movers.forEach(function (id) { byNode[id].forEach(function (index) { boxes[index] = boxOf(items[index]); }); });
        return true;
      }
      function resolve(i, j) {
        var p = boxes[i], q = boxes[j], needs = [];
        [0, 1].forEach(function (axis) {
          var after = (q[axis] + q[axis + 2]) > (p[axis] + p[axis + 2]) || ((q[axis] + q[axis + 2]) === (p[axis] + p[axis + 2]) && i < j);
          needs.push({ axis: axis, need: after ? p[axis + 2] - q[axis] + LABEL_GAP : -(q[axis + 2] - p[axis] + LABEL_GAP) });
        });
        needs.sort(function (a, b) { return Math.abs(a.need) - Math.abs(b.need); });
        return push(items[i], items[j], needs[0].axis, needs[0].need) || push(items[i], items[j], needs[1].axis, needs[1].need);
      }
      function clear(rounds) { // true once no two boxes meet, within the rounds given
        for (var round = 0; round < rounds; round++) {
          var met = 0;
          for (var i = 0; i < items.length; i++) {
            for (var j = i + 1; j < items.length; j++) {
              if (meet(boxes[i], boxes[j], LABEL_GAP - 1)) {
                met++;
                resolve(i, j);
              }
            }
          }
          if (!met) return true;
        }
        return false;
      }
      var ids = Object.keys(byNode);
      function scale(factor) { // about the centre of the layout
        var cx = 0, cy = 0;
        ids.forEach(function (id) { cx += bodies[id].x / ids.length; cy += bodies[id].y / ids.length; });
        ids.forEach(function (id) {
          bodies[id].x = cx + factor * (bodies[id].x - cx);
          bodies[id].y = cy + factor * (bodies[id].y - cy);
        });
        boxes = items.map(boxOf);
      }
      function fitting() { // the scale at which the whole layout fits the canvas
        var all = boxes.reduce(function (a, b) {
          return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
        });
        return Math.min(parts.canvas.clientWidth / (all[2] - all[0]), parts.canvas.clientHeight / (all[3] - all[1]));
      }
      function save() { return ids.map(function (id) { return [bodies[id].x, bodies[id].y]; }); }
      function restore(saved) {
        ids.forEach(function (id, index) { bodies[id].x = saved[index][0]; bodies[id].y = saved[index][1]; });
        boxes = items.map(boxOf);
      }
      var spreads = 0;
      while (!clear(150) && spreads++ < 12) scale(1.15); // crowded: spread out a little, and go on
      // Then as compact as it stays clear: shrink and clear again a few times, and keep the layout
      // that fits the canvas at the largest scale.
      var best = save(), bestFit = fitting();
      for (var shrink = 0; shrink < 8; shrink++) {
        scale(0.9);
        if (!clear(150)) break;
        if (fitting() > bestFit) { best = save(); bestFit = fitting(); }
      }
      restore(best);
      state.untangled = { spreads: spreads, shrinks: shrink }; // how often it spread out, and tried to shrink
    }

    // Positions are kept in the data set: nodes shown later come back where physics put them.
    function storePositions() {
      var positions = network.getPositions();
      nodes.update(Object.keys(positions).map(function (id) {
        return { id: id, x: positions[id].x, y: positions[id].y };
      }));
    }

    // Physics lays the drawn nodes out; then it stops, the boxes are pushed clear and the view fits.
    // Showing more nodes (expand, show all) places them by their neighbour and lays out again.
    function finishLayout(by) {
      if (!state.busy) return;
      network.setOptions({ physics: { enabled: false } });
      storePositions();
      lengthen();
      untangle();
      storePositions();
      network.fit();
      // the start is readable (a small window shows the middle of a large view, not all of it unreadably);
      // once the reader has asked for everything, it all fits
      var starting = shown !== null || !state.settled;
      if (starting && network.getScale() < READABLE) network.moveTo({ scale: READABLE, animation: false });
      state.busy = false;
      if (!state.settled) {
        state.settled = { by: by, ms: Math.round(performance.now() - started) };
        document.body.setAttribute("data-settled", by);
      }
      refreshCounts();
    }
    function timeLimit() {
      var run = state.runs = (state.runs || 0) + 1;
      setTimeout(function () { if (state.runs === run) finishLayout("time limit"); }, 6000);
    }
    network.on("stabilized", function () { finishLayout("stabilized"); });
    network.once("stabilizationIterationsDone", timeLimit);

    function relayout(placed) {
      nodes.update(placed);
      refresh();
      state.busy = true;
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(200);
      timeLimit();
    }

    // ---- a large view starts on the neighbourhood of its best-linked node; more on demand

    function unique(list) {
      return list.filter(function (item, index) { return list.indexOf(item) === index; });
    }
    // The best-linked node whose neighbourhood still reads at a glance (fewer than FOCUS_MAX nodes).
    function centre() {
      var ranked = data.nodes.slice().sort(function (a, b) { return b.degree - a.degree || (a.id < b.id ? -1 : 1); });
      var fits = ranked.filter(function (n) { return unique(neighbours[n.id]).length < FOCUS_MAX; });
      return (fits[0] || ranked[0]).id;
    }
    function hiddenNeighbours(id) {
      return shown === null ? [] : unique(neighbours[id].filter(function (other) { return !shown[other]; }));
    }
    // Where a node shown later starts: on a circle around a node already drawn.
    function around(anchor, ids) {
      var at = network.getPositions([anchor])[anchor] || { x: 0, y: 0 };
      return ids.map(function (id, index) {
        var angle = 2 * Math.PI * index / ids.length;
        return { id: id, x: at.x + 160 * Math.cos(angle), y: at.y + 160 * Math.sin(angle) };
      });
    }
    function expand(id) {
      var more = hiddenNeighbours(id);
      if (!more.length) return;
      more.forEach(function (other) { shown[other] = true; });
      relayout(around(id, more));
      if (state.pinned && state.pinned.node === id) pin({ node: id });
    }
    function showAll() {
      if (shown === null) return;
      var placed = [];
      var byAnchor = {};
      data.nodes.forEach(function (n) {
        if (shown[n.id]) return;
        var anchor = neighbours[n.id].filter(function (other) { return shown[other]; })[0] || centre();
        (byAnchor[anchor] = byAnchor[anchor] || []).push(n.id);
      });
      Object.keys(byAnchor).forEach(function (anchor) { placed = placed.concat(around(anchor, byAnchor[anchor])); });
      shown = null;
      relayout(placed);
    }

    function refresh() {
      nodeView.refresh();
      edgeView.refresh();
      refreshCounts();
      if (parts.table) fillTable();
    }

    // ---- details: hovering previews them, a click (or Enter) pins them

    function entityHref(id) {
      return parts.entityHref && id.indexOf("_:") !== 0 ? parts.entityHref(id) : null;
    }
    function nodeDetails(id) {
      var n = facts[id];
      var box = detailsOf(n, n.label, kindOf(n), entityHref(id));
      var more = hiddenNeighbours(id);
      if (more.length) {
        var button = el("button", "details-expand", "Show its " + plural(more.length, "hidden neighbour", "hidden neighbours"));
        button.type = "button";
        button.addEventListener("click", function () { expand(id); });
        box.appendChild(button);
      }
      return box;
    }
    function edgeDetails(id) {
      var e = edges.get(id);
      return detailsOf(e.fact, e.heading, e.kind, e.fact.via ? entityHref(e.fact.via) : null);
    }
    function show(what) {
      if (!parts.details) return;
      var body = what.node !== undefined ? nodeDetails(what.node) : edgeDetails(what.edge);
      parts.details.replaceChildren(body);
      if (state.pinned) {
        var close = el("button", "details-close", "Unpin");
        close.type = "button";
        close.addEventListener("click", unpin);
        body.insertBefore(close, body.firstChild);
      }
    }
    function pin(what) {
      state.pinned = what;
      show(what);
      parts.details.classList.add("pinned");
    }
    function unpin() {
      state.pinned = null;
      parts.details.classList.remove("pinned");
      if (parts.hint) parts.details.replaceChildren(parts.hint.cloneNode(true));
      parts.canvas.focus();
    }
    if (parts.details) parts.hint = parts.details.firstElementChild;

    network.on("hoverNode", function (params) { if (!state.pinned) show({ node: params.node }); });
    network.on("hoverEdge", function (params) { if (!state.pinned) show({ edge: params.edge }); });
    network.on("click", function (params) {
      if (params.nodes.length) {
        state.current = params.nodes[0];
        pin({ node: params.nodes[0] });
      } else if (params.edges.length) {
        pin({ edge: params.edges[0] });
      }
    });
    network.on("doubleClick", function (params) { if (params.nodes.length) expand(params.nodes[0]); });

    // ---- keyboard: Tab to the canvas, arrows move between nodes, Enter pins the details

    function announce(id) {
      if (!parts.announce) return;
      var more = hiddenNeighbours(id).length;
      parts.announce.textContent = facts[id].label + ", " + kindOf(facts[id]) + ". Enter: details" +
        (more ? "; + : show " + plural(more, "hidden neighbour", "hidden neighbours") : "") + ".";
    }
    function select(id) {
      state.current = id;
      network.selectNodes([id]);
      var at = network.getPositions([id])[id];
      var dom = network.canvasToDOM(at);
      var width = parts.canvas.clientWidth, height = parts.canvas.clientHeight;
      if (dom.x < 20 || dom.y < 20 || dom.x > width - 20 || dom.y > height - 20) {
        network.moveTo({ position: at, animation: false });
      }
      if (!state.pinned) show({ node: id });
      announce(id);
    }
    function nearest(from, dx, dy) {
      var positions = network.getPositions(nodeView.getIds());
      var here = positions[from], best = null, bestScore = Infinity;
      Object.keys(positions).forEach(function (id) {
        if (id === from) return;
        var vx = positions[id].x - here.x, vy = positions[id].y - here.y;
        var along = vx * dx + vy * dy;
        if (along <= 0) return;
        var across = Math.abs(vx * dy - vy * dx);
        if (across > 2 * along) return; // outside a cone around the arrow's direction
        var score = along + 2 * across;
        if (score < bestScore) { bestScore = score; best = id; }
      });
      return best;
    }
    var ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    parts.canvas.addEventListener("focus", function () {
      var ids = nodeView.getIds();
      if (!ids.length) return;
      select(state.current && visible(state.current) ? state.current : (shown ? centre() : ids[0]));
    });
    parts.canvas.addEventListener("keydown", function (event) {
      if (!state.current) return;
      if (ARROWS[event.key]) {
        event.preventDefault();
        var next = nearest(state.current, ARROWS[event.key][0], ARROWS[event.key][1]);
        if (next) select(next);
      } else if (event.key === "Enter") {
        event.preventDefault();
        pin({ node: state.current });
        parts.details.focus();
      } else if (event.key === "+") {
        expand(state.current);
        announce(state.current);
      }
    });
    if (parts.details) {
      parts.details.addEventListener("keydown", function (event) {
        if (event.key === "Escape") unpin();
      });
    }

    // ---- legend: show or hide a family; counts say how many of each are drawn

    var countOf = {};
    function refreshCounts() {
      var ids = nodeView.getIds();
      var drawn = {};
      ids.forEach(function (id) { drawn[facts[id].family] = (drawn[facts[id].family] || 0) + 1; });
      data.families.forEach(function (f) {
        if (countOf[f.name]) countOf[f.name].textContent = (drawn[f.name] || 0) + " of " + f.count;
      });
      if (parts.counts) {
        parts.counts.textContent = ids.length < data.nodes.length
          ? ids.length + " of " + plural(data.nodes.length, "node", "nodes") + " · " + edgeView.length + " of " +
            plural(data.edges.length, "edge", "edges") + " shown"
          : plural(ids.length, "node", "nodes") + " · " + plural(edgeView.length, "edge", "edges");
      }
      if (parts.more) parts.more.hidden = shown === null;
    }
    if (parts.legend) {
      var legend = el("fieldset", "legend-set");
      legend.appendChild(el("legend", "", "Show"));
      data.families.forEach(function (f) {
        var item = el("label", "legend-item");
        var box = el("input");
        box.type = "checkbox";
        box.checked = true;
        box.value = f.name;
        box.addEventListener("change", function () {
          hidden[f.name] = !box.checked;
          refresh();
        });
        var glyph = el("span", "glyph", f.glyph);
        glyph.style.color = f.color;
        glyph.setAttribute("aria-hidden", "true");
        countOf[f.name] = el("span", "count");
        item.append(box, glyph, el("span", "name", f.name), countOf[f.name]);
        legend.appendChild(item);
      });
      parts.legend.replaceChildren(legend);
    }
    if (parts.more) parts.more.addEventListener("click", showAll);

    // ---- the same facts as a table, for screen readers and for copying

    function fillTable() {
      var body = el("tbody");
      edgeView.get().forEach(function (e) {
        var row = el("tr");
        row.append(el("td", "", labels[e.from]), el("td", "", e.fact.label || e.heading), el("td", "", labels[e.to]),
                   el("td", "", e.fact.sources.length ? e.fact.sources.join("; ") : facts[e.from].sources.join("; ")));
        body.appendChild(row);
      });
      var table = el("table", "facts");
      var head = el("thead");
      var headRow = el("tr");
      ["From", "Relation", "To", "Sources"].forEach(function (name) {
        var cell = el("th", "", name);
        cell.scope = "col";
        headRow.appendChild(cell);
      });
      head.appendChild(headRow);
      table.append(el("caption", "", "The " + plural(edgeView.length, "fact", "facts") + " drawn in the graph"), head, body);
      parts.table.replaceChildren(table);
    }

    refresh();
    return state;
  }

  global.cspoGraphDraw = draw;
})(window);
