"""Theme quality against human coders: the free-text themes and the codebook on real Grand Débat answers.

    python benchmarks/bench_themes.py [--gold ../shared/data/consultation-gold/grande_annotation.csv]

Reads the gold corpus where it lies (1,825 answers to 16 open questions, each coded by La Grande Annotation's
volunteers with its question's own tags; never copied into the project) and runs the project's own functions
on it: the lemmatisation (helpers.consultation.lemmas), the themes of each question with their number chosen
from the data (helpers.consultation.themes.analyse_texts) and the codebook (helpers.consultation.codes).

Scored, per question, on the answers whose top tag has at least 2 votes and is not a catch-all (« Sans
réponse / Hors sujet / Inclassable », « Z Autres »; the corpus README):
- themes: normalised mutual information (NMI, arithmetic mean) and adjusted Rand index of each answer's
  dominant theme against its human top tag, beside the NMI the same theme sizes get by chance (the themes
  shuffled among the answers, mean of 200 seeded draws): on a question of a dozen scored answers, chance alone
  reaches 0.2–0.5, so a small question's NMI says little;
- codebook: the human tags with more than 5 such answers become codes, each with 5 of them as examples
  (drawn with seed 2014); on the other answers whose top tag is a code, micro- and macro-F1 of the codes given
  (multi-label) against the human tags with at least 2 votes that are codes.

Questions are split once, before any tuning: ranked by size, every second one (the 2nd, 4th…) is held out;
the method's settings were chosen on the others. Targets (issue 19) are checked on the held-out questions:
themes NMI ≥ 0.45 on average and ≥ 0.35 each; codebook micro-F1 ≥ 0.45 on average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "consultation-gold" / "grande_annotation.csv"
CATCH_ALL = {"Sans réponse / Hors sujet / Inclassable", "Z Autres"}
EXAMPLES = 5
SEED = 2014


def split(sizes) -> tuple[list, list]:
    """(tuning, held-out) question ids: ranked by number of answers (then id), every second one held out."""
    ranked = sorted(sizes.index, key=lambda q: (-sizes[q], q))
    return ranked[0::2], ranked[1::2]


def scored(frame):
    """The answers a score counts: top tag with at least 2 votes, not a catch-all."""
    return (frame["top_tag_votes"] >= 2) & ~frame["top_tag"].isin(CATCH_ALL)


def codebook_scores(frame, lemmas: dict[str, str]):
    """(micro-F1, macro-F1, codes, answers scored) of a codebook of 5 examples per human tag, or None when the
    question has fewer than 2 tags with more than 5 scored answers."""
    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    from helpers.consultation.codes import code_texts
    from helpers.consultation.questionnaire import Code

    ok = frame[scored(frame)]
    rng = np.random.default_rng(SEED)
    examples = {tag: sorted(rng.choice(group.index.to_numpy(), EXAMPLES, replace=False).tolist())
                for tag, group in sorted(ok.groupby("top_tag")) if len(group) > EXAMPLES}
    if len(examples) < 2:
        return None
    # Raw answers, not a spec's texts: not validated (stripped), as they are the keys of `lemmas`.
    codes = tuple(Code.model_construct(label=tag, examples=tuple(frame.loc[rows, "answer"]))
                  for tag, rows in examples.items())
    used = {i for rows in examples.values() for i in rows}
    test = ok[~ok.index.isin(used) & ok["top_tag"].isin(examples)]
    documents = test.assign(numero=test.index, texte=test["answer"], lemmes=test["answer"].map(lemmas))
    coding = code_texts(documents, "q", codes, lemmas)
    given = coding.answers.groupby("numero")["code"].apply(set)
    truth = [{t for t, v in json.loads(votes).items() if v >= 2 and t in examples} | {top}
             for votes, top in zip(test["tags_votes"], test["top_tag"], strict=True)]
    predicted = [given.get(i, set()) for i in test.index]
    binary = MultiLabelBinarizer(classes=sorted(examples)).fit([sorted(examples)])
    y_true, y_pred = binary.transform(truth), binary.transform(predicted)
    return (f1_score(y_true, y_pred, average="micro", zero_division=0),
            f1_score(y_true, y_pred, average="macro", zero_division=0), len(examples), len(test))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="grande_annotation.csv (corpus de référence)")
    args = parser.parse_args()
    if not args.gold.is_file():
        print(f"corpus de référence absent ({args.gold}) : qualité des thèmes non mesurée")
        return 0
    os.environ.setdefault("CARTO_SANTE_OFFLINE", "1")
    import numpy as np
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from helpers.consultation.lemmas import lemmatise
    from helpers.consultation.themes import analyse_texts

    gold = pd.read_csv(args.gold, dtype={"question_id": str}, keep_default_na=False)
    gold["top_tag_votes"] = gold["top_tag_votes"].astype(int)
    lemmas = lemmatise(gold["answer"])
    by_text = dict(zip(gold["answer"], lemmas.fillna(""), strict=True))
    documents = pd.DataFrame({"numero": gold.index, "profil": "", "campagne": "", "question": gold["question_id"],
                              "texte": gold["answer"]})
    analysis = analyse_texts(documents, None, lemmas)
    tuning, held = split(gold["question_id"].value_counts())
    rows, rng = [], np.random.default_rng(SEED)
    for question in tuning + held:
        frame = gold[gold["question_id"] == question]
        mask = scored(frame)
        themes = analysis.documents.loc[frame.index[mask], "theme"]
        coding = codebook_scores(frame, by_text)
        rows.append({"question": question, "jeu": "réservée" if question in held else "réglage",
                     "réponses": len(frame), "notées": int(mask.sum()),
                     "étiquettes": frame.loc[mask, "top_tag"].nunique(),
                     "thèmes": int((analysis.themes["question"] == question).sum()),
                     "NMI": normalized_mutual_info_score(frame.loc[mask, "top_tag"], themes),
                     "hasard": np.mean([normalized_mutual_info_score(frame.loc[mask, "top_tag"],
                                                                     rng.permutation(themes.to_numpy()))
                                        for _ in range(200)]),
                     "ARI": adjusted_rand_score(frame.loc[mask, "top_tag"], themes),
                     "codes": coding[2] if coding else 0, "F1 micro": coding[0] if coding else float("nan"),
                     "F1 macro": coding[1] if coding else float("nan"), "testées": coding[3] if coding else 0})
    table = pd.DataFrame(rows)
    print("| Question | Jeu | Réponses | Notées | Étiquettes | Thèmes | NMI | NMI au hasard | ARI | Codes | F1 micro |",
          "F1 macro |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in table.itertuples(index=False):
        codes = f"{r[9]} | {r[10]:.2f} | {r[11]:.2f}" if r[9] else "— | — | —"
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]:.2f} | {r[7]:.2f} | {r[8]:.2f} |",
              f"{codes} |")
    for name, part in (("réglage", table[table["jeu"] == "réglage"]), ("réservées", table[table["jeu"] == "réservée"])):
        print(f"questions {name:9}: NMI moyenne {part['NMI'].mean():.3f} (min {part['NMI'].min():.3f}; au hasard "
              f"{part['hasard'].mean():.3f}), "
              f"ARI moyen {part['ARI'].mean():.3f}, F1 micro moyen {part['F1 micro'].mean():.3f} "
              f"(F1 macro {part['F1 macro'].mean():.3f}, {part['codes'].gt(0).sum()} questions codées)")
    out = table[table["jeu"] == "réservée"]
    met = {"NMI moyenne ≥ 0,45": out["NMI"].mean() >= 0.45, "NMI de chaque question ≥ 0,35": out["NMI"].min() >= 0.35,
           "F1 micro moyen ≥ 0,45": out["F1 micro"].mean() >= 0.45}
    print("cibles (questions réservées) : " + " ; ".join(f"{k} : {'atteinte' if v else 'non atteinte'}"
                                                          for k, v in met.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
