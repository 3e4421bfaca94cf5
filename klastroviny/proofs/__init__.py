"""The proof round: each cluster approves its own page (docs/proofs.md).

`content.py` takes what an entry prints, `changes.py` says what changed between two rounds,
`records.py` keeps the rounds (.proofs/) and the approvals (approvals.yaml), `pages.py` makes
the proof PDF from the built bulletin, `mail.py` the e-mail, `round.py` runs a round and
`status.py` tells where every entry stands. Beside the stages, after the build: it may import
every stage and build.py; no stage imports it except build.py's approval gate.
"""
