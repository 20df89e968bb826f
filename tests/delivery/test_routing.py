import pytest
from celery import Celery

from tocsin.delivery.routing import CELERY_TASK_ROUTES, queue_for_channel


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("tocsin.delivery.tasks.send_email_notice", "email"),
        ("tocsin.delivery.tasks.send_smtp_batch", "email"),
        ("tocsin.delivery.tasks.send_sms_alert", "sms"),
        ("tocsin.delivery.tasks.render_postal_batch", "postal"),
    ],
)
def test_task_routes_put_each_channel_on_its_queue(task, queue) -> None:
    app = Celery(set_as_current=False)
    app.conf.task_routes = CELERY_TASK_ROUTES

    route = app.amqp.router.route({}, task)

    assert route["queue"].name == queue


def test_unknown_channel_has_no_queue() -> None:
    with pytest.raises(ValueError) as caught:
        queue_for_channel("fax")

    assert str(caught.value) == (
        "unknown delivery channel 'fax'; expected one of email, sms, letter"
    )


def test_other_apps_tasks_stay_on_the_default_queue() -> None:
    app = Celery(set_as_current=False)
    app.conf.task_routes = CELERY_TASK_ROUTES

    route = app.amqp.router.route({}, "tocsin.sources.tasks.extract_page")

    assert route["queue"].name == "celery"


def test_letters_go_to_the_postal_queue() -> None:
    assert queue_for_channel("letter") == "postal"
