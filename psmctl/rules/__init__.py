"""Pure rules: data and as_of in, data out. No SQL, no clock, no typer/rich, no file writes."""
