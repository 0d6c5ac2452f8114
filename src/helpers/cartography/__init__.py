"""The 2014 cartography itself: where the file comes from (sources), faithful reading (reading), logged
cleaning (cleaning), producer names (producers) and the synthetic sample (synthetic)."""
