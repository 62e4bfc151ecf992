"""The walkthrough's batches section: the drawn batch against direct indexing of the data, the
lecture's examples, and its handlers with good and bad input."""
import html as H
import math

import gradio as gr
import pytest
import torch

from conftest import TEXT
from helpers import req
from explorer.errors import Refusal
from explorer import corpus as shared
from explorer.lecture.batches import compute as LB, tab as LBT
from explorer.lecture.data import compute as D
from model.data import CharDataset
from model.lecture.batches import draw, examples, get_batch


@pytest.fixture(scope="module")
def ds():
    return CharDataset(TEXT)


@pytest.fixture
def small(tmp_path, monkeypatch):
    """The section reads conftest's TEXT as its corpus (no tiny-shakespeare needed)."""
    path = tmp_path / "small.txt"
    path.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(path))
    monkeypatch.setattr(shared, "_datasets", {})
    return D.corpus()


def handler(demo, name):
    return next(f.fn for f in demo.fns.values() if f.name == name)


@pytest.mark.parametrize("split, B, T, seed", [("train", 4, 8, 1337), ("val", 8, 32, 0), ("train", 1, 1, 7)])
def test_draw_against_direct_indexing(ds, split, B, T, seed):
    data = ds.train_data if split == "train" else ds.val_data
    ix, xb, yb = draw(ds, split, B, T, seed)
    assert ix.shape == (B,) and xb.shape == yb.shape == (B, T) and xb.dtype == yb.dtype == torch.long
    assert ((0 <= ix) & (ix < len(data) - T)).all()
    for b in range(B):
        for t in range(T):
            assert xb[b, t] == data[ix[b] + t] and yb[b, t] == data[ix[b] + t + 1]
    assert torch.equal(yb[:, :-1], xb[:, 1:])  # y is x shifted by one
    again = draw(ds, split, B, T, seed)
    assert all(torch.equal(a, b) for a, b in zip(again, (ix, xb, yb)))  # the same seed, the same batch
    # the lecture's loop-and-stack get_batch makes the same draw from the same generator
    lecture = get_batch(data, B, T, generator=torch.Generator().manual_seed(seed))
    assert all(torch.equal(a, b) for a, b in zip(lecture, (ix, xb, yb)))


def test_other_seeds_other_batches(ds):
    assert not torch.equal(draw(ds, "train", 4, 8, 1)[0], draw(ds, "train", 4, 8, 2)[0])


def test_examples_are_the_lectures_loop(ds):
    ix, xb, yb = draw(ds, "train", 3, 5, 11)
    items = examples(xb, yb)
    assert len(items) == 3 * 5 and [(b, t) for b, t, _, _ in items] == [(b, t) for b in range(3) for t in range(5)]
    for b, t, context, target in items:
        assert context == xb[b, :t + 1].tolist() and target == yb[b, t].item()
        assert context + [target] == ds.train_data[ix[b]:ix[b] + t + 2].tolist()


@pytest.mark.parametrize("args, key", [
    ((0, 8, 1, "train"), "refuse.range"), ((10**9, 8, 1, "train"), "refuse.range"),
    ((4, -3, 1, "train"), "refuse.range"), ((4, 33, 1, "train"), "refuse.range"),
    ((4, 8, -1, "train"), "refuse.range"), ((4, 8, 2**31, "train"), "refuse.range"),
    ((4, 8, "abc", "train"), "refuse.number"), ((4, 8, math.nan, "train"), "refuse.number"),
    ((4, 8, math.inf, "train"), "refuse.number"), ((None, 8, 1, "train"), "refuse.number"),
    ((True, 8, 1, "train"), "refuse.number"), ((2.5, 8, 1, "train"), "refuse.integer"),
    ((4, 8, 1, "test"), "refuse.choice"), ((4, 8, 1, None), "refuse.choice"),
])
def test_check_refuses_bad_settings(args, key):
    with pytest.raises(Refusal) as info:
        LB.check(*args)
    assert info.value.key == key


def test_check_accepts_what_the_page_and_the_api_send():
    assert LB.check(4, 8, 1337, "train") == (4, 8, 1337, "train")
    assert LB.check(8.0, "32", " 0 ", "val") == (8, 32, 0, "val")


def test_render_shows_the_batch(small):
    summary, grid, tensors, items = LBT.render(4, 8, 1337, "train", "en")
    ix, xb, yb = draw(small.dataset, "train", 4, 8, 1337)
    assert f"ix = {ix.tolist()}: 4 random starts in train_data" in summary and "seed 1337" in summary
    assert grid.count('class="lec-row"') == 4 and grid.count("lecd-cell x") == 32 and grid.count("lecd-cell y") == 32
    assert grid.count("lecd-cell y after") == 4 and grid.count("↘") == 32
    first = H.unescape(grid).split('class="lec-row"')[1]
    assert f"ix[0] = {int(ix[0]):,}" in first and f"line {TEXT.count(chr(10), 0, int(ix[0])) + 1:,}" in first
    assert f"when the input is {xb[0, :3].tolist()} the target is {int(yb[0, 2])}" in first
    assert str(xb) in H.unescape(tensors) and str(yb) in H.unescape(tensors) and "torch.Size([4, 8])" in tensors
    assert items.count('class="ex"') == 32 and "The 32 examples in this batch (B × T = 4 × 8)" in items
    assert f"when the input is {xb[3].tolist()} the target is {int(yb[3, 7])}" in items
    zh = LBT.render(2, 3, 5, "val", "zh-CN")
    assert "随机抽取的 2 个起点" in zh[0] and "第" in zh[1] and "当输入是" in zh[3] and zh[3].count('class="ex"') == 6


def test_render_val_rows_point_into_the_text(small):
    _, grid, _, _ = LBT.render(1, 4, 3, "val", "en")
    ix, xb, _ = draw(small.dataset, "val", 1, 4, 3)
    start = len(small.dataset.train_data) + int(ix[0])
    assert small.tokenizer.decode(xb[0].tolist()) == TEXT[start:start + 4]
    assert f"line {TEXT.count(chr(10), 0, start) + 1:,}" in H.unescape(grid)


def test_render_refuses_without_failing(small):
    for args in ((0, 8, 1, "train"), (4, 10**9, 1, "train"), (4, 8, "seed", "train"), (4, 8, 1, "nope")):
        summary, *rest = LBT.render(*args, "en")
        assert "data-refusal=" in summary and rest == ["", "", ""]
    assert "batch_size (B) 必须介于 1 与 8 之间(收到 9)" in LBT.render(9, 8, 1, "train", "zh-CN")[0]


def test_render_at_the_caps(small):
    summary, *views = LBT.render(LB.MAX_B, LB.MAX_T, 2, "val", "zh-CN")
    assert "data-refusal=" not in summary and all(views)


def test_handlers_good_and_bad(small, demo):
    draw_ui, next_ui = handler(demo, "lecture_batches_ui"), handler(demo, "lecture_batches_next_ui")
    out = draw_ui(4, 8, 1337, "train", "en", req())
    assert out == LBT.render(4, 8, 1337, "train", "en")
    bad = draw_ui(0, 8, 1337, "train", "en", req())
    assert 'data-refusal="refuse.range"' in bad[0] and bad[1:] == ["", "", ""]
    seed, *views = next_ui(4, 8, 1337, "val", "en", req())
    assert seed == 1338 and views == LBT.render(4, 8, 1338, "val", "en")
    assert next_ui(4, 8, LB.MAX_SEED, "train", "en", req())[0] == 0  # wraps around
    seed, summary, *rest = next_ui(4, 8, math.nan, "train", "en", req())
    assert seed == gr.skip() and 'data-refusal="refuse.number"' in summary and rest == ["", "", ""]
    assert 'data-refusal="refuse.range"' in next_ui(-4, 8, 1, "train", "en", req())[1]


def test_language_switch_redraws_the_last_batch(small, demo):
    handler(demo, "lecture_batches_ui")(2, 3, 99, "val", "en", req("lang-b"))
    out = handler(demo, "set_language")("zh-CN", req("lang-b"))
    assert any(isinstance(v, dict) and "这个批次中的 6 个样本" in str(v.get("value", "")) for v in out)


def test_missing_corpus_is_said(tmp_path, monkeypatch):
    monkeypatch.setattr(shared, "_datasets", {})
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(tmp_path / "none.txt"))
    summary, *rest = LBT.render(4, 8, 1, "train", "en")
    assert 'data-refusal="lec.data.no_corpus"' in summary and rest == ["", "", ""]


def test_code_panel_shows_get_batch(demo):
    code = next(b.value for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lec-batches-code")
    assert "ix = torch.randint(len(data) - block_size, (batch_size,)" in code and "torch.stack(" in code
    assert "# model/data.py:" in code and "for t in range(T):" in code


def test_the_lectures_first_batch(corpus_path, monkeypatch):
    """With tiny-shakespeare and seed 1337, the first row is the lecture's printed one."""
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", corpus_path)
    monkeypatch.setattr(shared, "_datasets", {})
    _, xb, yb = draw(D.corpus().dataset, "train", 4, 8, 1337)
    assert xb[0].tolist() == [24, 43, 58, 5, 57, 1, 46, 43] and yb[0].tolist() == [43, 58, 5, 57, 1, 46, 43, 39]
