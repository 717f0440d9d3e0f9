#!/usr/bin/env python3
"""R-precision@K of `skillproof skills extract` on a labelled sentence set (JSON Lines with
"id", "text", "labels" = ESCO preferred labels). Development aid: the same metric is asserted
by tests/it/taxonomy. Usage:
  python3 tools/taxonomy/eval_extract.py [BINARY] [FILE]
"""
import csv, gzip, json, subprocess, sys, collections

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/skillproof"
path = sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/taxonomy/jobad_sentences_dev.jsonl"
pref = {}
for row in csv.DictReader(gzip.open("index-data/esco/skills_en.csv.gz", "rt")):
    pref[row["preferredLabel"]] = "esco:" + row["conceptUri"].split("/esco/")[1]
items = [json.loads(l) for l in open(path)]
inp = "\n".join(json.dumps({"id": it["id"], "text": it["text"]}) for it in items) + "\n"
out = subprocess.run([binary, "skills", "extract", "--limit", "10"], input=inp, capture_output=True, text=True, check=True).stdout
preds = {json.loads(l)["id"]: [s["id"] for s in json.loads(l)["skills"]] for l in out.splitlines()}
per = collections.defaultdict(lambda: collections.defaultdict(list))
for it in items:
    gold = {pref[l] for l in it["labels"]}
    ranked = preds[it["id"]]
    for k in (1, 5, 10):
        per[it["domain"]][k].append(len(set(ranked[:k]) & gold) / min(k, len(gold)))
    if "-v" in sys.argv:
        names = {v: k for k, v in pref.items()}
        print(it["id"], "|", it["text"][:80], "\n   gold:", it["labels"], "\n   top5:", [names.get(r, r) for r in ranked[:5]])
for domain, ks in per.items():
    print(domain, len(ks[5]), " ".join(f"RP@{k}={sum(v)/len(v):.3f}" for k, v in ks.items()))
