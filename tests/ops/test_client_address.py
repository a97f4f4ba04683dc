"""Every per-address limit reads the client's address the same way, from a configured number of trusted
proxies (dhdigital.lib.client_address): allauth's sign-in throttle, django-axes, the API throttles, the
comment, reaction and flag limits and the visitor count (issue 16, findings 1 and 6).

Behind one proxy (nginx's `$proxy_add_x_forwarded_for`) a client that writes its own X-Forwarded-For
arrives as "<what it wrote>, <its real address>" from the proxy's address; only the last entry is ours."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.request import Request

from api.throttles import AnonThrottle, BulkThrottle, IpThrottle
from comments.models import Comment, Reaction
from consultations.models import Section
from dhdigital.lib.client_address import client_ip
from policycycle.models import DailyVisitorHash
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.1"
CLIENT = "203.0.113.50"


def behind(forwarded: str = "", **extra) -> dict:
    """Request keywords for a request that came through our proxy with this X-Forwarded-For."""
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_PROTO": "https", **extra}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return meta


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    """What BEHIND_PROXY=true sets: X-Forwarded-Proto is trusted and one proxy appends to X-Forwarded-For."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


# --- the one function ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "", "198.51.100.1"),
        (0, "198.51.100.1", "192.0.2.9", "198.51.100.1"),  # no proxy: the header is anyone's to write
        (1, PROXY, CLIENT, CLIENT),
        (1, PROXY, f"192.0.2.9, {CLIENT}", CLIENT),  # the client's own entry is ignored
        (1, PROXY, f"192.0.2.9,{CLIENT} ", CLIENT),
        (2, PROXY, f"192.0.2.9, {CLIENT}, 10.0.0.2", CLIENT),  # two proxies: the second-last
        (1, PROXY, "", PROXY),  # not through the proxy after all: the connection's address
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
        (1, PROXY, "[2001:DB8::1]", "2001:db8::1"),
    ],
)
def test_the_client_address_counts_the_trusted_proxies_from_the_right(
    settings, count, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


DOORS = {
    "allauth": lambda request: get_adapter(request).get_client_ip(request),
    "axes": get_client_ip_address,
    "api anon throttle": lambda request: AnonThrottle().get_ident(Request(request)),
    "api ip throttle": lambda request: IpThrottle().get_ident(Request(request)),
    "api bulk throttle": lambda request: BulkThrottle().get_ident(Request(request)),
}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("forwarded", [CLIENT, f"192.0.2.9, {CLIENT}", f"192.0.2.7, 192.0.2.8, {CLIENT}"])
def test_every_limit_sees_the_address_the_proxy_saw(door, forwarded):
    request = RequestFactory().get("/", **behind(forwarded))
    assert DOORS[door](request) == CLIENT == client_ip(request)


# --- finding 1: one client cannot lock everyone out of signing in --------------------------------------


@pytest.mark.django_db
def test_failed_sign_ins_from_one_client_do_not_lock_others_out_behind_the_proxy(client):
    """allauth limits failed sign-ins to 10 a minute per address; behind the proxy it used to see the
    proxy's address for everyone, so 11 failures from one client locked every account."""
    publisher = UserFactory(email="publisher.behind@example.org")
    for n in range(11):
        client.post(
            reverse("account_login"),
            {"login": f"nobody-{n}@example.org", "password": "wrong-password-123"},
            **behind(CLIENT),
        )
    other = type(client)()
    response = other.post(
        reverse("account_login"), {"login": publisher.email, "password": PASSWORD}, **behind("198.51.100.7")
    )
    assert "Too many failed login attempts" not in response.content.decode()
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(publisher.pk)


@pytest.mark.django_db
def test_a_client_cannot_dodge_the_sign_in_throttle_by_writing_its_own_forwarded_for(client):
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody-{n}@example.org", "password": "wrong-password-123"},
            **behind(f"192.0.2.{n}, {CLIENT}"),
        )
    refused = client.post(
        reverse("account_login"),
        {"login": "nobody-x@example.org", "password": "wrong-password-123"},
        **behind(f"192.0.2.99, {CLIENT}"),
    )
    assert "Too many failed login attempts" in refused.content.decode()


@pytest.mark.django_db
def test_axes_records_the_clients_address_not_the_proxys_or_a_forged_one(client):
    user = UserFactory(email="lock.me.behind@example.org")
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": "wrong-password-123"},
        **behind(f"192.0.2.9, {CLIENT}"),
    )
    assert AccessAttempt.objects.get(username=user.email).ip_address == CLIENT


# --- finding 6: comments, reactions, flags, the visitor count -----------------------------------------


@pytest.fixture
def clause(document):
    return Section.objects.get(document=document, anchor="clause-3")


def _comment_data(clause, n: int) -> dict:
    return {
        "document": clause.document_id,
        "section": clause.pk,
        "target": clause.pk,
        "category": "drafting",
        "body": f"Clause 3 should say who pays for the assessment, comment number {n}.",
        "idempotency_key": f"k{n}",
    }


@pytest.mark.django_db
def test_the_comment_limit_per_address_counts_the_real_client(client, clause, settings):
    settings.COMMENT_RATE_PER_IP = "2/600"
    url = reverse("comments:comment-create", kwargs={"slug": clause.document.consultation.slug})
    codes = []
    for n in range(3):
        client.force_login(UserFactory(email=f"neighbour{n}@example.org"))
        codes.append(
            client.post(url, _comment_data(clause, n), **behind(f"192.0.2.{n}, {CLIENT}")).status_code
        )
    assert codes == [302, 302, 429]
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_reactions_and_flags_per_address_count_the_real_client(client, clause, settings):
    from comments.services import comment_create

    settings.ACTION_RATE_PER_IP = "2/600"
    comment = comment_create(
        author=UserFactory(),
        consultation=clause.document.consultation,
        document=clause.document,
        section=clause,
        body="Clause 3 leaves the cost of an assessment to the council without saying how it is met.",
        category=Comment.Category.DRAFTING,
    )
    react = reverse("comments:comment-react", kwargs={"pk": comment.pk})
    flag = reverse("comments:comment-flag", kwargs={"pk": comment.pk})
    reacted, flagged = [], []
    for n in range(3):
        client.force_login(UserFactory(email=f"reader{n}@example.org"))
        reacted.append(client.post(react, {"value": "agree"}, **behind(f"192.0.2.{n}, {CLIENT}")).status_code)
        flagged.append(
            client.post(flag, {"reason": "off_topic"}, **behind(f"192.0.2.{n + 10}, {CLIENT}")).status_code
        )
    assert reacted == [302, 302, 429]
    assert flagged == [302, 302, 429]
    assert Reaction.objects.count() == 2


@pytest.mark.django_db
def test_the_visitor_count_is_not_inflated_by_forged_forwarded_for(client, consultation):
    url = consultation.get_absolute_url()
    for forwarded in (f"192.0.2.1, {CLIENT}", f"192.0.2.2, {CLIENT}", f"192.0.2.3, {CLIENT}", "198.51.100.8"):
        client.get(url, HTTP_USER_AGENT="UA", **behind(forwarded))
    assert DailyVisitorHash.objects.count() == 2
