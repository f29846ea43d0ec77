"""The facade: launchwatch.__all__ is the public API (httpx tests/test_exported_members.py)."""

import inspect

import launchwatch


def test_all_names_exist_and_nothing_public_is_unlisted():
    for name in launchwatch.__all__:
        assert hasattr(launchwatch, name), name
    # submodules become attributes once imported anywhere; they are not the API
    exported = {
        n
        for n in dir(launchwatch)
        if not n.startswith("_") and not inspect.ismodule(getattr(launchwatch, n))
    }
    assert exported == set(launchwatch.__all__) - {"__version__"}


def test_every_public_error_is_a_launchwatch_error():
    assert issubclass(launchwatch.InputError, launchwatch.LaunchwatchError)
    assert issubclass(launchwatch.InfeasibleFlightError, launchwatch.InputError)
    err = launchwatch.InputError("apogee_km", "must be above 0 km")
    assert err.field == "apogee_km"
    assert str(err) == "apogee_km: must be above 0 km"
