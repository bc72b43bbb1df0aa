"""Task type and complexity of a prompt, from one embedding call.

Both come from one sentence embedding (L2-normalised, e.g. all-MiniLM-L6-v2) plus a few cheap
surface features (length, lines, digits, constraint words):

- task: a ridge classifier on the labelled seed set, blended with a similarity-weighted kNN
  vote over the same seeds (cosine, k=7), then nudged by lexical rules that only speak when
  the wording is unambiguous (a code fence, "translate ... into French", "summarise", "TL;DR");
- complexity: ridge regression on the seeds' complexity labels, clipped to [0, 1].

`prepare()` embeds the seed set once (cached on disk) and fits both heads from one SVD, each
penalty chosen by closed-form leave-one-out error. Long prompts are embedded through a bounded
window (`bounded`), so latency stays flat however long the prompt. bench/router has the
figures: held-out accuracy, complexity AUC, long prompts, latency.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from homeport.settings_ops import TASK_TYPES

SEED_PATH = Path(__file__).parent / "data" / "seed_tasks.jsonl"
# Long prompts: (head, tail) character budgets for their first and last paragraph (`bounded`);
# at most ~170 MiniLM tokens of English are embedded.
DEFAULT_WINDOW = (600, 300)

Vectors = npt.NDArray[np.float32]
Embed = Callable[[list[str]], npt.NDArray[np.floating]]


@dataclass(frozen=True, slots=True)
class Assessment:
    task: str                # one of TASK_TYPES
    task_confidence: float   # the task's share of the blended vote after the rules, in (0, 1]
    complexity: float        # 0 = a 135M local model can do it, 1 = needs a frontier model


# --------------------------------------------------------------------------- lexical rules
# (task, weight, pattern), applied in this order: p <- (1 - w) * p + w * onehot(task), so a
# later rule outweighs an earlier one. w < 0.5 boosts (a confident model vote for another task
# still wins); w >= 0.5 decides unless a later rule fires too.
_LANGS = (
    r"english|spanish|french|german|italian|portuguese|dutch|polish|czech|swedish|danish|"
    r"norwegian|finnish|greek|turkish|russian|ukrainian|arabic|hebrew|hindi|bengali|urdu|"
    r"chinese|mandarin|cantonese|japanese|korean|vietnamese|thai|indonesian|malay|tagalog|"
    r"romanian|hungarian|irish|welsh|latin|persian|farsi|swahili|catalan"
)
_PROG = (
    r"python|javascript|typescript|java|golang|go|rust|c\+\+|c#|kotlin|swift|ruby|php|scala|"
    r"sql|bash|powershell|haskell"
)
_CODE_NOUN = (
    r"functions?|scripts?|quer(y|ies)|class(es)?|methods?|programs?|components?|endpoints?|"
    r"regex(es)?|unit tests?|tests|modules?|workflows?|dockerfile|manifest|one-liner|"
    r"middleware|algorithm"
)
_RULES: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (task, w, re.compile(rx, re.IGNORECASE | re.MULTILINE)) for task, w, rx in (
        ("code", 0.3, r"\b(python|javascript|typescript|golang|rust|c\+\+|kotlin|swift|sql|bash|"
                      r"powershell|react|node\.?js|docker|kubernetes|terraform|git|css|pandas|"
                      r"flask|django|fastapi|traceback|segfault|typeerror|deadlock)\b"),
        ("reasoning", 0.3, r"\b(prove|proof|solve|probability|expected value|step by step|"
                           r"how many|how long (would|will|does)|what day of the week|prime|"
                           r"fallacy|syllogism|valid\?|estimate|calculat\w*|derive|IRR)\b|"
                           r"\d\s*[×*/^]\s*\d|\d+(\.\d+)?\s*% of \d"),
        ("extraction", 0.35, r"^\W*(pull|parse|find all|identify all|list (all|every)|"
                             r"get (me )?the|grab)\b|\b(as json|as csv|structured (data|fields|"
                             r"record)|fill in the)\b|\b(get|give me|list|find) (all )?the "
                             r"[^.?!\n]{0,60}\b(from|in) (this|the|these)\b"),
        ("extraction", 0.5, r"\b(extract|pull out)\b"),
        ("classification", 0.35, r"\b(classify|classification|categori[sz]e|which (category|"
                                 r"department|folder|specialty|tier)|(one|each) of:|one of the "
                                 r"following|(reply|answer|respond) (only )?with|yes/no|"
                                 r"sentiment|intent of|spam|assign (a|one|the)|"
                                 r"(label|tag) (each|this|the))\b|^\s*(label|tag|topic)\b"),
        ("creative_writing", 0.45, r"\b(write|compose|draft|create|come up with|invent|give "
                                   r"me)\b[^.?!\n]{0,60}\b(poem|haiku|limerick|sonnet|"
                                   r"villanelle|sestina|story|fable|fairy[- ]tale|song|lyrics|"
                                   r"jingle|chorus|toast|eulogy|speech|slogans?|taglines?|"
                                   r"caption|screenplay|scene|rap|verse|names?|message|note|"
                                   r"post)\b"),
        ("summarisation", 0.35, r"\b(condense|shorten|key points|main points|takeaways|short "
                                r"version|recap|in (one|two|three|a few|\d+) (sentences?|lines?|"
                                r"bullets?))\b"),
        ("summarisation", 0.5, r"\b(summari[sz](e|es|ing)|summary|tl;?dr|synopsis|gist|sum up|"
                               r"boil (this|it) down)\b"),
        ("code", 0.45, r"^\s*(```|def \w+\(|class \w+[:(]|from [\w.]+ import |import \w|"
                       r"function \w*\(|(const|let|var) \w+ = |#include\b|SELECT\b.+\bFROM\b)|"
                       r"\b(write|implement|fix|debug|refactor|optimi[sz]e)\b[^.?!\n]{0,60}\b("
                       + _CODE_NOUN + r")\b"),
        ("translation", 0.5, r"\btranslat(e|ed|ing|ion)\b|^\W*(traduce|traduis|traduza|"
                             r"übersetze|tradurre)\b"),
        ("translation", 0.65, r"\b(in)?to (\w+ )?(" + _LANGS + r")\b|\bin (" + _LANGS
                              + r")\W*$|\b(" + _LANGS + r") (to|into) (" + _LANGS + r")\b"),
        ("code", 0.6, r"\b(translat|port|convert|rewrite|migrate)\w*\b[^\n]{0,80}\b(in)?to ("
                      + _PROG + r")\b"),
    )
)


def _rule_votes(text: str) -> list[tuple[int, float]]:
    """(task index, weight) of every rule that fires, in application order."""
    text = _ends(text)
    return [(TASK_TYPES.index(task), w) for task, w, rx in _RULES if rx.search(text)]


def _ends(text: str) -> str:
    """Start and end of a long text: where instructions sit; keeps regex scans cheap."""
    return text if len(text) <= 1800 else f"{text[:1200]}\n{text[-600:]}"


# --------------------------------------------------------------------------- features
_CONSTRAINT = re.compile(
    r"\b(must|should|exactly|each|every|step|explain|justify|reason|without|at least|"
    r"preserv\w*|keep\w*|consider\w*|trade-?offs?|prove|design|implement|analy[sz]e)\b",
    re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def surface_features(text: str) -> npt.NDArray[np.float64]:
    """Cheap length/shape features of the whole prompt (not just the embedded window)."""
    ends = _ends(text)
    return np.array([
        math.log1p(len(text)),
        math.log1p(text.count("\n")),
        float("```" in text),
        len(_DIGIT.findall(ends)) / max(len(ends), 1),
        math.log1p(len(_CONSTRAINT.findall(ends))),
        math.log1p(text.count("?")),
    ])


def bounded(text: str, window: tuple[int, int] | None) -> str:
    """What gets embedded: the text itself when short; else its first and last paragraph.

    Paragraphs are split on blank lines. The first is kept whole when it fits in `window[0]`
    characters, else only its first eighth of that budget; the last likewise with `window[1]`.
    A short instruction before or after a pasted document is kept, the document is sliced:
    its content outweighs the instruction in a mean-pooled embedding (bench/router).
    """
    if window is None:
        return text
    head, tail = window
    if len(text) <= head + tail:
        return text
    paras = re.split(r"\n\s*\n", text.strip())
    first, last = paras[0], paras[-1]
    if len(first) > head:
        first = first[:head // 8].rsplit(" ", 1)[0]
    if len(last) > tail:
        last = last[-(tail // 8):].split(" ", 1)[-1]
    return f"{first} … {last}"


# --------------------------------------------------------------------------- classifier
class TaskClassifier:
    """Build once, `prepare()` once (embeds the seed set, fits both heads), then `assess()` /
    `assess_many()`: they only read the fitted arrays, so they are as thread-safe as `embed`.

    Task vote: `linear_weight` * softmax(ridge classifier) + the rest * similarity-weighted
    kNN (cosine, softmax over the k nearest seeds' similarities), then the lexical rules.
    `model_id` names the embedding model in the seed cache key: give a new one (e.g. the model
    file's SHA-256) when the model changes. `heuristics=False` and `linear_weight=0` exist for
    the bench's ablations.
    """

    def __init__(self, embed: Embed, cache_dir: Path | None = None, *,
                 model_id: str = "all-MiniLM-L6-v2-int8", seed_path: Path = SEED_PATH,
                 k: int = 7, knn_temperature: float = 0.1, linear_weight: float = 0.7,
                 linear_temperature: float = 0.1, heuristics: bool = True,
                 window: tuple[int, int] | None = DEFAULT_WINDOW):
        self.embed = embed
        self.cache_dir = cache_dir
        self.model_id = model_id
        self.seed_path = seed_path
        self.k = k
        self.knn_temperature = knn_temperature
        self.linear_weight = linear_weight  # 0 = kNN only
        self.linear_temperature = linear_temperature
        self.heuristics = heuristics
        self.window = window
        self._seeds: Vectors | None = None
        self._labels = np.zeros(0, dtype=np.int64)
        self._lo = self._hi = self._mean = self._scale = np.zeros(0)
        self._task_w = np.zeros((0, len(TASK_TYPES)))
        self._task_b = np.zeros(len(TASK_TYPES))
        self._cx_w = np.zeros(0)
        self._cx_b = 0.0
        self.alphas: dict[str, float] = {}  # ridge penalties chosen by leave-one-out error

    # ----------------------------------------------------------------- preparation
    def prepare(self) -> None:
        raw = self.seed_path.read_bytes()
        rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
        texts = [str(r["text"]) for r in rows]
        unknown = {str(r["task"]) for r in rows} - set(TASK_TYPES)
        if unknown:
            raise ValueError(f"{self.seed_path}: unknown task types {sorted(unknown)}")
        self._labels = np.array([TASK_TYPES.index(r["task"]) for r in rows], dtype=np.int64)
        complexity = np.array([float(r["complexity"]) for r in rows])
        vectors = self._cached_seed_vectors(raw, texts)
        feats = np.stack([surface_features(t) for t in texts])
        self._lo, self._hi = feats.min(axis=0), feats.max(axis=0)
        self._mean, self._scale = feats.mean(axis=0), feats.std(axis=0) + 1e-9
        x = self._design(vectors, feats)
        onehot = np.eye(len(TASK_TYPES))[self._labels]
        fits = _ridge(x, {"task": onehot, "complexity": complexity[:, None]})
        self._task_w, self._task_b, self.alphas["task"] = fits["task"]
        cx_w, cx_b, self.alphas["complexity"] = fits["complexity"]
        self._cx_w, self._cx_b = cx_w[:, 0], float(cx_b[0])
        self._seeds = vectors

    def cache_path(self, seed_bytes: bytes) -> Path | None:
        """Where the seed embeddings are cached: keyed by the seed file, model and window."""
        if self.cache_dir is None:
            return None
        h = hashlib.sha256(seed_bytes)
        h.update(f"\0{self.model_id}\0{self.window}".encode())
        return self.cache_dir / f"task-seeds-{h.hexdigest()[:20]}.npy"

    def _cached_seed_vectors(self, raw: bytes, texts: list[str]) -> Vectors:
        path = self.cache_path(raw)
        if path is not None and path.is_file():
            try:
                cached: Vectors = np.load(path, allow_pickle=False).astype(np.float32)
                if cached.ndim == 2 and cached.shape[0] == len(texts):
                    return cached
            except (OSError, ValueError):
                pass  # unreadable or truncated: embed again and overwrite
        vectors = self._embed(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    np.save(fh, vectors)
                os.replace(tmp, path)  # atomic: a reader never sees half a file
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return vectors

    def _embed(self, texts: list[str]) -> Vectors:
        vectors = np.asarray(self.embed([bounded(t, self.window) for t in texts]),
                             dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"embed returned shape {vectors.shape} for {len(texts)} texts")
        return vectors

    def _design(self, vectors: Vectors, feats: npt.NDArray[np.float64]
                ) -> npt.NDArray[np.float64]:
        feats = np.clip(feats, self._lo, self._hi)  # no extrapolation past the seed range
        return np.hstack([vectors.astype(np.float64), (feats - self._mean) / self._scale])

    # ----------------------------------------------------------------- assessment
    def assess(self, text: str) -> Assessment:
        return self.assess_many([text])[0]

    def assess_many(self, texts: Sequence[str]) -> list[Assessment]:
        """One embedding call for the whole batch."""
        if self._seeds is None:
            raise RuntimeError("TaskClassifier.prepare() has not been called")
        if not texts:
            return []
        vectors = self._embed(list(texts))
        x = self._design(vectors, np.stack([surface_features(t) for t in texts]))
        probs = self.task_probabilities(vectors, x, texts)
        complexity = np.clip(x @ self._cx_w + self._cx_b, 0.0, 1.0)
        best = probs.argmax(axis=1)
        return [Assessment(TASK_TYPES[b], round(float(p[b]), 4), round(float(c), 4))
                for b, p, c in zip(best, probs, complexity, strict=True)]

    def task_probabilities(self, vectors: Vectors, x: npt.NDArray[np.float64],
                           texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Rows over TASK_TYPES. `x` is the design matrix (embedding + surface features)."""
        assert self._seeds is not None
        probs = _softmax(x @ self._task_w + self._task_b, self.linear_temperature)
        probs *= self.linear_weight
        probs += (1.0 - self.linear_weight) * self._knn(vectors)
        if self.heuristics:
            for row, text in zip(probs, texts, strict=True):
                for task, w in _rule_votes(text):
                    row *= 1.0 - w
                    row[task] += w
        return probs

    def _knn(self, vectors: Vectors) -> npt.NDArray[np.float64]:
        assert self._seeds is not None
        sims = vectors @ self._seeds.T
        k = min(self.k, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        votes = _softmax(np.take_along_axis(sims, top, axis=1).astype(np.float64),
                         self.knn_temperature)
        probs = np.zeros((len(vectors), len(TASK_TYPES)))
        np.add.at(probs, (np.arange(len(vectors))[:, None], self._labels[top]), votes)
        return probs


def _softmax(z: npt.NDArray[np.float64], temperature: float) -> npt.NDArray[np.float64]:
    e = np.exp((z - z.max(axis=1, keepdims=True)) / temperature)
    return e / e.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def _ridge(x: npt.NDArray[np.float64], targets: dict[str, npt.NDArray[np.float64]]
           ) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]]:
    """Ridge regression of each (n, m) target on x with an intercept, sharing one SVD:
    name -> (weights, intercept, penalty). Each penalty minimises the closed-form
    leave-one-out squared error over a log grid."""
    x_mean = x.mean(axis=0)
    u, s, vt = np.linalg.svd(x - x_mean, full_matrices=False)
    fits = {}
    for name, y in targets.items():
        y_mean = y.mean(axis=0)
        uty = u.T @ (y - y_mean)
        best = (math.inf, 1.0)
        for alpha in np.logspace(-2, 3, 26):
            shrink = s**2 / (s**2 + alpha)
            resid = (y - y_mean) - u @ (shrink[:, None] * uty)
            lev = np.einsum("ij,j,ij->i", u, shrink, u) + 1.0 / len(x)  # hat diagonal
            best = min(best, (float(np.mean((resid / (1.0 - lev)[:, None]) ** 2)), float(alpha)))
        w = vt.T @ ((s / (s**2 + best[1]))[:, None] * uty)
        fits[name] = (w, y_mean - x_mean @ w, best[1])
    return fits


def calibrate_threshold(scores: Sequence[float], local_share: float) -> float:
    """The complexity threshold that keeps `local_share` of these prompts local.

    RouteLLM-style: score a sample of real traffic, then pick the threshold so that the wanted
    share scores at or below it (requests scoring above it are 'complex'). Returns the smallest
    score t with share(scores <= t) >= local_share; for a share of 0, a value just below the
    lowest score. Ties can make the realised share larger than asked.
    """
    if not 0.0 <= local_share <= 1.0 or math.isnan(local_share):
        raise ValueError(f"local_share must be within [0, 1], got {local_share}")
    if len(scores) == 0:
        raise ValueError("calibrate_threshold needs at least one score; got an empty list")
    ordered = sorted(float(s) for s in scores)
    if any(math.isnan(s) for s in ordered):
        raise ValueError("scores must not contain NaN")
    keep = math.ceil(local_share * len(ordered) - 1e-9)  # how many must score <= threshold
    if keep == 0:
        return math.nextafter(ordered[0], -math.inf)
    return ordered[keep - 1]
