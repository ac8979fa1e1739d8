"""Mandarin word segmentation for the voice: jieba's own algorithm and dictionary, with the
dictionary read from an SQLite copy in the user cache instead of loaded whole.

jieba keeps its dictionary (349k words and their prefixes, 9 MB) as one dict, loaded at start from
a marshal cache: 0.65 s of a `livehost say` that must finish in 2 s. A line needs a few hundred
look-ups, about 5 us each from the indexed file, so the words come out the same with no load.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path

import jieba

log = logging.getLogger("livehost.speech.kokoro")


def dictionary_path(cache_dir: Path) -> Path:
    return cache_dir / f"jieba-{jieba.__version__}-dict.sqlite"


class WordFrequencies:
    """jieba's FREQ mapping as its Tokenizer reads it (`in`, `[]`, `get`): a word's count, or 0
    for a string that is only the prefix of a word."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the voice's threads
        try:
            self.total = int(self._db.execute("SELECT n FROM meta WHERE k = 'total'").fetchone()[0])
        except (sqlite3.Error, TypeError):
            self._db.close()
            raise sqlite3.DatabaseError(f"{path}: not a word dictionary") from None

    def get(self, word: str, default: int | None = None) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT n FROM freq WHERE w = ?", (word,)).fetchone()
        return default if row is None else row[0]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        count = self.get(word)
        if count is None:
            raise KeyError(word)
        return count


def build_dictionary(path: Path) -> None:
    """The SQLite copy of jieba's default dictionary, with the prefixes jieba adds to it."""
    tokenizer = jieba.Tokenizer()
    with open(tokenizer.get_dict_file().name, "rb") as source:
        freq, total = tokenizer.gen_pfdict(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, n INTEGER NOT NULL)")
        db.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
        db.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
        db.commit()
    finally:
        db.close()
    tmp.replace(path)
    log.info("built the word dictionary at %s", path)


def segmenter(cache_dir: Path):
    """`cut(text) -> list of words`, as jieba.lcut cuts with its default dictionary."""
    path = dictionary_path(cache_dir)
    try:
        frequencies = WordFrequencies(path)
    except sqlite3.Error:  # not built yet, or damaged: build it again
        build_dictionary(path)
        frequencies = WordFrequencies(path)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = frequencies, frequencies.total, True
    return tokenizer.lcut
