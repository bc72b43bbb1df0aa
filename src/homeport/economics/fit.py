"""Hardware fit: will a model run on this machine? Memory needed = weights + KV cache + overhead.

    weights  = params * bits_per_weight(quant) / 8    (or the exact tensor bytes of a GGUF file)
    kv_cache = 2 (K and V) * n_layers * ctx * parallel * n_kv_heads * head_dim * 2 bytes (f16)
    overhead = 256 MiB + 10% of (weights + kv_cache)  (runtime, compute scratch, allocator slack)

The architecture (layers, KV heads, head size) comes from a GGUF file's metadata or, for a bare
parameter count, from a table of typical shapes. The estimate ignores sliding-window attention
and quantised KV caches, so it errs on the large side.
"""

from __future__ import annotations

import math
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

import psutil

from homeport.settings_ops import HardwareProfile

GiB = 1 << 30
MiB = 1 << 20
OVERHEAD_FIXED = 256 * MiB
OVERHEAD_RATIO = 0.10
KV_BYTES = 2  # f16 cache entries
DEFAULT_CTX = 4096  # LlamaCppConfig.n_ctx's default

# Effective bits per weight of whole GGUF files as llama.cpp reports them ("model size ... BPW"
# for Llama-3-8B: mixes keep embeddings/output at higher precision); IQ*: llama-quantize's bpw.
BITS_PER_WEIGHT: dict[str, float] = {
    "F32": 32.0, "F16": 16.0, "BF16": 16.0, "Q8_0": 8.50, "Q6_K": 6.56,
    "Q5_K_M": 5.70, "Q5_K_S": 5.57, "Q5_1": 6.04, "Q5_0": 5.57,
    "Q4_K_M": 4.89, "Q4_K_S": 4.67, "Q4_1": 5.11, "Q4_0": 4.64, "IQ4_NL": 4.50, "IQ4_XS": 4.42,
    "Q3_K_L": 4.30, "Q3_K_M": 4.00, "Q3_K_S": 3.64, "IQ3_M": 3.66, "IQ3_S": 3.44,
    "IQ3_XS": 3.30, "IQ3_XXS": 3.06, "Q2_K": 3.17, "Q2_K_S": 3.17, "IQ2_M": 2.70, "IQ2_S": 2.50,
    "IQ2_XS": 2.31, "IQ2_XXS": 2.06, "IQ1_M": 1.75, "IQ1_S": 1.56,
}
_QUANT_ALIASES = {"Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M", "Q3_K": "Q3_K_M", "FP16": "F16",
                  "FP32": "F32"}

Where = Literal["gpu", "gpu+cpu", "cpu", "none"]
_WHERE_TEXT = {"gpu": "fits in GPU memory", "gpu+cpu": "fits with GPU + CPU offload",
               "cpu": "fits in CPU RAM", "none": "does not fit"}


@dataclass(frozen=True, slots=True)
class Arch:
    """The shape that sizes the KV cache."""

    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    embedding_length: int
    params: int = 0  # number of weights, 0 when unknown
    context_length: int = 0  # trained context, 0 when unknown

    def kv_bytes(self, ctx: int, parallel: int) -> int:
        """2 * n_layers * ctx * parallel * n_kv_heads * head_dim * 2 bytes."""
        return 2 * self.n_layers * ctx * parallel * self.n_kv_heads * self.head_dim * KV_BYTES


# Typical shapes by size (billions): (n_layers, n_heads, n_kv_heads, head_dim, embedding).
TYPICAL_SHAPES: dict[float, tuple[int, int, int, int, int]] = {
    0.135: (30, 9, 3, 64, 576),         # SmolLM2-135M
    0.36: (32, 15, 5, 64, 960),         # SmolLM2-360M
    0.5: (24, 14, 2, 64, 896),          # Qwen2.5-0.5B
    1.0: (16, 32, 8, 64, 2048),         # Llama-3.2-1B
    1.5: (28, 12, 2, 128, 1536),        # Qwen2.5-1.5B
    3.0: (28, 24, 8, 128, 3072),        # Llama-3.2-3B
    7.0: (32, 32, 8, 128, 4096),        # Mistral-7B
    8.0: (32, 32, 8, 128, 4096),        # Llama-3.1-8B
    12.0: (40, 32, 8, 128, 5120),       # Mistral-Nemo-12B
    14.0: (48, 40, 8, 128, 5120),       # Qwen2.5-14B
    24.0: (40, 32, 8, 128, 5120),       # Mistral-Small-24B
    32.0: (64, 40, 8, 128, 5120),       # Qwen2.5-32B
    70.0: (80, 64, 8, 128, 8192),       # Llama-3.1-70B
    123.0: (88, 96, 8, 128, 12288),     # Mistral-Large-2
    405.0: (126, 128, 8, 128, 16384),   # Llama-3.1-405B
}


def typical_arch(params_b: float) -> Arch:
    """The typical shape of the nearest size (by ratio) in TYPICAL_SHAPES."""
    size = min(TYPICAL_SHAPES, key=lambda s: abs(math.log(s / params_b)))
    return Arch(*TYPICAL_SHAPES[size], params=round(params_b * 1e9))


@dataclass(frozen=True, slots=True)
class Machine:
    gpu_bytes: int  # 0: no GPU
    ram_bytes: int
    gpu_name: str = ""


@dataclass(frozen=True, slots=True)
class Fit:
    model: str
    params_b: float
    quant: str
    ctx: int
    parallel: int
    weights_bytes: int
    kv_bytes: int
    overhead_bytes: int
    machine: Machine

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes

    @property
    def where(self) -> Where:
        """GPU alone, GPU + CPU offload, CPU RAM alone, or nowhere."""
        total, gpu, ram = self.total_bytes, self.machine.gpu_bytes, self.machine.ram_bytes
        if gpu >= total:
            return "gpu"
        if gpu > 0 and gpu + ram >= total:
            return "gpu+cpu"
        return "cpu" if ram >= total else "none"

    @property
    def fits(self) -> bool:
        return self.where != "none"

    @property
    def margin_bytes(self) -> int:
        """Memory left over where it fits; negative (the shortfall) where it does not."""
        gpu, ram = self.machine.gpu_bytes, self.machine.ram_bytes
        room = {"gpu": gpu, "cpu": ram}.get(self.where, gpu + ram)
        return room - self.total_bytes

    def verdict(self) -> str:
        m = self.margin_bytes / GiB
        tail = f"{m:.2f} GiB to spare" if self.fits else f"short by {-m:.2f} GiB"
        return f"{self.model}: {_WHERE_TEXT[self.where]} ({tail})"

    def to_dict(self) -> dict[str, Any]:
        def gib(n: int) -> float:
            return round(n / GiB, 3)
        return {"model": self.model, "params_b": round(self.params_b, 3), "quant": self.quant,
                "ctx": self.ctx, "parallel": self.parallel, "fits": self.fits,
                "where": self.where, "weights_gib": gib(self.weights_bytes),
                "kv_cache_gib": gib(self.kv_bytes), "overhead_gib": gib(self.overhead_bytes),
                "total_gib": gib(self.total_bytes), "margin_gib": gib(self.margin_bytes),
                "gpu_gib": gib(self.machine.gpu_bytes), "ram_gib": gib(self.machine.ram_bytes)}


def normalise_quant(quant: str) -> str:
    """Canonical quant name (`q4_k_m` -> `Q4_K_M`); ValueError naming the known ones."""
    q = quant.strip().upper().replace("-", "_")
    q = _QUANT_ALIASES.get(q, q)
    if q not in BITS_PER_WEIGHT:
        raise ValueError(f"unknown quantisation {quant!r}; use one of "
                         f"{', '.join(BITS_PER_WEIGHT)}")
    return q


def parse_params(text: str) -> float:
    """Parameter count in billions from `8B`, `135M`, `1.5b`, `0.5` (billions)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmbt]?)\s*", text, re.IGNORECASE)
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"cannot read {text!r} as a model size; write it like 8B, 1.5B or 135M")
    scale = {"k": 1e-6, "m": 1e-3, "b": 1.0, "": 1.0, "t": 1e3}[m.group(2).lower()]
    return float(m.group(1)) * scale


def weights_bytes(params_b: float, quant: str) -> int:
    """params * bits_per_weight(quant) / 8."""
    return round(params_b * 1e9 * BITS_PER_WEIGHT[normalise_quant(quant)] / 8)


def overhead_bytes(weights: int, kv: int) -> int:
    """OVERHEAD_FIXED + OVERHEAD_RATIO * (weights + kv)."""
    return OVERHEAD_FIXED + round(OVERHEAD_RATIO * (weights + kv))


def estimate(params_b: float, quant: str, ctx: int, parallel: int, arch: Arch | None = None,
             *, machine: Machine, weights: int | None = None, model: str = "") -> Fit:
    """Memory a model needs with `parallel` sequences of `ctx` tokens, and where it fits on
    `machine`. `weights` (exact bytes, from a GGUF) replaces the params * bpw estimate."""
    if ctx < 1 or parallel < 1:
        raise ValueError("ctx and parallel must be at least 1")
    w = weights if weights is not None else weights_bytes(params_b, quant)
    kv = (arch or typical_arch(params_b)).kv_bytes(ctx, parallel)
    return Fit(model=model or f"{params_b:g}B {quant}", params_b=params_b, quant=quant, ctx=ctx,
               parallel=parallel, weights_bytes=w, kv_bytes=kv,
               overhead_bytes=overhead_bytes(w, kv), machine=machine)


def machine(profile: HardwareProfile) -> Machine:
    """This machine's GPU memory and RAM; the hardware profile's figures (GiB) win."""
    name, gpu = ("configured", _gib(profile.gpu_memory_gb)) if profile.gpu_memory_gb is not None \
        else _nvidia_gpus()
    ram = _gib(profile.ram_gb) if profile.ram_gb is not None else psutil.virtual_memory().total
    return Machine(gpu_bytes=gpu, ram_bytes=ram, gpu_name=name)


def _gib(gb: float | None) -> int:
    return round((gb or 0) * GiB)


def _nvidia_gpus() -> tuple[str, int]:
    """(names, total memory bytes) of the NVIDIA GPUs nvidia-smi lists; ("", 0) without one."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return "", 0
    try:
        out = subprocess.run([exe, "--query-gpu=name,memory.total", "--format=csv,noheader,"
                              "nounits"], capture_output=True, text=True, timeout=10, check=True)
        rows = [line.rsplit(",", 1) for line in out.stdout.strip().splitlines() if "," in line]
        return ", ".join(n.strip() for n, _ in rows), sum(int(mib) * MiB for _, mib in rows)
    except (OSError, subprocess.SubprocessError, ValueError):
        return "", 0


# --- GGUF files -------------------------------------------------------------------------------
# The header is parsed here with `struct`, using the gguf package's type tables. gguf.GGUFReader
# memory-maps the file (np.memmap, read-only) and does not read tensor data, but it turns every
# tokenizer string into a numpy view: 12.6 s for SmolLM2-135M's header on this 2-core machine.
# Skipping those arrays reads the same header in a fraction of a second.

_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
           12: "d"}  # GGUFValueType -> struct format
_STRING, _ARRAY = 8, 9
_MAX_LIST = 4096  # longer numeric arrays (tokenizer scores...) are skipped, not read


@dataclass(frozen=True, slots=True)
class GgufTensor:
    name: str
    shape: tuple[int, ...]
    type_name: str  # GGMLQuantizationType name
    n_elements: int
    n_bytes: int


@dataclass(frozen=True, slots=True)
class GgufModel:
    path: Path
    name: str
    arch: Arch
    quant: str  # from general.file_type, else the most common tensor type
    weights_bytes: int  # sum of the tensors' sizes
    file_bytes: int

    @property
    def params_b(self) -> float:
        return self.arch.params / 1e9


def read_gguf(path: Path) -> GgufModel:
    """Metadata and tensor shapes of a GGUF file: its header only, no tensor data."""
    try:
        with path.open("rb") as fh:
            fields, tensors = _Header(fh).read()
    except (OSError, ValueError, struct.error) as e:
        raise ValueError(f"{path} is not a readable GGUF file ({e}); give the path of a .gguf "
                         "model file") from e
    params = sum(t.n_elements for t in tensors)
    return GgufModel(path=path, name=str(fields.get("general.name") or path.stem),
                     arch=_arch_of(fields, params, path),
                     quant=_quant_of(fields.get("general.file_type"), tensors),
                     weights_bytes=sum(t.n_bytes for t in tensors),
                     file_bytes=path.stat().st_size)


def fit_gguf(path: Path, ctx: int | None, parallel: int, *, machine: Machine,
             quant: str | None = None) -> Fit:
    """Fit of a GGUF file at `ctx` (default: DEFAULT_CTX, or less when trained on less): its
    exact tensor bytes, or its parameters at another `quant` when one is given."""
    g = read_gguf(path)
    ctx = ctx or min(g.arch.context_length or DEFAULT_CTX, DEFAULT_CTX)
    q = normalise_quant(quant) if quant else g.quant
    return estimate(g.params_b, q, ctx, parallel, g.arch, machine=machine,
                    weights=None if quant else g.weights_bytes, model=g.name)


class _Header:
    """Reads a GGUF v2/v3 header: magic, version, counts, key/values, tensor infos."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.order = "<"

    def read(self) -> tuple[dict[str, Any], list[GgufTensor]]:
        if self.fh.read(4) != b"GGUF":
            raise ValueError("no GGUF magic number")
        (version,) = self.unpack("I")
        if version & 0xFFFF == 0:  # written on a big-endian machine
            self.order, version = ">", int.from_bytes(version.to_bytes(4, "little"), "big")
        if version not in (2, 3):
            raise ValueError(f"GGUF version {version} is not supported (2 and 3 are)")
        n_tensors, n_kv = self.unpack("QQ")
        if max(n_tensors, n_kv) > 1 << 20:
            raise ValueError("implausible tensor or key count")
        fields = {}
        for _ in range(n_kv):
            key = self.string()
            fields[key] = self.value(self.unpack("I")[0])
        return fields, [self.tensor() for _ in range(n_tensors)]

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(self.order + fmt)
        data = self.fh.read(size)
        if len(data) < size:
            raise ValueError("the file ends inside its header")
        return struct.unpack(self.order + fmt, data)

    def string(self, skip: bool = False) -> str:
        (n,) = self.unpack("Q")
        if n > 1 << 24:
            raise ValueError("implausible string length")
        if skip:
            self.fh.seek(n, 1)
            return ""
        return self.fh.read(n).decode("utf-8", errors="replace")

    def value(self, vtype: int) -> Any:
        if vtype in _SCALAR:
            return self.unpack(_SCALAR[vtype])[0]
        if vtype == _STRING:
            return self.string()
        if vtype != _ARRAY:
            raise ValueError(f"unknown metadata type {vtype}")
        item, count = self.unpack("IQ")
        if item in _SCALAR and count <= _MAX_LIST:
            return list(self.unpack(f"{count}{_SCALAR[item]}"))
        if item in _SCALAR:
            self.fh.seek(count * struct.calcsize(_SCALAR[item]), 1)
        elif item == _STRING:
            for _ in range(count):  # the tokenizer's vocabulary and merges
                self.string(skip=True)
        else:
            for _ in range(count):
                self.value(item)
        return None

    def tensor(self) -> GgufTensor:
        from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

        name = self.string()
        (n_dims,) = self.unpack("I")
        shape = self.unpack(f"{n_dims}Q")
        ttype, _offset = self.unpack("IQ")
        try:
            qtype = GGMLQuantizationType(ttype)
            block, size = GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise ValueError(f"tensor {name} has type {ttype}, unknown to the installed gguf "
                             "package; upgrade it (pip install -U gguf)") from None
        n = math.prod(shape)
        return GgufTensor(name, tuple(shape), qtype.name, n, n * size // block)


def _arch_of(fields: dict[str, Any], params: int, path: Path) -> Arch:
    arch = fields.get("general.architecture")

    def get(key: str, default: Any = None) -> Any:
        value = fields.get(f"{arch}.{key}", default)
        return max(value) if isinstance(value, list) and value else value  # per-layer lists

    n_layers, n_heads, emb = get("block_count"), get("attention.head_count"), \
        get("embedding_length")
    if not (n_layers and n_heads and emb):
        raise ValueError(f"{path} lacks the {arch}.block_count / attention.head_count / "
                         "embedding_length metadata; use --params and --quant instead")
    head_dim = get("attention.key_length") or emb // n_heads
    return Arch(n_layers=int(n_layers), n_heads=int(n_heads),
                n_kv_heads=int(get("attention.head_count_kv") or n_heads),
                head_dim=int(head_dim), embedding_length=int(emb), params=params,
                context_length=int(get("context_length") or 0))


def _quant_of(file_type: Any, tensors: list[GgufTensor]) -> str:
    """The file type's name (MOSTLY_Q4_K_M -> Q4_K_M), else the type of most weights."""
    from gguf import LlamaFileType

    if isinstance(file_type, int):
        try:
            return LlamaFileType(file_type).name.removeprefix("MOSTLY_").removeprefix("ALL_")
        except ValueError:
            pass
    counts: dict[str, int] = {}
    for t in tensors:
        if len(t.shape) >= 2:
            counts[t.type_name] = counts.get(t.type_name, 0) + t.n_elements
    return max(counts, key=lambda k: counts[k]) if counts else "F32"
