"""typeset: HTML → typeset units with WeasyPrint — unit jobs (pure: bytes in, bytes out), the
render cache, the worker processes (fork server, the back matter's worker), the sandbox of
resources and fonts.

May import: render (layouts, QR codes), pdf (a unit becomes a fragment in its worker), caching,
errors, resources."""
