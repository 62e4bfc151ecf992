"""Training, live: the Train tab and its API over a run that computes in a process of its own.

    fields.py    the form's fields, their ranges and the presets; build_configs checks them
    actions.py   Start, Pause, Resume, Step, Stop, Reset, Save on a session (UI and API share them)
    state.py     TrainState: a visitor's runs, their models (for the picker) and the live job
    job.py       TrainingJob: drives one run's child process; spawn.py starts it; pool.py the slots
    worker.py    the child process (imports model/ and torch only); run.py one run's record
    figures.py   the loss chart (pure); view.py what the tab shows for a session
    text.py      its strings; api.py its gradio_client endpoints; tab.py the tab's builder
"""
from ..feature import Feature
from . import text
from .state import TrainState

# by name: the training process imports this package, and must not import gradio
FEATURE = Feature("train", "tab.train", build="explorer.training.tab:build", strings=text.S,
                  css=text.CSS, api="explorer.training.api:register", state=TrainState)
