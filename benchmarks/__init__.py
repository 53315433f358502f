"""The benchmark suite (`make bench`): `python -m benchmarks`, writing benchmarks/results.json.

Every library runs single-threaded unless BENCH_THREADS says otherwise: on a small shared machine,
BLAS and XLA thread pools fighting over the cores make timings erratic, and one thread each
compares the engines themselves. Set here, before any case imports NumPy, torch or JAX.
"""

import os

THREADS = os.environ.get("BENCH_THREADS", "1")
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, THREADS)
os.environ.setdefault(
    "XLA_FLAGS", f"--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads={THREADS}"
)
