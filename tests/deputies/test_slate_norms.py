"""Seat norms by level and the special collection's share of a slate."""

import pytest

from core import deputies_messages as dm
from core.models import Channel, Level, Suggestion
from core.selectors import slate_norms
from core.services import collection
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_seat_norms_warn_when_a_session_departs_from_them():
    assert slate_norms.seat_norm_warning(Level.COUNTY, 6) is None
    assert slate_norms.seat_norm_warning(Level.TOWNSHIP, 3) is None
    warning = slate_norms.seat_norm_warning(Level.TOWNSHIP, 5)
    assert warning == str(
        dm.SEATS_OUTSIDE_NORM % {"seats": 5, "level": Level.TOWNSHIP.label, "low": 1, "high": 3}
    )
    assert "1" in warning and "3" in warning
    assert slate_norms.seat_norm_warning(Level.COUNTY, 4) is not None
    assert slate_norms.seat_norm_warning(Level.COUNTY, 11) is not None


def test_the_special_collections_share_of_a_slate(world, make_case, user_of):
    county = world.jurisdictions["qh"]
    gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    imported = collection.special_collection_import(
        actor=gov,
        jurisdiction=county,
        year=2027,
        rows=[{"title": "清河大道综合改造", "text": "", "location": "", "investment": None}],
    )
    from core.models import Category

    special_project = collection.suggestions_merge(
        actor=gov,
        jurisdiction=county,
        suggestions=imported,
        title="清河大道综合改造工程",
        category=Category.objects.first(),
        year=2027,
    )
    others = [make_case("qh", to="candidate").project for _ in range(3)]
    assert Suggestion.objects.filter(channel=Channel.SPECIAL).count() == 1
    ids = [special_project.pk, *(p.pk for p in others)]
    share = slate_norms.special_share(ids, "0.2")
    assert (share.special, share.total, share.met) == (1, 4, True)
    short = slate_norms.special_share(ids, "0.5")
    assert not short.met
    assert short.problem() == str(
        dm.SPECIAL_SHARE_NOT_MET % {"special": 1, "total": 4, "required": "50"}
    )
    assert slate_norms.special_share([p.pk for p in others], 0).met
