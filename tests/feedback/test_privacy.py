import pytest

from feedback.privacy import find_identifying_details


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_identifying_details(text)]


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Call mum on 0412 345 678 after school", "a phone number", "0412 345 678"),
        ("Ring +61 412 345 678", "a phone number", "+61 412 345 678"),
        ("Office (08) 8123 4567 closes", "a phone number", "(08) 8123 4567"),
        ("Reach them on 1800 123 456", "a phone number", "1800 123 456"),
        (
            "email jane.citizen@mail.example.com now",
            "an email address",
            "jane.citizen@mail.example.com",
        ),
        ("The boy, DOB 3 March 2015, was", "a date of birth", "DOB 3 March 2015"),
        ("born on 12/04/2016 in", "a date of birth", "born on 12/04/2016"),
        ("seen on 14/02/2019 by", "a date that could be a date of birth", "14/02/2019"),
        ("Medicare 2123 45670 1 was shown", "a Medicare card number", "2123 45670 1"),
        ("CRN 123 456 789A on file", "a Centrelink reference number", "123 456 789A"),
        ("card 4111 1111 1111 1111 used", "a card number", "4111 1111 1111 1111"),
        ("lives at 12 Smith Street, Elizabeth", "a street address", "12 Smith Street"),
        (
            "moved to Unit 3/45 Main North Rd last week",
            "a street address",
            "Unit 3/45 Main North Rd",
        ),
    ],
)
def test_find_identifying_details_names_kind_and_text(text, kind, found):
    findings = find_identifying_details(text)

    assert [(f.kind, f.text) for f in findings] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Families wait 6 to 8 weeks for a housing assessment in the northern suburbs.",
        "Since 1 July 2024 the intake policy changed; referrals dropped 30%.",
        "Three agencies ask for the same consent form (version 2.1) at intake.",
        "Meeting room 12 at the community centre is not accessible.",
        "The 2024-2025 financial year budget and 2019/20 funding both fell short.",
        "Policy 01/07/2024 applies, effective 1.7.2024, reviewed 2025-01-15.",
        "At 10:30 on Tuesdays the ratio is 1:5 staff to families; version 2.1 of the form.",
        "",
    ],
)
def test_find_identifying_details_on_practice_text_finds_nothing(text):
    assert find_identifying_details(text) == []


def test_find_identifying_details_reports_line_numbers_in_order():
    text = "First line is fine.\nCall 0412 345 678.\nOr write to a.b@example.com"

    findings = find_identifying_details(text)

    assert [(f.kind, f.line) for f in findings] == [
        ("a phone number", 2),
        ("an email address", 3),
    ]
    assert findings[0].describe() == "a phone number “0412 345 678” on line 2"


def test_find_identifying_details_ignores_medicare_like_number_with_bad_check_digit():
    assert kinds("reference 2123 45671 1") == ["an ID number"]
