"""Every feature of the app, in the order of its tabs: ui.py builds one tab per entry (a feature's
sections become sub-tabs) and registers each feature's API; nothing else names a feature.
Adding a view: a new package under explorer/ that declares a Feature, and one line here."""
from . import inside, layers, lecture, training
from .feature import Feature

FEATURES: tuple[Feature, ...] = (
    training.FEATURE,
    lecture.FEATURE,
    inside.ATTENTION,
    inside.SOFTMAX,
    inside.SAMPLING,
    layers.FEATURE,
)


def every_feature() -> list[Feature]:
    """The features and their sections, depth first, each once."""
    seen, out = set(), []
    for feature in FEATURES:
        for f in feature.walk():
            if id(f) not in seen:
                seen.add(id(f))
                out.append(f)
    return out
