"""Pure views of the batches section: a batch (numpy ids and the vocabulary's characters) as escaped
HTML, x over y aligned on the text, the tensors as printed, and the B x T examples."""
import html

from ...i18n import t
from ..data.figures import cell, note  # the data section's character cells


def example_text(context: list[int], target: int, lang: str) -> str:
    """The lecture's line: when the input is [24, 43] the target is 58."""
    return t("lec.batches.example", lang, context=str(context), target=target)


def summary_html(ix: list[int], B: int, split: str, n: int, seed: int, lang: str) -> str:
    return note(t("lec.batches.summary", lang, ix=str(ix), B=B, split=f"{split}_data", n=f"{n:,}", seed=seed))


def grid_html(text: str, offset: int, ix, xb, yb, chars: list[str], lang: str) -> str:
    """Per row b: x[b] over y[b], one column per place in the text, so y[b, t] sits under x[b, t+1]."""
    B, T = xb.shape
    rows = []
    for b in range(B):
        start = offset + int(ix[b])  # where the row starts in the whole text
        line = text.count("\n", 0, start) + 1
        head = t("lec.batches.row", lang, b=b, ix=f"{int(ix[b]):,}", line=f"{line:,}")
        xs, ys = xb[b].tolist(), yb[b].tolist()
        x_cells = [cell(chars[i], i, cls="x", data=f' data-t="{s}"',
                        title=example_text(xs[:s + 1], ys[s], lang)) for s, i in enumerate(xs)]
        y_cells = [cell(chars[i], i, cls="y after" if s == T - 1 else "y", data=f' data-t="{s}"')
                   for s, i in enumerate(ys)]
        arrows = ['<span class="arrow">↘</span>'] * T
        body = ('<span class="lab">x</span>' + "".join(x_cells) + "<span></span>"
                + "<span></span>" + "".join(arrows) + "<span></span>"
                + '<span class="lab">y</span><span></span>' + "".join(y_cells))
        rows.append(f'<div class="lec-row"><div class="lec-row-head">{html.escape(head)}</div>'
                    f'<div class="lec-scroll"><div class="lec-grid" style="--cols:{T + 1}">'
                    f"{body}</div></div></div>")
    return "".join(rows)


def tensors_html(shape: tuple, printed: tuple[str, str], lang: str) -> str:
    """xb and yb side by side, printed by torch as the lecture prints them."""
    size = f"torch.Size({list(shape)})"
    parts = [(t("lec.batches.inputs", lang, shape=size), printed[0]),
             (t("lec.batches.targets", lang, shape=size), printed[1])]
    cols = [f'<div><div class="lecd-note">{html.escape(label)}</div>'
            f'<pre class="lecd-mono">{html.escape(v)}</pre></div>' for label, v in parts]
    return f'<div class="lec-pair">{"".join(cols)}</div>'


def examples_html(items: list, B: int, T: int, chars: list[str], lang: str) -> str:
    """Every (b, t, context, target) as the lecture's sentence, with the characters beside it."""
    out = [f'<h3>{html.escape(t("lec.batches.examples", lang, n=len(items), B=B, T=T))}</h3><div class="lec-list">']
    for b, t_, context, target in items:
        if t_ == 0:
            out.append(f'<div class="b">b = {b}</div>')
        chars_ = f"{''.join(chars[i] for i in context)!r} → {chars[target]!r}"
        out.append(f'<div class="ex" data-b="{b}" data-t="{t_}">{html.escape(example_text(context, target, lang))}'
                   f'<span class="chars">{html.escape(chars_)}</span></div>')
    out.append("</div>")
    return "".join(out)
