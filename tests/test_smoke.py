from tests.wizard import recorded, walk


def test_share_path_records_a_decision(practitioner_client):
    seen, final = walk(
        practitioner_client,
        {"triage": "no", "purpose": "yes", "consent": "yes"},
        extra={"consent": {"consent_details": "Mother agreed by phone"}},
    )
    decision = recorded(final)
    assert decision.outcome == "share", seen
