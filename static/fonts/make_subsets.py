"""Makes the PDF fonts in this folder from Noto Serif SC / Noto Sans SC (SIL OFL 1.1).

Sources: the TTFs of the npm packages @expo-google-fonts/noto-serif-sc@0.4.3 and
@expo-google-fonts/noto-sans-sc@0.4.3 (Google Fonts builds), fetched with `npm pack`.
Run from the repository root (needs npm and the project venv's fontTools):

    .venv/bin/python static/fonts/make_subsets.py

The same sources and fontTools version give the same bytes (checked: two runs, same md5).
Coverage: the body face keeps every character GBK encodes (21,000+ hanzi, a superset of
GB 2312 and of nearly all 8,105 通用规范汉字), so names with rare characters still print; the
bold faces (headings, the masthead) keep GB 2312 and fall back to the body face glyph by glyph.
WOFF (zlib), not WOFF2: fontTools' WOFF2 decoder takes ~20 s per face, WOFF 0.3 s.
"""
from __future__ import annotations

import pathlib
import subprocess
import tarfile
import tempfile

from fontTools import subset

HERE = pathlib.Path(__file__).resolve().parent
PACKAGES = {"serif": "@expo-google-fonts/noto-serif-sc@0.4.3", "sans": "@expo-google-fonts/noto-sans-sc@0.4.3"}
FACES = [  # (output, package, file inside the package, character set)
    ("NotoSerifSC-Regular-GBK.woff", "serif", "package/400Regular/NotoSerifSC_400Regular.ttf", "gbk"),
    ("NotoSerifSC-Bold-GB2312.woff", "serif", "package/700Bold/NotoSerifSC_700Bold.ttf", "gb2312"),
    ("NotoSansSC-Bold-GB2312.woff", "sans", "package/700Bold/NotoSansSC_700Bold.ttf", "gb2312"),
]
# Latin, general punctuation, CJK symbols and punctuation (〔〕、。《》), full-width forms.
ALWAYS = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2000, 0x2070), *range(0x2100, 0x2200),
          *range(0x2460, 0x24FF), *range(0x3000, 0x3040), *range(0xFF00, 0xFFF0)]


def encodable(encoding: str) -> set[int]:
    """Every character a two-byte GB encoding can write."""
    found = set()
    for high in range(0x81, 0xFF):
        for low in range(0x40, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode(encoding)))
            except UnicodeDecodeError:
                pass
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        tarballs = {}
        for key, spec in PACKAGES.items():
            name = subprocess.run(["npm", "pack", spec], cwd=work, check=True, capture_output=True,
                                  text=True).stdout.strip().splitlines()[-1]
            tarballs[key] = tarfile.open(pathlib.Path(work) / name)
        (HERE / "OFL.txt").write_bytes(tarballs["serif"].extractfile("package/LICENSE_FONT").read())
        options = subset.Options()
        options.flavor, options.layout_features, options.name_IDs = "woff", ["*"], ["*"]
        options.hinting, options.notdef_outline = False, True
        for output, key, member, charset in FACES:
            source = pathlib.Path(work) / pathlib.Path(member).name
            source.write_bytes(tarballs[key].extractfile(member).read())
            font = subset.load_font(str(source), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=encodable(charset) | set(ALWAYS))
            subsetter.subset(font)
            subset.save_font(font, str(HERE / output), options)
            print(output, (HERE / output).stat().st_size)


if __name__ == "__main__":
    main()
