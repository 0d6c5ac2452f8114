"""Requests per base and per producer, in respondents, and the mentions left for a human to review.

A respondent who names a base several times (or in several questions) counts once for it. Campaign
answers count as the respondents they are, and the tables say how many of them come from campaigns.
Only accepted matches count; « à vérifier » and « ambiguë » mentions are listed with their candidates,
unmatched ones grouped as the datasets missing from the cartography.
"""

from __future__ import annotations

import pandas as pd

from helpers.cartography.producers import one_row_per_producer
from helpers.consultation.matching import (
    ACCEPTED,
    AMBIGUOUS,
    REVIEW,
    STATUS_LABELS,
    UNMATCHED,
    group_unmatched,
    similarity,
)
from helpers.consultation.redaction import publishable_series
from helpers.core.config import data_file
from helpers.core.text import slugify

PROFILE_PREFIX = "n_profil_"


def profile_columns(profiles: list[str]) -> dict[str, str]:
    """A column name per respondent category, ``n_profil_<slug>`` (slug cut at 40 characters,
    « _2 », « _3 »… appended when two categories give the same name), as {category: column}."""
    out: dict[str, str] = {}
    for profile in profiles:
        base = PROFILE_PREFIX + slugify(profile).replace("-", "_")[:40]
        name, i = base, 2
        while name in out.values():
            name, i = f"{base}_{i}", i + 1
        out[profile] = name
    return out


def requests_per_base(accepted: pd.DataFrame, bases: pd.DataFrame, analysed: pd.DataFrame) -> pd.DataFrame:
    """Requests per base of the cartography, in respondents.

    Parameters
    ----------
    accepted : DataFrame
        ``accepted_pairs`` (numero, base_id, question).
    bases : DataFrame
        ``bases.csv`` (base name and producer of each base_id).
    analysed : DataFrame
        The analysed answers (numero, profil, campagne).

    Returns
    -------
    DataFrame
        ``consultation_demandes``: one row per base named at least once, most requested first; base_id, base,
        gestionnaire, n_repondants, part_repondants (of analysed answers, 0–1, 4 decimals), n_dont_campagnes,
        then one ``n_profil_<slug>`` count per category (``profile_columns``)."""
    pairs = accepted.drop_duplicates(["numero", "base_id"]).merge(analysed[["numero", "profil", "campagne"]],
                                                                    on="numero")
    names = bases.drop_duplicates("base_id").set_index("base_id")
    table = pairs.groupby("base_id").agg(n_repondants=("numero", "size"),
                                         n_dont_campagnes=("campagne", lambda s: int((s != "").sum())))
    table = table.reset_index()
    table.insert(1, "base", table["base_id"].map(names["base"]))
    table.insert(2, "gestionnaire", table["base_id"].map(names["gestionnaire"]))
    table.insert(4, "part_repondants", (table["n_repondants"] / max(len(analysed), 1)).round(4))
    columns = profile_columns(sorted(analysed["profil"].unique()))
    by_profile = pairs.groupby(["base_id", "profil"]).size().unstack(fill_value=0)
    for profile, column in columns.items():
        values = by_profile[profile] if profile in by_profile.columns else pd.Series(dtype=int)
        table[column] = table["base_id"].map(values).fillna(0).astype(int)
    return table.sort_values(["n_repondants", "base_id"], ascending=[False, True]).reset_index(drop=True)


def requests_per_producer(accepted: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """``consultation_par_gestionnaire``: one row per producer of the cartography, most requested
    first; gestionnaire, n_repondants (respondents naming at least one of its bases), n_bases_demandees,
    n_bases (its bases). A co-managed base counts for each of its producers; producers never named have 0."""
    owners = bases.drop_duplicates("base_id")[["base_id", "gestionnaires"]]
    owners = one_row_per_producer(owners)
    rows = accepted.drop_duplicates(["numero", "base_id"]).merge(owners[["base_id", "gestionnaire"]], on="base_id")
    table = rows.groupby("gestionnaire").agg(n_repondants=("numero", "nunique"),
                                             n_bases_demandees=("base_id", "nunique"))
    all_bases = owners.groupby("gestionnaire")["base_id"].nunique().rename("n_bases")
    table = table.join(all_bases, how="right").fillna(0).astype(int).reset_index()
    return table.sort_values(["n_repondants", "gestionnaire"], ascending=[False, True]).reset_index(drop=True)


def matching_table(mentions: pd.DataFrame, matches: pd.DataFrame, bases: pd.DataFrame,
                   screened: pd.DataFrame) -> pd.DataFrame:
    """``consultation_rapprochements``: one row per distinct mention key of the analysed answers, most
    respondents first; columns cle, mention (most written spelling, published), variantes (up to five others),
    n_repondants, n_mentions, questions (ids joined by « | »), statut, statut_libelle, methode, score (0–100),
    base_id and base (when matched), candidats (base ids joined by « | »). A campaign's pasted copies
    (`screened`: ``screening.screen``'s numero, campagne, question_campagne) count as one writer of their
    spelling, so that a key is not named by a fragment of its letter (« demandons l'ouverture du SNIIRAM »)."""
    limit = data_file("consultation.yml")["publication"]["mention_max"]
    flags = screened.set_index("numero")
    campaign = mentions["numero"].map(flags["campagne"]).fillna("")
    pasted = (campaign != "") & (mentions["question"] == mentions["numero"].map(flags["question_campagne"]))
    writers = mentions["numero"].astype(str).where(~pasted, campaign)
    spelling = (mentions.assign(_writer=writers).groupby(["cle", "mention"])["_writer"].nunique()
                .reset_index(name="n"))
    spelling = spelling.sort_values(["cle", "n", "mention"], ascending=[True, False, True])
    stats = mentions.groupby("cle").agg(n_repondants=("numero", "nunique"), n_mentions=("numero", "size"),
                                        questions=("question", lambda s: "|".join(sorted(set(s)))))
    table = matches.merge(stats.reset_index(), on="cle")
    table["mention"] = table["cle"].map(spelling.drop_duplicates("cle").set_index("cle")["mention"])
    table["variantes"] = table["cle"].map(spelling.groupby("cle")["mention"].apply(
        lambda s: " ; ".join(s.iloc[1:6])))
    for column in ("mention", "variantes"):
        table[column] = publishable_series(table[column], limit)
    names = bases.drop_duplicates("base_id").set_index("base_id")["base"]
    table["base"] = table["base_id"].map(names).fillna("")
    table["statut_libelle"] = table["statut"].map(STATUS_LABELS)
    columns = ["cle", "mention", "variantes", "n_repondants", "n_mentions", "questions", "statut", "statut_libelle",
               "methode", "score", "base_id", "base", "candidats"]
    return table[columns].sort_values(["n_repondants", "cle"], ascending=[False, True]).reset_index(drop=True)


def review_list(table: pd.DataFrame, mentions: pd.DataFrame, bases: pd.DataFrame,
                analysed: pd.DataFrame) -> pd.DataFrame:
    """``consultation_non_rapprochees``: the mentions a human must read.

    First the unmatched mentions grouped into missing datasets (``matching.group_unmatched``), one row per
    group named by its most written spelling (ties: the spelling closest to all others), numbered ``groupe``
    M001… from the most requested; then the « à vérifier » and « ambiguë » mentions with up to five candidate
    bases (« id name »). Columns statut (French label), groupe, mention, variantes, n_repondants,
    n_dont_campagnes (those of them in a campaign of `analysed`: a group only a campaign's letter made is read
    so), n_mentions, questions, score (NaN for groups), candidats."""
    names = bases.drop_duplicates("base_id").set_index("base_id")["base"]
    campaigners = set(analysed.loc[analysed["campagne"] != "", "numero"])

    def in_campaigns(keys) -> int:
        return len(set(mentions.loc[mentions["cle"].isin(keys), "numero"]) & campaigners)

    unmatched = table[table["statut"] == UNMATCHED]
    groups = group_unmatched(unmatched[["cle", "n_repondants"]])
    rows = []
    for _, keys in groups.groupby(groups, sort=True):
        members = unmatched.set_index("cle").loc[list(keys.index)]
        # The group is named by its most written spelling; on ties, by the one closest to all the others
        # (a typo is one slip from the right spelling, two from another typo).
        members = members.assign(_centre=similarity(list(members.index), list(members.index)).sum(axis=1))
        members = members.sort_values(["n_repondants", "n_mentions", "_centre", "mention"],
                                      ascending=[False, False, False, True])
        lead = members.iloc[0]
        others = [m for m in members["mention"] if m != lead["mention"]][:5]
        rows.append({"statut": STATUS_LABELS[UNMATCHED], "groupe": "", "mention": lead["mention"],
                     "variantes": " ; ".join(others),
                     "n_repondants": int(mentions.loc[mentions["cle"].isin(keys.index), "numero"].nunique()),
                     "n_dont_campagnes": in_campaigns(keys.index), "n_mentions": int(members["n_mentions"].sum()),
                     "questions": "|".join(sorted({q for qs in members["questions"] for q in qs.split("|")})),
                     "score": float("nan"), "candidats": ""})
    for status in (REVIEW, AMBIGUOUS):
        for row in table[table["statut"] == status].itertuples():
            ids = [c for c in row.candidats.split("|") if c]
            rows.append({"statut": STATUS_LABELS[status], "groupe": "", "mention": row.mention,
                         "variantes": row.variantes, "n_repondants": row.n_repondants,
                         "n_dont_campagnes": in_campaigns([row.cle]), "n_mentions": row.n_mentions,
                         "questions": row.questions, "score": row.score,
                         "candidats": " ; ".join(f"{i} {names.get(i, '')}" for i in ids[:5])
                         + (f" ; … ({len(ids)} bases)" if len(ids) > 5 else "")})
    out = pd.DataFrame(rows, columns=["statut", "groupe", "mention", "variantes", "n_repondants", "n_dont_campagnes",
                                      "n_mentions", "questions", "score", "candidats"])
    order = {STATUS_LABELS[s]: i for i, s in enumerate((UNMATCHED, REVIEW, AMBIGUOUS))}
    out["_o"] = out["statut"].map(order)
    out = out.sort_values(["_o", "n_repondants", "mention"], ascending=[True, False, True]).reset_index(drop=True)
    absent = out["statut"] == STATUS_LABELS[UNMATCHED]
    out.loc[absent, "groupe"] = [f"M{i:03d}" for i in range(1, int(absent.sum()) + 1)]  # M001: most requested
    return out.drop(columns="_o")


def accepted_pairs(mentions: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """(numero, base_id, question) of every mention whose key was accepted (``matching.ACCEPTED``);
    a respondent naming a base twice gives two rows (callers drop duplicates on numero × base_id)."""
    joined = mentions.merge(matches[matches["statut"] == ACCEPTED][["cle", "base_id"]], on="cle")
    return joined[["numero", "base_id", "question"]]
