"""People through GraphQL."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api

PERSON = "id version handle name email active"


async def test_people_are_added_with_a_unique_handle_and_email(api: Api) -> None:
    maya = await api.mutate(
        "addPerson", PERSON, handle=" Maya.Chen ", name="Maya Chen", email="Maya@Acme.example"
    )
    assert (maya["handle"], maya["email"], maya["active"], maya["version"]) == (
        "maya.chen",
        "Maya@Acme.example",
        True,
        1,
    )
    tom = await api.mutate("addPerson", PERSON, handle="tom_okafor-2", name="Tom Okafor")
    assert tom["email"] is None
    for input, field in [
        ({"handle": "MAYA.CHEN", "name": "Another Maya"}, "handle"),  # unique ignoring case
        ({"handle": "maya chen", "name": "Space"}, "handle"),
        ({"handle": "mäya", "name": "Umlaut"}, "handle"),
        ({"handle": "x" * 65, "name": "Long"}, "handle"),
        ({"handle": "", "name": "Empty"}, "handle"),
        ({"handle": "ines", "name": "Ines", "email": "maya@acme.EXAMPLE"}, "email"),
        ({"handle": "ines", "name": "Ines", "email": "not an email"}, "email"),
        ({"handle": "ines", "name": "  "}, "name"),
    ]:
        head = api.backend.app.recorder.max_notification_id()
        error: dict[str, Any] = await api.refuse("addPerson", **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
        assert api.backend.app.recorder.max_notification_id() == head, "a refusal appended"
