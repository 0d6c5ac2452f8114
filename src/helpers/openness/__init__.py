"""Openness of the cartography's bases: ordinal codes and scores per line and level (scoring), aggregates by
producer and category with Wilson intervals and ranks (aggregation), and the opening path of each non-open
line (paths)."""
