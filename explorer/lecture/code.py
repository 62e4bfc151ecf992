"""The code panel every section ends with: the lines of model/ behind its views, read from the source when
the app starts (inspect.getsource), so what is shown is always what runs."""
import inspect
from pathlib import Path

import gradio as gr

from ..context import AppContext

ROOT = Path(__file__).resolve().parents[2]


def where(obj) -> str:
    """'model/lecture/trick.py:12' for a function or class."""
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


def code_panel(ctx: AppContext, c: dict, prefix: str, *objs, open: bool = False) -> None:
    """c["code"]: a collapsed accordion titled "The code behind this view" holding the source of objs."""
    with ctx.labels.add(gr.Accordion("The code behind this view", open=open, elem_id=f"{prefix}-code-box"),
                        label="lecture.code"):
        c["code"] = gr.Code(source_of(*objs), language="python", interactive=False, show_label=False,
                            elem_id=f"{prefix}-code")
