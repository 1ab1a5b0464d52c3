"""Graph views of the data: building them, tooltips, analytics, HTML pages and graph file formats."""
