"""Registry analytics: outcome and quality metrics computed from stored cases."""
