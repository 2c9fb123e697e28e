"""Benchmark: the privacy guard's cost on every stored text, typical and worst.

    python -m bench.privacy [--quick]

- median time of ``find_personal_data`` over every text of the four corpora in
  ``tests/input/privacy_*.py`` (what staff really type);
- the slowest of 1,000-character texts made by repeating pairs of the fragments the
  detectors react to ("a.", "1-", "calle ", "tel "...): the guard runs in the handler, so a
  pattern that backtracks on such a text would stall every chat (one did, 1.7 s, before its
  repetitions were bounded).
Writes ``bench/results/privacy.json``.
"""

from __future__ import annotations

import argparse
import itertools
import time

from bench.common import median, print_table, write_result
from bot.input.privacy import MAX_TEXT, find_personal_data
from tests.input import (
    privacy_blind_corpus,
    privacy_corpus,
    privacy_evaluation_corpus,
    privacy_holdout_corpus,
)

FRAGMENTS = [
    "a", ".", "1", " ", "@", "-", "/", "#", ",", "(", ")", '"', "_", "0", "o", "l", "a1", "1 ",
    "1-", "1.", "1/", "a.", "a@", "at ", "dot ", "el ", "la ", "de ", "y ", "sur ", "calle ",
    "tel ", "numero ", "cinco ", "cincuenta y ", "mz ", "int ", "entre ", "esquina ", "alias ",
    "(a) ", "conocido como ", "carpeta ", "ci-", "edificio ",
]  # fmt: skip


def timed(text: str) -> float:
    start = time.perf_counter()
    find_personal_data(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    corpora = (
        privacy_corpus,
        privacy_blind_corpus,
        privacy_holdout_corpus,
        privacy_evaluation_corpus,
    )
    texts = [t for c in corpora for t in [*(t for _, t in c.POSITIVES), *c.NEGATIVES]]
    typical = [min(timed(t) for _ in range(3)) for t in texts]
    fragments = FRAGMENTS[:12] if args.quick else FRAGMENTS
    worst = max(
        (
            (timed(((a + b) * MAX_TEXT)[:MAX_TEXT]), a + b)
            for a, b in itertools.product(fragments, repeat=2)
        ),
    )
    result = {
        "texts": len(texts),
        "median_ms": round(median(typical) * 1000, 3),
        "slowest_corpus_text_ms": round(max(typical) * 1000, 2),
        "worst_adversarial_ms": round(worst[0] * 1000, 1),
        "worst_adversarial_text": worst[1],
        "adversarial_texts": len(fragments) ** 2,
    }
    print_table([result], list(result))
    write_result("privacy", result)


if __name__ == "__main__":
    main()
