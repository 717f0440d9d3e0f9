#!/usr/bin/env python3
"""Writes tests/fixtures/taxonomy/achievement_texts.jsonl from achievements_src.py: each
hand-labelled achievement with its labels resolved to prefixed concept ids (ESCO preferred
label -> esco:skill/<uuid>; local ids as they are). Fails on a label that is not in ESCO v1.1.1.
Run from the repository root: python3 tools/taxonomy/build_achievements.py
"""
import csv, gzip, json, pathlib, sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from achievements_src import ITEMS, REVIEWED  # noqa: E402
import achievements_heldout_src  # noqa: E402

pref = {}
for row in csv.DictReader(gzip.open("index-data/esco/skills_en.csv.gz", "rt")):
    pref.setdefault(row["preferredLabel"], "esco:" + row["conceptUri"].split("/esco/")[1])
out = pathlib.Path("tests/fixtures/taxonomy/achievement_texts.jsonl")
with out.open("w") as f:
    for key, name, description, labels in ITEMS:
        labels = labels + REVIEWED.get(key, [])
        ids = [l if l.startswith("local:") else pref[l] for l in labels]
        row = {"id": key, "name": name, "description": description, "labels": ids, "label_names": labels,
               "reviewed_additions": REVIEWED.get(key, [])}
        f.write(json.dumps(row) + "\n")
print(f"wrote {len(ITEMS)} achievements to {out}")
heldout = pathlib.Path("tests/fixtures/taxonomy/achievement_texts_heldout.jsonl")
with heldout.open("w") as f:
    for key, name, description, labels in achievements_heldout_src.ITEMS:
        ids = [l if l.startswith("local:") else pref[l] for l in labels]
        extra = achievements_heldout_src.REVIEWED.get(key, [])
        reviewed = ids + [l if l.startswith("local:") else pref[l] for l in extra]
        f.write(json.dumps({"id": key, "name": name, "description": description, "labels": ids, "label_names": labels,
                            "reviewed_labels": reviewed, "reviewed_additions": extra}) + "\n")
print(f"wrote {len(achievements_heldout_src.ITEMS)} held-out achievements to {heldout}")
