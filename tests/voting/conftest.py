"""The voting tests' open session: a slate of three candidates of the demo township,
two seats, voting open (tests/voting/session_setup.py builds it)."""

import pytest

from .session_setup import CODE, open_session


@pytest.fixture
def slate(make_case):
    return [make_case(CODE, to="candidate").project for _ in range(3)]


@pytest.fixture
def session(world, slate):
    return open_session(world, slate, rules={"seats": 2})
