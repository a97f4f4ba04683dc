"""Download my data, and erase my account (the policy is in privacy.py and on the erase page)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import privacy


class EraseAccountForm(forms.Form):
    comments_policy = forms.ChoiceField(
        label="What should happen to your published comments and ideas?",
        choices=[
            (privacy.KEEP_PUBLISHED, "Keep them in the public record, shown as written by “Deleted account”"),
            (privacy.REMOVE_TEXT, "Remove their text (they show as withdrawn; replies from others stay)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what should happen to your published comments and ideas"},
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    confirm = forms.BooleanField(
        label="I understand that my account will be deleted and this cannot be undone",
        error_messages={"required": "Confirm that you understand your account will be deleted"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not right")
        return password


@never_cache
@require_GET
@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the signed-in person: a ZIP file of my-data.json and their attachments."""
    response = HttpResponse(privacy.personal_data_archive(user=request.user), content_type="application/zip")
    filename = f"dhdigital-my-data-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def data_erase(request: HttpRequest) -> HttpResponse:
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.user.is_superuser:
        return render(request, "accounts/erase_account.html", {"form": None, "refused": True}, status=403)
    if request.method == "POST" and form.is_valid():
        user = request.user
        privacy.account_erase(user=user, comments_policy=form.cleaned_data["comments_policy"])
        logout(request)
        return redirect("accounts:data-erased")
    return render(request, "accounts/erase_account.html", {"form": form})


@require_GET
def data_erased(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/erase_done.html")
