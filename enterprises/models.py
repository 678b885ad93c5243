"""The TPE and what happens to them. The models arrive with the registry issue."""
