"""Plain-text rendering of CLI output (JSON output needs no rendering)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from osseous.report import interpretation, labels


def score_text(d: Mapping[str, Any]) -> str:
    head = labels.score_result(d)
    if d.get("lesion"):
        head = f"[{d['lesion']}] {head}"
    lines = [head]
    comps = d.get("components") or {}
    if comps:
        lines.append("  points: " + labels.components(comps).replace(" · ", ", "))
    if d.get("missing"):
        lines.append("  missing: " + labels.fields(d["missing"]))
    lines.extend(f"  note: {n}" for n in d.get("notes") or ())
    lines.append("  sources: " + ", ".join(d.get("references") or ()))
    return "\n".join(lines)


def _noms_line(n: Mapping[str, Any]) -> str:
    neuro, onco, mech, sysm = (n["neurologic"], n["oncologic"], n["mechanical"], n["systemic"])
    escc = (f"ESCC {neuro['escc']} ({labels.band('escc', neuro.get('escc_band'))})"
            if neuro.get("escc") else "ESCC not graded")
    sins = (f"SINS {mech['sins']} ({labels.band('sins', mech.get('sins_band'))})"
            if mech.get("sins") is not None else "SINS incomplete")
    sensitivity = onco.get("radiosensitivity") or "not classified"
    ecog = f"ECOG {sysm['ecog']}" if sysm.get("ecog") is not None else "ECOG unknown"
    return (f"  {n['lesion']}: neurologic {escc}, deficit "
            f"{labels.value(neuro.get('neurological_deficit'))}; oncologic {sensitivity}"
            f" ({labels.plain(onco['source'])}); mechanical {sins}; systemic {ecog}, "
            f"fit for surgery {labels.value(sysm.get('surgical_candidate'))}")


def _rec_line(r: Mapping[str, Any]) -> list[str]:
    where = f" [{r['lesion']}]" if r.get("lesion") and r["lesion"] not in r["title"] else ""
    return [f"    - {r['title']}{where} ({labels.STRENGTH[r['strength']]}, "
            f"{labels.URGENCY_SHORT[r['urgency']]})",
            f"      why: {r['rationale']}",
            "      sources: " + ", ".join(r.get("references") or ())]


def _plan_lines(doc: Mapping[str, Any]) -> list[str]:
    recs = doc.get("recommendations") or []
    by_key = {(r["id"], r.get("lesion")): r for r in recs}
    problems = doc.get("problems")
    out: list[str] = []
    if problems:
        out.append("\nPROBLEMS (most urgent first)")
        for p in problems:
            status = "" if p["status"] == "active" else f"; {labels.PROBLEM_STATUS[p['status']]}"
            out.append(f"  {labels.URGENCY_SHORT[p['urgency']].upper():9} {p['title']}{status}")
            if p.get("note"):
                out.append(f"            {p['note']}")
            for o in p.get("options") or ():
                rec = by_key.get((o["recommendation"], o.get("lesion")))
                if rec is not None:
                    out.append(f"            {labels.ROLE[o['role']]}: {rec['title']} "
                               f"({labels.STRENGTH[rec['strength']]})")
        return out
    if recs:
        out.append("\nPLAN")
        family = None
        for r in recs:
            if r["modality"] != family:
                family = r["modality"]
                out.append(f"  {labels.FAMILY[family].upper()}")
            out.extend(_rec_line(r))
    return out


def assessment_text(doc: Mapping[str, Any]) -> str:
    """The assessment for a person: plain words above the DETAIL line, the rule trace (ids,
    facts) below it."""
    case = doc.get("case") or "without an id"
    out = [f"Osseous assessment of case {case} on {doc['assessed_on']}"]
    alerts = doc.get("alerts") or []
    if alerts:
        out.append("\nALERTS")
        for a in alerts:
            where = f" [{a['lesion']}]" if a.get("lesion") else ""
            out.append(f"  !! {labels.SEVERITY[a['severity']].upper()}{where}: {a['message']}")
    if doc.get("noms"):
        out.append("\nNOMS (spine)")
        out.extend(_noms_line(n) for n in doc["noms"])
    out.append("\nSCORES")
    out.extend("  " + score_text(s).replace("\n", "\n  ") for s in doc.get("scores") or ())
    out.extend(_plan_lines(doc))
    if doc.get("problems"):
        out.append("\nOPTIONS IN DETAIL")
        for r in doc.get("recommendations") or ():
            out.extend(_rec_line(r))
    needs = doc.get("needs_data") or []
    if needs:
        out.append("\nMISSING INFORMATION")
        for n in needs:
            where = f" [{n['lesion']}]" if n.get("lesion") else ""
            out.append(f"  {labels.rule(n['for'])}{where}: " + labels.fields(n["missing"]))
    workup = (doc.get("workup") or {}).get("items") or []
    if workup:
        out.append("\nWORK-UP")
        out.extend(workup_lines(workup))
    if doc.get("ignored_fields") or doc.get("trace"):
        out.append("\nDETAIL (for checking: rule ids and case fields)")
    if doc.get("ignored_fields"):
        out.append("  fields not part of osseous.case/1, ignored: "
                   + ", ".join(doc["ignored_fields"]))
    if doc.get("trace"):
        out.append("  TRACE")
    for t in doc.get("trace") or ():
        out.append(f"  {t['rule']} v{t['version']}: {t['status']}")
        out.extend("    " + ", ".join(f"{k}={v}" for k, v in f.items() if v is not None)
                   for f in t["findings"])
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


def formula_text(name: str, data: Mapping[str, Any]) -> str:
    """A formula's result in words (the JSON output keeps the field names)."""
    out = [labels.score(name)]
    out.extend(f"  {label}: {shown}" for label, shown in interpretation.formula_rows(data))
    out.append("  sources: " + ", ".join(data.get("references") or ()))
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
        out.append(f"  {labels.URGENCY_SHORT[i['urgency']].upper():9} {i['investigation']}"
                   f"{where}")
        out.append(f"            why: {labels.plain(i['reason'])}")
        if i.get("unlocks"):
            out.append("            unlocks: " + ", ".join(labels.rule(u) for u in i["unlocks"]))
    return out


def workup_text(doc: Mapping[str, Any]) -> str:
    items = doc.get("items") or []
    if not items:
        return "Work-up: nothing missing and nothing out of date."
    return "\n".join(["WORK-UP", *workup_lines(items)])


def triage_text(result: Mapping[str, Any]) -> str:
    def condition(c: Mapping[str, Any]) -> str:
        return str(c["condition"]).replace("-", " ").capitalize()

    concerns = result["concerns"]
    said = "; ".join(f"{condition(c)} ({c['urgency']})" for c in concerns) or "no concern"
    left = len(result["unanswered"])
    if left:
        said += (f". {left} red-flag question{'s' if left != 1 else ''} not yet asked: ask "
                 "them now, they could make this more urgent")
    out = [f"URGENCY: {result['urgency'].upper()}", said]
    for c in concerns:
        out.append(f"\n{condition(c)} ({c['urgency']})")
        out.append(f"  do now: {c['do_now']}")
        out.append(f"  why: {c['why']}")
        out.append(f"  because: {', '.join(c['triggered_by'])}")
        out.append(f"  references: {', '.join(c['references'])}")
    if result["unanswered"]:
        out.append("\nNOT YET ASKED (unknown is not no):")
        out.extend(f"  - {u['ask']}" for u in result["unanswered"])
    return "\n".join(out)
