"""klastroviny: builds the KLASTROVINY bulletin from one YAML file per cluster.

The public API, for scripts and for the commands built on it (as WeasyPrint's root package
defines its own). Names are imported when first used, so that `import klastroviny` and
`klastroviny --help` stay instant.
"""

__version__ = "0.1.0"

_API = {
    "build_issue": "klastroviny.build",
    "BuildResult": "klastroviny.build",
    "EditionOutput": "klastroviny.build",
    "output_folder": "klastroviny.build",
    "BuildOptions": "klastroviny.options",
    "load_issue": "klastroviny.content.issue_file",
    "Issue": "klastroviny.content.model",
    "Entry": "klastroviny.content.model",
    "Contact": "klastroviny.content.model",
    "KlastrovinyError": "klastroviny.errors",
    "Report": "klastroviny.errors",
    "Problem": "klastroviny.errors",
    "Edition": "klastroviny.bulletin.edition",
    "Part": "klastroviny.bulletin.parts",
    "PARTS": "klastroviny.bulletin.parts",
    "load_layout": "klastroviny.render.layouts",
    "make_package": "klastroviny.press.package",
    "preflight": "klastroviny.press.preflight",
    "clean_issue": "klastroviny.build",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'klastroviny' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(_API[name]), name)
