"""The centre's branding as the site's templates use it: colours readable in light and dark mode, the
footer's notice, the logo's file.

A centre's colours are used for links and the brand, so each is adjusted, if it must be, to reach a
contrast of 4.5:1 (WCAG AA for text) on the page's backgrounds: darkened for light mode, lightened for
dark mode. The backgrounds are furo's sidebar ones (the lightest in dark mode, the darkest in light mode),
with a margin in dark mode for the tinted boxes links also sit on. The hue stays;
``tests/test_site_browser.py`` runs axe on the result.
"""

from __future__ import annotations

import datetime
import os

from ..content.branding import Branding

LIGHT_BACKGROUND, DARK_BACKGROUND = "#f8f9fb", "#1a1c1e"
READABLE, READABLE_DARK = 4.5, 6.0


def site_brand(branding: Branding) -> dict[str, str]:
    """The values ``templates/site/`` prints (plain text: the caller escapes them)."""
    return {
        "centre": branding.centre,
        "primary": readable(branding.primary, LIGHT_BACKGROUND),
        "primary_dark": readable(branding.primary, DARK_BACKGROUND, READABLE_DARK),
        "accent": readable(branding.accent, LIGHT_BACKGROUND),
        "accent_dark": readable(branding.accent, DARK_BACKGROUND, READABLE_DARK),
        "notice": f"© {branding.year or _year()} {branding.holder} · {branding.licence}",
        "contact": branding.contact or "",
        "contact_href": _href(branding.contact),
    }


def _year() -> int:
    """The year of the build, or of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch and epoch.isdigit() \
        else datetime.datetime.now(datetime.UTC)
    return moment.year


def _href(contact: str | None) -> str:
    if not contact:
        return ""
    if contact.startswith(("https://", "http://")):
        return contact
    return f"mailto:{contact}" if "@" in contact and " " not in contact else ""


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(colour: str, background: str, ratio: float = READABLE) -> str:
    """``colour``, mixed step by step towards black (light background) or white (dark background) until its
    contrast with ``background`` reaches ``ratio``."""
    towards = 0.0 if _luminance(background) > 0.5 else 1.0
    r, g, b = _rgb(colour)
    for step in range(21):
        t = step / 20
        mixed = "#" + "".join(f"{round((c + (towards - c) * t) * 255):02x}" for c in (r, g, b))
        if contrast(mixed, background) >= ratio:
            return mixed
    return "#000000" if towards == 0.0 else "#ffffff"
