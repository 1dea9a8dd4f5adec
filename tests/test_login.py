"""Admin logins are throttled per (address, user name), the same for real and unknown users."""

import re

import pytest
from django.contrib.auth import get_user_model

LOGIN_URL = "/admin/login/?next=/admin/"


def log_in(client, username, password, address="203.0.113.5"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture
def editor_account(db):
    return get_user_model().objects.create_user("editor", password="right-horse-9", is_staff=True)


def test_five_failures_lock_out_that_address_and_name_only(client, editor_account, clock):
    for _ in range(5):
        assert not logged_in(log_in(client, "editor", "wrong"))
    locked = log_in(client, "editor", "right-horse-9")
    assert locked.status_code == 429 and not logged_in(locked)
    assert logged_in(log_in(client, "editor", "right-horse-9", address="198.51.100.7"))
    client.logout()
    get_user_model().objects.create_user("writer", password="other-horse-9", is_staff=True)
    assert logged_in(log_in(client, "writer", "other-horse-9")), "another name, same address"
    client.logout()
    clock.shift(15 * 60 + 1)
    assert logged_in(log_in(client, "editor", "right-horse-9")), "unlocked after a while"


def test_an_unknown_name_gets_the_same_answers_as_a_real_one(client, editor_account):
    def answers(username):
        replies = [log_in(client, username, "wrong") for _ in range(6)]
        return [(reply.status_code, page_without(reply, username)) for reply in replies]

    real, unknown = answers("editor"), answers("nobody-by-this-name")
    assert real == unknown
    assert real[-1][0] == 429


def page_without(reply, username):
    """The page with the typed name and the per-request CSRF token taken out."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", reply.content.decode())
    return page.replace(f'value="{username}"', 'value="NAME"')


def test_a_non_staff_accounts_right_password_is_a_failure_like_any_other(client, db):
    get_user_model().objects.create_user("reader", password="right-horse-9")
    guesses = ["wrong"] * 4 + ["right-horse-9"] * 2
    replies = [log_in(client, "reader", password) for password in guesses]
    wrong_only = [log_in(client, "nobody", "wrong") for _ in guesses]
    assert not any(logged_in(reply) for reply in replies)
    statuses = [reply.status_code for reply in replies]
    assert statuses == [reply.status_code for reply in wrong_only], "the password is not confirmed"
    assert statuses[-1] == 429
