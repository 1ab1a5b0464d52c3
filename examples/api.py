"""What `cspo-graph query` does, as function calls: a library query, then one with a parameter."""

import cspo_graph
from cspo_graph.query.library import resolve
from cspo_graph.query.params import parse_params

with cspo_graph.open_engine(cspo_graph.Source()) as engine:  # the built-in data; Source(store=DIR) for a store
    founders = engine.query(cspo_graph.Request(resolve("founders").text))  # read-only, SERVICE refused, 30 s limit
    print(cspo_graph.render(founders, "csv"), end="")
    bound = parse_params(["person=cspo:RobertBrose"])  # typed terms, substituted as SEP-0007 says
    posts = engine.query(cspo_graph.Request(resolve("posts").text, bindings=bound))
print(sorted({row[1].value for row in posts.rows}))
