"""Flight physics."""
