"""Run the command line interface with ``python -m cspo_graph``."""

from cspo_graph.cli import main

main()
