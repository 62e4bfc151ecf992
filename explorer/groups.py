"""The queue's concurrency groups, named once. Inspection and sampling never wait behind training;
a training's controls never wait behind a long Step; status polls have their own lane."""

TRAIN_CONTROL = dict(concurrency_id="train_control", concurrency_limit=8)  # Start, Pause, Resume, Stop, Reset
TRAIN_STEP = dict(concurrency_id="train_step", concurrency_limit=8)        # one optimizer step (may take a second)
STATUS = dict(concurrency_id="status", concurrency_limit=4)                # ticks, curves, lists, language
INSPECT = dict(concurrency_id="inspect", concurrency_limit=4)              # every view of a model, sampling

# a UI-only event: no spinner over the plots, not part of the public API
QUIET = dict(show_progress="hidden", api_visibility="private")
QUIET_INSPECT = dict(QUIET, **INSPECT)
