"""The local SPARQL endpoint and web page behind ``cspo-graph serve``."""
