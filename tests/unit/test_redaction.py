"""Personal data in every spelling people type (issue 25, case 2), keys derived only from redacted text (issue 23,
case 2) and pseudonyms keyed by a secret that is never published (issue 25, case 1)."""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import subprocess
import unicodedata

import pandas as pd
import pytest

from helpers.consultation.matching import mentions_table
from helpers.consultation.questionnaire import Question
from helpers.consultation.redaction import (
    DASHES,
    is_personal,
    pseudonymise_ids,
    publishable,
    without_personal_data,
)
from helpers.core import config

PHONE, MAIL, NUMBER = "[téléphone masqué]", "[courriel masqué]", "[numéro masqué]"
HAIR, EN, NBSP, NNBSP, THIN, NBHYPHEN = "\u200a", "\u2002", "\u00a0", "\u202f", "\u2009", "\u2011"
PHONES = [
    "06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "06/11/22/33/44", "06 12.34.56.78",
    HAIR.join(["06", "12", "34", "56", "78"]), EN.join(["06", "12", "34", "56", "78"]),
    NBSP.join(["06", "12", "34", "56", "78"]), NNBSP.join(["06", "12", "34", "56", "78"]),
    THIN.join(["06", "12", "34", "56", "78"]), NBHYPHEN.join(["06", "12", "34", "56", "78"]),
    "\u2013".join(["06", "12", "34", "56", "78"]), "\u2212".join(["01", "23", "45", "67", "89"]),
    "+33 6 12 34 56 78", "+33612345678", "+33 (0)6 12 34 56 78", "+33 (0) 6 12 34 56 78", "+33 06 12 34 56 78",
    "0033 6 12 34 56 78", "0033612345678", "+33.6.12.34.56.78", "０６１２３４５６７８",
    "06\u200b12\u200b34\u200b56\u200b78",
]
EMAILS = ["x.y@z.fr", "jeanne.martin@exemple.fr", "jean＠exemple.fr", "jean﹫exemple.fr", "a%b@exemple.fr",
          "o'neil@exemple.fr", "prenom+tag@sous.domaine.gouv.fr", "ＪＥＡＮ＠ＥＸＥＭＰＬＥ．ＦＲ", "a/b=c@exemple.fr"]


@pytest.mark.parametrize("phone", PHONES)
@pytest.mark.parametrize("before, after", [("Mon numéro : ", ", rappelez-moi."), ("tel", ""), ("tél.", "ou"),
                                           ("(", ")"), ("", "")])
def test_every_spelling_of_a_french_phone_is_masked(phone, before, after):
    masked = publishable(before + phone + after)
    assert PHONE in masked and not any(c.isdigit() for c in masked), masked
    assert is_personal(before + phone + after)


@pytest.mark.parametrize("email", EMAILS)
def test_every_spelling_of_an_email_is_masked(email):
    masked = publishable(f"Écrivez à {email} svp")
    assert masked == f"Écrivez à {MAIL} svp"


@pytest.mark.parametrize("raw, expected", [
    ("NIR 1 85 05 78 006 084 36, vérifiez", f"NIR {NUMBER}, vérifiez"), ("NIR185057800608436", f"NIR{NUMBER}"),
    ("Contact\u00a006\u00a012\u00a034\u00a056\u00a078 ou x.y@z.fr", f"Contact {PHONE} ou {MAIL}"),
])
def test_other_details_and_mixed_text(raw, expected):
    assert publishable(raw) == expected


@pytest.mark.parametrize("text", [
    "313 lignes, 1 000 000 patients en 2014-2015", "le 01/04/2014 08:01", "01.04.2014 10.30", "SIRET 12345678901234",
    "FINESS 750712184", "Base PMSI – MCO (année N−1)", "2 500 000 €", "@ARS_IDF sur les réseaux", "1⁄2 des bases",
    "n° 06 12", "Entre 0612 et 0634",
])
def test_what_is_not_personal_is_published_as_written(text):
    assert publishable(text) == text  # normalisation only serves the masks: an untouched text keeps its spelling
    assert not is_personal(text)


def test_every_dash_and_space_class_is_known_to_the_masks():
    dashes = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Pd" and chr(c) != "-"]
    assert [d for d in dashes if not DASHES.match(d) and unicodedata.normalize("NFKC", d) != "-"] == []
    spaces = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"]
    for space in spaces:
        assert publishable(space.join(["06", "12", "34", "56", "78"])) == PHONE, hex(ord(space))


def test_keys_are_derived_from_text_without_personal_data():
    answers = pd.DataFrame({"numero": [1, 2, 3], "demandes": [
        "PMSI | SNIIRAM | Contact 06 12 34 56 78", "Données pharmacie, écrire à x.y@z.fr ou 0612345678",
        "06\u202f12\u202f34\u202f56\u202f78"]})
    redacted = answers.assign(demandes=answers["demandes"].map(without_personal_data))
    table = mentions_table(redacted, [Question(id="demandes", column="demandes", kind="datasets", separator="|")])
    # No number, and what is left of the contact details (« contact », « écrire à … ou … »): no mention.
    assert table["cle"].tolist() == ["pmsi", "sniiram", "pharmacie"]
    joined = " ".join(table["cle"]) + " ".join(table["mention"])
    assert not any(c.isdigit() for c in joined) and "z fr" not in joined and "x y" not in joined


SECRET = b"0" * 64


def test_pseudonyms_are_hmac_sha256_under_the_secret_and_stable():
    ids = pd.Series(["marie.curie@example.org", "06 12 34 56 78", "marie.curie@example.org"])
    first = pseudonymise_ids(ids, SECRET).tolist()
    expected = "P-" + hmac.new(SECRET, b"marie.curie@example.org", hashlib.sha256).hexdigest()[:12]
    assert first[0] == expected == first[2] != first[1]
    assert pseudonymise_ids(ids, SECRET).tolist() == first
    assert pseudonymise_ids(ids, b"1" * 64).tolist() != first  # another project, other pseudonyms
    # The salt of the old scheme, a hash published in every report's provenance, recomputes nothing.
    old = "P-" + hashlib.sha256(b"abc\x1fmarie.curie@example.org").hexdigest()[:12]
    assert old not in first


def test_a_pseudonym_whose_digits_look_like_a_phone_is_published_whole(monkeypatch):
    # A fresh user's Google Forms export: one id was published « P-7c[téléphone masqué] », its 12 hex digits read
    # as a phone by the text masks: the id was no longer a pseudonym, two respondents could share it.
    from helpers.consultation.redaction import pseudonym, published_ids

    monkeypatch.setenv("CARTO_SANTE_SECRET", "secret-de-test")
    emails = [f"repondant{i:03d}@free.fr" for i in range(3000)]
    hit = next(e for e in emails if publishable(pseudonym(e, b"secret-de-test")) != pseudonym(e, b"secret-de-test"))
    shown = published_ids(pd.Series([hit, "autre@free.fr"]))
    assert shown.tolist() == [pseudonym(hit, b"secret-de-test"), pseudonym("autre@free.fr", b"secret-de-test")]
    assert published_ids(pd.Series(["R_1", "R_2"])).tolist() == ["R_1", "R_2"]  # no personal id: as written


def test_the_secret_comes_from_the_environment_or_a_file_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ENV_ROOT, str(tmp_path))
    monkeypatch.setenv(config.ENV_SECRET, "clé fournie")
    assert config.pseudonym_secret() == "clé fournie".encode()
    assert not config.secret_path().exists()  # given by the environment: no file made
    monkeypatch.delenv(config.ENV_SECRET)
    key = config.pseudonym_secret()
    path = config.secret_path()
    assert path == tmp_path / config.SECRET_FILE and path.stat().st_mode & 0o077 == 0  # owner only
    assert len(key) == 64 and config.pseudonym_secret() == key  # made once, then read
    assert [p.name for p in tmp_path.iterdir()] == [config.SECRET_FILE]  # no temporary file left


def _secret(root: str) -> bytes:
    import os

    os.environ[config.ENV_ROOT] = root
    os.environ.pop(config.ENV_SECRET, None)
    return config.pseudonym_secret()


def test_processes_starting_at_once_on_a_fresh_clone_agree_on_one_secret(tmp_path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        keys = pool.map(_secret, [str(tmp_path)] * 8)
    assert len(set(keys)) == 1 and (tmp_path / config.SECRET_FILE).read_bytes().strip() == keys[0]


def test_the_secret_file_is_ignored_by_git():
    root = config.project_root()
    done = subprocess.run(["git", "check-ignore", "-q", config.SECRET_FILE], cwd=root, check=False)
    assert done.returncode == 0
