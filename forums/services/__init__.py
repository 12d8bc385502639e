"""State changes in forums, one module per area; each function is one transaction."""
