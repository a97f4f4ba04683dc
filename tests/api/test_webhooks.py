"""Signed webhooks against a real HTTP server on 127.0.0.1: signing, retries with back-off, the log."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api import tasks, webhooks
from api.models import Webhook, WebhookDelivery
from consultations import services as consultation_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    """The receivers here listen on 127.0.0.1, which production refuses (tests below turn it off)."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True


class Receiver:
    """A local endpoint answering with the next status in `replies` (then 200) and recording requests."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append({"headers": dict(self.headers), "body": body})
                code = outer.replies.pop(0) if outer.replies else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        # shutdown() waits for the loop's next poll: 0.5 s by default, on every test.
        serve = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        serve.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hook(team, receiver, publisher):
    return webhooks.webhook_create(
        team=team,
        url=receiver.url,
        events=["consultation.state_changed"],
        by=publisher,
        secret="shared-secret",
    )


def test_a_state_change_is_delivered_signed(hook, receiver, consultation, publisher):
    consultation_services.consultation_close_early(
        consultation=consultation, by=publisher, reason="The bill was withdrawn from Parliament"
    )
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    headers = req["headers"]
    assert webhooks.verify(
        "shared-secret", headers["X-Dhd-Timestamp"], req["body"], headers["X-Dhd-Signature"]
    )
    assert not webhooks.verify(
        "wrong-secret", headers["X-Dhd-Timestamp"], req["body"], headers["X-Dhd-Signature"]
    )
    payload = json.loads(req["body"])
    assert payload["event"] == "consultation.state_changed"
    assert payload["data"]["from_state"] == "open" and payload["data"]["to_state"] == "closed"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 1, 200)
    assert headers["X-Dhd-Event-Id"] == str(delivery.event_id)


def test_saving_without_a_state_change_sends_nothing(hook, receiver, consultation):
    consultation.title = "Draft Care and Support Bill (revised summary)"
    consultation.save()
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_other_teams_and_unsubscribed_webhooks_get_nothing(
    receiver, consultation, other_team, team, publisher
):
    webhooks.webhook_create(team=other_team, url=receiver.url, events=["consultation.state_changed"])
    webhooks.webhook_create(team=team, url=receiver.url, events=["analysis.finished"])
    consultation_services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded")
    assert receiver.requests == []


def test_a_failing_endpoint_is_retried_with_back_off_then_succeeds(hook, receiver, consultation, publisher):
    receiver.replies = [500, 503]
    consultation_services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    assert tasks.webhooks_retry_due() == 0  # the back-off has not passed
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_attempt_at=timezone.now() - timedelta(minutes=2)
    )
    assert tasks.webhooks_retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 2, 503)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(last_attempt_at=timezone.now() - timedelta(hours=1))
    tasks.webhooks_retry_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 3, 200)
    assert len(receiver.requests) == 3
    assert len({r["headers"]["X-Dhd-Event-Id"] for r in receiver.requests}) == 1


def test_a_delivery_fails_for_good_after_the_last_attempt(hook, receiver, consultation, publisher):
    receiver.replies = [500] * 10
    consultation_services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded")
    delivery = WebhookDelivery.objects.get()
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.webhook_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert webhooks.webhook_attempt(delivery_id=delivery.pk) is None


def test_an_unreachable_endpoint_is_logged_not_raised(team, consultation, publisher):
    gone = Receiver()
    gone.close()  # nothing listens on its port any more
    webhooks.webhook_create(team=team, url=gone.url, events=["consultation.state_changed"])
    withdrawn = consultation_services.consultation_withdraw(
        consultation=consultation, by=publisher, reason="Superseded"
    )
    assert withdrawn.state == "withdrawn"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying" and delivery.response_code is None and delivery.last_error


def fake_dns(answers: dict[str, str]):
    """getaddrinfo answering `answers` for the receivers' names and the real resolver for the rest
    (Redis and the database connect through it too)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]
        return real(host, *args, **kwargs)

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",  # plain http, and this machine
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.5]/hook",  # IPv4-mapped private address
        # IPv6 transition forms that embed a non-public IPv4 address
        "https://[::127.0.0.1]/hook",  # IPv4-compatible
        "https://[::a00:5]/hook",  # IPv4-compatible 10.0.0.5
        "https://[64:ff9b::7f00:1]/hook",  # NAT64 well-known prefix, 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/hook",  # NAT64, the cloud metadata service
        "https://[64:ff9b:1::a00:1]/hook",  # NAT64 local-use prefix
        "https://[2002:7f00:1::]/hook",  # 6to4, 127.0.0.1
        "https://[2002:c0a8:a::1]/hook",  # 6to4, 192.168.0.10
        "https://[::ffff:0:7f00:1]/hook",  # IPv4-translated (SIIT), 127.0.0.1
        "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook",  # Teredo, client 10.0.0.1
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata service
        "https://100.64.0.1/hook",  # carrier-grade NAT
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://db.internal/hook",
        "https://printer.local/hook",
        "https://user:pass@hooks.example.net/hook",
        "https://hooks.example.net:99999/hook",
    ],
)
def test_receivers_on_this_machine_or_a_private_network_are_refused(team, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_create(team=team, url=url, events=["analysis.finished"])
    assert refused.value.message_dict["url"]
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize(
    "host", ["64:ff9b::5db8:d822", "2002:5db8:d822::1", "::ffff:93.184.216.34", "2606:4700:4700::1111"]
)
def test_transition_forms_of_a_public_address_are_accepted(settings, host):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    assert webhooks.host_refusal(host) == ""


def test_a_public_receiver_is_accepted_and_a_name_resolving_to_a_private_address_is_refused(
    team, settings, monkeypatch
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    answers = {"hooks.example.net": "93.184.215.14", "sneaky.example.net": "10.0.0.7"}

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", fake_dns(answers))
    hook = webhooks.webhook_create(
        team=team, url="https://hooks.example.net/in", events=["analysis.finished"]
    )
    assert hook.pk
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_create(team=team, url="https://sneaky.example.net/in", events=["analysis.finished"])
    assert "private" in refused.value.message_dict["url"][0]
    assert Webhook.objects.count() == 1


def test_a_name_that_later_resolves_to_a_private_address_is_not_called(
    team, settings, monkeypatch, receiver, consultation, publisher
):
    """DNS can change after registration: each delivery checks the address again and is not sent."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    answers = {"hooks.example.net": "93.184.215.14"}
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", fake_dns(answers))
    webhooks.webhook_create(
        team=team, url="https://hooks.example.net/in", events=["consultation.state_changed"]
    )
    answers["hooks.example.net"] = "127.0.0.1"
    consultation_services.consultation_close_early(
        consultation=consultation, by=publisher, reason="The bill was withdrawn from Parliament"
    )
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.response_code is None
    assert delivery.last_error.startswith("Not sent.") and "private" in delivery.last_error
    assert webhooks.deliveries_due(now=timezone.now() + timedelta(days=1)) == []


def test_the_backoff_doubles_and_is_capped():
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3, 4, 8)] == [60, 120, 240, 480, 3600]


def test_only_https_urls_or_local_http_are_accepted(team):
    """Even with private hosts allowed (development), plain http goes to this machine only."""
    with pytest.raises(ValidationError):
        webhooks.webhook_create(team=team, url="http://example.com/hook", events=["analysis.finished"])
    with pytest.raises(ValidationError):
        webhooks.webhook_create(team=team, url="https://example.com/hook", events=["tea.brewed"])
    assert Webhook.objects.count() == 0


def test_publishers_manage_their_teams_webhooks_and_read_the_log(
    api_as, publisher, moderator, team, receiver, consultation
):
    client = api_as(publisher)
    made = client.post(
        "/api/v1/staff/webhooks/",
        {"team": team.slug, "url": receiver.url, "events": ["consultation.state_changed"]},
        format="json",
    )
    assert made.status_code == 201 and len(made.json()["secret"]) > 20
    assert "secret" not in client.get("/api/v1/staff/webhooks/").json()["results"][0]
    consultation_services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded")
    log = client.get(f"/api/v1/staff/webhooks/{made.json()['id']}/deliveries/").json()["results"]
    assert [(d["event"], d["status"], d["response_code"]) for d in log] == [
        ("consultation.state_changed", "succeeded", 200)
    ]
    refused = api_as(moderator).post(
        "/api/v1/staff/webhooks/",
        {"team": team.slug, "url": receiver.url, "events": ["analysis.finished"]},
        format="json",
    )
    assert refused.status_code == 403
    assert api_as(moderator).get(f"/api/v1/staff/webhooks/{made.json()['id']}/deliveries/").status_code == 404


def test_a_finished_analysis_run_is_announced_once(team, consultation, receiver):
    from insights.models import AnalysisRun

    webhooks.webhook_create(team=team, url=receiver.url, events=["analysis.finished"])
    running = AnalysisRun.objects.create(consultation=consultation, engine="basic", state="running")
    AnalysisRun.objects.create(
        consultation=consultation,
        engine="basic",
        state="done",
        progress=100,
        finished_at=timezone.now(),
        units_total=40,
    )
    tasks.webhooks_retry_due()
    tasks.webhooks_retry_due()
    assert len(receiver.requests) == 1
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["event"] == "analysis.finished"
    assert payload["data"]["run"]["state"] == "done" and payload["data"]["run"]["units"] == 40
    assert payload["data"]["run"]["id"] != running.pk


def test_opening_on_schedule_by_beat_is_announced(hook, receiver, team):
    from tests.factories import ConsultationFactory

    now = timezone.now()
    ConsultationFactory(
        team=team, state="scheduled", opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=60)
    )
    assert consultation_services.consultations_transition_due(now=now) == {"opened": 1, "closed": 0}
    payload = json.loads(receiver.requests[0]["body"])
    assert (payload["data"]["from_state"], payload["data"]["to_state"]) == ("scheduled", "open")


def test_a_publisher_switches_a_webhook_off_changes_it_and_removes_it(
    api_as, publisher, hook, receiver, consultation
):
    client = api_as(publisher)
    url = f"/api/v1/staff/webhooks/{hook.pk}/"
    assert client.get(url).json()["events"] == ["consultation.state_changed"]
    off = client.patch(url, {"is_active": False}, format="json")
    assert off.status_code == 200 and off.json()["is_active"] is False
    consultation_services.consultation_withdraw(consultation=consultation, by=publisher, reason="Superseded")
    assert receiver.requests == []  # switched off: nothing is sent
    bad = client.patch(url, {"url": "http://example.com/hook"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()["error"]["fields"]
    hook.refresh_from_db()
    assert hook.url == receiver.url
    changed = client.patch(url, {"events": ["analysis.finished"], "is_active": True}, format="json")
    assert changed.json()["events"] == ["analysis.finished"] and changed.json()["is_active"]
    assert "secret" not in changed.json()
    assert client.delete(url).status_code == 204
    assert not Webhook.objects.filter(pk=hook.pk).exists()


@pytest.mark.parametrize("persona", ["moderator", "analyst", "outsider_official", "citizen"])
def test_only_the_teams_publishers_see_or_change_its_webhooks(request, api_as, persona, hook):
    client = api_as(request.getfixturevalue(persona))
    url = f"/api/v1/staff/webhooks/{hook.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"is_active": False}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.get("/api/v1/staff/webhooks/").json()["results"] == []
    hook.refresh_from_db()
    assert hook.is_active
