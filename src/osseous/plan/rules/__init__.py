"""The rules, one module per treatment family (and one for alerts)."""
