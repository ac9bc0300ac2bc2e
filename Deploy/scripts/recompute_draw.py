#!/usr/bin/env python3
"""Recompute a kaohe spot-check draw (随机抽查核验) from its exported record with the public
consistent_sampler package, independently of kaohe:  pip install consistent_sampler
Usage: python3 recompute_draw.py spot-check-990101-2026-1.json   (exit 0 match, 1 mismatch)"""
import hashlib, json, math, sys
import consistent_sampler

record = json.load(open(sys.argv[1], encoding="utf-8"))
sel, ok = record["selection"], True
codes = sorted((u["code"] for u in record["population"]), key=lambda c: c.encode())
population_hash = hashlib.sha256("\n".join(codes).encode()).hexdigest()
print("population hash", population_hash, "match" if population_hash == record["populationHash"] else "MISMATCH")
ok &= population_hash == record["populationHash"]

# Per stratum (committee, or the whole county): ceil(p% x size) units in ascending ticket order.
strata = {}
for u in record["population"]:
    strata.setdefault(u["committee"] if sel["stratification"] == "committee" else "county", []).append(u["code"])
recorded = {s["name"]: [(x["ticket"], x["code"]) for x in s["selected"]] for s in sel["strata"]}
for name, members in sorted(strata.items(), key=lambda kv: kv[0].encode()):
    size = math.ceil(sel["percent"] * len(members) / 100)
    drawn = [(t, c) for t, c, _ in consistent_sampler.sampler(members, seed=sel["seed"], take=size, digits=100)]
    same = drawn == recorded.get(name)
    ok &= same
    print(f"stratum {name}: {size} of {len(members)}", "match" if same else f"MISMATCH {drawn} != {recorded.get(name)}")

# 双随机: per selected unit, in the record's order, the first reviewersPerUnit eligible reviewers
# (not of the unit's committee nor of its department: 回避) by ticket under seed + "/reviewers/" + code.
units = {u["code"]: u for u in record["population"]}
for a in record["reviewerAssignments"]:
    u = units[a["unitCode"]]
    eligible = [r["id"] for r in record["reviewerRegister"]
                if r.get("committee") != u["committee"] and (r.get("department") is None or r.get("department") != u.get("department"))]
    seed = sel["seed"] + "/reviewers/" + a["unitCode"]
    drawn = [(t, i) for t, i, _ in consistent_sampler.sampler(eligible, seed=seed, take=record["reviewersPerUnit"], digits=100)] if eligible else []
    same = drawn == [(r["ticket"], r["id"]) for r in a["reviewers"]]
    ok &= same
    if not same: print("reviewers of", a["unitCode"], "MISMATCH", drawn, a["reviewers"])
print("reviewers:", len(record["reviewerAssignments"]), "units", "match" if ok else "")
print("MATCH" if ok else "MISMATCH")
sys.exit(0 if ok else 1)
