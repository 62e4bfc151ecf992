"""Pure views of the data section: the corpus's numbers, its vocabulary, the playground's strips and
the split as escaped HTML, in the language asked. The batches section draws its characters with cell()."""
import html

from ...errors import Refusal
from ...i18n import t

PREVIEW = 500         # characters of the corpus shown as they are


def visible(ch: str) -> str:
    """A character as a cell shows it: '\\n' for the newline, '␣' for the space, '\\t' for a tab."""
    return {"\n": "\\n", " ": "␣", "\t": "\\t", "\r": "\\r"}.get(ch, ch)


def cell(ch: str, ident, title: str = "", cls: str = "", data: str = "") -> str:
    """One character over its id."""
    shown = visible(ch)
    ws = " ws" if shown != ch else ""
    tip = f' title="{html.escape(title)}"' if title else ""
    return (f'<span class="lecd-cell {cls}"{tip}{data}><span class="ch{ws}">{html.escape(shown)}</span>'
            f'<span class="id">{html.escape(str(ident))}</span></span>')


def note(text: str, warn: bool = False) -> str:
    icon, cls = ("⚠️", "lecd-note lecd-warn") if warn else ("ℹ️", "lecd-note")
    return f'<div class="{cls}">{icon} {html.escape(text)}</div>'


def refusal_note(e: Refusal, lang: str) -> str:
    return note(e.message(lang), warn=True).replace('<div class', f'<div data-refusal="{html.escape(e.key)}" class', 1)


def running(text: str) -> str:
    """Corpus text for reading: escaped, newlines marked with ↵ (and kept as line breaks)."""
    return html.escape(text).replace("\n", "↵\n")


def strip(pairs) -> str:
    """A row of cells, one per (character, id, extra class)."""
    return '<div class="lecd-cells">' + "".join(cell(ch, i, cls=cls) for ch, i, cls in pairs) + "</div>"


# the corpus ------------------------------------------------------------------------------------
def stats_html(c, lang: str) -> str:
    """The corpus's source, its numbers as cards, and its first PREVIEW characters (c: compute.Corpus)."""
    s = c.stats
    cards = [("lec.data.stat.chars", f"{s['characters']:,}"), ("lec.data.stat.lines", f"{s['lines']:,}"),
             ("lec.data.stat.vocab", f"{s['vocab_size']}"), ("lec.data.stat.shape", f"({len(c.text):,},)")]
    out = [f'<div class="lecd-note">{html.escape(t("lec.data.source", lang, name=c.name))}</div><div class="stats">']
    out += [f'<div class="stat"><div class="k">{html.escape(t(k, lang))}</div><div class="v">{v}</div></div>'
            for k, v in cards]
    out.append("</div>")
    out.append(f'<details><summary>{html.escape(t("lec.data.preview", lang, n=PREVIEW))}</summary>'
               f'<div class="lecd-mono lecd-preview">{running(c.text[:PREVIEW])}</div></details>')
    return "".join(out)


def vocab_html(chars: list[str], counts: list[int], total: int, lang: str) -> str:
    """Every character over its id; hovering one says how often it occurs."""
    V, total = len(chars), max(1, total)
    cells = [cell(ch, i, t("lec.data.vocab.hover", lang, id=i, char=repr(ch), count=f"{counts[i]:,}",
                              share=f"{counts[i] / total:.2%}"))
             for i, ch in enumerate(chars)]
    caption = t("lec.data.vocab.caption", lang, V=V, hi=V - 1)
    return f'<div class="lecd-note">{html.escape(caption)}</div><div class="lecd-cells">{"".join(cells)}</div>'


def split_html(length: int, split: tuple, n_train: int, n_val: int, lines: int, lang: str) -> str:
    """n = int(0.9 * len(data)) as a bar, where the cut falls, and the text on both sides of it."""
    n, line, before, after = split
    share = 100 * n / max(1, length)
    return "".join([
        f'<div class="lecd-mono">n = int(0.9 * len(data)) = int(0.9 * {length:,}) = {n:,}</div>',
        f'<div class="lecd-bar" role="img"><div class="train" style="width:{share:.2f}%"></div>'
        f'<div class="val" style="width:{100 - share:.2f}%"></div></div>',
        '<div class="lecd-legend">',
        f'<span><span class="sw" style="background:rgba(33,150,243,0.55)"></span>'
        f'{html.escape(t("lec.data.split.train", lang, n=f"{n_train:,}"))}</span>',
        f'<span><span class="sw" style="background:rgba(255,152,0,0.75)"></span>'
        f'{html.escape(t("lec.data.split.val", lang, n=f"{n_val:,}"))}</span></div>',
        note(t("lec.data.split.where", lang, n=f"{n:,}", line=f"{line:,}", lines=f"{lines:,}")),
        f'<div class="lecd-note">{html.escape(t("lec.data.split.around", lang))}</div>',
        f'<div class="lecd-mono"><span class="lecd-tr">{running(before)}</span>'
        f'<span class="lecd-va lecd-cut">{running(after)}</span></div>',
    ])


# the playground ----------------------------------------------------------------------------------
def encoded_html(text: str, ids: list[int], lang: str) -> str:
    return note(t("lec.data.encoded", lang, n=len(ids))) + strip((ch, i, "") for ch, i in zip(text, ids))


def unknown_html(text: str, stoi: dict, unknown: list[str], lang: str) -> str:
    """The text's cells with the characters outside the vocabulary marked, and named above."""
    msg = t("lec.data.unknown", lang, chars=", ".join(repr(ch) for ch in unknown[:20]))
    return note(msg, warn=True) + strip((ch, stoi.get(ch, "?"), "" if ch in stoi else "bad") for ch in text)


def decoded_html(text: str, ids: list[int], lang: str) -> str:
    return note(t("lec.data.decoded", lang, n=len(text))) + strip((ch, i, "") for ch, i in zip(text, ids))
