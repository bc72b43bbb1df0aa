"""OpenAI wire schemas for request bodies, validated strictly (a string is not a number).

Unknown top-level fields are kept and passed through to OpenAI-compatible upstreams; known
fields are type-checked so a bad value gets a 400 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Float = Annotated[float, Field(allow_inf_nan=False)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class StreamOptions(_Wire):
    include_usage: bool = False


class ContentPart(_Wire):
    type: str
    text: str | None = None


class FunctionCall(_Wire):
    name: str
    arguments: str


class ToolCall(_Wire):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class ChatMessage(_Wire):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None


class FunctionDef(_Wire):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class Tool(_Wire):
    type: Literal["function"]
    function: FunctionDef


class JsonSchema(_Wire):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    description: str | None = None
    schema_: dict[str, Any] | None = Field(None, alias="schema")  # `schema` is pydantic's
    strict: bool | None = None


class ResponseFormat(_Wire):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchema | None = None


class _Sampling(_Wire):
    model: str
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: Annotated[Float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[Float, Field(ge=0, le=1)] | None = None
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    stop: str | list[str] | None = None
    seed: Annotated[int, Field(ge=-2**63, le=2**63 - 1)] | None = None
    n: Annotated[int, Field(ge=1, le=1)] | None = None
    user: str | None = None
    presence_penalty: Annotated[Float, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[Float, Field(ge=-2, le=2)] | None = None
    logit_bias: dict[str, Float] | None = None


class ChatCompletionRequest(_Sampling):
    messages: Annotated[list[ChatMessage], Field(min_length=1)]
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    response_format: ResponseFormat | None = None
    tools: list[Tool] | None = None
    tool_choice: Literal["none", "auto", "required"] | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    # Homeport: knowledge bases to retrieve passages from (cited in the answer)
    knowledge: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]],
                         Field(max_length=20)] | None = None


class CompletionRequest(_Sampling):
    prompt: str | Annotated[list[str], Field(max_length=1)]  # not empty: openai_parse checks
    echo: bool | None = None
    suffix: str | None = None
    best_of: Annotated[int, Field(ge=1, le=1)] | None = None


TokenIds = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=1, max_length=8192)]


class EmbeddingRequest(_Wire):
    model: str
    # text, texts, one array of token ids, or one per input (LangChain's default)
    input: (str | Annotated[list[str], Field(min_length=1, max_length=2048)] | TokenIds
            | Annotated[list[TokenIds], Field(min_length=1, max_length=2048)])
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: Annotated[int, Field(ge=1)] | None = None
    user: str | None = None
