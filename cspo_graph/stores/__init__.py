"""Triple stores: the on-disk Oxigraph store, HTTP to remote endpoints, and push."""
