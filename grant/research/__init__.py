"""The university's evaluation: a pseudonymised research dataset per study, with small-count
suppression, its data dictionary and the policy every model field must have a rule in."""
