"""content: what an issue folder says, read and checked — YAML with source positions, the
reader of typed values, the issue and entry schemas, the immutable model, logos, vocabularies.

May import: errors, caching (keys of the entry cache), resources. Nothing of a later stage."""
