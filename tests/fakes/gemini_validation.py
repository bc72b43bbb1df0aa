"""Request validation of the fake Gemini API: the checks the real API makes (stricter in a
few places, marked STRICT), raised as ApiError with Google's messages."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

TOP_LEVEL = {"contents", "tools", "toolConfig", "safetySettings", "systemInstruction",
             "generationConfig", "cachedContent"}
# STRICT: the real API's proto-JSON parser also accepts snake_case names; the fake insists on
# camelCase so a translation slip shows up here.
GENERATION_CONFIG = {
    "temperature", "topP", "topK", "maxOutputTokens", "stopSequences", "seed", "candidateCount",
    "responseMimeType", "responseSchema", "responseJsonSchema", "presencePenalty",
    "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig", "responseModalities",
    "mediaResolution", "speechConfig"}
PART_DATA = {"text", "inlineData", "fileData", "functionCall", "functionResponse",
             "executableCode", "codeExecutionResult"}
PART_META = {"thought", "thoughtSignature", "videoMetadata"}
SCHEMA_KEYS = {"type", "format", "title", "description", "nullable", "enum", "items", "minItems",
               "maxItems", "properties", "required", "minProperties", "maxProperties",
               "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
               "default", "minimum", "maximum"}
FORMATS = {"STRING": {"enum", "date-time"}, "INTEGER": {"int32", "int64"},
           "NUMBER": {"float", "double"}}
TYPES = {"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"}
FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")


class ApiError(Exception):
    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


def bad(message: str) -> ApiError:
    return ApiError(400, message)


def unknown(name: str, where: str) -> ApiError:
    return bad(f'Invalid JSON payload received. Unknown name "{name}" at \'{where}\': '
               "Cannot find field.")


def validate_embed(model: str, body: dict[str, Any]) -> None:
    for key in body:
        if key != "requests":
            raise unknown(key, "")
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise bad("* BatchEmbedContentsRequest.requests: requests is not specified")
    if len(requests) > 100:
        raise bad("* BatchEmbedContentsRequest.requests: at most 100 requests can be in one "
                  "batch")
    for i, r in enumerate(requests):
        if r.get("model") != f"models/{model}":
            raise bad(f"Model name {r.get('model')!r} in requests[{i}] does not match the "
                      f"model 'models/{model}' in the URL.")
        parts = (r.get("content") or {}).get("parts")
        if not parts or not all(isinstance(p.get("text"), str) for p in parts):
            raise bad(f"* BatchEmbedContentsRequest.requests[{i}].content.parts: must be text")


def validate_generate(body: dict[str, Any]) -> None:
    for key in body:
        if key not in TOP_LEVEL:
            raise unknown(key, "")
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise bad("* GenerateContentRequest.contents: contents is not specified")
    for i, content in enumerate(contents):
        validate_content(content, f"contents[{i}]")
    validate_turns(contents)
    if "systemInstruction" in body:
        si = body["systemInstruction"]
        if not isinstance(si, dict) or set(si) - {"role", "parts"} or not si.get("parts") or \
                not all(isinstance(p.get("text"), str) and p["text"] for p in si["parts"]):
            raise bad("* GenerateContentRequest.system_instruction: must hold text parts")
    validate_generation_config(body.get("generationConfig", {}))
    declared = validate_tools(body.get("tools", []))
    if "toolConfig" in body:
        validate_tool_config(body["toolConfig"], declared)


def validate_content(content: Any, where: str) -> None:
    if not isinstance(content, dict):
        raise bad(f"Invalid value at '{where}': expected a Content object")
    for key in content:
        if key not in ("role", "parts"):
            raise unknown(key, where)
    role = content.get("role")
    if role not in ("user", "model"):  # STRICT: the real API defaults a missing role to user
        raise bad(f"* GenerateContentRequest.{where}.role: Please use a valid role: user, model.")
    if not content.get("parts"):
        raise bad(f"* GenerateContentRequest.{where}.parts: contents.parts must not be empty.")
    for k, part in enumerate(content["parts"]):
        validate_part(part, role, f"{where}.parts[{k}]")


def validate_part(part: Any, role: str, where: str) -> None:
    if not isinstance(part, dict):
        raise bad(f"Invalid value at '{where}': expected a Part object")
    for key in part:
        if key not in PART_DATA | PART_META:
            raise unknown(key, where)
    data = [k for k in part if k in PART_DATA]
    if len(data) != 1:
        raise bad(f"* GenerateContentRequest.{where}.data: exactly one data field is required")
    value = part[data[0]]
    if data[0] == "text" and (not isinstance(value, str) or not value):
        raise bad("Unable to submit request because it has an empty text parameter.")
    if data[0] == "inlineData":
        if set(value) - {"mimeType", "data"} or not value.get("mimeType"):
            raise bad(f"* GenerateContentRequest.{where}.inline_data: mimeType is required")
        try:
            base64.b64decode(value.get("data", ""), validate=True)
        except binascii.Error:
            raise bad(f"Invalid value at '{where}.inline_data.data' (TYPE_BYTES), Base64 "
                      "decoding failed") from None
    if data[0] == "fileData" and (set(value) - {"mimeType", "fileUri"} or
                                  not value.get("fileUri")):
        raise bad(f"* GenerateContentRequest.{where}.file_data.file_uri: required")
    if data[0] == "functionCall" and (role != "model" or not value.get("name") or
                                      not isinstance(value.get("args", {}), dict)):
        raise bad(f"* GenerateContentRequest.{where}.function_call: a model turn's "
                  "function call needs a name and object args")
    if data[0] == "functionResponse" and (role != "user" or not value.get("name") or
                                          not isinstance(value.get("response"), dict)):
        raise bad(f"* GenerateContentRequest.{where}.function_response: a user turn's "
                  "function response needs a name and an object response")


def validate_turns(contents: list[dict[str, Any]]) -> None:
    def names(content: dict[str, Any] | None, kind: str) -> list[str]:
        return sorted(p[kind]["name"] for p in (content or {}).get("parts", []) if kind in p)

    for i, content in enumerate(contents):
        before = contents[i - 1] if i else None
        # STRICT: Gemini 1.0 demanded alternation; newer models accept repeats.
        if before is not None and before["role"] == content["role"]:
            raise bad("Please ensure that multiturn requests alternate between user and model.")
        calls = names(content, "functionCall")
        if calls and before is not None and before["role"] != "user":
            raise bad("Please ensure that function call turn comes immediately after a user "
                      "turn or after a function response turn.")
        answers = names(content, "functionResponse")
        asked = names(before, "functionCall")
        if (answers or asked) and answers != asked:  # STRICT on names as well as on counts
            raise bad("Please ensure that the number of function response parts is equal to "
                      "the number of function call parts of the function call turn.")


def validate_generation_config(cfg: Any) -> None:
    if not isinstance(cfg, dict):
        raise bad("Invalid value at 'generation_config': expected an object")
    for key in cfg:
        if key not in GENERATION_CONFIG:
            raise unknown(key, "generation_config")
    ranges = {"temperature": (0, 2), "topP": (0, 1), "maxOutputTokens": (1, 1 << 20),
              "candidateCount": (1, 8)}
    for key, (low, high) in ranges.items():
        if key in cfg and not (isinstance(cfg[key], int | float) and low <= cfg[key] <= high):
            raise bad(f"* GenerateContentRequest.generation_config.{key}: out of range "
                      f"[{low}, {high}]")
    stops = cfg.get("stopSequences", [])
    if not isinstance(stops, list) or len(stops) > 5 or not all(isinstance(s, str) for s in stops):
        raise bad("* GenerateContentRequest.generation_config.stop_sequences: at most 5 strings")
    if "responseSchema" in cfg and "responseJsonSchema" in cfg:
        raise bad("responseSchema and responseJsonSchema cannot both be set.")
    if ("responseSchema" in cfg or "responseJsonSchema" in cfg) and \
            cfg.get("responseMimeType") != "application/json":
        raise bad("* GenerateContentRequest.generation_config.response_mime_type: must be "
                  "application/json when a response schema is set")


def validate_tools(tools: Any) -> set[str]:
    declared: set[str] = set()
    for t, tool in enumerate(tools):
        for key in tool:
            if key not in ("functionDeclarations", "googleSearch", "codeExecution", "urlContext"):
                raise unknown(key, f"tools[{t}]")
        for d, decl in enumerate(tool.get("functionDeclarations", [])):
            where = f"tools[{t}].function_declarations[{d}]"
            for key in decl:
                if key not in ("name", "description", "parameters", "response", "behavior"):
                    raise unknown(key, where)
            name = decl.get("name")
            if not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
                raise bad(f"* GenerateContentRequest.{where}.name: Invalid function name.")
            if name in declared:
                raise bad(f"Duplicate function declaration found: {name}")
            declared.add(name)
            if "parameters" in decl:
                validate_schema(decl["parameters"], f"{where}.parameters")
    return declared


def validate_schema(node: Any, where: str) -> None:
    if not isinstance(node, dict):
        raise bad(f"Invalid value at '{where}': expected a Schema object")
    for key in node:
        if key not in SCHEMA_KEYS:
            raise unknown(key, where)
    kind = node.get("type")
    if kind is not None and (not isinstance(kind, str) or kind.upper() not in TYPES):
        raise bad(f"Invalid value at '{where}.type' ({kind!r})")
    kind = (kind or "").upper()
    if "format" in node and node["format"] not in FORMATS.get(kind, set()):
        raise bad(f"* GenerateContentRequest.{where}.format: only "
                  f"{sorted(FORMATS.get(kind, set()))} are supported for {kind or 'this'} type")
    if "enum" in node and not (kind == "STRING" and all(isinstance(e, str) for e in node["enum"])):
        raise bad(f"* GenerateContentRequest.{where}.enum: only allowed for STRING type")
    props = node.get("properties")
    if props is not None:
        if not isinstance(props, dict) or not props:
            raise bad(f"* GenerateContentRequest.{where}.properties: should be non-empty for "
                      "OBJECT type")
        for name, sub in props.items():
            validate_schema(sub, f"{where}.properties[{name}].value")
    for r, name in enumerate(node.get("required", [])):
        if name not in (props or {}):
            raise bad(f"* GenerateContentRequest.{where}.required[{r}]: property is not defined")
    if isinstance(node.get("items"), dict):
        validate_schema(node["items"], f"{where}.items")
    for k, sub in enumerate(node.get("anyOf", [])):
        validate_schema(sub, f"{where}.any_of[{k}]")


def validate_tool_config(cfg: Any, declared: set[str]) -> None:
    for key in cfg:
        if key not in ("functionCallingConfig", "retrievalConfig"):
            raise unknown(key, "tool_config")
    fcc = cfg.get("functionCallingConfig", {})
    for key in fcc:
        if key not in ("mode", "allowedFunctionNames"):
            raise unknown(key, "tool_config.function_calling_config")
    if fcc.get("mode") not in ("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"):
        raise bad(f"Invalid value at 'tool_config.function_calling_config.mode' "
                  f"({fcc.get('mode')!r})")
    names = fcc.get("allowedFunctionNames")
    if names is not None:
        if fcc["mode"] not in ("ANY", "VALIDATED"):
            raise bad("* GenerateContentRequest.tool_config.function_calling_config."
                      "allowed_function_names: only allowed when mode is ANY")
        for name in names:
            if name not in declared:
                raise bad(f"* GenerateContentRequest.tool_config.function_calling_config."
                          f"allowed_function_names: {name!r} is not a declared function")
