"""For the visitor at the stand and after it (docs/visitor.md): `extract.py` makes the small PDF
of the clusters a visitor asked about, with their contacts as a vCard file; `site.py` the web
edition that works offline. Beside the stages, after the build, like proofs/: it may import
every stage and build.py; no stage imports it."""
