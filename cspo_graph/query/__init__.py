"""Answering SPARQL: checks, parameters, the query library, results and their rendering."""
