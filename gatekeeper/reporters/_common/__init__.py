"""What formats of every family share: safe text, JSON, Markdown and spreadsheet escaping, templates, writing files."""
