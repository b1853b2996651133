"""Login, logout, password reset (Django's views with DSFR templates) and invitation links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy

from ancrage.web.accounts import actions, forms


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from an e-mailed link: create the account or use the current one."""
    try:
        invitation = actions.invitation_from_token(token)
    except actions.ActionError as error:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"title": "Invitation", "error": error.messages[0]},
            status=400,
        )
    context = {"title": "Invitation", "invitation": invitation}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                actions.do_accept_invitation(invitation, request.user)
            except actions.ActionError as error:
                messages.error(request, error.messages[0])
                return render(request, "accounts/invitation.html", context)
            messages.success(request, f"Vous avez rejoint {invitation.organisation.name}.")
            return redirect("espace:organisation", pk=invitation.organisation.pk)
        return render(request, "accounts/invitation.html", context)
    form = forms.RegisterFromInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_register_from_invitation(
                invitation,
                form.cleaned_data["password1"],
                form.cleaned_data["first_name"],
                form.cleaned_data["last_name"],
            )
        except actions.ActionError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Compte créé : bienvenue dans {invitation.organisation.name}."
            )
            return redirect("espace:organisation", pk=invitation.organisation.pk)
    context["form"] = form
    return render(request, "accounts/invitation.html", context)


urlpatterns = [
    path(
        "compte/connexion/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=forms.LoginForm,
            extra_context={"title": "Connexion"},
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "compte/mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            form_class=forms.PasswordResetForm,
            extra_context={"title": "Mot de passe oublié"},
        ),
        name="password_reset",
    ),
    path(
        "compte/mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html",
            extra_context={"title": "Message envoyé"},
        ),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=forms.SetPasswordForm,
            extra_context={"title": "Nouveau mot de passe"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html",
            extra_context={"title": "Mot de passe modifié"},
        ),
        name="password_reset_complete",
    ),
    path(
        "compte/mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=forms.PasswordChangeForm,
            success_url=reverse_lazy("espace:dashboard"),
            extra_context={"title": "Changer de mot de passe"},
        ),
        name="password_change",
    ),
    path("invitation/<str:token>/", accept_invitation, name="accept_invitation"),
]
