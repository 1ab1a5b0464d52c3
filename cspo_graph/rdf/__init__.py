"""RDF itself: parsing files, the formats, export, reasoning and SHACL validation."""
