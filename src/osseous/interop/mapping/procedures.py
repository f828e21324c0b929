"""Procedure: mCODE radiotherapy course summaries (SNOMED CT 1217123003), linked to the lesion
they treated (by ``reasonReference``, else by body site), as ``prior_radiotherapy``."""

from __future__ import annotations

import re
from typing import Final

from osseous.interop.mapping.collect import resolve
from osseous.interop.mapping.common import (
    Builder,
    Json,
    Res,
    as_dict,
    as_list,
    as_number,
    as_str,
    extensions,
    fhir_date,
    has_code,
    has_profile,
    problem,
    profiles_of,
    texts_of,
)
from osseous.interop.mapping.registry import maps
from osseous.interop.mapping.sites import bone_site
from osseous.interop.references import reference_key

RT_COURSE_PROFILE: Final = "radiotherapy-course-summary"
RT_COURSE_CODE: Final = "1217123003"  # Radiotherapy course of treatment (regime/therapy)


def _is_radiation(r: Json) -> bool:
    text = " ".join(texts_of(r.get("code"))).lower()
    return (any("radiation" in p or "radiotherapy" in p for p in profiles_of(r))
            or bool(re.search(r"radiation|radiotherapy|irradiation", text)))


def _site_key(concept: object) -> tuple[str, tuple[str, ...]] | None:
    found = bone_site(concept)
    return None if isinstance(found, str) else found


def _matching_lesions(key: tuple[str, tuple[str, ...]], candidates: list[Json]) -> list[Json]:
    site, levels = key
    out = []
    for lesion in candidates:
        if lesion["site"] != site:
            continue
        if site == "spine" and levels and lesion.get("levels"):
            if set(levels) & set(lesion["levels"]):
                out.append(lesion)
        elif site != "spine" or (not levels and not lesion.get("levels")):
            out.append(lesion)
    return out


def _rt_course(r: Json, dose_ext: Json | None) -> Json | str:
    course: Json = {}
    if dose_ext is not None:
        for sub in map(as_dict, as_list(dose_ext.get("extension"))):
            url = sub.get("url")
            if url == "totalDoseDelivered":
                q = as_dict(sub.get("valueQuantity"))
                value = as_number(q.get("value"))
                unit = (as_str(q.get("code")) or as_str(q.get("unit")) or "").lower()
                if value is None or unit not in ("cgy", "gy"):
                    return f"total dose {q.get('value')!r} {unit or '(no unit)'} not in cGy or Gy"
                course["dose_gy"] = round(value / 100, 4) if unit == "cgy" else value
            elif url == "fractionsDelivered":
                n = sub.get("valueUnsignedInt", sub.get("valuePositiveInt"))
                if isinstance(n, int) and not isinstance(n, bool):
                    course["fractions"] = n
    period = as_dict(r.get("performedPeriod"))
    when = (fhir_date(r.get("performedDateTime")) or fhir_date(period.get("end"))
            or fhir_date(period.get("start")))
    if when:
        course["date"] = when
    trouble = problem({"lesions": [{"id": "x", "site": "other",
                                    "prior_radiotherapy": [course]}]})
    if trouble:
        return f"radiotherapy course {course} not valid: {trouble}"
    return course


def _map_radiotherapy(res: Res, b: Builder) -> None:
    r = res.resource
    status = r.get("status")
    if status not in ("completed", "stopped"):
        b.unmap(res.label, f"radiotherapy course with status {status!r}: not a delivered course")
        return
    volumes = extensions(r, "dose-delivered-to-volume")
    targets: list[tuple[Json | None, list[Json]]] = []
    # 1. reasonReference to a condition that became lesions
    linked_ids = {
        lid for ref in as_list(r.get("reasonReference"))
        for lid in b.lesion_sources.get(reference_key(as_dict(ref).get("reference")) or "", [])
    }
    linked = [les for les in b.lesions if les["id"] in linked_ids]
    sites = [k for k in (_site_key(s) for s in as_list(r.get("bodySite"))) if k is not None]
    if len(volumes) <= 1:
        pool = linked or b.lesions
        matches = linked if len(linked) == 1 else [
            les for key in sites for les in _matching_lesions(key, pool)]
        targets.append((volumes[0] if volumes else None, matches))
    else:
        for vol in volumes:
            ref = next((as_str(as_dict(s.get("valueReference")).get("reference"))
                        for s in map(as_dict, as_list(vol.get("extension")))
                        if s.get("url") == "volume"), None)
            structure = resolve(b, ref)
            vol_key = _site_key(as_dict(structure).get("location")) if structure else None
            pool = linked or b.lesions
            targets.append((vol, _matching_lesions(vol_key, pool) if vol_key else []))
    for dose_ext, matches in targets:
        unique = {id(m): m for m in matches}
        if len(unique) != 1:
            why = "no imported lesion" if not unique else f"{len(unique)} lesions"
            b.unmap(res.label, f"radiotherapy course: its site matches {why}; not linked")
            continue
        lesion = next(iter(unique.values()))
        course = _rt_course(r, dose_ext)
        if isinstance(course, str):
            b.unmap(res.label, course)
            continue
        lesion.setdefault("prior_radiotherapy", []).append(course)
        b.use(res.label, f"lesions[{lesion['id']}].prior_radiotherapy", dict(course))


@maps("Procedure")
def map_procedures(procedures: list[Res], b: Builder) -> None:
    for res in procedures:
        r = res.resource
        if has_profile(r, RT_COURSE_PROFILE) or (
            has_code(r.get("code"), RT_COURSE_CODE)
        ):
            _map_radiotherapy(res, b)
        elif _is_radiation(r):
            b.unmap(res.label, "radiation procedure that is not a radiotherapy course summary "
                               "(no delivered dose or fractions); not linked to a lesion")
        else:
            b.ignore(res.label, "procedure not used by Osseous")
