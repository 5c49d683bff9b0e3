"""Find a font that has Chinese characters, for embedding in PDFs.

``settings.GUANXI_CJK_FONT`` (and optionally ``GUANXI_CJK_FONT_BOLD``) names a TrueType or OpenType
file or collection (.ttf, .otf, .ttc). Without it, the usual places of the free CJK fonts of common
Linux distributions are tried, Debian's ``fonts-noto-cjk`` first. From a collection, the Simplified
Chinese face is chosen.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# (regular, bold) in order of preference; the bold one may be missing.
DEFAULT_FONTS: list[tuple[str, str]] = [
    # Debian and Ubuntu: fonts-noto-cjk
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    # Fedora: google-noto-sans-cjk-fonts; Arch: noto-fonts-cjk; Alpine: font-noto-cjk
    (
        "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Bold.ttc",
    ),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto/NotoSansCJK-Bold.ttc"),
    # Debian and Ubuntu: fonts-wqy-zenhei, fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""),
]
PROBE = "中"  # a font without it cannot set a Chinese archive


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int  # the face inside a collection (0 for a single font)


@dataclass(frozen=True)
class CjkFont:
    regular: FontFace
    bold: FontFace  # the regular face again when no bold one exists


def _has_chinese(font: object) -> bool:
    cmap = font["cmap"].getBestCmap() or {}  # type: ignore[index]
    return ord(PROBE) in cmap


@functools.lru_cache(maxsize=16)
def font_face(path: str) -> FontFace | None:
    """Return the face of ``path`` to use for Simplified Chinese, or None if it has no Chinese."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.lower().endswith((".ttc", ".otc")):
            faces = TTCollection(path, lazy=True).fonts
        else:
            faces = [TTFont(path, lazy=True)]
    except (OSError, TTLibError):
        return None
    candidates = []
    for index, face in enumerate(faces):
        if not _has_chinese(face):
            continue
        family = face["name"].getDebugName(1) or ""
        rank = (0 if family.endswith(" SC") or "SC" in family.split() else 1, 1 if "Mono" in family else 0)
        candidates.append((rank, index))
    if not candidates:
        return None
    return FontFace(path=path, index=min(candidates)[1])


def _missing(detail: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{detail} The PDF dossier needs a font with Chinese characters: install the Debian package "
        "'fonts-noto-cjk' (or 'fonts-wqy-zenhei'), or set GUANXI_CJK_FONT to a .ttf, .otf or .ttc file."
    )


def cjk_font() -> CjkFont:
    """Return the CJK font to embed; raise ImproperlyConfigured, saying how to fix it, if none is found."""
    configured = getattr(settings, "GUANXI_CJK_FONT", "") or ""
    if configured:
        regular = font_face(str(configured))
        if regular is None:
            raise _missing(f"GUANXI_CJK_FONT={configured} is not a readable font with Chinese characters.")
        bold_path = getattr(settings, "GUANXI_CJK_FONT_BOLD", "") or ""
        bold = font_face(str(bold_path)) if bold_path else None
        return CjkFont(regular=regular, bold=bold or regular)
    for regular_path, bold_path in DEFAULT_FONTS:
        if not Path(regular_path).is_file():
            continue
        regular = font_face(regular_path)
        if regular is None:
            continue
        bold = font_face(bold_path) if bold_path and Path(bold_path).is_file() else None
        return CjkFont(regular=regular, bold=bold or regular)
    raise _missing("No font with Chinese characters was found.")
