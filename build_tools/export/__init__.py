"""Export: a built site → deterministic zips (SCORM, Common Cartridge, question bank, offline copy).

Stage function: :func:`export_pack`.
"""

from .pack import export_pack

__all__ = ["export_pack"]
