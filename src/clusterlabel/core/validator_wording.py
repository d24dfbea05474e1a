"""Django's own validation messages that the German catalogue of Django REST Framework would
otherwise word in the informal "du" form.

An installed app's catalogue outranks Django's core catalogue, so with ``rest_framework``
installed "Enter a valid email address." read "Gib eine gültige E-Mail Adresse an." on every
form. Listing the messages here keeps them in our own catalogue (which outranks both), worded
with "Sie" like the rest of the site. ``tests/core/test_validator_wording.py`` fails when DRF's
catalogue brings another such message.
"""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
)
