"""The live preview, beside the stages like `proofs/` and `visitor/` (no stage imports it): a
local web page that shows the bulletin's pages as they print and every problem of the last
build, updated after each saved change.

`pages.py` turns a PDF into page images and knows which entry file made which page,
`state.py` holds what the page shows, `session.py` rebuilds — the changed profiles first, in a
warm worker, then the whole edition with the build's caches — and `server.py` serves the page,
its state and its images on a loopback address.
"""
