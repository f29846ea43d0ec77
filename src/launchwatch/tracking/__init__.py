"""Tracking: intake of measurements, filters, association, track management, impact."""
