from synthsieve.pipeline.isolate import in_isolation


def _step(calls):
    def step(items):
        calls.append(list(items))
        if any(x < 0 for x in items):
            raise ValueError(f"negative in {items}")
        return sum(items)

    return step


def test_a_good_batch_is_one_call():
    calls = []
    assert in_isolation([1, 2, 3], _step(calls), lambda x, e: ("bad", x)) == [6]
    assert calls == [[1, 2, 3]]


def test_bad_items_cost_themselves_and_the_good_ones_are_stepped_in_order():
    calls = []
    results = in_isolation([1, -2, 3, 4, 5, -6, 7, 8], _step(calls), lambda x, e: ("bad", x, str(e)))
    assert results == [1, ("bad", -2, "negative in [-2]"), 3 + 4, 5, ("bad", -6, "negative in [-6]"), 7 + 8]
    assert len(calls) == 11 and calls == _calls_of_a_second_run()


def _calls_of_a_second_run():
    calls = []
    in_isolation([1, -2, 3, 4, 5, -6, 7, 8], _step(calls), lambda x, e: None)
    return calls


def test_an_empty_batch():
    assert in_isolation([], _step([]), lambda x, e: None) == [0]
