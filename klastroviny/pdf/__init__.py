"""pdf: typeset units → one PDF — fragments (a unit's objects, rewritable), extraction from
WeasyPrint's PDF, assembly into the bulletin, one subset program per bundled font.

May import: caching, errors, resources, bulletin (the link scheme). Never WeasyPrint."""
