"""The launch record: a SQL database of reported launches, assessed events, claims from public
reports and the calendar of public events (SQLite by default, PostgreSQL by URL)."""
