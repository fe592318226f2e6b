#!/usr/bin/env python3
"""check-legibility.py - can the back row read every picture the decks show?

usage: slides/scripts/check-legibility.py DECK.md...

For every SVG picture a deck embeds (![w:N](img/x.svg), ![h:N](...) or no
size), computes from the SVG itself:
  - the size of each text as it appears on a 1280x720 slide: its
    font-size (attribute, style, or inherited from a parent element) times
    the scale at which the deck draws the picture (w:N / viewBox width,
    h:N / viewBox height; no size: natural size, shrunk to fit 1280x720);
  - the contrast ratio (WCAG 2) of the text's fill colour against the
    picture's background (the fill of its first full-size rect, else white).
Fails a picture with text under 18 px or contrast under 4.5:1, naming the
text. Prints PASS/FAIL per picture; exit status 0 only when all pass.
Needs nothing but python3.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

MIN_PX = 18.0
MIN_CONTRAST = 4.5
SLIDE_W, SLIDE_H = 1280.0, 720.0
NAMED = {"black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
         "blue": "#0000ff", "gray": "#808080", "grey": "#808080", "yellow": "#ffff00",
         "orange": "#ffa500", "navy": "#000080", "darkred": "#8b0000",
         "darkgreen": "#006400", "currentColor": "#000000"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def parse_color(text):
    if text is None:
        return None
    text = text.strip()
    text = NAMED.get(text, text)
    m = re.fullmatch(r"#([0-9a-fA-F]{3})", text)
    if m:
        text = "#" + "".join(c * 2 for c in m.group(1))
    m = re.fullmatch(r"#([0-9a-fA-F]{6})", text)
    if m:
        return tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    m = re.fullmatch(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", text)
    if m:
        return tuple(int(v) for v in m.groups())
    return None  # none, url(#...), transparent: no colour of its own


def luminance(rgb):
    def channel(c):
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def style_of(el):
    props = dict(el.attrib)
    for part in el.attrib.get("style", "").split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            props[k.strip()] = v.strip()
    return props


def css_rules(root):
    """Class rules from <style> elements: {class: {prop: value}} (simple selectors only)."""
    rules = {}
    for el in root.iter():
        if local(el.tag) != "style" or not el.text:
            continue
        for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", el.text):
            props = {}
            for part in body.split(";"):
                if ":" in part:
                    k, v = part.split(":", 1)
                    props[k.strip()] = v.strip()
            for one in sel.split(","):
                one = one.strip()
                rules.setdefault(one, {}).update(props)
    return rules


def px(value):
    if value is None:
        return None
    m = re.match(r"\s*([0-9.]+)\s*(px)?\s*$", value)
    return float(m.group(1)) if m else None


def svg_size(root):
    vb = root.get("viewBox")
    if vb:
        parts = [float(v) for v in re.split(r"[ ,]+", vb.strip())]
        return parts[2], parts[3]
    return px(root.get("width")) or SLIDE_W, px(root.get("height")) or SLIDE_H


def check_picture(path, hint):
    root = ET.parse(path).getroot()
    width, height = svg_size(root)
    if hint and hint[0] == "w":
        scale = hint[1] / width
    elif hint and hint[0] == "h":
        scale = hint[1] / height
    else:
        scale = min(1.0, SLIDE_W / width, SLIDE_H / height)
    rules = css_rules(root)
    background = (255, 255, 255)
    for el in root.iter():
        if local(el.tag) == "rect" and el.get("width") in ("100%", str(int(width)),
                                                            f"{width:g}"):
            fill = parse_color(style_of(el).get("fill"))
            if fill:
                background = fill
            break
    problems = []
    smallest, lowest = None, None

    def walk(el, inherited):
        nonlocal smallest, lowest
        props = dict(inherited)
        for cls in el.get("class", "").split():
            props.update(rules.get("." + cls, {}))
        props.update(rules.get(local(el.tag), {}))
        props.update({k: v for k, v in style_of(el).items()
                      if k in ("font-size", "fill", "display", "visibility")})
        if props.get("display") == "none":
            return
        if local(el.tag) in ("text", "tspan") and "".join(el.itertext()).strip():
            label = " ".join("".join(el.itertext()).split())[:40]
            size = px(props.get("font-size")) or 16.0  # the SVG default
            shown = size * scale
            if smallest is None or shown < smallest:
                smallest = shown
            if shown + 1e-6 < MIN_PX:
                problems.append(f"'{label}': {shown:.1f} px")
            fill = parse_color(props.get("fill", "#000000"))
            if fill:
                ratio = contrast(fill, background)
                if lowest is None or ratio < lowest:
                    lowest = ratio
                if ratio + 1e-9 < MIN_CONTRAST:
                    problems.append(f"'{label}': contrast {ratio:.2f}:1")
        for child in el:
            walk(child, props)

    walk(root, {})
    return problems, smallest, lowest, scale


def pictures(decks):
    found = {}
    for deck in decks:
        base = os.path.dirname(deck)
        with open(deck, encoding="utf-8") as f:
            for alt, src in re.findall(r"!\[([^\]]*)\]\(([^)\s]+\.svg)\)", f.read()):
                m = re.search(r"\b(w|h|width|height):\s*(\d+)", alt)
                hint = (m.group(1)[0], float(m.group(2))) if m else None
                found.setdefault(os.path.join(base, src), set()).add(hint)
    return found


def main():
    if len(sys.argv) < 2:
        print("usage: slides/scripts/check-legibility.py DECK.md...", file=sys.stderr)
        return 2
    failed = 0
    for path, hints in sorted(pictures(sys.argv[1:]).items()):
        if not os.path.exists(path):
            continue  # check-images.mjs reports missing pictures
        for hint in sorted(hints, key=str):
            problems, smallest, lowest, scale = check_picture(path, hint)
            where = f"{path} at {scale:.2f}x"
            if problems:
                failed += 1
                print(f"FAIL {where}: {len(problems)} text(s) too small or too faint, e.g. "
                      + "; ".join(problems[:4]))
            else:
                print(f"PASS {where}: smallest text {smallest or 0:.1f} px, "
                      f"lowest contrast {lowest or 21:.1f}:1")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
