"""One training run's record: what the Train tab's chart, stats and samples read."""
import time
from collections import deque

import numpy as np

from model.timeline import Timeline


class Run:
    """One training run's record: curves for the chart, samples, and the model once it ends."""

    def __init__(self, run_id: str, number: int, model_cfg, train_cfg, corpus: str, vocab_size: int):
        self.id, self.number = run_id, number
        self.model_cfg, self.train_cfg = model_cfg, train_cfg
        self.corpus, self.vocab_size = corpus, vocab_size
        self.steps = 0
        self.loss = np.full(train_cfg.max_iters, np.nan, dtype=np.float32)  # minibatch loss per step
        self.evals: list[tuple[int, float, float]] = []  # (step, train, val)
        self.samples: list[tuple[int, str]] = []          # (step, text), the last few
        self.lr = 0.0
        self.tokens_per_s = 0.0
        self.elapsed = 0.0
        self.wall = 0.0      # seconds spent training, evaluating and sampling (pauses excluded)
        self.recent: deque[tuple[float, int]] = deque(maxlen=40)  # (wall time, step) every 0.25 s
        self.model = None    # set when the run ends; the live model is the job's
        self.model_step = None  # the step of model's weights when they are an earlier snapshot (process died)
        self.tokenizer = None
        self.version = 0     # bumped on every change, so the UI redraws only when needed
        self.timeline = Timeline()  # float16 weights at step 0 and each evaluation (model/timeline.py)

    @property
    def label(self) -> str:
        return f"run {self.number} · {self.model_cfg.model_type}"

    @property
    def weights_step(self) -> int:
        """The step the run's model (as the picker offers it) was trained to."""
        return self.steps if self.model_step is None else self.model_step

    def record(self, step_log) -> None:
        i = step_log.step - 1
        if step_log.loss is not None and 0 <= i < len(self.loss):
            self.loss[i] = step_log.loss
        self.steps = step_log.step
        self.lr, self.tokens_per_s, self.elapsed = step_log.lr, step_log.tokens_per_s, step_log.elapsed
        if step_log.val_loss is not None:
            self.evals.append((step_log.step, step_log.train_loss, step_log.val_loss))
        now = time.monotonic()
        if not self.recent or now - self.recent[-1][0] >= 0.25:  # about a 10 s window for the ETA
            self.recent.append((now, step_log.step))
        self.version += 1

    def eta(self) -> float | None:
        """Seconds to max_iters at the recent pace (evaluations included), or None if unknown."""
        if len(self.recent) < 2:
            return None
        (t0, s0), (t1, s1) = self.recent[0], self.recent[-1]
        if s1 <= s0 or t1 <= t0:
            return None
        return (self.train_cfg.max_iters - self.steps) * (t1 - t0) / (s1 - s0)
