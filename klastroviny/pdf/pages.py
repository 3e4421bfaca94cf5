"""Where an entry's profile is in a built bulletin, and its pages cut out of it: for the
proofs and the visitor's extract, which show the profiles exactly as they print."""

from __future__ import annotations

import io

from klastroviny.errors import KlastrovinyError


def entry_pages(bulletin: bytes, entry_ids: list[str]) -> dict[str, list[int]]:
    """Each entry's page indexes in the bulletin, from its named destinations (the profile's
    first page, `entry-<id>`, to its contact block, `entry-contacts-<id>`)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(bulletin))
    dests = reader.named_destinations
    found = {}
    for ident in entry_ids:
        first, last = f"entry-{ident}", f"entry-contacts-{ident}"
        if first not in dests:
            raise KlastrovinyError("pages", f"the bulletin has no page for {ident}")
        start = reader.get_destination_page_number(dests[first])
        end = reader.get_destination_page_number(dests[last]) if last in dests else start
        found[ident] = list(range(start, max(start, end) + 1))
    return found
