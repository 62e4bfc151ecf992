"""Walkthrough section 'scale' -- being built (issue 5); its helper replaces this module."""
import gradio as gr

from ..context import AppContext


def build(ctx: AppContext) -> dict:
    return {"todo": gr.Markdown("scale: in progress")}
