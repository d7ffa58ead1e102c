"""coursepack: tailored ILO training course packs from YAML modules."""

__version__ = "0.1.0"
