"""Section 7, building the Transformer: the staircase read from the rungs' checkpoints in assets/,
each within the lecture's number, the table's gains, the samples with one seed, the code per rung."""
from pathlib import Path

import gradio as gr
import numpy as np
import plotly.graph_objects as go
import pytest

from explorer.errors import Refusal
from explorer.lecture.code import source_of
from explorer.lecture.ladder import compute as C, figures as F, tab as T
from explorer.limits import Limits
from explorer.session import SessionStore
from helpers import refused
from model.config import LADDER

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@pytest.fixture(scope="module")
def session():
    if not all((ASSETS / ("bigram" if n == "ladder-0" else n) / "config.json").is_file()
               for n, _, _ in LADDER[:-1]):
        pytest.skip("needs the ladder's checkpoints in assets/")
    store = SessionStore(ASSETS, Limits())
    yield store.get("ladder")
    store.close_all()


def test_every_rung_is_in_assets_within_the_lectures_number(session):
    ladder = C.rungs(session)
    assert [r.preset for r in ladder] == [n for n, _, _ in LADDER]
    for r in ladder:
        assert r.ours is not None and r.key == f"pretrained:{r.asset}"
        if r.lecture is not None:
            assert abs(r.ours - r.lecture) <= 0.06, (r.preset, r.ours, r.lecture)


def test_the_staircase_goes_down_except_where_the_lecture_shows_a_step_that_hurts(session):
    ladder = C.rungs(session)
    gains = C.gains(ladder)
    assert gains[0] is None
    by = {r.preset: g for r, g in zip(ladder, gains)}
    assert by["ladder-5"] > 0  # three blocks without residual connections: worse
    for name in ("ladder-2", "ladder-3", "ladder-4", "ladder-6", "ladder-7", "gpt-lecture"):
        assert by[name] < 0, (name, by[name])


def test_figures_and_table(session):
    ladder = C.rungs(session)
    fig = F.staircase(ladder, "en")
    assert isinstance(fig, go.Figure) and len(fig.data[0].y) == len(LADDER)
    assert list(fig.data[1].y) == [v for _, _, v in LADDER]  # the lecture's markers, None where it read none
    table = F.table_html(ladder, C.gains(ladder), "en")
    assert table.count("<tr data-rung=") == len(LADDER) and "on a CPU: gpt-small" in table
    zh = F.table_html(ladder, C.gains(ladder), "zh-CN")
    assert "残差连接" in zh and "CPU 上用 gpt-small" in zh
    assert "逐级的验证集损失" in F.staircase(ladder, "zh-CN").layout.title.text


def test_samples_share_prompt_and_seed(session):
    first = C.samples(session, "", 7, 40)  # empty: from token 0, as the lecture does
    again = C.samples(session, "", 7, 40)
    assert [t for _, t in first] == [t for _, t in again]  # one seed, the same text
    texts = [t for _, t in first]
    assert all(t is not None and len(t) == 40 for t in texts) and len(set(texts)) > 1
    html = F.samples_html(first, "en")
    assert html.count('class="ladder-sample"') == len(LADDER)


def test_samples_refuse_bad_input(session):
    assert refused(C.samples, session, "€", 1, 10) == "lec.ladder.unknown"
    assert refused(C.samples, session, "\n", -1, 10) == "refuse.range"
    assert refused(C.samples, session, "\n", 1, 10_000) == "refuse.range"
    assert refused(C.samples, session, 5, 1, 10) == "inside.prompt_type"
    out = T.render(session, "€", 1, 10, "en")  # the staircase still draws; the samples say why not
    assert isinstance(out[0], go.Figure) and 'data-refusal="lec.ladder.unknown"' in out[2]


@pytest.mark.parametrize("preset", [n for n, _, _ in LADDER])
def test_code_of_each_rung_reads_model(preset):
    code = source_of(*C.code_of(preset))
    assert code.startswith("# model/") and "def " in code or "class " in code


def test_a_visitors_finished_run_of_a_rung_lands_on_the_staircase(session):
    from explorer.corpus import shakespeare
    from explorer.training.service import TrainingService
    from explorer.training.state import TrainState
    from model.config import PRESETS
    from model.gpt import build_model

    cfg, tcfg = PRESETS["ladder-3"]
    run = session.state(TrainState).new_run(session.next_number(), cfg, tcfg, shakespeare().name, 65)
    run.model, run.evals, run.steps = build_model(cfg), [(0, 4.3, 4.31), (2500, 2.3, 2.32)], 2500
    runs = TrainingService().runs(session)
    assert runs[-1].state == "stopped" and C.rungs(session, runs)[3].yours is None  # a stopped run: not on it
    run.evals.append((5000, 2.25, 2.271))
    run.steps = 5000
    runs = TrainingService().runs(session)
    assert runs[-1].state == "done" and runs[-1].corpus == shakespeare().name
    by = {r.preset: r for r in C.rungs(session, runs)}
    assert by["ladder-3"].yours == 2.271 and by["ladder-3"].yours_label == run.label
    assert all(r.yours is None for name, r in by.items() if name != "ladder-3")
    fig = F.staircase(list(by.values()), "en")
    assert fig.data[2].name == "yours" and fig.data[2].y[3] == 2.271
    assert "yours (run " in F.table_html(list(by.values()), C.gains(list(by.values())), "en")
    run.corpus = "pasted text"  # another text's loss is not comparable: not a rung
    assert C.rungs(session, TrainingService().runs(session))[3].yours is None
    session.state(TrainState).close()


def test_api_lists_every_rung(app_url):
    from gradio_client import Client
    c = Client(app_url, verbose=False)
    out = c.predict(api_name="/ladder")
    assert [r["name"] for r in out] == [n for n, _, _ in LADDER]
    assert [r["lecture_val_loss"] for r in out] == [v for _, _, v in LADDER]
    assert out[3]["config"]["n_head"] == 4 and out[3]["config"]["train"]["max_iters"] == 5000
    assert "class FeedForward" in c.predict("ladder-4", api_name="/ladder_code")


def test_details_tril_is_a_buffer_and_the_fused_qkv_equals_the_heads():
    d = C.details()
    assert (d.tril_buffer, d.tril_parameter, d.tril_grad, d.tril_saved) == (True, False, False, False)
    assert d.allclose and d.max_diff < 1e-5 and (d.n_head, d.head_size) == (4, 8)
    assert (d.matmuls_fused, d.matmuls_heads) == (1, 12)
    html = F.details_html(d, "en")
    assert html.count("<li data-check=") == 6 and "1 vs 12" in html and "register_buffer" in html
    assert "缓冲区" not in html and "torch.allclose" in F.details_html(d, "zh-CN")


def test_anatomy_multi_head_residual_stream_and_layer_norm(session):
    an = C.anatomy(session, "TEACHER:\nNow look")
    assert an.chars == list("Now look") and len(an.heads) == 4 and an.heads[0].shape == (8, 8)
    assert C.anatomy(session, "").chars == list(C.ANATOMY_TEXT[-8:])  # too short: our own line
    assert an.concat.shape == (8, 32)
    for h in range(4):  # the concatenation is the heads side by side, not their mean
        assert np.allclose(an.concat[:, h * 8:(h + 1) * 8], an.heads[h])
    no_res, res = an.kept["ladder-5"], an.kept["ladder-6"]
    assert all(a < b for a, b in zip(an.norms["ladder-6"], an.norms["ladder-6"][1:]))  # |x| grows block by block
    assert len(no_res) == 4 and no_res[0] == res[0] == 1.0
    assert abs(no_res[1]) < 0.2 and res[1] > 0.4 and res[3] > no_res[3] + 0.1  # what the text says
    x = an.ln_before
    normed = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    assert abs(normed.mean()) < 1e-6 and abs(normed.std() - 1) < 1e-3
    html = F.layer_norm_html(an, "en")
    assert "+0.000</td><td>1.000" in html and "32 channels" in html
    assert "拼接后" in F.heads_figure(an, "zh-CN").layout.annotations[-1].text
    assert len(F.stream_figure(an, "en").data) == 3
    out = T.render(session, "€", 1, 10, "en")
    assert out[3] == out[4] == out[5] == gr.skip()  # a refused prompt leaves the views as they were


# the code each rung runs, as a diff; training rungs from the section; dropout's gap -------------
@pytest.mark.parametrize("preset", [n for n, _, _ in LADDER if n != "ladder-0"])
def test_a_rungs_specialised_code_builds_the_same_model(preset):
    """The program shown for a rung, executed, is the rung: same parameters, same logits as model/."""
    import torch
    from dataclasses import replace
    from torch import nn
    from torch.nn import functional as Fn

    from explorer.lecture.ladder.program import program
    from model import gpt
    from model.config import PRESETS, GPTConfig

    cfg = replace(PRESETS[preset][0], vocab_size=65)
    ns = {"torch": torch, "nn": nn, "F": Fn, "GPTConfig": GPTConfig, "Dropout": gpt.Dropout}
    exec(compile(program(cfg), preset, "exec"), ns)
    torch.manual_seed(0)
    mine = ns["GPTLanguageModel"](cfg).eval()
    torch.manual_seed(0)
    real = gpt.build_model(cfg).eval()
    idx = torch.randint(0, 65, (2, min(8, cfg.block_size)))
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in real.named_parameters()]
    assert torch.equal(mine(idx)[0], real(idx)[0])
    assert " if config." not in program(cfg) and "if self.ffwd" not in program(cfg)  # every switch decided


def test_each_rungs_diff_is_what_the_lecture_changed():
    from explorer.lecture.ladder.program import diff

    def changed(preset, before):
        return [(ln.kind, ln.text.strip()) for ln in diff(preset, before) if ln.kind != " "]

    assert changed("ladder-3", "ladder-2") == [("-", "n_head=1,"), ("+", "n_head=4,")]
    assert changed("ladder-5", "ladder-4") == [("-", "n_layer=1,"), ("+", "n_layer=3,")]
    four = changed("ladder-4", "ladder-3")
    assert ("+", "class FeedForward(nn.Module):") in four and ("+", "out = self.ffwd(self.ln2(x))") in four
    assert ("-", "self.ffwd = None") in four and ("+", "self.ffwd = FeedForward(config)") in four
    six = changed("ladder-6", "ladder-5")
    assert six.count(("+", "x = x + out")) == 2 and six.count(("-", "x = out")) == 2
    assert ("+", "self.proj = nn.Linear(config.n_embd, config.n_embd)") in six
    assert changed("ladder-7", "ladder-6")[-2:] == [("-", "return nn.Identity()"), ("+", "return nn.LayerNorm(config.n_embd)")]
    assert ("+", "self.apply(self._init_weights)") in changed("gpt-lecture", "ladder-7")
    assert all(ln.kind == "+" for ln in diff("ladder-0", None))
    html = F.diff_html(diff("ladder-4", "ladder-3"), "ladder-4", "ladder-3", "zh-CN")
    assert 'class="add"' in html and "行未改动" in html and "新增 17 行" in html


class FakeTrainer:
    """A Trainer that records what it is asked; runs end when the test says so."""

    def __init__(self):
        self.started, self.live, self.stopped = [], False, 0

    def start_preset(self, session, preset):
        if self.live:
            raise Refusal("refuse.busy_session", run="run")
        self.started.append(preset)
        self.live = True

    def stop(self, session):
        self.stopped += 1
        self.live = False

    def runs(self, session):
        from explorer.services import RunView
        return [RunView("run-1", "run 1 · gpt", "session:run-1", {}, "input.txt",
                        "running" if self.live else "done", 1, 10, ())] if self.started else []


def test_train_one_rung_or_the_whole_ladder_one_after_another(session):
    from explorer.lecture.ladder import runs as R

    trainer = FakeTrainer()
    assert refused(R.train, None, session, "ladder-3") == "lec.ladder.no_trainer"
    assert refused(R.train, trainer, session, "gpt-lecture") == "lec.ladder.needs_gpu"
    R.train(trainer, session, "ladder-0")
    assert trainer.started == ["bigram"] and session.state(R.LadderState).pending == []
    assert refused(R.train, trainer, session, "ladder-3") == "refuse.busy_session"  # one live run a session
    trainer.live = False
    trainer.started = []
    R.train(trainer, session, "all")
    assert R.advance(trainer, session) and trainer.started == ["bigram"]  # still live: nothing new
    for expected in range(1, 8):
        trainer.live = False  # the run ended: the next rung starts on the tick
        assert R.advance(trainer, session) and trainer.started[-1] == f"ladder-{expected}"
    trainer.live = False
    assert not R.advance(trainer, session) and len(trainer.started) == 8
    R.train(trainer, session, "all")
    R.stop(trainer, session)
    assert trainer.stopped == 1 and session.state(R.LadderState).pending == [] and not R.advance(trainer, session)


def test_every_rungs_curve_and_the_dropout_gap_from_assets(session):
    from explorer.lecture.ladder import runs as R

    curves = R.curves(session, [])
    assert [c.preset for c in curves] == [n for n, _, _ in LADDER[:-1]]  # gpt-small was trained without one
    for c in curves:
        assert c.evals[0][0] == 0 and abs(c.evals[-1][2] - {r.preset: r for r in C.rungs(session)}[c.preset].ours) < 1e-3
    fig = F.curves_figure(curves, {n: v for n, _, v in LADDER}, "en")
    assert len(fig.data) == 9 and fig.data[-1].name == "the lecture's" and len(fig.data[-1].y) == 7
    d = R.dropout_runs(session)
    (p0, plain), (p2, dropped) = d["runs"].items()
    assert (p0, p2) == (0.0, 0.2) and d["chars"] == 20_000
    gap = lambda ev: ev[-1][2] - ev[-1][1]  # noqa: E731
    assert gap(plain) > 2 * gap(dropped) and dropped[-1][2] < plain[-1][2]  # what the section says
    assert min(e[2] for e in plain) < plain[-1][2]  # without dropout val turns back up
    html = F.dropout_html(d, "en")
    assert f"{gap(plain):+.3f}" in html and "python -m model.lecture.dropout" in html
    assert "missing" in F.dropout_html(None, "en")


def test_api_gives_each_rungs_diff(app_url):
    from gradio_client import Client
    out = Client(app_url, verbose=False).predict("ladder-4", api_name="/ladder_diff")
    assert out["against"] == "ladder-3" and out["added"] == 17 and out["removed"] == 3
    assert "+class FeedForward(nn.Module):" in out["diff"].splitlines()
