"""docs/topology.md is what `b2b topology` prints from the declarations the runtime wires."""

from pathlib import Path

from runtime.topology import declared_parts
from shared.service.topology import markdown, reactions, readers

DOC = Path(__file__).resolve().parents[3] / "docs" / "topology.md"


def test_the_committed_topology_is_what_the_declarations_say() -> None:
    assert DOC.read_text() == markdown(declared_parts()), (
        "docs/topology.md is stale: run `.venv/bin/b2b topology > docs/topology.md`"
    )


def test_every_reaction_reads_events_its_source_owns() -> None:
    found = reactions(declared_parts())
    by_event = readers(found)
    assert any(r.service == "pricing" and r.kind == "policy" for r in by_event["OrderPlaced"])
    read = {(r.service, r.name, e) for rs in by_event.values() for r in rs for e in r.events}
    missed = [
        (r.service, r.name, e)
        for r in found
        for e in r.events
        if (r.service, r.name, e) not in read and r.source in {"order", "pricing"}
    ]
    assert missed == [], f"declared on a source that does not own them: {missed}"
