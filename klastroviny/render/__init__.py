"""render: the model and a layout → HTML and CSS — layouts with layered lookup, Jinja
rendering of the bulletin's parts, the stylesheets, QR code placeholders and their SVG.

May import: content, text, bulletin, caching, errors, resources. Never WeasyPrint."""
