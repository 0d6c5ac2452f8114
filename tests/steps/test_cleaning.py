"""Cleaning of the official file: vocabularies, producers, shared bases, and the cell-by-cell log."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from ods_edit import chain, edit_ods, retype
from openpyxl.utils import column_index_from_string

from helpers.cartography.cleaning import CRITERIA, clean
from helpers.cartography.reading import read_cartography

DATA_SHEET = "Cartographie France"


@pytest.fixture(scope="module")
def cleaned(real_carto):
    return clean(real_carto)


def _line(frame, line, level=None):
    rows = frame[frame["ligne_source"] == line]
    if level:
        rows = rows[rows["niveau"] == level]
    assert len(rows) == 1
    return rows.iloc[0]


def test_one_row_per_line_and_per_level(cleaned):
    assert len(cleaned.bases) == 313
    assert cleaned.bases["ligne_source"].tolist() == list(range(3, 316))
    assert len(cleaned.evaluations) == 626
    assert set(cleaned.evaluations["niveau"]) == {"agrege", "granulaire"}


def test_assessed_flags_match_an_independent_count(cleaned, real_sheets):
    rows = real_sheets[DATA_SHEET][2:]
    # Criterion columns of the official file: G, I, J, L (aggregated) and O, Q, R, T (granular).
    expected = {
        "agrege": sum(any(r[i].strip() for i in (6, 8, 9, 11)) for r in rows),
        "granulaire": sum(any(r[i].strip() for i in (14, 16, 17, 19)) for r in rows),
    }
    got = cleaned.evaluations.groupby("niveau")["evalue"].sum().to_dict()
    assert got == expected == {"agrege": 111, "granulaire": 234}
    not_assessed = cleaned.evaluations[~cleaned.evaluations["evalue"]]
    assert (not_assessed[list(CRITERIA)] == "").all().all()


def test_criteria_use_the_official_vocabulary(cleaned):
    assert cleaned.vocabulary_source == "feuille du fichier"
    ev = cleaned.evaluations
    typo = _line(ev, 147, "agrege")
    assert typo["format"] == "Non exploitable" and typo["hors_vocabulaire"] == ""
    off = _line(ev, 17, "agrege")
    assert off["format"] == "Excel, Power point" and off["hors_vocabulaire"] == "format"
    granular_cost = ev[ev["niveau"] == "granulaire"]["cout"].value_counts().to_dict()
    # "Gratuit " (trailing space) joins "Gratuit"; "Gratuit ou payant" is kept as a modality.
    assert granular_cost == {"Gratuit": 151, "": 111, "Payant": 40, "Gratuit ou payant": 11}
    allowed = {m for labels in cleaned.modalities.values() for m in labels} | {""}
    unknown = ev[["acces", "cout", "format", "reutilisation"]].stack()
    assert set(unknown[~unknown.isin(allowed)]) == {"Excel, Power point", "Power point"}


def test_producers_are_unified(cleaned):
    bases = cleaned.bases
    assert (bases["gestionnaire"] == "INVS").sum() == 21  # 19 "INVS" + 2 "InVS"
    assert set(bases.loc[bases["gestionnaire"] == "INVS", "gestionnaire_source"]) == {"INVS", "InVS"}
    efs = _line(bases, 96)
    assert (efs["gestionnaire"], efs["gestionnaire_nom_complet"]) == ("EFS", "Etablissement Français du Sang")
    assert _line(bases, 233)["gestionnaire"] == "GERS"
    assert _line(bases, 5)["gestionnaire"] == "EHESP"
    assert "Kantar Health" in set(bases["gestionnaire"])  # trailing space removed
    co = _line(bases, 38)
    assert co["co_gestion"] and co["gestionnaires"] == ("CHU de Nancy", "INSERM", "INVS")
    assert co["gestionnaire_source"] == "CHU de Nancy, INSERM et InVS"
    whole = bases[bases["gestionnaire"].str.startswith("CHU de Grenoble")]
    assert len(whole) == 1 and not whole.iloc[0]["co_gestion"]  # no known producer inside: kept whole


def test_a_base_listed_under_several_categories_has_one_id(cleaned):
    bases = cleaned.bases
    pmsi = bases[bases["base"].str.startswith("PMSI – programme") & (bases["gestionnaire"] == "ATIH")]
    assert len(pmsi) == 8 and pmsi["base_id"].nunique() == 1
    assert pmsi["typologie_2"].nunique() == 8 and (pmsi["n_lignes_base"] == 8).all()
    reco = bases[bases["base"] == "Recommandations de bonnes pratiques"]
    assert reco["base_id"].nunique() == 2  # same name, two producers: two bases
    assert bases["base_id"].nunique() == 289
    assert not bases["base"].str.contains("\u00a0").any()


def test_every_logged_change_points_at_the_source_cell(cleaned, real_sheets):
    sheet = real_sheets[DATA_SHEET]
    log = cleaned.anomalies
    assert set(log["regle"]) == {"espaces_normalises", "modalite_corrigee", "hors_vocabulaire",
                                 "gestionnaire_unifie", "typologie_inconnue"}
    for row in log.itertuples():
        letters = re.match(r"[A-Z]+", row.cellule).group()
        index = column_index_from_string(letters) - 1
        assert sheet[row.ligne_source - 1][index] == row.valeur_source


def test_every_change_is_logged(cleaned, real_carto):
    logged = set(zip(cleaned.anomalies["ligne_source"], cleaned.anomalies["colonne"],
                     cleaned.anomalies["niveau"], strict=True))
    rows = dict(real_carto.rows)
    for ev in cleaned.evaluations.itertuples():
        for key in (*CRITERIA, "donnees", "portail"):
            raw = real_carto.cell(rows[ev.ligne_source], ev.niveau, key)
            if getattr(ev, key) != raw:
                assert (ev.ligne_source, key, ev.niveau) in logged
    for base in cleaned.bases.itertuples():
        if base.gestionnaire != base.gestionnaire_source:
            assert (base.ligne_source, "gestionnaire", "") in logged


def test_openness_counts_match_an_independent_count(real_ods, tmp_path):
    from helpers.steps.s01_clean import clean_cartography
    from helpers.steps.s02_openness import score_openness

    clean_cartography(real_ods, tmp_path)
    run = score_openness(tmp_path)
    ev = run.evaluations
    top = ((ev["acces"] == "Accès à tous") & (ev["cout"] == "Gratuit") & (ev["format"] == "Exploitable")
           & (ev["reutilisation"] == "Explicité sans restriction"))
    for level in ("agrege", "granulaire"):
        expected = ev[top & (ev["niveau"] == level)]["base_id"].nunique()
        got = run.scored[(run.scored["niveau"] == level) & run.scored["ouvert"]]["base_id"].nunique()
        assert got == expected
    assert ev[top]["base_id"].nunique() == 19


# --- Issue 22.1: criterion labels compared by a normalised key, in the data and in the file's own sheet ---

CRITERIA_SHEET = "Critères d'ouverture"
MODALITIES = ["Accès à tous", "Accès restreint", "Accès fermé", "Gratuit", "Payant", "Gratuit ou payant",
              "Exploitable", "Non exploitable", "Explicité sans restriction", "Explicité avec restriction",
              "Non explicité"]
# How people and autocorrect retype a label: capitals, all caps, accents dropped, no-break spaces.
RETYPINGS = {
    "capitales": lambda s: " ".join(w[:1].upper() + w[1:] for w in s.split(" ")),
    "majuscules": str.upper,
    "sans accents": lambda s: s.lower().translate(str.maketrans("àéèêÀÉ", "aeeeAE")),
    "espaces insécables": lambda s: "\u00a0" + s.replace(" ", "\u00a0") + "\u00a0",
}


def _open_counts(path):
    from helpers.cartography.producers import one_row_per_producer
    from helpers.openness.scoring import score_lines

    cleaned = clean(read_cartography(path))
    ev = cleaned.evaluations.merge(cleaned.bases[["ligne_source", "gestionnaires"]], on="ligne_source")
    scored = score_lines(ev)
    drees = one_row_per_producer(scored)
    drees = drees[(drees["gestionnaire"] == "DREES") & (drees["niveau"] == "agrege")]
    codes = scored[["ligne_source", "niveau", *(f"code_{c}" for c in CRITERIA), "ouvert"]]
    return (scored.loc[scored["ouvert"], "base_id"].nunique(),
            (drees.loc[drees["ouvert"], "base_id"].nunique(), drees["base_id"].nunique()),
            codes.reset_index(drop=True), cleaned)


@pytest.fixture(scope="module")
def official_counts(real_ods):
    return _open_counts(real_ods)


def test_official_counts(official_counts):
    opened, drees, _, _ = official_counts
    assert opened == 19 and drees == (6, 19)


def test_a_retyped_label_of_the_criteria_sheet_closes_no_base(real_ods, tmp_path):
    # The case: « Accès à tous » retyped « Accès à Tous » in the sheet, run through notebooks 01 and 02.
    from helpers.steps.s01_clean import clean_cartography
    from helpers.steps.s02_openness import score_openness

    copy = edit_ods(real_ods, tmp_path / "retape.ods", {CRITERIA_SHEET: retype("Accès à tous", "Accès à Tous")})
    clean_cartography(copy, tmp_path / "processed")
    run = score_openness(tmp_path / "processed")
    assert run.scored.loc[run.scored["ouvert"], "base_id"].nunique() == 19  # of 279 assessed bases
    assert run.scored["base_id"].nunique() == 279
    drees = run.producers.set_index(["gestionnaire", "niveau"]).loc[("DREES", "agrege")]
    assert (drees["n_ouvertes"], drees["n_evaluees"]) == (6, 19)


@pytest.mark.parametrize("where", ["feuille des critères", "feuille et données"])
@pytest.mark.parametrize("style", list(RETYPINGS))
def test_every_modality_retyped_moves_no_count(real_ods, tmp_path, official_counts, style, where):

    retyped = chain(*(retype(m, RETYPINGS[style](m)) for m in MODALITIES))
    edits = {CRITERIA_SHEET: retyped} | ({DATA_SHEET: retyped} if where == "feuille et données" else {})
    opened, drees, codes, cleaned = _open_counts(edit_ods(real_ods, tmp_path / "retape.ods", edits))
    assert (opened, drees) == (19, (6, 19))
    assert codes.equals(official_counts[2])
    assert "vocabulaire_inconnu" not in set(cleaned.anomalies["regle"])
    assert cleaned.vocabulary_source == "feuille du fichier"
    allowed = {m for labels in cleaned.modalities.values() for m in labels}
    assert set(MODALITIES) <= allowed and all(RETYPINGS[style](m) not in allowed for m in MODALITIES
                                              if RETYPINGS[style](m) != m)
    sheet_log = cleaned.anomalies[cleaned.anomalies["cellule"].str.startswith(CRITERIA_SHEET + "!")]
    in_sheet = [m for m in MODALITIES if m != "Gratuit ou payant"]  # the sheet lists 10 of the 11
    assert len(sheet_log) == sum(RETYPINGS[style](m) != m for m in in_sheet)  # each retyped entry, with its cell
    assert set(sheet_log["regle"]) <= {"modalite_normalisee", "modalite_corrigee", "espaces_normalises"}
    assert sheet_log["ligne_source"].isna().all()


def test_a_sheet_entry_for_no_known_modality_is_logged_never_an_empty_gate(real_ods, tmp_path):

    edits = {CRITERIA_SHEET: chain(retype("Accès à tous", "Accès libre pour tous"),
                                   retype("Liberté d'accès", "Liberté d’accès"))}
    opened, drees, _, cleaned = _open_counts(edit_ods(real_ods, tmp_path / "inconnu.ods", edits))
    assert (opened, drees) == (19, (6, 19))  # the data's « Accès à tous » is still the known modality
    unknown = cleaned.anomalies[cleaned.anomalies["regle"] == "vocabulaire_inconnu"]
    assert unknown[["cellule", "colonne", "valeur_source", "valeur_retenue"]].values.tolist() == [
        [f"{CRITERIA_SHEET}!B2", "acces", "Accès libre pour tous", ""]]
    assert "Accès libre pour tous" not in cleaned.modalities["acces"]


# --- Issue 22.2: typologies checked against the file's own « Typologie » sheet ---

def test_the_official_typologies_fit_the_sheet_but_one_pair(cleaned):
    flagged = cleaned.anomalies[cleaned.anomalies["regle"].str.startswith("typologie")]
    # « Infrastructures » is listed under « Offre de soins » in the sheet, not under « Consommation… ».
    assert flagged[["colonne", "valeur_source", "valeur_retenue", "regle"]].values.tolist() == [
        ["typologie_2", "Infrastructures", "Infrastructures", "typologie_inconnue"]]
    assert cleaned.bases["typologie_1"].nunique() == 4


# Each typology as people mistype it: case, accents, spaces, a missing plural, one letter off.
TYPO_VARIANTS = {
    "Offre de soins": ["Offre de soin", "offre de soins", "OFFRE DE SOINS", "Offre  de soins", "Ofre de soins"],
    "Santé publique et épidémiologie": ["Sante publique et epidemiologie", "Santé publique et épidémiologies"],
    "Epidémiologie": ["Epidemiologie", "épidémiologie", "Epidémologie"],
    "Médicaments et dispositifs": ["Medicaments et dispositif"],
}


def test_typology_spellings_and_near_misses_are_unified_and_logged(real_ods, real_carto, tmp_path):
    rows = dict(real_carto.rows)
    data_rows = sorted(rows)
    edits, expected = [], {}
    variants = [(label, v) for label, vs in TYPO_VARIANTS.items() for v in vs]
    # Each variant replaces the label on one line holding it (the column it is in: 0 = level 1, 1 = level 2).
    used = set()
    for label, variant in variants:
        column = 0 if label in {"Offre de soins", "Santé publique et épidémiologie"} else 1
        line = next(n for n in data_rows if rows[n][column] == label and n not in used)
        used.add(line)
        edits.append((line, column, variant))
        rule = "espaces_normalises" if " ".join(variant.split()) == label else "typologie_unifiee"
        expected[(line, "typologie_1" if column == 0 else "typologie_2")] = (variant, label, rule)

    def edit(xml):
        from ods_edit import rows_of

        head, sheet_rows, tail = rows_of(xml)
        for line, column, variant in edits:
            cells = sheet_rows[line - 1].split("<text:p>")
            # cells[1 + column] begins with the cell's text: replace the label there only.
            before, after = cells[1 + column].split("</text:p>", 1)
            cells[1 + column] = f"{variant.replace('  ', '<text:s/> ')}</text:p>{after}"
            assert before
            sheet_rows[line - 1] = "<text:p>".join(cells)
        return head + "".join(sheet_rows) + tail

    copy = edit_ods(real_ods, tmp_path / "typologies.ods", {DATA_SHEET: edit})
    edited = clean(read_cartography(copy))
    official = clean(real_carto)
    assert edited.bases[["typologie_1", "typologie_2"]].equals(official.bases[["typologie_1", "typologie_2"]])
    log = edited.anomalies[edited.anomalies["colonne"].str.startswith("typologie")]
    got = {(r.ligne_source, r.colonne): (r.valeur_source, r.valeur_retenue, r.regle) for r in log.itertuples()
           if r.regle != "typologie_inconnue"}  # the official file's one pair outside the sheet stays flagged
    assert got == expected


def test_an_unknown_typology_is_kept_and_flagged(real_ods, real_carto, tmp_path):
    copy = edit_ods(real_ods, tmp_path / "inconnue.ods", {DATA_SHEET: retype("Transports", "Recherche clinique")})
    edited = clean(read_cartography(copy))
    lines = [n for n, row in real_carto.rows if row[1] == "Transports"]
    assert len(lines) == 2
    flagged = edited.anomalies[(edited.anomalies["regle"] == "typologie_inconnue")
                               & (edited.anomalies["valeur_source"] == "Recherche clinique")]
    assert flagged["ligne_source"].tolist() == lines and (flagged["cellule"] == [f"B{n}" for n in lines]).all()
    assert set(edited.bases.loc[edited.bases["ligne_source"].isin(lines), "typologie_2"]) == {"Recherche clinique"}


# --- Issue 17.6: base_id derived from what identifies a base, never from a row's position ---

def _ids_by_line(path):
    bases = clean(read_cartography(path)).bases
    return dict(zip(bases["ligne_source"], bases["base_id"], strict=True)), bases


def _new_row(name, producer):
    from ods_edit import text_row

    return text_row(["Offre de soins", "Personnel", name, producer, "", "", "Accès à tous", "", "Gratuit",
                     "Exploitable", "", "Explicité sans restriction"])


def test_base_ids_are_derived_from_name_and_producer(cleaned):
    from helpers.cartography.cleaning import base_ids, base_key

    bases = cleaned.bases
    assert bases["base_id"].str.fullmatch(r"B[0-9A-F]{8}").all()
    keys = [base_key(b, list(p)) for b, p in zip(bases["base"], bases["gestionnaires"], strict=True)]
    assert bases["base_id"].tolist() == base_ids(pd.Series(keys)).tolist()
    # Spelling aside (case, accents, punctuation, spaces, producers' order), one key.
    assert base_key("Base Thériaque", ["ORS Bretagne", "INSERM"]) == base_key("base theriaque.", ["inserm",
                                                                                                  "ORS-BRETAGNE"])
    assert base_key("Base A", ["X"]) != base_key("Base A", ["Y"]) != base_key("Base B", ["Y"])


@pytest.mark.parametrize("edit", ["une ligne insérée", "lignes inversées", "un bloc déplacé", "graphie basculée"])
def test_inserting_or_moving_lines_changes_no_other_base_id(real_ods, cleaned, tmp_path, edit):
    from ods_edit import reorder_rows

    before = dict(zip(cleaned.bases["ligne_source"], cleaned.bases["base_id"], strict=True))
    last = max(before)
    if edit == "une ligne insérée":  # a new base after line 10: every later line moves down by one
        order = lambda rows: rows[:10] + [_new_row("Base insérée", "DREES")] + rows[10:]  # noqa: E731
        moved = {n: n + 1 if n > 10 else n for n in before}
    elif edit == "lignes inversées":
        order = lambda rows: rows[:2] + rows[2:last][::-1] + rows[last:]  # noqa: E731
        moved = {n: last + 3 - n for n in before}
    elif edit == "un bloc déplacé":  # lines 3–52 moved after line 200
        order = lambda rows: rows[:2] + rows[52:200] + rows[2:52] + rows[200:]  # noqa: E731
        moved = {n: n - 50 if 52 < n <= 200 else n + 148 if n <= 52 else n for n in before}
    else:  # « Kantar health » written on 3 new lines: the most frequent spelling of that producer changes
        extra = [_new_row(f"Panel {i}", "Kantar health") for i in range(3)]
        order = lambda rows: rows[:last] + extra + rows[last:]  # noqa: E731
        moved = {n: n for n in before}
    after, bases = _ids_by_line(edit_ods(real_ods, tmp_path / "edite.ods", {DATA_SHEET: reorder_rows(order)}))
    assert {n: after[moved[n]] for n in before} == before
    if edit == "graphie basculée":
        assert "Kantar health" in set(bases["gestionnaire"]) and "Kantar Health" not in set(bases["gestionnaire"])
    if edit == "une ligne insérée":
        assert after[11] not in before.values() and bases["base_id"].nunique() == 290


def test_colliding_ids_are_lengthened_and_stay_distinct():
    from helpers.cartography.cleaning import base_ids

    keys = pd.Series([f"base {i}\x1fproducteur" for i in range(200)])
    short = base_ids(keys, digits=1)  # 16 possible ids for 200 keys: collisions everywhere
    assert short.nunique() == 200 and short.str.fullmatch(r"B[0-9A-F]+").all()
    assert set(short.str.len()) == {6}  # every one collided at 1 digit: lengthened by 4
    few = base_ids(keys.iloc[:12], digits=1)
    assert few.nunique() == 12 and set(few.str.len()) == {2, 6}  # only the colliding ones lengthened
    normal = base_ids(keys)
    assert normal.nunique() == 200 and (normal.str.len() == 9).all()
    # A key added later changes no other id (no collision at 8 digits).
    assert base_ids(pd.concat([keys, pd.Series(["une autre\x1fbase"])])).iloc[:200].equals(normal)


# --- Issue 17.5: two spellings of one producer are one producer (hence one fiche), logged ---

@pytest.mark.parametrize("spellings", [("ORS Bretagne", "ORS-BRETAGNE"), ("ORS Bretagne", "ors bretagne."),
                                       ("Agence Régionale de Santé", "AGENCE REGIONALE DE SANTE"),
                                       ("CHU de Nancy", "CHU-de-Nancy")])
def test_spellings_of_one_producer_are_unified(spellings):
    from helpers.cartography.producers import unify

    first, second = spellings
    unified = unify([first, first, second], None)
    assert unified[first] == unified[second] and [p.name for p in unified[second]] == [first]


def test_producer_spellings_unified_in_the_cleaning_are_logged(real_ods, cleaned, tmp_path):
    from ods_edit import reorder_rows

    last = max(cleaned.bases["ligne_source"])
    extra = [_new_row("Observatoire A", "ORS Bretagne"), _new_row("Observatoire B", "ORS Bretagne"),
             _new_row("Observatoire C", "ORS-BRETAGNE")]
    edits = {DATA_SHEET: reorder_rows(lambda rows: rows[:last] + extra + rows[last:])}
    _, bases = _ids_by_line(edit_ods(real_ods, tmp_path / "ors.ods", edits))
    added = bases[bases["ligne_source"] > last]
    assert added["gestionnaire"].tolist() == ["ORS Bretagne"] * 3
    log = clean(read_cartography(tmp_path / "ors.ods")).anomalies
    unified = log[(log["ligne_source"] == last + 3) & (log["colonne"] == "gestionnaire")]
    assert unified[["valeur_source", "valeur_retenue", "regle"]].values.tolist() == [
        ["ORS-BRETAGNE", "ORS Bretagne", "gestionnaire_unifie"]]


def test_the_base_id_rule_and_its_collisions_are_documented_in_the_datapackage(real_ods, tmp_path):
    import json

    from helpers.steps.s01_clean import clean_cartography

    clean_cartography(real_ods, tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    bases = next(r for r in package["resources"] if r["name"] == "bases")
    field = next(f for f in bases["schema"]["fields"] if f["name"] == "base_id")
    text = field["description"]
    assert "SHA-256" in text and "ne dépend pas de la position" in text and "Collision" in text


@pytest.mark.parametrize("style", list(RETYPINGS))
def test_every_typology_retyped_moves_no_category(real_ods, real_sheets, cleaned, tmp_path, style):
    labels = sorted({c for row in real_sheets["Typologie"][1:] for c in row[:2] if c.strip()}, key=len, reverse=True)
    retyped = chain(*(retype(label, RETYPINGS[style](label)) for label in labels))
    carto = read_cartography(edit_ods(real_ods, tmp_path / "typologies.ods", {DATA_SHEET: retyped}))
    edited = clean(carto)
    columns = ["ligne_source", "typologie_1", "typologie_2"]
    assert edited.bases[columns].equals(cleaned.bases[columns])
    log = edited.anomalies[edited.anomalies["colonne"].isin(["typologie_1", "typologie_2"])]
    changed = log[log["regle"] != "typologie_inconnue"]
    kept = edited.bases.set_index("ligne_source")
    differing = {(line, key) for line, row in carto.rows for i, key in enumerate(["typologie_1", "typologie_2"])
                 if row[i] != kept.loc[line, key]}
    assert differing == set(zip(log["ligne_source"], log["colonne"], strict=True)) - {
        (r.ligne_source, r.colonne) for r in log.itertuples() if r.valeur_source == r.valeur_retenue}
    assert len(changed) > 300  # every retyped cell (most of the 626) unified, each logged
    assert set(changed["regle"]) <= {"typologie_unifiee", "espaces_normalises"}
    assert (log["regle"] == "typologie_inconnue").sum() == 1  # the official file's one misplaced pair, still
