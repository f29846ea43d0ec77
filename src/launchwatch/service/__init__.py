"""The watch floor: HTTP API and live stream (and, to come, the web map)."""
