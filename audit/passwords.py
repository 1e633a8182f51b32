"""Password rules beyond Django's (length ≥ 10, not common, not all digits, not like the name)."""
from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's, with its message in Chinese (Django's zh_Hans catalog lacks the plural form)."""

    def get_error_message(self) -> str:
        return _("密码长度太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


class LettersAndDigitsValidator:
    """A password mixes letters and digits: "abcdefghijk" and "1234567890a" alone are too weak
    for an account that signs off hazards."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("密码必须同时包含字母和数字。"), code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母和数字。")
