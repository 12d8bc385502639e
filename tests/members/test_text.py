from members.text import one_line


def test_one_line_turns_control_characters_and_line_separators_into_one_space():
    assert one_line(" a\r\n\x00b\u2028c\x85d\t\x7fe ") == "a b c d e"
