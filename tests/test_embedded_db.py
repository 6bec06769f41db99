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


def test_the_data_lives_in_the_checkout_unless_its_path_is_too_long_for_a_socket(tmp_path):
    short = embedded_db.default_data_dir(tmp_path)
    deep = tmp_path / ("very-long-folder-name-" * 5)

    assert short == tmp_path / ".pgdata"
    assert len(str(embedded_db.default_data_dir(deep))) <= embedded_db.MAX_DATA_DIR_LENGTH
    assert embedded_db.default_data_dir(deep) == embedded_db.default_data_dir(deep)
