"""The waiting list's rule (beteiligung.waiting_list): first in line whose whole group fits."""

from types import SimpleNamespace

from beteiligung.waiting_list import move_up


def entry(name, places, table_id=None):
    return SimpleNamespace(name=name, places=places, table_id=table_id)


def names(entries):
    return [e.name for e in entries]


def test_a_smaller_group_behind_a_larger_one_moves_up_first_when_only_it_fits():
    line = [entry("Gruppe von 3", 3), entry("Einzelperson", 1), entry("Paar", 2)]
    assert names(move_up(line, free=2, free_per_table={})) == ["Einzelperson"]
    # with 3 free places the group of 3, first in line, fits and gets them all
    assert names(move_up(line, free=3, free_per_table={})) == ["Gruppe von 3"]


def test_the_larger_group_keeps_its_position_and_goes_first_once_it_fits():
    line = [entry("Gruppe von 3", 3), entry("Einzelperson", 1)]
    assert names(move_up(line, free=4, free_per_table={})) == ["Gruppe von 3", "Einzelperson"]


def test_a_group_must_fit_at_its_table_too():
    line = [entry("Paar an Tisch A", 2, table_id=1), entry("Einzelperson an Tisch B", 1, 2)]
    assert names(move_up(line, free=5, free_per_table={1: 1, 2: 1})) == ["Einzelperson an Tisch B"]
    assert names(move_up(line, free=2, free_per_table={1: 2, 2: 1})) == ["Paar an Tisch A"]


def test_nobody_moves_up_without_free_places():
    assert move_up([entry("Einzelperson", 1)], free=0, free_per_table={}) == []
