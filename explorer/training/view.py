"""What the Train tab shows for a session: the status line, the numbers, the chart, the buttons."""
import html

import gradio as gr
import numpy as np

from ..i18n import t
from ..session import Session
from ..steps import texts_html, texts_over_time
from . import actions
from .figures import Curve, loss_figure
from .state import TrainState

BUTTONS = ("start", "pause", "resume", "step", "stop", "reset")
ENABLED = {  # the buttons each state allows; the others are greyed out, as in TensorFlow Playground
    "idle": {"start", "step"},
    "queued": {"pause", "stop", "reset"},
    "running": {"pause", "stop", "reset"},
    "paused": {"resume", "step", "stop", "reset"},
    "done": {"start", "step", "reset"},
    "stopped": {"start", "step", "reset"},
    "failed": {"start", "step", "reset"},
}
TEXTS_PROMPT, TEXTS_SEED, TEXTS_LENGTH = "", 1337, 120  # "how the text improved": from token 0, one seed
TICK_RUNNING = 0.7  # seconds between redraws while training (skipped when nothing changed)
TICK_QUEUED = 2.0   # while waiting for a slot: a class of 30 in line must not slow the two that train
# plain symbols every font has (emoji need an emoji font, which a Space's visitors may lack)
ICONS = {"idle": "○", "queued": "◷", "running": "●", "paused": "‖", "done": "✓", "stopped": "■", "failed": "✗"}


def banner(st: dict) -> str:
    state = st["state"]
    return (f'<div class="banner banner-{state}" data-state="{state}">'
            f'<span class="icon">{ICONS[state]}</span> {html.escape(st["message"])}</div>')


def _clock(seconds) -> str:
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def _num(x, fmt="{:.3f}") -> str:
    return "–" if x is None else fmt.format(x)


def stats_html(st: dict | None, lang: str) -> str:
    """Step, time, speed, ETA and the latest losses as a row of small cards (they wrap on a phone)."""
    st = st or {}
    step = f"{st['step']:,} / {st['max_iters']:,}" if st.get("run") else "–"
    cards = [
        ("stat.step", step, "step"),
        ("stat.elapsed", _clock(st.get("elapsed")) if st.get("run") else "–", "elapsed"),
        ("stat.tokens", _num(st.get("tokens_per_s") or None, "{:,.0f}"), "tokens"),
        ("stat.eta", _clock(st.get("eta")), "eta"),
        ("stat.loss", _num(st.get("loss")), "loss"),
        ("stat.train", _num(st.get("train_loss")), "train"),
        ("stat.val", _num(st.get("val_loss")), "val"),
        ("stat.lr", _num(st.get("lr") if st.get("run") else None, "{:.2e}"), "lr"),
    ]
    body = "".join(f'<div class="stat" data-stat="{k}"><div class="k">{html.escape(t(key, lang))}</div>'
                   f'<div class="v">{html.escape(v)}</div></div>' for key, v, k in cards)
    return f'<div class="stats">{body}</div>'


def _curve(run) -> Curve:
    ev = np.array(run.evals, dtype=float).reshape(-1, 3)
    return Curve(run.label, run.loss[:run.steps].astype(float), ev[:, 0], ev[:, 1], ev[:, 2])


def figure(session: Session, lang: str, reference: bool):
    ts = session.state(TrainState)
    run = ts.current
    earlier = [_curve(r) for r in ts.runs[:-1]]
    if run is None:
        return loss_figure(None, earlier, 65, lang, reference=reference)
    return loss_figure(_curve(run), earlier, run.vocab_size, lang, reference=reference)


def empty_figure(lang: str):
    return loss_figure(None, [], 65, lang)


def render(session: Session, lang: str, reference: bool | None, force: bool, n_outputs: int) -> list:
    """Values for [banner, stats, chart, sample, timer, *buttons, save, picker, saved, texts]; with force=False,
    parts that have not changed since the last render are skipped (nothing is sent for them)."""
    ts = session.state(TrainState)
    if reference is None:
        reference = ts.reference
    ts.reference = reference
    st = actions.status(session, lang)
    run = ts.current
    key = (run.id if run else None, run.version if run else 0, st["state"], st.get("queue_position"),
           lang, reference, len(ts.runs))
    # paused: nothing moves, no polling; queued: only the position moves, so poll gently
    timer = gr.update(active=st["state"] in ("queued", "running"),
                      value=TICK_QUEUED if st["state"] == "queued" else TICK_RUNNING)
    if not force and key == ts.rendered:
        return [gr.skip()] * 4 + [timer] + [gr.skip()] * (n_outputs - 5)
    new_run = ts.rendered is None or ts.rendered[0] != key[0]
    ts.rendered = key
    saved = gr.update(value=None, visible=False) if new_run else gr.skip()  # a file of an earlier run
    sample_label = (t("train.sample_at", lang, step=st["sample_step"]) if st.get("sample_step") is not None
                    else t("train.sample", lang))
    enabled = ENABLED[st["state"]] - (set() if ts.runs else {"reset"})
    buttons = [gr.update(interactive=b in enabled) for b in BUTTONS]
    can_save = any(r.model is not None or (ts.job and ts.job.run is r and r.steps > 0)
                   for r in ts.kept.values())
    choices = session.model_choices(lang)
    picker = gr.skip()
    if choices != session.rendered_choices:
        session.rendered_choices = choices
        picker = gr.update(choices=choices, value=session.default_model())
    return [banner(st), stats_html(st, lang), figure(session, lang, reference),
            gr.update(value=st.get("sample", ""), label=sample_label), timer, *buttons,
            gr.update(interactive=can_save), picker, saved, texts(session, run, lang)]


def texts(session: Session, run, lang: str):
    """How the text improved in this run: what each snapshot writes from one prompt and seed (each
    written once: a tick adds only the newest)."""
    ts = session.state(TrainState)
    drawn = (run.id, tuple(run.timeline.steps), lang) if run is not None else None
    if drawn == ts.rendered_texts:
        return gr.skip()
    ts.rendered_texts = drawn
    if run is None or not len(run.timeline):
        return ""
    rows = texts_over_time(session, f"session:{run.id}", TEXTS_PROMPT, TEXTS_SEED, TEXTS_LENGTH, final=False)
    return texts_html(rows, lang, run.timeline.thinned)
