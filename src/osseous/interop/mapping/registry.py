"""The resource mappers, registered per resource type.

Each mapper module registers one function per resource type it reads with :func:`maps`; the
import calls them in :data:`ORDER` (conditions before procedures, because a radiotherapy course
is linked to the lesions the conditions created), each with every resource of its type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from osseous.interop.mapping.common import Builder, Res

Mapper = Callable[[list[Res], Builder], None]

#: The order in which the resource types are mapped.
ORDER: Final = ("Patient", "Condition", "Observation", "MedicationRequest",
                "MedicationStatement", "MedicationAdministration", "Procedure")
#: Read only through references from the resources above.
REFERENCED_ONLY: Final = frozenset({"Medication", "BodyStructure"})

MAPPERS: dict[str, Mapper] = {}


def maps(*resource_types: str) -> Callable[[Mapper], Mapper]:
    """Register a mapper for the given resource types."""
    def register(mapper: Mapper) -> Mapper:
        for rtype in resource_types:
            if rtype not in ORDER:
                raise ValueError(f"{rtype} is not in the mapping order")
            MAPPERS[rtype] = mapper
        return mapper
    return register
