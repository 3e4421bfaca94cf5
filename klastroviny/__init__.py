"""klastroviny: builds the KLASTROVINY bulletin from one YAML file per cluster."""

__version__ = "0.1.0"
