"""Secrets in text: keys and tokens with a known prefix, private key blocks, JWTs, bearer
tokens, passwords in connection strings, and high-entropy values assigned to a secret-looking
name (`password=`, `"api_key": ...`, `token is ...`). All reported as API_KEY.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from homeport.entities import API_KEY
from homeport.types import Finding

_PREFIXED = tuple[tuple[tuple[str, ...], re.Pattern[str], float], ...]
# (substring probes, pattern, score); the pattern runs only when a probe is in the text.
_PLAIN: _PREFIXED = (
    (("AKIA", "ASIA"), re.compile(r"A(?:KI|SI)A[A-Z0-9]{16}(?![A-Za-z0-9])"), 0.95),  # AWS key id
    (("sk-",), re.compile(r"sk-[A-Za-z0-9_\-]{20,}"), 0.9),  # OpenAI, Anthropic (sk-ant-)
    (("xox",), re.compile(r"xox[abposr]-[A-Za-z0-9\-]{10,}"), 0.95),  # Slack
    (("hooks.slack.com",), re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_]+"), 0.95),
    (("AIza",), re.compile(r"AIza[0-9A-Za-z_\-]{35}"), 0.95),  # Google API key
    (("eyJ",), re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"), 0.95),
    (("glpat-",), re.compile(r"glpat-[A-Za-z0-9_\-]{20,}"), 0.95),  # GitLab
    (("SG.",), re.compile(r"SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"), 0.95),  # SendGrid
    (("-----BEGIN",), re.compile(
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY"
        r"(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,\-]*)"), 1.0),
)
_UNDERSCORED: _PREFIXED = (  # searched only when the text has an underscore
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), re.compile(r"gh[pousr]_[A-Za-z0-9]{30,255}"), 0.95),
    (("github_pat_",), re.compile(r"github_pat_[A-Za-z0-9_]{30,255}"), 0.95),
    (("sk_", "rk_"), re.compile(r"[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"), 0.95),  # Stripe
    (("hf_",), re.compile(r"hf_[A-Za-z0-9]{30,}"), 0.9),  # Hugging Face
    (("npm_",), re.compile(r"npm_[A-Za-z0-9]{36}"), 0.95),
)
_BEARER = re.compile(r"(?:[Bb]earer|BEARER|Basic|Token)\s+([A-Za-z0-9\-._~+/]{16,}=*)")
_CONN_PASSWORD = re.compile(
    r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|ftp|https?)"
    r"://[^:/\s@]+:([^@\s/]+)@"
)
_CLI_PASSWORD = re.compile(r"""(?<=\s)-p(["']?)([^\s"']{6,})\1(?!\S)""")
_BASE64_40 = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])")
# After a secret-looking name: the rest of the identifier, an operator or "is", the value.
_ASSIGN = re.compile(
    r"""[\w.\-]{0,30}(?:\s+(?:access\s+)?key)?["'\]]?\s{0,3}"""
    r"""(?P<op>:=|=>|==?|:|\s+(?:is|was)\s*:?|\s)\s*["'`]?(?P<v>[^\s"'`,;<>]{6,512})"""
)
_KEY_QUALIFIER = re.compile(
    r"(?:api|access|private|auth|app|client|master|license|encryption|signing|secret)[_\- ]?$"
)
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")  # os.environ, settings.API_KEY
# References to a value kept elsewhere: $VAR, ${VAR}, %VAR%, <your-key>, {{ secret }}, [redacted]
_REFERENCE = re.compile(
    r"\$\{[^}]*\}?|\$[A-Z_][A-Z0-9_]*|\$[a-z_][a-z0-9_]*|%\w+%|%\(\w+\)[sd]|<[^>]*>?|\{\{?[^}]*\}?\}?"
    r"|\[[^\]]*\]?"
)
_PLACEHOLDERS = frozenset((
    "none", "null", "nil", "true", "false", "undefined", "required", "optional", "string",
    "changeme", "password", "secret", "redacted", "example", "placeholder", "hidden", "masked",
))


def entropy(s: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def char_classes(s: str) -> int:
    """How many of lower case, upper case, digits and other characters `s` contains."""
    return (any(c.islower() for c in s) + any(c.isupper() for c in s)
            + any(c.isdigit() for c in s) + any(not c.isalnum() for c in s))


def secret_like(value: str, min_len: int = 12, min_entropy: float = 3.0) -> bool:
    """Whether an assigned value looks like a real secret, not a placeholder, word or code."""
    low = value.lower()
    if len(value) < min_len or low in _PLACEHOLDERS or len(set(value)) < 4:
        return False
    if "(" in value or "xxxx" in low or "..." in value or "://" in value:
        return False
    if _DOTTED_NAME.fullmatch(value) or _REFERENCE.fullmatch(value):
        return False
    return char_classes(value) >= 2 and entropy(value) >= min_entropy


def prefixed_secrets(text: str, low: str, out: list[Finding]) -> None:
    """Keys and tokens recognisable by their prefix or framing."""
    rules = _PLAIN + _UNDERSCORED if "_" in text else _PLAIN
    for probes, rx, score in rules:
        if not any(p in text for p in probes):
            continue
        for m in rx.finditer(text):
            s = m.start()
            if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_-"):
                continue
            if m.group().startswith("sk-") and not _mixed(m.group()[3:]):
                continue
            out.append(Finding(API_KEY, s, m.end(), score))
            if m.group().startswith(("AKIA", "ASIA")):  # the secret access key often follows
                base64_secret(text, m.end(), m.end() + 200, out)
    if "bearer" in low or "authorization" in low:
        for m in _BEARER.finditer(text):
            if _mixed(m.group(1)) and entropy(m.group(1)) >= 3.0:
                out.append(Finding(API_KEY, m.start(1), m.end(1), 0.85))
    if " -p" in text:  # mysql -pSECRET, -p"SECRET"
        for m in _CLI_PASSWORD.finditer(text):
            if secret_like(m.group(2), 6, 2.2):
                out.append(Finding(API_KEY, m.start(2), m.end(2), 0.8))
    if "://" in text and "@" in text:
        for m in _CONN_PASSWORD.finditer(text):
            out.append(Finding(API_KEY, m.start(1), m.end(1), 0.9))


def base64_secret(text: str, start: int, end: int, out: list[Finding]) -> None:
    """A 40-character base64 value (an AWS secret access key) in text[start:end]."""
    m = _BASE64_40.search(text, start, end)
    if m is not None and char_classes(m.group()) >= 3:
        out.append(Finding(API_KEY, m.start(), m.end(), 0.85))


def assigned_secret(text: str, low: str, kind: str, start: int, end: int,
                    out: list[Finding]) -> None:
    """The value after a secret-looking name at text[start:end]; `kind` is one of
    "password" (short values count), "secret" or "key" (a bare "key" needs a long value)."""
    if kind == "key" and not _KEY_QUALIFIER.search(low, max(0, start - 9), start):
        kind = "bare-key"
    m = _ASSIGN.match(text, end)
    if m is not None:
        value = m.group("v").rstrip(".,;:)]}>")
        if not m.group("op").strip():  # no operator ("with token 3f9a..."): long values only
            ok = any(c.isdigit() for c in value) and secret_like(value, 20, 3.0)
        elif kind == "password":
            ok = secret_like(value, 6, 2.2)
        elif kind == "bare-key":
            ok = char_classes(value) >= 3 and secret_like(value, 20, 3.5)
        else:
            ok = secret_like(value)
        if ok:
            out.append(Finding(API_KEY, m.start("v"), m.start("v") + len(value), 0.8))
            return
    if kind == "secret":  # "AWS secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        base64_secret(text, end, end + 80, out)


def _mixed(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
