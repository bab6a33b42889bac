"""Output: everything printed or written for a person (terminal, CSV/JSON, workbooks)."""
