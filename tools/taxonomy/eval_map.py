#!/usr/bin/env python3
"""Precision/recall of text mapping (`skillproof skills map`) on achievement_texts.jsonl at the
default threshold. Development aid; tests/it/taxonomy asserts the same figures.
Usage: python3 tools/taxonomy/eval_map.py [BINARY] [-v]"""
import json, subprocess, sys, tempfile

binary = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "target/release/skillproof"
tp = fp = fn = 0
for line in open("tests/fixtures/taxonomy/" + (sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("-") else "achievement_texts.jsonl")):
    item = json.loads(line)
    cred = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {"achievement": {"id": "urn:x:" + item["id"], "type": ["Achievement"], "name": item["name"], "description": item["description"]}}}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as tmp:
        json.dump(cred, tmp); tmp.flush()
        out = subprocess.run([binary, "skills", "map", tmp.name, "--format", "json"], capture_output=True, text=True).stdout
    mapped = json.loads(out)
    got = {s["id"]: s for s in mapped["skills"] if s["method"] == "text"}
    gold = set(item["labels"])
    tp += len(set(got) & gold); fp += len(set(got) - gold); fn += len(gold - set(got))
    if "-v" in sys.argv and (set(got) != gold):
        print(item["id"], item["description"][:70])
        for i in set(got) - gold: print("   FP", got[i]["label"], round(got[i]["confidence"], 2), [e["span"]["text"] for e in got[i]["evidence"] if e.get("span")])
        for i in gold - set(got): print("   FN", i, item["label_names"][item["labels"].index(i)])
print(f"precision={tp/max(1,tp+fp):.3f} recall={tp/max(1,tp+fn):.3f} tp={tp} fp={fp} fn={fn}")
