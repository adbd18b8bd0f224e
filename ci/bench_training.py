"""Train chapter 12's tiny language model from its seed and print how long it took (a benchmark, not a test).

    python ci/bench_training.py            # train once: time, machine load, final losses, bit-exact check
    python ci/bench_training.py --save     # ...and write the checkpoint assets/models/tiny_lm.npz

The run uses one BLAS thread (``tiny_lm.blas_threads``). The load average is printed before and after:
the machine is shared, and a busy machine makes the run slower, never different.
It prints; it never fails on a slow machine.
"""
import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from attention_course import tiny_lm  # noqa: E402
from attention_course.data import ASSETS  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="write assets/models/tiny_lm.npz")
    args = parser.parse_args(argv)
    config, tc = tiny_lm.Config(), tiny_lm.TrainConfig()
    load_before = os.getloadavg()
    params, history = tiny_lm.train(config, tc)
    load_after = os.getloadavg()
    seconds = history["seconds"]
    print(f"model: {tiny_lm.n_parameters(params):,} parameters, d = {config.d}, {config.n_heads} heads, "
          f"d_ff = {config.d_ff}, {config.n_layers} blocks, context {config.n_ctx}, vocabulary {config.vocab_size}")
    print(f"training: {tc.steps} steps of Adam, batch {tc.batch_size}, lr {tc.lr} -> {tc.min_lr} (cosine), "
          f"{os.cpu_count()} CPUs, one BLAS thread")
    print(f"time: {seconds:.1f} s ({1000 * seconds / tc.steps:.1f} ms per step, evaluations included)")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}")
    print(f"final loss: training (first 500 sentences) {history['eval_train_loss'][-1]:.4f}, "
          f"held-out {history['eval_held_out_loss'][-1]:.4f}")
    path = ASSETS.joinpath(*tiny_lm.CHECKPOINT)
    if path.exists():
        saved, _, _ = tiny_lm.load_checkpoint(path)
        diff = max(float(np.max(np.abs(np.float32(params[k]) - saved[k]))) for k in params)
        print(f"against the committed checkpoint: max |difference| = {diff:.3g}"
              + (" (bit for bit)" if diff == 0 else ""))
    if args.save:
        path.parent.mkdir(parents=True, exist_ok=True)
        tiny_lm.save_checkpoint(path, params, history, config, tc)
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
