import pytest

from script.chat import ChatFormatError, parse_chat_event


def test_valid_comment():
    event = parse_chat_event('{"t": 12.48, "type": "comment", "user": "u8812", "nick": "小鹿", '
                             '"text": "这个茶多少钱?", "platform": "douyin"}')
    assert (event.t, event.type, event.user, event.nick, event.text) == (12.48, "comment", "u8812", "小鹿", "这个茶多少钱?")


def test_live_frames_are_stamped_on_arrival():
    event = parse_chat_event('{"type": "gift", "user": "u1"}', arrived_at=3.5)
    assert event.t == 3.5 and event.text == ""


@pytest.mark.parametrize("frame, reason", [
    ("not json", "not JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"type": "shout", "user": "u"}', "field 'type'"),
    ('{"type": "comment", "text": "hi"}', "field 'user'"),
    ('{"type": "comment", "user": "u", "text": ""}', "non-empty 'text'"),
    ('{"type": "comment", "user": "u", "text": 5}', "field 'text' must be a string"),
    ('{"type": "comment", "user": "u", "text": "' + "长" * 400 + '"}', "too long"),
    ('{"type": "comment", "user": "u", "text": "hi", "t": -1}', "field 't'"),
    ("x" * 5000, "frame too large"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_malformed_frames_say_why(frame, reason):
    with pytest.raises(ChatFormatError, match=reason):
        parse_chat_event(frame)
