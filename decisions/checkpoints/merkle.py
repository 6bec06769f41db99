"""A Merkle tree over the decision log, as Certificate Transparency builds one (RFC 9162, 2.1).

Leaf ``i`` is record ``i + 1`` of the chain, as ``leaf_data``: its sequence number, kind and
content hash, so a proof ties a record's exact content to a position in the log. A signed
checkpoint carries the root; an inclusion proof is the list of sibling hashes from the leaf up,
so one record can be shown to be in the log without showing any other record.

Pure functions, no database: ``scripts/verify_proof.py`` repeats ``verify_inclusion`` with the
standard library only.
"""

import hashlib
from collections.abc import Iterable


def leaf_data(seq: int, kind: str, content_hash: str) -> bytes:
    return f"{seq}|{kind}|{content_hash}".encode()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _next_level(level: list[bytes]) -> list[bytes]:
    """Pair the nodes of one level; an odd last node moves up as it is (RFC 9162's split rule)."""
    paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        paired.append(level[-1])
    return paired


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def root_and_path(leaf_hashes: list[bytes], index: int) -> tuple[bytes, list[bytes]]:
    """The root, and the audit path of leaf ``index`` from the bottom up, in one pass over the tree."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError("no such leaf")
    path = []
    level = leaf_hashes
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        level = _next_level(level)
        index //= 2
    return level[0], path


def inclusion_path(leaf_hashes: list[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of all ``leaf_hashes``, from the bottom up."""
    return root_and_path(leaf_hashes, index)[1]


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: does ``path`` lead from leaf hash ``leaf`` to ``expected_root``?"""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root
