"""What `cspo-graph analyze` and `cspo-graph graph` do, as function calls."""

import cspo_graph
from cspo_graph.views import analytics, catalog
from cspo_graph.views.html import render_html

with cspo_graph.open_engine(cspo_graph.Source()) as engine:  # the built-in data in memory (rdflib)
    graph = catalog.build(engine, "representation")  # a networkx.MultiDiGraph
print(graph.number_of_nodes(), "nodes,", graph.number_of_edges(), "edges")
print(analytics.centrality(graph)[0].label)
page = render_html(graph)  # the offline HTML page, as text
print(page.startswith("<!DOCTYPE html>"))
