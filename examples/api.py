"""What `cspo-graph query` does, as function calls: a library query, then one with a parameter."""

import rdflib

import cspo_graph
from cspo_graph.query.library import resolve

dataset = cspo_graph.load()  # the built-in ontology and data, an rdflib.Dataset
query = resolve("founders").text  # a library query by name
result = cspo_graph.run_query(dataset, query)  # read-only, SERVICE refused (timeout=: a time limit)
print(cspo_graph.render(result, "csv"), end="")

brose = rdflib.URIRef("https://w3id.org/cspo-graph/ns#RobertBrose")
posts = cspo_graph.run_query(dataset, resolve("posts").text, params={"person": brose})
print(sorted({row[1].value for row in posts.rows}))
