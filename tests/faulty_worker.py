"""Training-process entry points that fail on purpose (imported by name in the child process)."""
from explorer.training import worker as train_worker
from model.train import Trainer


def out_of_memory(*args):
    """train_worker.main, whose first optimizer step raises as torch does when memory runs out."""
    def boom(self):
        raise RuntimeError("out of memory (simulated)")

    Trainer.step = boom
    train_worker.main(*args)
