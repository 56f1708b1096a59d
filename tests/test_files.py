"""The atomic writer puts every byte on the disk before a name points to it, and never loses the previous version;
on/off environment variables are read one way."""
import os
from pathlib import Path

import pytest

from sentiment_nb import files
from sentiment_nb.files import atomic_write, env_flag

CAN_SYNC_FOLDERS = hasattr(os, "O_DIRECTORY")  # not on Windows


def _record_fsyncs(monkeypatch, watched: Path) -> list:
    "Replace os.fsync by one that notes (inode, whether `watched` exists yet) and then syncs."
    synced, real = [], os.fsync
    def noting(fd):
        synced.append((os.fstat(fd).st_ino, watched.exists()))
        real(fd)
    monkeypatch.setattr(os, "fsync", noting)
    return synced


def test_a_directory_is_synced_file_by_file_before_its_rename_and_its_parent_after(tmp_path, monkeypatch):
    target = tmp_path/"model"
    synced = _record_fsyncs(monkeypatch, target)
    with atomic_write(target, directory=True) as d:
        (d/"weights.safetensors").write_bytes(b"w" * 100)
        (d/"nested").mkdir()
        (d/"nested"/"config.json").write_text("{}")
    before = [ino for ino, named in synced if not named]
    for written in (target/"weights.safetensors", target/"nested"/"config.json"):
        assert written.stat().st_ino in before, f"{written.name} was not synced before the rename"
    if CAN_SYNC_FOLDERS:
        assert {target.stat().st_ino, (target/"nested").stat().st_ino} <= set(before)
        assert synced[-1] == (tmp_path.stat().st_ino, True), "the parent folder is synced last, after the rename"


def test_a_file_is_synced_before_it_replaces_the_old_one(tmp_path, monkeypatch):
    target = tmp_path/"note.txt"
    target.write_text("old")
    synced = _record_fsyncs(monkeypatch, target)
    with atomic_write(target, overwrite=True) as part: part.write_text("new")
    assert target.read_text() == "new"
    assert synced[0][0] == target.stat().st_ino
    if CAN_SYNC_FOLDERS: assert synced[-1][0] == tmp_path.stat().st_ino


def test_the_old_directory_comes_back_when_the_new_one_cannot_take_its_name(tmp_path, monkeypatch):
    target = tmp_path/"model"
    with atomic_write(target, directory=True) as d: (d/"a.txt").write_text("first")
    real_rename = Path.rename
    def rename(self, to):
        if self.name.startswith(".model.tmp-"): raise OSError("the disk went away")  # the second of the two renames
        return real_rename(self, to)
    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="the disk went away"):
        with atomic_write(target, overwrite=True, directory=True) as d: (d/"a.txt").write_text("second")
    assert (target/"a.txt").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # nothing hidden left behind


def test_a_failing_fsync_is_not_swallowed(tmp_path, monkeypatch):
    def broken(fd): raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output error"):
        with atomic_write(tmp_path/"x.txt") as part: part.write_text("x")
    assert not list(tmp_path.iterdir())  # neither the target nor the temporary file


@pytest.mark.parametrize("value, default, expected", [("1", False, True), (" TRUE ", False, True), ("on", False, True),
                                                      ("no", True, False), ("Off", True, False), ("", True, True)])
def test_env_flag_reads_the_usual_words(monkeypatch, value, default, expected):
    monkeypatch.setenv("SENTIMENT_NB_SOME_SWITCH", value)
    assert env_flag("SENTIMENT_NB_SOME_SWITCH", default=default) is expected


def test_env_flag_names_the_variable_and_the_words_it_accepts(monkeypatch):
    monkeypatch.setenv(files.FULL_ENV_VAR, "full")
    with pytest.raises(ValueError, match=r"SENTIMENT_NB_FULL='full' is neither on \(1, true, yes, on\) nor off \(0, false, no, off\)"):
        files.full_size()
