"""Plain-text rendering of CLI output (JSON output needs no rendering)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _fmt_total(d: Mapping[str, Any]) -> str:
    if d.get("score") == "escc":
        return f"grade {d.get('grade')}" if d.get("grade") else "not graded"
    if d["status"] == "complete":
        unit = f" {d['unit']}" if d.get("unit") else ""
        return f"{d['total'] if d['total'] is not None else ''}{unit}".strip()
    rng = d.get("range")
    return f"incomplete (possible {rng[0]}-{rng[1]})" if rng else "incomplete"


def score_text(d: Mapping[str, Any]) -> str:
    head = d["score"] + (f" [{d['lesion']}]" if d.get("lesion") else "")
    band = f" -> {d['band']}" if d.get("band") else ""
    lines = [f"{head}: {_fmt_total(d)}{band}"]
    comps = d.get("components") or {}
    if comps:
        lines.append("  " + ", ".join(f"{k} {'?' if v is None else v}" for k, v in comps.items()))
    if d.get("missing"):
        lines.append("  missing: " + ", ".join(d["missing"]))
    lines.extend(f"  note: {n}" for n in d.get("notes") or ())
    lines.append("  references: " + ", ".join(d.get("references") or ()))
    return "\n".join(lines)


def assessment_text(doc: Mapping[str, Any]) -> str:
    out = [f"Osseous assessment of case {doc.get('case') or '(no id)'} on {doc['assessed_on']}"]
    alerts = doc.get("alerts") or []
    if alerts:
        out.append("\nALERTS")
        for a in alerts:
            where = f" [{a['lesion']}]" if a.get("lesion") else ""
            out.append(f"  !! {a['severity'].upper()}{where}: {a['message']}")
    for n in doc.get("noms") or ():
        if n is doc["noms"][0]:
            out.append("\nNOMS (spine)")
        neuro, onco, mech, sysm = (n["neurologic"], n["oncologic"], n["mechanical"],
                                   n["systemic"])
        sensitivity = onco["radiosensitivity"] or "unclassified"
        out.append(f"  {n['lesion']}: N ESCC {neuro['escc']} ({neuro['escc_band']}), deficit "
                   f"{neuro['neurological_deficit']}; O {sensitivity}"
                   f" ({onco['source']}); M SINS {mech['sins']} ({mech['sins_band']}); "
                   f"S ECOG {sysm['ecog']}, surgical candidate {sysm['surgical_candidate']}")
    out.append("\nSCORES")
    out.extend("  " + score_text(s).replace("\n", "\n  ") for s in doc.get("scores") or ())
    recs = doc.get("recommendations") or []
    if recs:
        out.append("\nPLAN")
        family = None
        for r in recs:
            if r["modality"] != family:
                family = r["modality"]
                out.append(f"  {family.upper()}")
            where = f" [{r['lesion']}]" if r.get("lesion") else ""
            out.append(f"    - {r['title']}{where} ({r['strength']}, {r['urgency']})")
            out.append(f"      why: {r['rationale']}")
            out.append("      sources: " + ", ".join(r.get("references") or ()))
    if doc.get("trace"):
        out.append("\nTRACE")
    for t in doc.get("trace") or ():
        out.append(f"  {t['rule']} v{t['version']}: {t['status']}")
        out.extend("    " + ", ".join(f"{k}={v}" for k, v in f.items() if v is not None)
                   for f in t["findings"])
    needs = doc.get("needs_data") or []
    if needs:
        out.append("\nNEEDS DATA")
        for n in needs:
            where = f" [{n['lesion']}]" if n.get("lesion") else ""
            out.append(f"  {n['for']}{where}: " + ", ".join(n["missing"]))
    workup = (doc.get("workup") or {}).get("items") or []
    if workup:
        out.append("\nWORK-UP")
        out.extend(workup_lines(workup))
    if doc.get("ignored_fields"):
        out.append("\nIGNORED FIELDS (not part of osseous.case/1): "
                   + ", ".join(doc["ignored_fields"]))
    return "\n".join(out)


def table_text(rows: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for r in rows:
        out.append(f"{r['id']}  ({r['per']}) {r['name']}")
        out.append("    inputs: " + "; ".join(r["inputs"]))
        out.append("    references: " + ", ".join(r["references"]))
    return "\n".join(out)


def references_text(rows: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for r in rows:
        ids = " ".join(x for x in (f"doi:{r['doi']}" if r.get("doi") else "",
                                   f"PMID {r['pmid']}" if r.get("pmid") else "",
                                   r.get("url") or "") if x)
        out.append(f"{r['id']}\n    {r['citation']}" + (f"\n    {ids}" if ids else ""))
    return "\n".join(out)


def mapping_text(name: str, data: Mapping[str, Any]) -> str:
    out = [name]
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], Mapping):
            out.append(f"  {k}:")
            out.extend("    " + ", ".join(f"{kk} {vv}" for kk, vv in item.items()) for item in v)
        else:
            out.append(f"  {k}: {v}")
    return "\n".join(out)


def rules_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """docs/clinical/rules.md: every rule, its logic in words, its sources and version."""
    out = ["# Rules", "",
           "Every rule of the plan engine, in the order it runs, with its logic in words, its "
           "version and its sources (ids in `osseous references`). Generated by "
           "`osseous rules --format markdown`; a test keeps this file in step with the code.",
           ""]
    family = None
    for r in rows:
        if r["family"] != family:
            family = r["family"]
            out += [f"## {family}", ""]
        out += [f"### `{r['id']}` (version {r['version']})", "", r["summary"], "",
                "Sources: " + ", ".join(f"`{ref}`" for ref in r["references"]), ""]
    return "\n".join(out)


def rules_text(rows: Sequence[Mapping[str, Any]]) -> str:
    out = []
    for r in rows:
        out.append(f"{r['id']}  [{r['family']}] v{r['version']}")
        out.append(f"    {r['summary']}")
        out.append("    references: " + ", ".join(r["references"]))
    return "\n".join(out)


def workup_lines(items: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for i in items:
        where = f" [{', '.join(i['lesions'])}]" if i.get("lesions") else ""
        out.append(f"  {i['urgency'].upper():9} {i['investigation']}{where}")
        out.append(f"            why: {i['reason']}")
        if i.get("unlocks"):
            out.append(f"            unlocks: {', '.join(i['unlocks'])}")
    return out


def workup_text(doc: Mapping[str, Any]) -> str:
    items = doc.get("items") or []
    if not items:
        return "Work-up: nothing missing and nothing out of date."
    return "\n".join(["WORK-UP", *workup_lines(items)])


def triage_text(result: Mapping[str, Any]) -> str:
    out = [f"URGENCY: {result['urgency'].upper()}", result["summary"]]
    for c in result["concerns"]:
        out.append(f"\n{c['condition']} ({c['urgency']})")
        out.append(f"  do now: {c['do_now']}")
        out.append(f"  why: {c['why']}")
        out.append(f"  because: {', '.join(c['triggered_by'])}")
        out.append(f"  references: {', '.join(c['references'])}")
    if result["unanswered"]:
        out.append("\nNOT YET ASKED (unknown is not no):")
        out.extend(f"  - {u['ask']}" for u in result["unanswered"])
    return "\n".join(out)
