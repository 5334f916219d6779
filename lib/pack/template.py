"""Makes the slides' template, data/pakkemal.pptx: python-pptx's own default, made 16:9, with
large left-aligned titles for the back of the room. Kept in git; regenerate it with
`python -m lib.pack.template` (or give another path).

The slides use two of its layouts: «Title Slide» for the cover and «Title Only» for the rest
(lib.pack.pptx draws the body, the footer and the page number itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The template the pack is drawn on.
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "pakkemal.pptx"
#: 16:9 in English Metric Units (13.333 × 7.5 inches).
WIDTH, HEIGHT = 12_192_000, 6_858_000
#: The default template's size (4:3), which its placeholders were placed for.
_OLD_WIDTH = 9_144_000
TITLE_SIZE = 3600  # hundredths of a point
TITLE_COLOUR = "1F3864"
BODY_FONT = "Calibri"


def make_template(path: Path = TEMPLATE) -> Path:
    from pptx import Presentation
    from pptx.oxml.ns import qn

    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    master = deck.slide_master
    scale = WIDTH / _OLD_WIDTH
    # Only the placeholders placed where they are defined: the rest inherit from the master.
    for holder_set in (
        master.placeholders,
        *(layout.placeholders for layout in deck.slide_layouts),
    ):
        for holder in holder_set:
            if holder.element.xpath("./p:spPr/a:xfrm"):
                holder.left, holder.width = int(holder.left * scale), int(holder.width * scale)
    # The titles: large, bold, left-aligned, dark blue; anchored at the top.
    title_style = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle"))
    level = title_style.find(qn("a:lvl1pPr"))
    level.set("algn", "l")
    properties = level.find(qn("a:defRPr"))
    properties.set("sz", str(TITLE_SIZE))
    properties.set("b", "1")
    for fill in properties.findall(qn("a:solidFill")):
        properties.remove(fill)
    fill = properties.makeelement(qn("a:solidFill"), {})
    colour = fill.makeelement(qn("a:srgbClr"), {"val": TITLE_COLOUR})
    fill.append(colour)
    properties.insert(0, fill)
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(path)
    return path


if __name__ == "__main__":
    written = make_template(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE)
    print(f"Malen er skrevet til {written}.")
