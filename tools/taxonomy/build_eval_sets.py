#!/usr/bin/env python3
"""Builds the labelled evaluation sets of tests/fixtures/taxonomy/ from index-data/ alone,
deterministically (fixed seed). Not needed at run time; rerun after changing index-data.
  python3 tools/taxonomy/build_eval_sets.py
Outputs (see tests/fixtures/taxonomy/README.md for what each measures):
  job_texts.jsonl         ESCO occupation descriptions as job texts, an alternative label as the
                          title, essential skills as labels
  vocab_robustness.jsonl  ESCO skills queried by preferred label, an alternative label, a
                          one-edit typo, and a crosswalked NOC / O*NET code
  alignments.jsonl        declared OB alignments in the spellings issuers use, with the concept
                          each must resolve to (or the outcome it must report)
"""
import csv, gzip, json, random, re, pathlib

ROOT = pathlib.Path("index-data")
OUT = pathlib.Path("tests/fixtures/taxonomy")
rng = random.Random(20251123)


def rows(path, tsv=False):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(ROOT / path, "rt", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f, delimiter="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)


def esco_id(uri):
    rest = uri.split("/esco/", 1)[1]
    return "isco:" + rest[6:] if rest.startswith("isco/C") else "esco:" + rest


skills = {esco_id(r["conceptUri"]): r for r in rows("esco/skills_en.csv.gz")}
occupations = {esco_id(r["conceptUri"]): r for r in rows("esco/occupations_en.csv.gz")}
essential = {}
for r in rows("esco/occupationSkillRelations.csv.gz"):
    if r["relationType"] == "essential":
        essential.setdefault(esco_id(r["occupationUri"]), []).append(esco_id(r["skillUri"]))
onet_codes = {r["O*NET-SOC Code"] for r in rows("onet/occupation_data.tsv.gz", tsv=True)}
esco_to_onet = {}
for r in rows("onet/crosswalk_esco_onet_nesta_nov2020.csv.gz"):
    if r["onet_code"] in onet_codes:
        esco_to_onet.setdefault(esco_id(r["concept_uri"]), []).append(r["onet_code"])
onet_to_noc = {}
for r in rows("noc/noc2021_onet26_crosswalk.csv"):
    onet_to_noc.setdefault(r["onet"], []).append(r["noc"].zfill(5))
alts = lambda r: [a.strip() for a in r["altLabels"].split("\n") if a.strip() and a.strip().lower() != r["preferredLabel"].lower()]


def write(name, items):
    with open(OUT / name, "w") as f:
        for item in items:
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{name}: {len(items)}")


# 1. Job texts.
candidates = sorted(o for o in occupations if len(essential.get(o, [])) >= 5 and occupations[o]["description"].strip())
jobs = []
for occ in rng.sample(candidates, 150):
    r = occupations[occ]
    title = (alts(r) or [r["preferredLabel"]])[0]
    jobs.append({"id": occ, "title": title, "text": r["description"].strip(), "labels": sorted(set(essential[occ]))})
write("job_texts.jsonl", jobs)


# 2. Vocabulary robustness.
def typo(label):
    words = [w for w in re.findall(r"[A-Za-z]+", label)]
    word = max(words, key=len) if words else ""
    if len(word) < 5:
        return None
    i = rng.randrange(1, len(word) - 2)
    changed = word[:i] + word[i + 1] + word[i] + word[i + 2:] if rng.random() < 0.5 else word[:i] + word[i + 1:]
    if changed == word:
        changed = word[:i] + word[i + 1:]
    return label.replace(word, changed, 1)


reachable = {}
for occ, skill_ids in essential.items():
    for onet in esco_to_onet.get(occ, []):
        for skill in skill_ids:
            reachable.setdefault(skill, []).append((onet, occ))
pool = sorted(s for s in reachable if s in skills)
vocab = []
forms = ["noc:{noc}", "{noc}", "NOC {noc}", "{onet}", "https://www.onetonline.org/link/summary/{onet}"]
for n, skill in enumerate(rng.sample(pool, 300)):
    r = skills[skill]
    onet, via = sorted(reachable[skill])[0]
    nocs = sorted(onet_to_noc.get(onet, []))
    form = forms[n % len(forms)]
    if "{noc}" in form and not nocs:
        form = "{onet}"
    code = form.format(noc=nocs[0] if nocs else "", onet=onet)
    vocab.append({"id": skill, "preferred": r["preferredLabel"], "alternative": (alts(r) or [None])[0],
                  "typo": typo(r["preferredLabel"]), "code": code, "code_via": via})
write("vocab_robustness.jsonl", vocab)

# 3. Declared alignments.
align = []
def case(alignment, expect, why):
    align.append({"alignment": alignment, "expect": expect, "why": why})

esco_forms = [
    lambda i, r: ({"targetUrl": "http://data.europa.eu/esco/" + i[5:], "targetName": r["preferredLabel"], "targetFramework": "ESCO"}, "http URI"),
    lambda i, r: ({"targetUrl": "https://data.europa.eu/esco/" + i[5:], "targetName": r["preferredLabel"]}, "https URI, no framework"),
    lambda i, r: ({"targetUrl": "http://data.europa.eu/esco/" + i[5:] + "/", "targetFramework": "ESCO v1.1.1"}, "URI with trailing slash"),
    lambda i, r: ({"targetCode": i, "targetFramework": "ESCO", "targetName": r["preferredLabel"]}, "prefixed id in targetCode"),
    lambda i, r: ({"targetCode": i.split("/")[-1], "targetFramework": "ESCO skills pillar", "targetType": "ext:ESCOSkill"}, "bare UUID with ESCO framework"),
    lambda i, r: ({"targetName": r["preferredLabel"], "targetFramework": "ESCO", "targetType": "ceasn:Competency"}, "preferred label only, ESCO framework"),
]
for n, skill in enumerate(rng.sample(sorted(skills), 240)):
    alignment, why = esco_forms[n % len(esco_forms)](skill, skills[skill])
    case(alignment, skill, why)
for n, occ in enumerate(rng.sample(sorted(occupations), 60)):
    r = occupations[occ]
    if n % 2:
        case({"targetUrl": r["conceptUri"], "targetName": r["preferredLabel"], "targetType": "ext:ESCOOccupation"}, occ, "ESCO occupation URI")
    else:
        case({"targetCode": r["code"], "targetFramework": "ESCO occupations", "targetName": r["preferredLabel"]}, occ, "ESCO occupation code")
for n, code in enumerate(rng.sample(sorted(onet_codes), 60)):
    if n % 2:
        case({"targetUrl": f"https://www.onetonline.org/link/summary/{code}", "targetFramework": "O*NET-SOC 2019"}, f"onet:occ/{code}", "O*NET OnLine URL")
    else:
        case({"targetCode": code, "targetFramework": "O*NET-SOC"}, f"onet:occ/{code}", "O*NET-SOC code")
elements = sorted(r["Element ID"] for r in rows("onet/content_model_reference.tsv.gz", tsv=True) if r["Element ID"].startswith(("2.A", "2.B", "2.C")))
for code in rng.sample(elements, 40):
    case({"targetCode": code, "targetFramework": "O*NET Content Model"}, f"onet:el/{code}", "O*NET content-model element")
nocs = sorted(r["noc_code"] for r in rows("noc/noc2021_unit_groups.csv"))
for n, code in enumerate(rng.sample(nocs, 60)):
    if n % 3 == 0:
        case({"targetCode": code, "targetFramework": "NOC 2021"}, f"noc:{code}", "NOC 2021 code")
    elif n % 3 == 1:
        case({"targetUrl": f"https://noc.esdc.gc.ca/Structure/NocProfile?code={code}&version=2021.0", "targetFramework": "National Occupational Classification"}, f"noc:{code}", "NOC profile URL")
    else:
        case({"targetCode": f"{code}.00", "targetFramework": "OaSIS 2023"}, f"noc:{code}", "OaSIS profile code")
iscos = sorted(r["code"] for r in rows("esco/ISCOGroups_en.csv.gz") if len(r["code"]) == 4)
for code in rng.sample(iscos, 20):
    case({"targetUrl": f"http://data.europa.eu/esco/isco/C{code}", "targetFramework": "ISCO-08"}, f"isco:{code}", "ISCO group URI")
for r in rows("local/local_skills.csv"):
    case({"targetCode": r["id"], "targetFramework": "skillproof local skills", "targetName": r["pref_label"]}, r["id"], "local concept")
# Negative cases: must be reported, not resolved and not dropped.
for n in range(10):
    case({"targetUrl": f"https://credentialengineregistry.org/resources/ce-{rng.getrandbits(64):016x}", "targetFramework": "Credential Engine", "targetType": "ceasn:Competency", "targetName": "Competency " + str(n)}, "unknown_framework", "CTDL competency (framework we do not hold)")
for n in range(5):
    case({"targetUrl": f"https://caseregistry.imsglobal.org/uri/{rng.getrandbits(64):016x}", "targetType": "CFItem", "targetFramework": "State standards", "targetName": "Standard " + str(n)}, "unknown_framework", "CASE item")
for n in range(5):
    case({"targetUrl": f"http://data.europa.eu/esco/skill/00000000-0000-0000-0000-{n:012d}", "targetFramework": "ESCO"}, "unknown_concept", "ESCO URI that does not exist")
write("alignments.jsonl", align)
