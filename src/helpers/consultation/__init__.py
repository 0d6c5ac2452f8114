"""Consultation answers: the questionnaire spec, reading exports, screening, redaction, aliases and matching
of dataset mentions, demand, tallies, lemmas, themes and the synthetic export."""
