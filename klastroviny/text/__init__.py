"""text: text craft — Czech and English typography, ICU collation (ČSN 97 6030), the Markdown
subset, glyph coverage of the bundled fonts.

May import: content (the model), errors, resources."""
