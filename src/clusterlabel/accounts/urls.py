from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from clusterlabel.accounts import api_token_views, invitation_views, signup_views, views
from clusterlabel.accounts.forms import LocalisedPasswordResetForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Sign-up: the same answer whether or not the address has an account; the link confirms.
    path("signup/", signup_views.signup_page, name="signup"),
    path("signup/sent/", signup_views.signup_done, name="signup_done"),
    path("signup/confirm/<str:token>/", signup_views.signup_confirm, name="signup_confirm"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset by e-mail. The request page answers the same whether or not the address
    # belongs to an account; the link works once (Django's token changes with the password).
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=LocalisedPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # A new account's first password; the link works once, for INVITATION_DAYS.
    path(
        "invitation/<uidb64>/<token>/",
        invitation_views.invitation_accept_page,
        name="invitation_accept",
    ),
    path("tokens/", api_token_views.api_tokens_page, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", api_token_views.api_token_revoke_view, name="api_token_revoke"),
    path("2fa/", views.overview_page, name="second_factor"),
    path("2fa/setup/", views.setup_page, name="second_factor_setup"),
    path("2fa/verify/", views.verify_page, name="second_factor_verify"),
]
