"""The university's evaluation: a pseudonymised research dataset per study, small-count
suppression, and the before/after statistics of the diagnostics (issue « évaluation »)."""
