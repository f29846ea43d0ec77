"""The trilateral sharing network: messages, signatures, release policy, buses, nodes."""
