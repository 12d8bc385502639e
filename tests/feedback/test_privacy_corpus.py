"""A labelled corpus for the privacy guard: what it must catch and what it must let through.

The identifying cases cover every kind the guard looks for, including disguised ones; the
ordinary cases are sentences practitioners write about practice (policy dates, years,
money, public service numbers, organisations, legislation, meetings).
"""

import pytest

from feedback.privacy import find_identifying_details

IDENTIFYING = [
    # Names
    "Jane Smith missed her meeting with the housing worker.",
    "We spoke with Mr Nguyen about the referral.",
    "The mother, Sarah, said the service never called back.",
    "A child named Tom was moved twice in a month.",
    "Her son Liam has been out of school since term 2.",
    "The referral was made by J. Smith at intake.",
    "Our client Aroha has waited six months for housing.",
    "Mohammed Ali was turned away at the front desk.",
    "Dr Patel said the assessment was delayed.",
    "Ms O'Brien attended with her two children.",
    "Jarrah Williams was placed out of region.",
    "Kirra's carer could not get transport to the appointment.",
    "The young person, Aaliyah, was not told about the plan.",
    "The nurse spoke to grandmother Mary about the kids.",
    "Chloe Nguyen and her brother were both on the waitlist.",
    "Mrs. Taylor rang the office twice last week.",
    "Her daughter Mia is four and not yet enrolled in kindy.",
    "Jane Smi\u00adth missed her appointment again.",
    "Worker visited the family and talked with Priya Sharma.",
    "We are worried about Noah because nobody has seen him at school.",
    # Dates of birth
    "The boy was born 2015-03-04 and has no birth certificate.",
    "DOB 2015-03-04 is on the intake form.",
    "She was born on March 4th, 2015 in Darwin.",
    "Date of birth: 4th of March 2015.",
    "The child, aged 7, born 12/05/2016, is in kinship care.",
    "The twins were born in March 2015 at the Lyell McEwin.",
    "We saw him on 14/02/2019 at the clinic.",
    "Her birthday is 3 June 2012 and she turns 13 soon.",
    "d.o.b. 03.06.2012 was written on the form.",
    "The baby was delivered on 2024-11-02 at home.",
    "Toby, 6, was born on the 9th of May 2018.",
    # Email addresses
    "Email the dad at jane.citizen@mail.example.com for the forms.",
    "Write to jane (at) example (dot) com if the portal is down.",
    "Mum said to use jane at example dot com for letters.",
    "Her address is jane[at]example[.]com now.",
    "Contact: j.smith@gmail.com",
    "Mum's email is kirra_w@outlook.com.au since the move.",
    "Send it to jane\u200b@example.com please.",
    # Phone numbers
    "Call mum on 0412 345 678 after school.",
    "Ring 0412.345.678 to reach the grandfather.",
    "Her landline is (08) 8123 4567.",
    "The uncle is on +61 412 345 678.",
    "The number was written as 0 4 1 2 3 4 5 6 7 8 on the card.",
    "Dad said his number is zero four one two three four five six seven eight.",
    "Her mobile is 04-1234-5678.",
    "The mobile is \uff10\uff14\uff11\uff12 \uff13\uff14\uff15 \uff16\uff17\uff18.",
    "Call +61 (0)8 8123 4567 before noon.",
    "Text her on 04 one two three four five six seven eight.",
    "Phone 0412\u200b345\u200b678 and ask for the aunt.",
    "His number is 0412\u00a0345\u00a0678.",
    # Card and reference numbers
    "Medicare 2123 45670 1 was shown at the clinic.",
    "The Medicare number 2123456701 was on the letter.",
    "CRN 123 456 789A is on file.",
    "The card 4111 1111 1111 1111 was used for the bond.",
    # Addresses
    "They live at 12 Smith Street, Elizabeth.",
    "She moved to 12 smith st last week.",
    "The family is now at 4/22 long rd with relatives.",
    "The flat is unit 3 9 main street near the shops.",
    "They moved to Unit 3/45 Main North Rd last week.",
    "Send letters to PO Box 123 in town.",
    "The family is staying at 7 Kaurna Avenue with an aunt.",
    "The house at 7A Railway Tce, Mile End, is overcrowded.",
    # A second batch, written after the first round of tuning and run unseen.
    "The child (DOB 05/06/2018) was seen by the GP.",
    "Mum, Kylie, asked for help with rent.",
    "Her partner Dean has a DVO against him.",
    "Contact Emma on 0400 000 000.",
    "Baby Ayesha was born 14 Feb 2024.",
    "They live at 33 Hillier Rd, Hillier.",
    "His Medicare card number is 2953 71294 1.",
    "Dad's email: kev.smith76@bigpond.com",
    "Nan (Margaret) cares for the three kids.",
    "the young person is 15 and born 02.03.2009",
    "child: Oliver Brown, 8yo",
    "The family of Tyson Rigney raised concerns.",
    "Call her on 0 4 0 0 1 2 3 4 5 6.",
    "Write to them at 7 hillier road.",
]

ORDINARY = [
    "Families wait 6 to 8 weeks for a housing assessment in the northern suburbs.",
    "Since 1/7/2024 the intake policy changed; referrals dropped 30%.",
    "Since 1 July 2024 the intake policy has required two referrers.",
    "The Child Abuse Report Line 13 14 78 is busy after hours.",
    "Lifeline is on 13 11 14 and Kids Helpline on 1800 55 1800.",
    "Women can call 1800RESPECT on 1800 737 732 at any time.",
    "In an emergency, families should call 000.",
    "Referrals rose in 2019 2020 2021 and fell in 2022.",
    "The 2024-2025 financial year budget and 2019/20 funding both fell short.",
    "The program received $1,250,000 over three years.",
    "Brokerage is capped at $30 000 per family per year.",
    "Attendance rose 12.5% in the last quarter.",
    "The forum starts at 10:30 and finishes at 12:00.",
    "Children and Young People (Safety) Act 2017 s 31 sets out the notification duty.",
    "Section 19 of the Family Law Act 1975 was discussed at length.",
    "Family Violence and Child Protection services need one shared referral form.",
    "Northern CFSN raised this at its March meeting.",
    "The Aboriginal Family Support Service has a twelve-month waiting list.",
    "On Monday the State-wide Practitioner Forum heard from the Strategic Leadership Forum.",
    "March was a busy month for intake teams.",
    "The meeting on 12 March 2025 agreed to escalate the issue.",
    "The new guideline is effective from 1 January 2025.",
    "Reports are due by 30 June 2025.",
    "As at 31/03/2025 there were 42 families on the waitlist.",
    "Between 2018 and 2023 the number of notifications doubled.",
    "Version 2.1 of the consent form asks the same questions as version 1.4.",
    "Meeting room 12 at the community centre is not accessible.",
    "Three agencies ask for the same consent form at intake.",
    "Housing SA and the Department for Child Protection agreed to share data.",
    "The ratio is 1:5 staff to families on Tuesdays.",
    "Practitioners reported 3 to 4 home visits per week.",
    "The 2023 review recommended 14 changes to the intake process.",
    "The Strategic Leadership Forum meets quarterly; the next meeting is in May.",
    "Kinship carers in the Riverland wait longest for payments.",
    "About 1 in 4 referrals are duplicates of an earlier referral.",
    "Funding of $2.5 million was announced for 2025-26.",
    "Intake staff answered 1,234 calls in the 2023-24 year.",
    "The policy commencing 1 October 2024 requires two workers at each home visit.",
    "Until 30/06/2025 the pilot runs in three regions.",
    "Child Protection, Family Violence, Disability and Housing were all represented.",
    "The Youth Court and the Family Court have different reporting timelines.",
    "Police referrals increased by 200 in the year to June 2024.",
    "Aboriginal Community Controlled Organisations asked for longer contracts.",
    "Parents told us the letters are hard to read; plain English versions are needed.",
    "The Safe and Well Kids program has 40 places for 2025.",
    "Practice guidance 4.2 says workers should check in within 24 hours.",
    "Item 3 on the agenda carried over from the February meeting.",
    "Staff turnover was 28 per cent in 2024, up from 19 per cent in 2023.",
    "Grace periods for rent arrears differ between housing providers.",
    "Will the new form be ready by the next forum?",
    "May meeting papers will go out a week early.",
    "Mark the date: the State-wide Forum meets on 5 June 2025.",
    "The Parent Helpline on 1300 364 100 is open every day.",
    "Department for Education data shows 1 in 10 children changed schools.",
    "Between July and September 2024 there were 312 notifications.",
    "Senior practitioners from Uniting Communities and Centacare presented the findings.",
    "The regional manager will report back at the next CFSN meeting.",
    "Response times improved from 21 days to 14 days after the changes of 2022.",
    # A second batch, written after the first round of tuning and run unseen.
    "Action: the Chair to write to DHS by 14 February 2025 about the intake backlog.",
    "Minutes of the meeting held on Tuesday 4 March 2025 were accepted.",
    "Apologies were received from Housing SA, DCP and SAPOL.",
    "The Family Safety Framework meeting on 3/4/2025 discussed 12 referrals.",
    "Item 4.2: update on the Multi-Agency Protection Service (MAPS).",
    "The guest speaker from Relationships Australia presented on co-parenting.",
    "Refer to the Children and Young People (Safety) Act 2017, section 17.",
    "KPI results for Q3 2024-25 show 87% of referrals allocated within 10 days.",
    "The working group will meet fortnightly from 10 March to 30 June 2025.",
    "The Northern Adelaide Local Health Network joined for the first time.",
    "Only 3 of 11 services use the shared consent form (27%).",
    "Meeting closed at 12.15 pm; next meeting 8 April 2025, 10.00 am - 12.00 pm.",
    "A review of 150 case files found consent was missing in 40.",
    "Practitioners noted long waits at Centrelink for crisis payments.",
    "Victoria Police and SAPOL use different risk tools.",
    "Version 3.0 of the referral pathway was endorsed on 12/12/2024.",
    "Families in Elizabeth and Salisbury wait longest.",
    "Smith Family programs run in 14 schools.",
    "The Lyell McEwin Hospital social work team attended.",
    "We need 2 FTE more in intake by July 2025.",
    "The budget is $450,000 for 2025/26.",
]


def test_corpus_has_enough_cases_of_each_label():
    assert (len(IDENTIFYING), len(ORDINARY)) == (76, 79)


def test_find_identifying_details_on_corpus_catches_at_least_95_percent_and_false_alarms_at_most_5_percent():  # noqa: E501 (the name states both thresholds)
    missed = [text for text in IDENTIFYING if not find_identifying_details(text)]
    false_alarms = {
        text: [f.describe() for f in find_identifying_details(text)]
        for text in ORDINARY
        if find_identifying_details(text)
    }
    catch_rate = 1 - len(missed) / len(IDENTIFYING)
    false_alarm_rate = len(false_alarms) / len(ORDINARY)

    print(f"\nprivacy guard catch rate: {catch_rate:.1%} of {len(IDENTIFYING)} identifying cases")
    print(f"privacy guard false alarm rate: {false_alarm_rate:.1%} of {len(ORDINARY)} ordinary")
    for text in missed:
        print(f"  missed: {text!r}")
    for text, found in false_alarms.items():
        print(f"  false alarm: {text!r} -> {found}")
    assert catch_rate >= 0.95
    assert false_alarm_rate <= 0.05


@pytest.mark.parametrize("text", IDENTIFYING)
def test_find_identifying_details_on_identifying_case_finds_something(text):
    assert find_identifying_details(text) != []


@pytest.mark.parametrize("text", ORDINARY)
def test_find_identifying_details_on_ordinary_case_finds_nothing(text):
    assert find_identifying_details(text) == []
