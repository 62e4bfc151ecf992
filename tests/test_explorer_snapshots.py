"""A session's timelines stay within its memory budget: past it, the oldest run is thinned first (by
halves, its first and latest snapshots kept), the live run last; Reset drops them."""
from explorer.training.state import TrainState
from model.config import PRESETS
from model.gpt import build_model
from model.timeline import half_state

MB = 2**20


def classroom_runs(n: int, snapshots: int = 24) -> TrainState:
    """n runs of gpt-classroom, each with a full timeline (the same weights: only the bytes matter)."""
    cfg, tcfg = PRESETS["gpt-classroom"]
    state = half_state(build_model(cfg))
    st = TrainState()
    for i in range(n):
        run = st.new_run(i + 1, cfg, tcfg, "input.txt", 65)
        for k in range(snapshots):
            run.timeline.add(k * 50, 2.0, 2.1, {name: t.clone() for name, t in state.items()})
    return st


def test_four_classroom_runs_fit_the_budget_the_oldest_thinned_first():
    st = classroom_runs(4)
    runs = list(st.kept.values())
    one = runs[0].timeline.nbytes / 24
    assert 1.5 * MB < one < 1.7 * MB  # 0.82M parameters in float16
    assert sum(r.timeline.nbytes for r in runs) > 140 * MB
    st.fit_snapshots(64 * MB)
    total = sum(r.timeline.nbytes for r in runs)
    assert total <= 64 * MB
    sizes = [len(r.timeline) for r in runs]
    assert sizes == sorted(sizes) and sizes[-1] == 24, sizes  # the newest is whole, the oldest thinnest
    for r in runs:
        assert r.timeline.steps[0] == 0 and r.timeline.steps[-1] == 23 * 50  # first and latest kept
    assert runs[0].timeline.thinned > 0 and runs[-1].timeline.thinned == 0


def test_a_thinned_live_run_keeps_within_its_new_size():
    st = classroom_runs(1)
    run = next(iter(st.kept.values()))
    st.fit_snapshots(10 * MB)
    assert run.timeline.nbytes <= 10 * MB and len(run.timeline) >= 2
    before = len(run.timeline)
    run.timeline.add(5000, 1.9, 2.0, {n: t.clone() for n, t in run.timeline.snapshots[0].state.items()})
    assert len(run.timeline) <= before and run.timeline.steps[-1] == 5000


def test_reset_drops_the_timelines_but_keeps_the_models():
    import threading
    from types import SimpleNamespace

    from explorer.training import actions

    st = classroom_runs(2, snapshots=3)
    session = SimpleNamespace(lock=threading.RLock(), state=lambda cls: st)
    actions.reset(session)
    assert st.runs == [] and len(st.kept) == 2 and all(len(r.timeline) == 0 for r in st.kept.values())
