from django.core.cache import cache

from samaneh.core.ratelimit import count_hit


def test_hits_add_up_within_the_window_and_start_again_after_it():
    assert [count_hit("k", 60) for _ in range(3)] == [1, 2, 3]
    assert count_hit("k", 60, cost=2) == 5
    cache.delete("k")  # the window ends
    assert count_hit("k", 60) == 1


def test_counters_are_separate_per_key():
    count_hit("a", 60)
    assert count_hit("b", 60) == 1
