"""Semantic search: texts as vectors, so that "how do other schools get boys reading?" finds
"a boys' book club raised reading for pleasure" though they share almost no words.

Pure functions on numpy arrays; no Django.

The encoder is WordLlama's 256-dimensional ``l2_supercat`` model: a static token-embedding
table distilled from a large language model's, average-pooled. It ships inside the
``wordllama`` wheel (16 MB of weights and its tokenizer), needs numpy but no torch, loads
in about 0.3 s and encodes a query in well under a millisecond, so nothing is downloaded
at run time and the install stays lean. (``WordLlama.load()`` would look for the tokenizer
in the wrong folder of the package and try the internet, so the two bundled files are
opened directly.) Static embeddings are weaker than a transformer's on subtle phrasing,
which is why search fuses them with full-text ranking (:func:`fuse`) rather than relying
on either alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

DIMENSIONS = 256
MODEL_NAME = "wordllama l2_supercat 256"


@lru_cache(maxsize=1)
def _model() -> Any:
    import wordllama  # type: ignore[import-untyped]
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama import WordLlamaInference

    package = Path(wordllama.__file__).parent
    with safe_open(str(package / "weights" / "l2_supercat_256.safetensors"), framework="np", device="cpu") as f:
        table = f.get_tensor("embedding.weight")
    tokenizer = Tokenizer.from_file(str(package / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    return WordLlamaInference(table, tokenizer)


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit-length float32 row per text (an empty text gives a row of zeros)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_model().embed(list(texts), norm=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored vectors back into a matrix (rows of zeros for anything of the wrong size)."""
    matrix = np.zeros((len(blobs), DIMENSIONS), dtype=np.float32)
    for i, blob in enumerate(blobs):
        if blob is not None and len(blob) == DIMENSIONS * 4:
            matrix[i] = np.frombuffer(blob, dtype="<f4")
    return matrix


def nearest(query: np.ndarray, matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the ``k`` rows most similar to the query (cosine), best first, and
    their similarities. Ties go to the lower index, so the order is stable."""
    if matrix.shape[0] == 0 or k <= 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=np.float32)
    scores = matrix @ np.asarray(query, dtype=np.float32).ravel()
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    order = np.lexsort((top, -scores[top]))
    return top[order], scores[top[order]]


def fuse(rankings: Sequence[Sequence[int]], *, k: int = 60, weights: Sequence[float] | None = None) -> list[int]:
    """Reciprocal rank fusion: each list gives an item ``weight / (k + rank)``; the sum
    ranks the union. It needs no calibration between the lists' own scores (bm25 and
    cosine are on different scales), and an item near the top of either list rises.
    Ties keep the order of first appearance."""
    weights = weights or [1.0] * len(rankings)
    totals: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            totals[item] = totals.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(dict.fromkeys(i for r in rankings for i in r))}
    return sorted(totals, key=lambda item: (-totals[item], order[item]))
