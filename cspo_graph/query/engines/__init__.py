"""The query engines behind one interface (:mod:`cspo_graph.query.engines.base`).

``ENGINES`` (name -> implementation) and ``open_engine(source, engine=None, ...)`` are
the only way the CLI, the server, the views and the benchmark reach an engine.
"""
