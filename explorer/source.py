"""The code panel a view ends with: the lines of model/ behind it, read from the source when the app
starts (inspect.getsource), so what is shown is always what runs."""
import inspect
from pathlib import Path

import gradio as gr

from .context import AppContext
from .i18n import DEFAULT_LANG, t

ROOT = Path(__file__).resolve().parents[1]


def where(obj) -> str:
    """'model/lens.py:12' for a function or class."""
    obj = inspect.unwrap(obj)  # a decorated function (@torch.no_grad()) lives where it is written
    path = Path(inspect.getsourcefile(obj)).resolve()
    line = inspect.getsourcelines(obj)[1]
    try:
        path = path.relative_to(ROOT)
    except ValueError:
        pass
    return f"{path.as_posix()}:{line}"


def source_of(*objs) -> str:
    """The source of each function or class, each under a '# file:line' comment."""
    return "\n\n".join(f"# {where(obj)}\n{inspect.getsource(obj).rstrip()}" for obj in objs)


def code_panel(ctx: AppContext, c: dict, prefix: str, label: str, *objs, open: bool = False) -> None:
    """c["code"]: a collapsed accordion (its title the i18n key label) holding the source of objs."""
    with ctx.labels.add(gr.Accordion(t(label, DEFAULT_LANG), open=open, elem_id=f"{prefix}-code-box"), label=label):
        c["code"] = gr.Code(source_of(*objs), language="python", interactive=False, show_label=False,
                            elem_id=f"{prefix}-code")
