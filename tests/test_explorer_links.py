"""Links that open a view, in process: every tab's linkable state written as a query parses back to
itself; opening a link sets the components, draws the views with the link's values (not the
defaults) and selects the tab; a bad or unknown value becomes a notice, never an error."""
from types import SimpleNamespace

import gradio as gr
import pytest

from explorer import links as L
from explorer.context import AppContext, LastViews
from explorer.limits import MAX_PROMPT, Limits
from explorer.links import LinkState, build_query, open_link, parse, qr_html
from explorer.ui import build_ui


@pytest.fixture(scope="module")
def app(tiny_assets, corpus_path):
    demo = build_ui(tiny_assets, Limits())
    yield demo
    demo.explorer_store.close_all()


@pytest.fixture
def links(app) -> L.Links:
    return app.explorer_links


@pytest.fixture
def session(app, request):
    return app.explorer_store.get(request.node.name)


def leaf_tabs(links: L.Links) -> list[str]:
    return [tab for tab in links.tabs if tab not in links.tabsets]


def other_value(link: L.Link, env: L.LinkEnv):
    """A value of the component other than its default, of the kind it holds (a dropdown whose choices
    come with the model: the value its check makes of "1")."""
    comp, default = link.comp, link.default
    if isinstance(comp, gr.Checkbox):
        return not default
    if isinstance(comp, gr.Slider):
        return comp.minimum if default != comp.minimum else comp.maximum
    if isinstance(comp, gr.Number):
        return int(default or 0) + 1
    if isinstance(comp, (gr.Radio, gr.Dropdown)):
        values = [c[1] for c in comp.choices]
        return next((v for v in reversed(values) if v != default), default) if values else link.check("1", env)
    return "ROMEO:"


def load(app):
    return next(f for f in app.fns.values() if f.name == "set_language")


def request(name: str, **query):
    return SimpleNamespace(session_hash=name, query_params=query)


def output(fn, out, elem_id: str):
    return next(o for c, o in zip(fn.outputs, out) if getattr(c, "elem_id", None) == elem_id)


def test_every_leaf_tab_has_links_and_a_copy_button(app, links):
    tabs = leaf_tabs(links)
    assert {"train", "attention", "softmax", "sampling", "lecture-data", "lecture-graph", "layers-lens",
            "layers-embeddings"} <= set(tabs)
    for tab in tabs:
        assert any(f.name == "copy_link_ui" and any(getattr(c, "elem_id", "") == f"link-url-{tab}" for c in f.outputs)
                   for f in app.fns.values()), tab
    keys = [(e.tab, e.key) for e in links.entries]
    assert len(keys) == len(set(keys))
    assert {k for t, k in keys if t == L.GLOBAL} == {"model", "step", "lang", "present"}


def test_a_link_from_each_tab_parses_back_to_its_state(links, session):
    for tab in leaf_tabs(links):
        own = [e for e in links.of(tab) if e.tab == tab]
        env = L.LinkEnv(session).at("pretrained:gpt-small")
        values = {id(e.comp): other_value(e, env) for e in own}
        values[id(links.entries[[e.key for e in links.entries].index("model")].comp)] = "pretrained:gpt-small"
        values.update({id(e.comp): v for e in links.of(tab) if e.tab == L.GLOBAL
                       for k, v in (("lang", "zh-CN"), ("present", True)) if e.key == k})
        query, notices = build_query(links, tab, values, session, "en")
        assert not notices, (tab, notices)
        assert query.startswith(f"tab={tab}&present=1&model=gpt-small&lang=zh-CN"), query
        opened = parse(links, dict(pair.split("=", 1) for pair in _decoded(query)), session, "en")
        assert opened.tab == tab and not opened.notices, (tab, opened.notices)
        for e in links.of(tab):
            if id(e.comp) in values and e.key != "step":
                got = opened.values.get(id(e.comp), (e, e.default))[1]
                assert got == values[id(e.comp)], (tab, e.key, got, values[id(e.comp)])


def _decoded(query: str) -> list[str]:
    from urllib.parse import parse_qsl
    return [f"{k}={v}" for k, v in parse_qsl(query, keep_blank_values=True)]


def test_values_are_checked_by_their_component(links, session):
    opened = parse(links, {"tab": "softmax", "t1": "0.2", "topk": "5", "repl": "0", "seed": " 7 "}, session, "en")
    by_key = {link.key: v for link, v in opened.values.values()}
    assert by_key == {"t1": 0.2, "topk": 5, "repl": False, "seed": 7} and not opened.notices
    assert isinstance(by_key["topk"], int) and isinstance(by_key["t1"], float)
    opened = parse(links, {"tab": "attention", "layer": "1", "head": "0", "stage": "masked"}, session, "en")
    assert sorted(v for _, v in opened.values.values() if not isinstance(v, str)) == [0, 1]  # head 0: the mean


BAD = {"tab": "nope", "model": "run:1", "layer": "x", "t1": "9", "lang": "fr", "present": "maybe", "colour": "red"}


def test_bad_and_unknown_values_become_notices(links, session):
    opened = parse(links, BAD, session, "en")
    assert opened.tab is None and not opened.values
    text = " | ".join(opened.notices)
    for expected in ("tab=nope: there is no such tab", "model=run:1: run:1 exists only in this browser session",
                     "lang=fr: lang must be one of en, zh-CN", "present=maybe: present must be true or false",
                     "colour=red: the tab – has no such setting", "layer=x", "t1=9"):
        assert expected in text, (expected, text)
    opened = parse(links, {"tab": "attention", "model": "gpt-huge", "layer": "x", "head": "99", "query": "-1",
                           "prompt": "x" * (MAX_PROMPT + 1), "step": "10"}, session, "zh-CN")
    assert opened.tab == "attention" and not opened.values
    text = " | ".join(opened.notices)
    assert "未知模型 gpt-huge" in text and "layer=x:layer 必须是数字" in text and "head=99" in text
    assert "query=-1" in text and f"提示文本超过 {MAX_PROMPT} 个字符" in text and "没有训练时间线" in text


def test_the_page_load_opens_the_link_and_a_language_switch_does_not_again(app, links):
    fn = load(app)
    out = fn.fn("en", request("open-a", tab="attention", model="gpt-small", prompt="The quick", stage="masked",
                              layer="1", head="2", query="3", lang="zh-CN", nope="1"))
    assert output(fn, out, "att-prompt")["value"] == "The quick"
    assert output(fn, out, "att-head")["value"] == 2 and output(fn, out, "att-query")["value"] == 3
    big = output(fn, out, "att-head-plot")["value"]
    assert big.layout.title.text.startswith("Layer 1, H2: masked")  # drawn with the link's values, in lang
    assert output(fn, out, "tabs") == {"__type__": "update", "selected": "attention"}
    assert "nope=1" in output(fn, out, "link-notice")["value"]
    session = app.explorer_store.get("open-a")
    assert session.state(LastViews).args["attention"][2:] == ("The quick", "masked", False, False, 1, 2, 3)
    # the picker's change on load keeps the link's head rather than resetting it; once
    assert AppContext.linked(session, "attention", "pretrained:gpt-small")
    assert not AppContext.linked(session, "attention", "pretrained:gpt-small")
    again = fn.fn("zh-CN", request("open-a", tab="softmax", t1="0.2"))
    assert output(fn, again, "link-notice") == {"__type__": "update"}  # gr.skip(): applied once per page
    assert output(fn, again, "tabs") == {"__type__": "update"}


def test_a_link_opens_a_section_and_the_views_that_draw_from_state(app, links):
    fn = load(app)
    out = fn.fn("en", request("open-b", tab="lecture-bigram", which="fresh", b="2", t="3", bseed="9"))
    assert output(fn, out, "tabs")["selected"] == "lecture" and output(fn, out, "lecture-tabs")["selected"] == \
        "lecture-bigram"
    assert output(fn, out, "lec-bigram-which")["value"] == "fresh" and output(fn, out, "lec-bigram-b")["value"] == 2
    assert "untrained" in output(fn, out, "lec-bigram-heatmap")["value"].layout.title.text
    out = fn.fn("en", request("open-c", tab="lecture-data", text="hii"))
    assert output(fn, out, "lec-data-ids")["value"] == "[46, 47, 47]"  # the playground encodes the link's text
    out = fn.fn("en", request("open-d", tab="train", preset="gpt-lecture"))
    assert output(fn, out, "preset")["value"] == "gpt-lecture" and output(fn, out, "model-type")["value"] == "gpt"
    assert output(fn, out, "f-n_layer")["value"] == 6  # the form filled as picking the preset does


def test_a_step_of_the_timeline(timeline_assets, corpus_path):
    demo = build_ui(timeline_assets, Limits())
    try:
        links, session = demo.explorer_links, demo.explorer_store.get("step")
        steps = session.timeline("pretrained:gpt-timeline").steps
        opened = parse(links, {"model": "gpt-timeline", "step": str(steps[1])}, session, "en")
        assert sorted(v for _, v in opened.values.values() if isinstance(v, int)) == [1] and not opened.notices
        pairs, notices = open_link(links, AppContext, session, {"model": "gpt-timeline", "step": str(steps[1]),
                                                                 "tab": "embeddings"}, "en")
        assert session.selected == "pretrained:gpt-timeline" and notices == [
            "tab=embeddings: there is no such tab (the tabs: " + ", ".join(links.tabs) + ")"]
        assert session.state(LastViews).args["header.step"] == ("pretrained:gpt-timeline", 1)
        assert session.state(LastViews).args["embeddings"] == ("pretrained:gpt-timeline", 1)
        picker, step = (next(e.comp for e in links.entries if e.key == k) for k in ("model", "step"))
        query, _ = build_query(links, "layers-embeddings", {id(picker): "pretrained:gpt-timeline", id(step): 1},
                               session, "en")
        assert query == f"tab=layers-embeddings&model=gpt-timeline&step={steps[1]}"
        final, _ = build_query(links, "layers-embeddings", {id(picker): "pretrained:gpt-timeline",
                                                           id(step): len(steps)}, session, "en")
        assert "step" not in final  # the final weights: no step
        bad = parse(links, {"model": "gpt-timeline", "step": "7"}, session, "en").notices
        assert bad == [f"step=7: No snapshot at step 7; the timeline has steps {', '.join(map(str, steps))}."]
    finally:
        demo.explorer_store.close_all()


def test_a_session_model_is_left_out_of_a_link(links, session):
    picker = next(e.comp for e in links.entries if e.key == "model")
    query, notices = build_query(links, "attention", {id(picker): "upload:1-mine"}, session, "en")
    assert query == "tab=attention" and notices == ["upload:1-mine exists only in this browser session, so a link "
                                                    "cannot name it: the link opens the default model."]
    assert session.state(LinkState).pending == {}


def test_the_qr_code():
    html = qr_html("http://127.0.0.1:7860/?tab=attention&model=gpt-small", "en")
    assert html.startswith('<div class="link-qr" data-version=') and "<svg" in html and "viewBox" in html
    long = qr_html("http://x/?prompt=" + "é" * 3000, "zh-CN")
    assert "二维码" in long and "<svg" not in long


def test_segno_is_a_runtime_requirement():
    from conftest import ROOT
    assert "segno==1.6.6" in (ROOT / "requirements.txt").read_text().split()
