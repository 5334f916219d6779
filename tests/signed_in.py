"""Tests run the app as a signed-in user through one function: `sign_in(app, …)`.

It sets up `[auth]` in the AppTest's secrets (so the app is out of local mode) and gives the
user the token claims Streamlit's `st.user` would hold after an OIDC sign-in.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

#: An `[auth]` section as .streamlit/secrets.toml would hold it (never contacted in AppTest).
TEST_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-for-production",
    "client_id": "styringsrom-test",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def sign_in(
    app: AppTest,
    email: str | None,
    *,
    subject: str | None = None,
    name: str | None = None,
    roles: tuple[str, ...] = (),
    admins: tuple[str, ...] = (),
) -> AppTest:
    """Run `app` with sign-in set up and, unless `email` is None, this user signed in.
    `roles`: the token's `roles` claim; `admins`: the first admins named in the secrets."""
    app.secrets["auth"] = dict(TEST_AUTH)
    if admins:
        app.secrets["styringsrom"] = {"admin": list(admins)}
    if email is None:
        app.user = {"is_logged_in": False}
        return app
    app.user = {
        "is_logged_in": True,
        "email": email,
        "sub": subject or f"sub-{email}",
        "name": name or email.split("@")[0].title(),
        **({"roles": list(roles)} if roles else {}),
    }
    return app
