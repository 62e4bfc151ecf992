"""The queue's concurrency groups, named once. Inspection and sampling never wait behind training;
a training's controls never wait behind a long Step; status polls have their own lane."""

TRAIN_CONTROL = dict(concurrency_id="train_control", concurrency_limit=8)  # Start, Pause, Resume, Stop, Reset
TRAIN_STEP = dict(concurrency_id="train_step", concurrency_limit=8)        # one optimizer step (may take a second)
STATUS = dict(concurrency_id="status", concurrency_limit=4)                # ticks, curves, lists, language
INSPECT = dict(concurrency_id="inspect", concurrency_limit=4)              # every quick view of a model
# a second or more each (streamed or generated text, uploads, saves): their own lane, so a class's
# clicks on the quick views never queue behind four streams (tests/benchmarks/classroom.py)
LONG = dict(concurrency_id="long", concurrency_limit=4)

# a UI-only event: no spinner over the plots, not part of the public API
QUIET = dict(show_progress="hidden", api_visibility="private")
QUIET_INSPECT = dict(QUIET, **INSPECT)
QUIET_LONG = dict(QUIET, **LONG)
