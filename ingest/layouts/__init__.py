"""Table layouts: from Camelot parts to logical tables (header rows, columns with roles, body rows)."""
