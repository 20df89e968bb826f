from datetime import UTC, datetime, timedelta

import pytest

from tocsin.delivery.plans import (
    AttemptState,
    ContactChannels,
    ObligationTerms,
    PlanStep,
    StepRole,
    build_delivery_plan,
    next_channels,
    satisfying_attempt,
)

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
WAIT = timedelta(hours=72)
EMAIL_OK = ObligationTerms("US-TX", ("written", "electronic"))
WRITTEN_ONLY = ObligationTerms("US-XX", ("written",), substitute_allowed=True)
EVERYTHING = ContactChannels(has_email=True, has_phone=True, has_postal_address=True)
EMAIL_ONLY = ContactChannels(has_email=True, has_phone=False, has_postal_address=False)
NOTHING = ContactChannels(has_email=False, has_phone=False, has_postal_address=False)


def test_email_first_with_letter_fallback() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])

    assert plan.steps == (
        PlanStep("email", StepRole.PRIMARY),
        PlanStep("letter", StepRole.FALLBACK),
    )
    assert plan.needs_substitute_notice is False


def test_letter_first_when_a_law_forbids_email() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK, WRITTEN_ONLY])

    assert plan.steps == (PlanStep("letter", StepRole.PRIMARY),)


def test_law_without_methods_accepts_letters_only() -> None:
    plan = build_delivery_plan(EVERYTHING, [ObligationTerms("EU-GDPR", ())])

    assert plan.steps == (PlanStep("letter", StepRole.PRIMARY),)


def test_sms_is_an_alert_that_satisfies_nothing() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK], sms_alerts=True)

    sms = plan.step(StepRole.ALERT)
    assert sms == PlanStep("sms", StepRole.ALERT)
    assert sms.satisfies_obligation is False


def test_unreachable_person_needs_substitute_notice() -> None:
    plan = build_delivery_plan(NOTHING, [WRITTEN_ONLY])

    assert plan.steps == ()
    assert plan.needs_substitute_notice is True
    assert plan.substitute_notice_allowed is True


def test_substitute_needs_every_law_to_allow_it() -> None:
    plan = build_delivery_plan(EMAIL_ONLY, [WRITTEN_ONLY, ObligationTerms("US-YY", ())])

    assert plan.needs_substitute_notice is True
    assert plan.substitute_notice_allowed is False


def test_first_step_is_due_at_once() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK], sms_alerts=True)

    assert next_channels(plan, [], NOW, WAIT) == ["email", "sms"]


@pytest.mark.parametrize("status", ["bounced", "failed"])
def test_letter_follows_a_failed_email(status) -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    attempts = [AttemptState("email", status, NOW)]

    assert next_channels(plan, attempts, NOW, WAIT) == ["letter"]


def test_letter_follows_unconfirmed_email_after_wait() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    sent = AttemptState("email", "sent", NOW - WAIT, confirms_delivery=True)

    assert next_channels(plan, [sent], NOW, WAIT) == ["letter"]


def test_letter_waits_while_email_may_still_be_delivered() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    sent = AttemptState(
        "email", "sent", NOW - timedelta(hours=1), confirms_delivery=True
    )

    assert next_channels(plan, [sent], NOW, WAIT) == []


def test_smtp_email_without_bounce_needs_no_letter() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    sent = AttemptState("email", "sent", NOW - WAIT, confirms_delivery=False)

    assert next_channels(plan, [sent], NOW, WAIT) == []


def test_delivered_email_satisfies_the_obligation() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    delivered = AttemptState("email", "delivered", NOW, confirms_delivery=True)

    assert satisfying_attempt(plan, [delivered], NOW, WAIT) == delivered


def test_smtp_email_satisfies_after_quiet_wait() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    sent = AttemptState("email", "sent", NOW - WAIT)

    assert satisfying_attempt(plan, [sent], NOW, WAIT) == sent
    assert satisfying_attempt(plan, [sent], NOW - timedelta(hours=1), WAIT) is None


def test_mailed_letter_satisfies_after_bounced_email() -> None:
    plan = build_delivery_plan(EVERYTHING, [EMAIL_OK])
    letter = AttemptState("letter", "sent", NOW)
    attempts = [AttemptState("email", "bounced", NOW), letter]

    assert satisfying_attempt(plan, attempts, NOW, WAIT) == letter


def test_returned_letter_satisfies_nothing() -> None:
    plan = build_delivery_plan(EVERYTHING, [WRITTEN_ONLY])
    returned = AttemptState("letter", "bounced", NOW)

    assert satisfying_attempt(plan, [returned], NOW, WAIT) is None


def test_sms_delivery_satisfies_nothing() -> None:
    plan = build_delivery_plan(EVERYTHING, [WRITTEN_ONLY], sms_alerts=True)
    sms = AttemptState("sms", "delivered", NOW)

    assert satisfying_attempt(plan, [sms], NOW, WAIT) is None
