"""Webhook routes for delivery providers, to include under ``delivery/``."""

from django.urls import path

from tocsin.delivery import webhooks

app_name = "delivery"
urlpatterns = [
    path("webhooks/sendgrid/", webhooks.SendGridWebhookView.as_view(), name="sendgrid"),
    path("webhooks/postmark/", webhooks.PostmarkWebhookView.as_view(), name="postmark"),
    path("webhooks/mailgun/", webhooks.MailgunWebhookView.as_view(), name="mailgun"),
    path(
        "webhooks/amazon-ses/",
        webhooks.AmazonSesWebhookView.as_view(),
        name="amazon_ses",
    ),
    path(
        "webhooks/twilio/<slug:provider>/",
        webhooks.TwilioStatusCallbackView.as_view(),
        name="twilio_status",
    ),
]
