"""The form responders use to publish an incident's public notice."""

from django import forms

from tocsin.public.models import PublishedNotice

# Long enough for a full notice with agency contact blocks, short enough
# that a pasted file or export is rejected rather than published.
MAX_BODY_LENGTH = 20000


class PublishNoticeForm(forms.Form):
    """Title and body of a new notice version, both required."""

    title = forms.CharField(
        max_length=PublishedNotice._meta.get_field("title").max_length,
        help_text="Shown as the page heading, for example “Notice of a data"
        " security incident”.",
    )
    body = forms.CharField(
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text="Plain text; separate paragraphs with a blank line. Addressed"
        " to every customer: write no names, addresses or other personal data.",
    )
