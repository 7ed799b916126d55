"""Authoring an evidence pack: registering documents, and assessment workbooks that write judgements back.

Everything here edits the pack's YAML in place, keeping comments and order, and writes nothing
unless the edited pack validates.
"""
