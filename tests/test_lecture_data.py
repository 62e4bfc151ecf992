"""The walkthrough's data section: corpus numbers, vocabulary, encode/decode playground and split,
each checked against a direct computation; its handlers with good and bad input."""
import collections
import html as H

import gradio as gr
import pytest
import torch

from conftest import TEXT
from helpers import refused, req
from explorer import corpus as shared
from explorer.lecture.data import compute as D, figures as DF, tab as DT
from model.data import CharDataset
from model.lecture.data import character_counts, corpus_stats, split_at


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


def test_corpus_stats_against_direct_counts():
    assert corpus_stats(TEXT) == {"characters": len(TEXT), "lines": 700, "vocab_size": len(set(TEXT))}
    assert corpus_stats("ab\ncd") == {"characters": 5, "lines": 2, "vocab_size": 5}  # a last line without '\n'
    assert corpus_stats("a\n")["lines"] == 1


def test_counts_and_split_against_direct_computations():
    ds = CharDataset(TEXT)
    counts = character_counts(ds.train_data, ds.val_data, ds.tokenizer.vocab_size)
    direct = collections.Counter(TEXT)
    assert counts.tolist() == [direct[ch] for ch in ds.tokenizer.chars] and int(counts.sum()) == len(TEXT)
    n, line, before, after = split_at(TEXT, 60)
    assert n == int(0.9 * len(TEXT)) == len(ds.train_data) and len(ds.val_data) == len(TEXT) - n
    assert line == TEXT[:n].count("\n") + 1
    assert before + after == TEXT[n - 60:n + 60] and TEXT[:n].endswith(before) and TEXT[n:].startswith(after)
    assert torch.equal(torch.cat((ds.train_data, ds.val_data)), torch.tensor(ds.tokenizer.encode(TEXT)))


def test_corpus_is_read_once_and_missing_is_refused(small, tmp_path, monkeypatch):
    assert small.text == TEXT and small.name == "small.txt" and D.corpus() is small
    assert small.stats == corpus_stats(TEXT) and sum(small.counts) == len(TEXT)
    assert small.tokenizer.chars == sorted(set(TEXT))
    monkeypatch.setattr(shared, "_datasets", {})
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(tmp_path / "missing.txt"))
    assert refused(D.corpus) == "lec.data.no_corpus"
    stats, vocab, split = DT.views("en")  # the section says so instead of failing
    assert 'data-refusal="lec.data.no_corpus"' in stats and "GPT_EXPLORER_CORPUS" in stats and vocab == split == ""
    assert "tiny-shakespeare" in DT.views("zh-CN")[0]
    assert DT.encode_view("abc", "en")[1].count("lec.data.no_corpus") == 1
    assert "lec.data.no_corpus" in DT.decode_view("1 2", "en")[1]
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", str(tmp_path / "small.txt"))
    assert D.corpus().text == TEXT  # found again once it is there


def test_views_show_the_numbers(small):
    stats, vocab, split = DT.views("en")
    n = int(0.9 * len(TEXT))
    assert f"{len(TEXT):,}" in stats and ">700<" in stats and f">{len(set(TEXT))}<" in stats
    assert vocab.count('class="lecd-cell ') == small.tokenizer.vocab_size
    assert '<span class="ch ws">\\n</span><span class="id">0</span>' in vocab  # '\n' is id 0, shown visibly
    assert '<span class="ch ws">␣</span><span class="id">1</span>' in vocab
    i = small.tokenizer.stoi["e"]
    assert f"id {i}: 'e', {TEXT.count('e'):,} times" in H.unescape(vocab)
    assert f"= {n:,}" in split and f"{len(TEXT) - n:,} ids (10%)" in split and f"{n:,} ids (90%)" in split
    zh = DT.views("zh-CN")
    assert "字符数" in zh[0] and "出现" in zh[1] and "分界点" in zh[2]


def test_encode_decode_round_trip(small):
    text = "The lazy dog;\nQUICK!"
    ids_box, html = DT.encode_view(text, "en")
    ids = small.tokenizer.encode(text)
    assert ids_box == str(ids) and f"gives {len(ids)} ids" in html and html.count('class="lecd-cell ') == len(text)
    text_box, html = DT.decode_view(ids_box, "en")
    assert text_box == text and f"gives {len(text)} characters" in html
    for raw in (" ".join(map(str, ids)), ",".join(map(str, ids)), f"tensor({ids})", f"({ids[0]},)"):
        assert DT.decode_view(raw, "en")[0] == small.tokenizer.decode(D.parse_ids(raw))
    assert D.parse_ids("[1, 2,3 4]") == [1, 2, 3, 4] and D.parse_ids(None) == [] and D.parse_ids(" [ ] ") == []
    assert "得到 1 个字符" in DT.decode_view("1", "zh-CN")[1]


def test_encode_refuses_unknown_characters_and_handles_empty(small):
    box, html = DT.encode_view("fox é ☃ é", "en")
    assert box == gr.skip() and "'é', '☃'" in H.unescape(html) and html.count("lecd-cell bad") == 3
    assert "不在词表中" in DT.encode_view("☃", "zh-CN")[1]
    assert DT.encode_view("", "en") == ("[]", DF.note("The empty string encodes to the empty list []."))
    assert DT.encode_view(None, "en")[0] == "[]"
    box, html = DT.encode_view("x" * (D.MAX_TEXT + 1), "en")
    assert box == gr.skip() and 'data-refusal="lec.data.too_long"' in html
    assert 'data-refusal="lec.data.not_text"' in DT.encode_view(42, "en")[1]


def test_decode_refuses_bad_ids(small):
    V = small.tokenizer.vocab_size
    box, html = DT.decode_view(f"1, {V}, -1, {V}, 10**9", "en")
    assert box == gr.skip() and "lec.data.bad_id" in html and "'10**9' is not an id" in H.unescape(html)
    box, html = DT.decode_view(f"1, {V}, -1, {V}, {10 ** 20}", "en")
    assert box == gr.skip() and f"Outside the vocabulary: {V}, -1, {10 ** 20}." in html and f"0 to {V - 1}" in html
    for raw, key in (("1.5", "lec.data.bad_id"), ("abc", "lec.data.bad_id"), ("nan", "lec.data.bad_id"),
                     ("9" * 40, "lec.data.bad_id"), (" 1" * (D.MAX_IDS + 1), "lec.data.too_many"),
                     ("1" * 9000, "lec.data.too_long"), (3.5, "lec.data.not_text")):
        assert f'data-refusal="{key}"' in DT.decode_view(raw, "en")[1], raw
    assert DT.decode_view("", "en") == ("", DF.note("No ids: the empty list decodes to the empty string ''."))
    assert "超出词表范围" in DT.decode_view("999", "zh-CN")[1]


def test_handlers_good_and_bad(small, demo):
    enc, dec = handler(demo, "lecture_data_encode_ui"), handler(demo, "lecture_data_decode_ui")
    ids, html = enc("fox", "en", req())
    assert ids == str(small.tokenizer.encode("fox")) and "3 ids" in html
    assert enc("☃", "en", req())[0] == gr.skip()
    text, html = dec(ids, "zh-CN", req())
    assert text == "fox" and "3 个字符" in html
    assert dec("-5", "en", req())[0] == gr.skip() and dec(None, "en", req())[0] == ""


def test_language_switch_redraws_the_last_playground(small, demo):
    set_language = handler(demo, "set_language")
    handler(demo, "lecture_data_decode_ui")("1 2 3", "en", req("lang"))
    out = set_language("zh-CN", req("lang"))
    assert any(isinstance(v, dict) and "得到 3 个字符" in str(v.get("value", "")) for v in out)
    assert any(isinstance(v, dict) and "分界点" in str(v.get("value", "")) for v in out)


def test_code_panel_shows_the_tokenizer_and_the_split(demo):
    code = next(b.value for b in demo.blocks.values() if getattr(b, "elem_id", None) == "lec-data-code")
    assert "def encode(self, s: str)" in code and "n = int(0.9 * len(data))" in code
    assert "# model/tokenizer.py:" in code and "# model/lecture/data.py:" in code


def test_lecture_corpus(corpus_path, monkeypatch):
    """tiny-shakespeare itself: the lecture's numbers."""
    monkeypatch.setenv("GPT_EXPLORER_CORPUS", corpus_path)
    monkeypatch.setattr(shared, "_datasets", {})
    c = D.corpus()
    assert c.stats["vocab_size"] == 65 and c.stats["characters"] == len(c.text) > 1_000_000
    assert DT.encode_view("hii there", "en")[0] == "[46, 47, 47, 1, 58, 46, 43, 56, 43]"  # as the lecture prints
    assert len(c.dataset.train_data) == int(0.9 * len(c.text))
