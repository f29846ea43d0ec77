"""launchwatch."""
