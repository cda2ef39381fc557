"""The standing hostile corpus: each case runs ``roster`` in its own process, with a memory limit.

Every case is a repository (or a file) built to break Roster, and the command a user
or CI would run on it. The process runs under an address-space limit, with a
timeout as a guard against hangs (a hung case fails; it is not a benchmark). Each
must end with its expected exit code, one clean error line (never a traceback or
exit 3), and no secret it was given in any output.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from helpers.content import WRITER_SCHEMA, assistant_yaml
from helpers.gitcmd import GitRepo
from helpers.identity import git_env

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 512 << 20  # bytes of address space per case
TIMEOUT = 60  # seconds: a guard against hangs; every case takes a few seconds at most


class Case(NamedTuple):
    build: Callable[[Path], list[str]]  # makes the files in a tmp folder; returns the roster arguments
    codes: tuple[int, ...]  # exit codes that are right
    says: str = ""  # a word the error must contain


def _repo(tmp: Path, files: dict[str, str | bytes] | None = None) -> GitRepo:
    repo = GitRepo(tmp / "repo")
    repo.write_schema()
    repo.write_assistant("writer")
    for rel, text in (files or {}).items():
        repo.write(rel, text)
    repo.commit("hostile")
    return repo


def _huge_blob(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    path = repo.path / "assistants" / "big.yaml"
    with open(path, "wb") as f:  # 600 MiB of zeros: ~600 KB once compressed in git
        f.truncate(600 << 20)
    repo.commit("big")
    path.unlink()
    return ["--repo", str(repo.path), "show", "big"]


def _alias_bomb(tmp: Path) -> list[str]:
    # Within the 1 MiB file limit: 600 KB of text, and 99,000 aliases of it.
    text = "graph_id: writer\nmetadata:\n  a: &a " + "x" * 600_000 + "\n  b: [" + ",".join(["*a"] * 99_000) + "]\n"
    repo = _repo(tmp, {"assistants/bomb.yaml": text})
    return ["--repo", str(repo.path), "check"]


def _jwt_run(tmp: Path) -> list[str]:
    # "-" is not a word character: every "eyJ" starts a match that fails only at the end of the run.
    repo = _repo(tmp, {"assistants/jwt.yaml": assistant_yaml(extra="description: " + "eyJ-" * 250_000 + "\n")})
    return ["--repo", str(repo.path), "check"]


def _hex_int(tmp: Path) -> list[str]:
    repo = _repo(tmp, {"assistants/num.yaml": assistant_yaml(extra="metadata:\n  n: 0x" + "f" * 5000 + "\n")})
    return ["--repo", str(repo.path), "check"]


def _bogus_encoding(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    repo.write_assistant("writer", prompt="second")
    repo.git("add", "-A")
    repo.git("-c", "i18n.commitEncoding=bogus", "commit", "-q", "-m", "caf\xe9", tick=True)
    return ["--repo", str(repo.path), "history", "writer", "--format", "json"]


def _long_id(tmp: Path) -> list[str]:
    repo = _repo(tmp, {f"assistants/{'a' * 240}.yaml": assistant_yaml()})
    return ["--repo", str(repo.path), "check"]


def _bad_ipv6(tmp: Path) -> list[str]:
    return ["--repo", "http://[::1", "list"]


def _bad_port(tmp: Path) -> list[str]:
    return ["--repo", "https://example.com:port/org/repo.git", "list"]


def _index_bad_port(tmp: Path) -> list[str]:
    return ["--repo", "http://127.0.0.1:port/index.json", "list"]


def _packed_refs(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    repo.git("pack-refs", "--all")
    (repo.path / ".git" / "packed-refs").write_text("# pack-refs with: peeled\nnot a ref line at all\n")
    return ["--repo", str(repo.path), "list"]


def _bad_index(tmp: Path) -> list[str]:
    (tmp / "index.json").write_text('{"format": 1, "assistants": [1, 2]}')
    return ["--repo", str(tmp / "index.json"), "list"]


def _out_under_a_file(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    (tmp / "file").write_text("x")
    return ["--repo", str(repo.path), "publish", "--out", str(tmp / "file" / "site")]


def _sync_url_password(tmp: Path) -> list[str]:
    repo = _repo(tmp)
    return ["--repo", str(repo.path), "sync", "--url", "http://ci:pw-secret@127.0.0.1:9/", "--dry-run"]


def _hint_flood(tmp: Path) -> list[str]:
    # 10,000 declared properties and 45,000 unknown keys of the same shape: each key is close to
    # every property, so unbounded "did you mean" hints cost 450 million comparisons.
    schema = json.loads(json.dumps(WRITER_SCHEMA))
    schema["config_schema"]["properties"].update({f"p{i:05d}": {"type": "integer"} for i in range(10_000)})
    keys = "".join(f"    q{i:05d}: 1\n" for i in range(45_000))
    repo = _repo(tmp, {"assistants/flood.yaml": assistant_yaml() + keys})
    repo.write_schema("writer", schema)
    repo.commit("flood")
    return ["--repo", str(repo.path), "check"]


def _unevaluated_pattern(tmp: Path) -> list[str]:
    # unevaluatedProperties makes jsonschema match patternProperties itself (with re, backtracking).
    schema = json.loads(json.dumps(WRITER_SCHEMA))
    config = schema["config_schema"]
    del config["additionalProperties"]
    config.update(patternProperties={"^(a+)+$": {"type": "integer"}}, unevaluatedProperties=False)
    repo = _repo(tmp, {"assistants/evil.yaml": assistant_yaml() + "    " + "a" * 40 + "b: 1\n"})
    repo.write_schema("writer", schema)
    repo.commit("evil")
    return ["--repo", str(repo.path), "check"]


CASES: dict[str, Case] = {
    "1 GiB-class blob is refused unread": Case(_huge_blob, (1, 2), "larger"),
    "700 KB scalar aliased 99,000 times": Case(_alias_bomb, (1,), "expands"),
    "1 MiB run of JWT prefixes": Case(_jwt_run, (0, 1)),
    "hex integer JSON cannot carry": Case(_hex_int, (1,), "digits"),
    "commit with an unknown encoding": Case(_bogus_encoding, (0,)),
    "id too long for a file name": Case(_long_id, (1,), "longer"),
    "--repo http://[::1": Case(_bad_ipv6, (2,)),
    "--repo with a non-numeric port": Case(_bad_port, (2,)),
    "index URL with a non-numeric port": Case(_index_bad_port, (2,)),
    "corrupt packed-refs": Case(_packed_refs, (2,)),
    "malformed index.json": Case(_bad_index, (2,)),
    "--out under a regular file": Case(_out_under_a_file, (2,)),
    "sync --url with a password": Case(_sync_url_password, (1, 2)),
    "45,000 unknown keys against 10,000 properties": Case(_hint_flood, (1,), "not allowed"),
    "backtracking patternProperties under unevaluatedProperties": Case(_unevaluated_pattern, (1,),
                                                                       "unevaluatedProperties"),
}
SECRETS = ("pw-secret",)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    args = case.build(tmp_path)
    env = dict(git_env(tmp_path / "home"), PYTHONPATH=str(ROOT / "src"), ROSTER_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "roster", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=_limits, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode in case.codes, f"exit {proc.returncode}:\n{output[-2000:]}"
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert case.says in output, output[-2000:]
    for secret in SECRETS:
        assert secret not in output
    assert os.path.isdir(tmp_path)
