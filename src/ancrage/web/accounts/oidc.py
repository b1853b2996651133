"""OpenID Connect login (ProConnect), active only when ``ANCRAGE_OIDC_RP_CLIENT_ID`` is set.

Accounts are matched on the e-mail address, which is also the username of local accounts, so an
agent invited by e-mail can log in with ProConnect or with a password alike.
"""

from __future__ import annotations

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class ProConnectBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def create_user(self, claims: dict):
        email = claims["email"].strip().lower()
        return self.UserModel.objects.create_user(
            username=email,
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("usual_name", claims.get("family_name", ""))[:150],
        )

    def update_user(self, user, claims: dict):
        changed = False
        for field, claim in (("first_name", "given_name"), ("last_name", "usual_name")):
            value = (claims.get(claim) or "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if changed:
            user.save(update_fields=["first_name", "last_name"])
        return user
