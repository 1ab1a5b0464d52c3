"""The local SPARQL endpoint and web page behind ``cspo-graph serve``.

- :mod:`~cspo_graph.web.app`: the Starlette app, its routes and the checks every request goes through;
- :mod:`~cspo_graph.web.protocol`: the SPARQL 1.1 Protocol's parameters, read from a request;
- :mod:`~cspo_graph.web.negotiation`: which format a request asks for (``format=``, ``Accept``);
- :mod:`~cspo_graph.web.server`: the listening socket and uvicorn's connection limits;
- ``index.html`` and ``static/``: the page.
"""
