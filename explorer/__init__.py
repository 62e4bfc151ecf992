"""GPT Explorer's Gradio app: the UI over model/ (which never imports this package)."""
