import json
import subprocess
import sys

from sharing_wizard import embedded_db


def test_dead_handles_are_pruned(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".handle_pids.json").write_text(json.dumps([dead.pid, 1]))

    embedded_db._prune_dead_handles(tmp_path)

    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [1]


def test_pruning_without_a_handle_file_does_nothing(tmp_path):
    embedded_db._prune_dead_handles(tmp_path)

    assert not (tmp_path / ".handle_pids.json").exists()
