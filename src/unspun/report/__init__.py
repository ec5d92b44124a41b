"""Stage 9, report: JSON, terminal and HTML renderings of results."""
