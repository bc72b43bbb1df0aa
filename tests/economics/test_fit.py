"""Hardware fit: the estimate, checked against real GGUF files (the packaged SmolLM2 and small
files written here with gguf.GGUFWriter)."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import psutil
import pytest

from homeport.economics.fit import (
    Arch,
    GiB,
    Machine,
    MiB,
    estimate,
    fit_gguf,
    machine,
    normalise_quant,
    parse_params,
    read_gguf,
    typical_arch,
    weights_bytes,
)
from homeport.providers.modelfiles import SMOLLM2_GGUF, locate
from homeport.settings_ops import HardwareProfile

NO_GPU_16G = Machine(gpu_bytes=0, ram_bytes=16 * GiB)


def test_quant_names_and_sizes() -> None:
    assert normalise_quant("q4_k_m") == "Q4_K_M" and normalise_quant("Q4_K") == "Q4_K_M"
    with pytest.raises(ValueError, match="Q4_K_M"):
        normalise_quant("Q4_K_XL")
    assert parse_params("8B") == 8.0 and parse_params("135m") == pytest.approx(0.135)
    assert parse_params("1.5b") == 1.5 and parse_params("70") == 70
    with pytest.raises(ValueError, match="8B"):
        parse_params("big")


@pytest.mark.parametrize(("quant", "gib"), [  # llama.cpp's sizes of Llama-3-8B (8.03B) files
    ("Q4_K_M", 4.58), ("Q8_0", 7.95), ("Q6_K", 6.14), ("Q4_0", 4.34), ("F16", 14.96)])
def test_weights_match_llama_cpp_reported_sizes(quant: str, gib: float) -> None:
    assert weights_bytes(8.03, quant) / GiB == pytest.approx(gib, rel=0.01)


def test_kv_cache_of_a_llama_3_8b_shape() -> None:
    arch = typical_arch(8)
    assert (arch.n_layers, arch.n_kv_heads, arch.head_dim) == (32, 8, 128)
    # 2 * 32 layers * 8192 tokens * 8 heads * 128 * 2 bytes = 1 GiB per sequence
    assert arch.kv_bytes(8192, 1) == GiB and arch.kv_bytes(8192, 4) == 4 * GiB
    assert typical_arch(0.12).n_layers == 30 and typical_arch(400).n_layers == 126


def test_estimate_parts_and_placement() -> None:
    f = estimate(8.03, "Q4_K_M", 8192, 4, machine=NO_GPU_16G)
    assert f.kv_bytes == 4 * GiB
    assert f.overhead_bytes == 256 * MiB + round(0.1 * (f.weights_bytes + f.kv_bytes))
    assert f.total_bytes / GiB == pytest.approx(4.58 + 4 + 0.25 + 0.858, abs=0.01)
    assert f.where == "cpu" and f.margin_bytes == 16 * GiB - f.total_bytes
    need = f.total_bytes
    on = {"gpu": Machine(need, 0), "gpu+cpu": Machine(need // 2, need // 2 + 1),
          "none": Machine(0, need - 1)}
    for where, m in on.items():
        g = estimate(8.03, "Q4_K_M", 8192, 4, machine=m)
        assert g.where == where and g.fits == (where != "none")
    short = estimate(8.03, "Q4_K_M", 8192, 4, machine=on["none"])
    assert short.margin_bytes == -1 and "short by" in short.verdict()
    assert estimate(70, "Q4_K_M", 8192, 1, machine=NO_GPU_16G).where == "none"


def test_packaged_smollm2_gguf_matches_its_file() -> None:
    path = locate(SMOLLM2_GGUF)
    g = read_gguf(path)
    assert g.quant == "Q4_1"
    assert 130e6 < g.arch.params < 140e6  # SmolLM2-135M
    assert 0.9 * g.file_bytes < g.weights_bytes < g.file_bytes  # tensors are most of the file
    estimated = weights_bytes(g.params_b, g.quant)
    assert abs(estimated - g.file_bytes) / g.file_bytes < 0.15, (estimated, g.file_bytes)
    # the shape as llama.cpp itself reads it
    from llama_cpp import Llama

    meta = Llama(str(path), vocab_only=True, verbose=False).metadata
    assert g.arch.n_layers == int(meta["llama.block_count"]) == 30
    assert g.arch.n_heads == int(meta["llama.attention.head_count"]) == 9
    assert g.arch.n_kv_heads == int(meta["llama.attention.head_count_kv"]) == 3
    assert g.arch.embedding_length == int(meta["llama.embedding_length"]) == 576
    assert g.arch.head_dim == 64 and g.arch.context_length == int(meta["llama.context_length"])
    f = fit_gguf(path, 4096, 2, machine=NO_GPU_16G)
    assert f.weights_bytes == g.weights_bytes and f.kv_bytes == 2 * 30 * 4096 * 2 * 3 * 64 * 2
    assert f.where == "cpu" and f.model == g.name


def _write_gguf(path: Path, file_type: gguf.LlamaFileType | None) -> tuple[int, int]:
    """A two-layer toy model; returns (params, tensor bytes)."""
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("toy")
    w.add_block_count(2)
    w.add_context_length(512)
    w.add_embedding_length(64)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    if file_type is not None:
        w.add_file_type(file_type)
    rng = np.random.default_rng(0)
    q8 = gguf.GGMLQuantizationType.Q8_0
    w.add_tensor("token_embd.weight", rng.standard_normal((256, 64)).astype(np.float16))
    for i in range(2):
        data = rng.standard_normal((192, 64)).astype(np.float32)
        w.add_tensor(f"blk.{i}.ffn_up.weight", gguf.quants.quantize(data, q8),
                     raw_dtype=q8)
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(64, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    params = 256 * 64 + 2 * (192 * 64 + 64)
    return params, 256 * 64 * 2 + 2 * (192 * 64 // 32 * 34 + 64 * 4)


def test_synthetic_gguf_params_bytes_and_shape(tmp_path: Path) -> None:
    path = tmp_path / "toy.gguf"
    params, nbytes = _write_gguf(path, gguf.LlamaFileType.MOSTLY_Q8_0)
    g = read_gguf(path)
    assert (g.arch.params, g.weights_bytes, g.quant, g.name) == (params, nbytes, "Q8_0", "toy")
    assert g.arch == Arch(n_layers=2, n_heads=4, n_kv_heads=2, head_dim=16,
                          embedding_length=64, params=params, context_length=512)
    assert nbytes < g.file_bytes < nbytes + 64 * 1024  # plus header and alignment
    reader = gguf.GGUFReader(path)  # the gguf package's own reader agrees
    assert sum(int(t.n_bytes) for t in reader.tensors) == nbytes
    assert sum(int(t.n_elements) for t in reader.tensors) == params
    assert reader.fields["llama.attention.head_count_kv"].contents() == g.arch.n_kv_heads
    f = fit_gguf(path, None, 3, machine=NO_GPU_16G)
    assert f.ctx == 512 and f.kv_bytes == 2 * 2 * 512 * 3 * 2 * 16 * 2
    requant = fit_gguf(path, 512, 1, machine=NO_GPU_16G, quant="f16")
    assert requant.quant == "F16" and requant.weights_bytes == params * 2


def test_gguf_without_file_type_takes_the_commonest_tensor_type(tmp_path: Path) -> None:
    path = tmp_path / "untyped.gguf"
    _write_gguf(path, None)
    assert read_gguf(path).quant == "Q8_0"  # 24,576 Q8_0 weights vs 16,384 F16 (1-D ignored)


def test_not_a_gguf_file_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"not a model" * 10)
    with pytest.raises(ValueError, match="not a readable GGUF"):
        read_gguf(bad)
    with pytest.raises(ValueError, match="not a readable GGUF"):
        read_gguf(tmp_path / "missing.gguf")


def test_machine_from_profile_or_detected() -> None:
    m = machine(HardwareProfile(gpu_memory_gb=24, ram_gb=64))
    assert (m.gpu_bytes, m.ram_bytes, m.gpu_name) == (24 * GiB, 64 * GiB, "configured")
    detected = machine(HardwareProfile())
    assert detected.ram_bytes == psutil.virtual_memory().total
    assert detected.gpu_bytes >= 0


def test_gpu_memory_read_from_nvidia_smi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No GPU on this machine: a stand-in prints what nvidia-smi prints for two GPUs.
    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho 'NVIDIA H100 80GB HBM3, 81559'\necho 'NVIDIA L4, 23034'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    m = machine(HardwareProfile(ram_gb=8))
    assert m.gpu_bytes == (81559 + 23034) * MiB and m.gpu_name == "NVIDIA H100 80GB HBM3, NVIDIA L4"
    assert machine(HardwareProfile(ram_gb=8, gpu_memory_gb=0)).gpu_bytes == 0  # profile wins
