// The exported page: draws the graph embedded in it as JSON, and wires up Find.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var state = cspoGraphDraw(data, {
    canvas: $("graph"), details: $("details"), legend: $("legend"), counts: $("counts"),
    table: $("facts"), announce: $("announce"), more: $("show-all"),
  });
  window.cspoGraph = state;

  // Find: select the nodes whose label holds the text; Enter (or a single match) focuses the first.
  var search = $("search");
  function matches() {
    var text = search.value.trim().toLowerCase();
    if (!text) return [];
    return state.nodes.getIds({ filter: function (n) { return n.fullLabel.toLowerCase().indexOf(text) !== -1; } });
  }
  function find(focus) {
    var ids = matches();
    var drawn = ids.filter(function (id) { return state.nodeView.get(id); });
    if (ids.length > drawn.length) { // a match outside the neighbourhood drawn so far: draw everything
      state.showAll();
      drawn = ids.filter(function (id) { return state.nodeView.get(id); });
    }
    state.network.selectNodes(drawn);
    $("matches").textContent = search.value.trim() ? ids.length + (ids.length === 1 ? " match" : " matches") : "";
    if (drawn.length && (focus || drawn.length === 1)) {
      state.current = drawn[0];
      state.network.focus(drawn[0], { scale: 1.1, animation: { duration: 400 } });
    }
  }
  search.addEventListener("input", function () { find(false); });
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") find(true); });
})();
