"""How training processes start: forked from a server that preloaded the worker (and torch)."""
import multiprocessing


def _context():
    """Processes forked from a small server that has imported torch and never used it: quick to
    start (no torch import per run), and each child starts its own OpenMP runtime."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # Windows
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["explorer.training.worker"])
    return ctx


CTX = _context()


def warm_up() -> None:
    """Start the process server now (it imports torch, ~3 s), so the first Start does not wait."""
    if CTX.get_start_method() == "forkserver":
        from multiprocessing import forkserver
        forkserver.ensure_running()
