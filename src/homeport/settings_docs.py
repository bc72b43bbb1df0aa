"""Renders docs/configuration.md from the Settings models, so the documentation of every
setting is the code's own (a test fails when the file is stale).

    python -m homeport.settings_docs > docs/configuration.md
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from homeport.settings import (
    AnthropicProvider,
    EmbedderProvider,
    GeminiProvider,
    LlamaCppProvider,
    ModelConfig,
    OpenAIProvider,
    Settings,
)
from homeport.types import Sensitivity

_INTRO = """# Configuration

Homeport reads, from lowest to highest priority: built-in defaults, a YAML file
(`--config FILE` or `HOMEPORT_CONFIG`), `HOMEPORT_*` environment variables, and command-line
flags (`--host`, `--port`, `--data-dir`). Nested settings use `__` in environment variables,
e.g. `HOMEPORT_EMBEDDED__CHAT__N_GPU_LAYERS=-1`; lists (`providers`, `models`) take JSON there.
Unknown or mistyped settings stop the server at start with a message naming the field.

A minimal file that adds a cloud model with the embedded model as its fallback:

```yaml
providers:
  - {name: cloud, type: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_API_KEY,
     tier: cloud}
models:
  - {name: gpt-4o, provider: cloud, fallbacks: [local]}
```

Another GGUF for the embedded model, offloaded to the GPU:

```yaml
embedded: {chat: {model_path: /models/qwen2.5-7b-instruct-q4_k_m.gguf, n_gpu_layers: -1}}
```

Keep restricted data on premises, pseudonymise personal data for the cloud, send hard code
questions asked of the virtual model `auto` to a cloud model, and let the cloud take overflow
when the local model is busy:

```yaml
privacy: {pseudonymize: {enabled: true}}
routing:
  rules:
    - {name: restricted-local, when: {min_sensitivity: restricted}, route: [local]}
    - {name: hard-code, when: {models: [auto], tasks: [code], complex: true}, route: [gpt-4o]}
  auto: [local]
  overflow: {to: [gpt-4o], max_pending: 4}
```

`homeport route explain "..."` (or `POST /v1/route/explain`) shows what a request would do.

This file is generated from the code (`python -m homeport.settings_docs`).
"""


def render() -> str:
    out = [_INTRO, "## Top-level settings\n", *_table(Settings, "", env=True)]
    out += ["\n## `providers[]`\n",
            "Each provider has a `type`; the fields below depend on it. A provider named "
            "`local` or `local-embed` replaces the embedded one.\n"]
    for cls in (OpenAIProvider, AnthropicProvider, GeminiProvider, LlamaCppProvider,
                EmbedderProvider):
        type_name = typing.get_args(cls.model_fields["type"].annotation)[0]
        out += [f"\n### type: `{type_name}`\n", *_table(cls, "", env=False, skip={"type"})]
    out += ["\n## `models[]`\n", *_table(ModelConfig, "", env=False)]
    return "\n".join(out) + "\n"


def _table(model: type[BaseModel], prefix: str, env: bool,
           skip: set[str] | None = None) -> list[str]:
    rows = ["| setting | type | default | description |", "|---|---|---|---|"]
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, field in model.model_fields.items():
        if name in (skip or set()):
            continue
        key = f"{prefix}{name}"
        sub = _submodel(field.annotation)
        listed = not prefix and name in ("providers", "models")  # documented in their sections
        if sub is not None and not listed:
            is_list = typing.get_origin(field.annotation) is list
            nested.append((f"{key}[]" if is_list else key, sub))
            if field.description:
                kind = "list (below)" if is_list else "section"
                rows.append(f"| `{key}` | {kind} | | {field.description} |")
            continue
        desc = (field.description or "").replace("|", "\\|")
        kind = "list (below)" if listed else _type(field.annotation)
        if env and "[]" not in key:
            desc += f" Env: `HOMEPORT_{key.upper().replace('.', '__')}`."
        rows.append(f"| `{key}` | {kind} | {_default(field)} | {desc} |")
    lines = rows
    for key, sub in nested:
        lines += ["", f"### `{key}`", "", *_table(sub, f"{key}.", env)]
    return lines


def _submodel(annotation: Any) -> type[BaseModel] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _type(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        return _type(typing.get_args(annotation)[0])
    if annotation is Sensitivity:
        return " \\| ".join(str(s) for s in Sensitivity)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return " \\| ".join(_type(a) for a in typing.get_args(annotation))
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(str(a) for a in typing.get_args(annotation))
    if annotation is type(None):
        return "null"
    origin = typing.get_origin(annotation)
    if origin is not None:
        return f"{origin.__name__}[{', '.join(_type(a) for a in typing.get_args(annotation))}]"
    return getattr(annotation, "__name__", str(annotation)).lower()


def _default(field: Any) -> str:
    if field.default is PydanticUndefined:
        factories = {list: "`[]`", dict: "`{}`", None: "required"}
        return factories.get(field.default_factory, "")
    value = field.default
    if value is None:
        return "null"
    return f"`{value}`"


if __name__ == "__main__":
    print(render(), end="")
