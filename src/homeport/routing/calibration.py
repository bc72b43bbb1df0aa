"""The complexity threshold `homeport route calibrate` saves in the data directory."""

from __future__ import annotations

import json
import time
from pathlib import Path

FILE = "routing-calibration.json"


def save_calibration(data_dir: Path, threshold: float, local_share: float, prompts: int) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"complexity_threshold": threshold, "local_share": local_share,
                               "prompts": prompts, "calibrated_at": time.time()}, indent=2))
    tmp.replace(path)
    return path


def load_threshold(data_dir: Path) -> float | None:
    """The saved threshold, or None when there is none (or it cannot be read)."""
    try:
        value = json.loads((data_dir / FILE).read_text())["complexity_threshold"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) and 0 <= value <= 1 else None
