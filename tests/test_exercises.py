"""'Check yourself': each exercise a question box with its solution folded inside."""

import pytest

from report.exercises import Exercise, exercises


def test_each_solution_is_folded_inside_its_question():
    shown = exercises([Exercise(f"Question {n}?", f"Answer {n}.") for n in (1, 2, 3)])
    blocks = shown.split('!!! question "Exercise ')[1:]
    assert [b.split('"')[0] for b in blocks] == ["1", "2", "3"]
    for n, block in enumerate(blocks, start=1):
        assert f'    Question {n}?\n\n    ??? success "Solution"\n\n        Answer {n}.' in block


@pytest.mark.parametrize("count", [2, 6])
def test_a_chapter_asks_three_to_five(count):
    with pytest.raises(ValueError, match=f"3 to 5 exercises, not {count}"):
        exercises([Exercise("Q?", "A.")] * count)
