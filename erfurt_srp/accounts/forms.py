from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form, ModelForm, SafeInputMixin

from .models import User


class InvitationAcceptForm(Form):
    """The invitee chooses name and password; the e-mail address comes from the invitation."""

    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 8 Zeichen, nicht nur Ziffern, nicht zu einfach."),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif password1:
            probe = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AccountDeleteForm(Form):
    """Deleting the account asks for the password once more."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


class AccountSettingsForm(ModelForm):
    class Meta:
        model = User
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language by its own name, as the language menu shows it.
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        self.fields["language"].widget.attrs["aria-describedby"] = "id_language_helptext"

    def full_clean(self):
        super().full_clean()
        if "language" in self.errors:
            self.fields["language"].widget.attrs["aria-describedby"] = (
                "id_language_error id_language_helptext"
            )


class SignupForm(SafeInputMixin, AllauthSignupForm):
    """allauth's sign-up form, with the same password hashing for a taken address.

    For an address that already has an account allauth creates nothing and mails the owner
    instead; without the hash below that answer came back in a fraction of the time of a real
    sign-up and told whether the address is registered.
    """

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)
