"""``qualcode parse``: transcripts to a turns table."""
