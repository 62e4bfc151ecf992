"""Inside the model: the Attention, Softmax and Sampling tabs, which look at the picked model.

    compute.py    tensors in, numpy out: the prompt as the model sees it, every layer's attention,
                  the next character's distribution; InsideState, what a session keeps between draws
    sampler.py    streamed generation and the lecture's loop one step at a time (with Back)
    figures.py    pure: numpy in, plotly figures (and coloured text) out
    text.py       the three tabs' strings
    api.py        their gradio_client endpoints (attention, softmax, sample_stream, sample_step, sample_back)
    prompt.py     what the three tabs share: the prompt box, its notice, "drop unknown characters"
    attention.py, softmax.py, sampling.py   one builder per tab
"""
from ..feature import Feature
from ..picker import model_for
from . import api, attention, sampling, softmax, text
from .compute import InsideState


def warm(session) -> None:
    """The picker's default model, read from disk once for every visitor (explorer/models.py)."""
    model_for(session, None)


ATTENTION = Feature("attention", "tab.attention", build=attention.build, strings=text.S, api=api.register,
                    state=InsideState, warm=warm)
SOFTMAX = Feature("softmax", "tab.softmax", build=softmax.build, css=text.CSS, state=InsideState)
SAMPLING = Feature("sampling", "tab.sampling", build=sampling.build, state=InsideState)
