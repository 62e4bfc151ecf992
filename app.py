"""GPT Explorer: `python app.py [--host HOST] [--port PORT] [--share]` serves the app."""
import argparse
import logging
import os


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                   help="interface to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", 7860)),
                   help="port (default: $GRADIO_SERVER_PORT or 7860)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    p.add_argument("--assets", help="folder of pretrained checkpoints (default: $GPT_EXPLORER_ASSETS or assets/)")
    p.add_argument("--max-trainings", type=int, help="trainings at once (default: $GPT_EXPLORER_MAX_TRAININGS or 2)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    import torch

    from explorer.training.spawn import warm_up  # after argparse, so --help answers at once
    from explorer.limits import Limits
    from explorer.ui import build_ui, launch_options, warm

    # inspection and sampling run here, one request a thread: their matmuls are small (a 4-layer
    # trace of 128 characters is tens of milliseconds on one core), and with several requests at once
    # (a class) each asking for every core, OpenMP's threads wait on each other and on the trainings'
    torch.set_num_threads(1)

    demo = build_ui(args.assets, Limits.from_env(max_trainings=args.max_trainings))
    demo.launch(server_name=args.host, server_port=args.port, share=args.share or None,
                prevent_thread_lock=True, **launch_options())
    warm_up()  # once the server answers: the training processes' server
    warm(demo)  # and the views a class opens first, in the background
    demo.block_thread()


if __name__ == "__main__":
    main()
