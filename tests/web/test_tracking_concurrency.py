"""Two officers updating the same task at once never silently overwrite each other: every form carries the
task's version, the service moves it on with a conditional UPDATE, and whoever comes second is told to reload.

The threaded test needs a database with real row locks and concurrent connections: PostgreSQL. On SQLite it is
skipped with a message; CI runs it on PostgreSQL (DONDOC_REQUIRE_POSTGRES=1), where it must run, not skip.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dondoc.accounts.models import User
from dondoc.agencies import services as agency_services
from dondoc.agencies.models import Agency
from dondoc.plans import selectors as plan_selectors
from dondoc.plans import services as plan_services
from dondoc.plans.models import Status, Task
from dondoc.tracking import services
from dondoc.tracking.models import ProgressUpdate

from .conftest import sample_plan_json

REQUIRE_POSTGRES = os.environ.get("DONDOC_REQUIRE_POSTGRES", "").strip().lower() in {"1", "true", "yes", "on"}
ON_POSTGRES = connection.vendor == "postgresql"
SKIP_MESSAGE = ("cần PostgreSQL (khóa dòng, nhiều kết nối đồng thời); SQLite khóa cả tệp nên không kiểm được — "
                "kiểm thử này chạy trong CI trên PostgreSQL (DONDOC_REQUIRE_POSTGRES=1, DATABASE_URL=postgres://…)")


def make_task(agencies: dict[str, Agency], users: dict[str, User]) -> Task:
    plan = plan_services.store_plan(sample_plan_json(), resolve=lambda n: agency_services.ensure(n),
                                    owner=agencies["province"], actor=users["admin"])
    task = plan.tasks.order_by("order").first()  # led by Sở Tư pháp: the focal officer and the leader may update
    Task.objects.filter(pk=task.pk).update(due_date=timezone.localdate() + timedelta(days=60))
    return fresh(task)


def fresh(task: Task) -> Task:
    return plan_selectors.tasks_of_all().get(pk=task.pk)


def version_in(html: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the progress form must carry the task's version"
    return int(found.group(1))


# --- the same version twice (any database) -----------------------------------------------------------------------

@pytest.mark.django_db
def test_second_update_with_the_same_version_is_a_conflict(agencies: dict[str, Agency],
                                                           users: dict[str, User]) -> None:
    task = make_task(agencies, users)
    version = task.version
    first, second = fresh(task), fresh(task)  # both officers opened the task at the same version
    services.record_progress(first, actor=users["focal"], text="Đầu mối: đã lấy ý kiến", progress=40,
                             status=Status.IN_PROGRESS, version=version)
    with pytest.raises(services.ConflictError, match="tải lại"):
        services.record_progress(second, actor=users["leader"], text="Lãnh đạo: mới bắt đầu", progress=10,
                                 status=Status.IN_PROGRESS, version=version)
    task = fresh(task)
    assert (task.progress, task.version) == (40, version + 1)  # the first update stands, nothing was lost
    assert list(task.updates.values_list("text", flat=True)) == ["Đầu mối: đã lấy ý kiến"]
    # after reloading (the new version), the second officer's update goes through
    services.record_progress(task, actor=users["leader"], text="Lãnh đạo: bổ sung", progress=50,
                             status=Status.IN_PROGRESS, version=task.version)
    assert fresh(task).progress == 50 and ProgressUpdate.objects.count() == 2


@pytest.mark.django_db
def test_two_officers_on_the_page_second_is_asked_to_reload(agencies: dict[str, Agency],
                                                             users: dict[str, User]) -> None:
    task = make_task(agencies, users)
    focal, leader = Client(), Client()
    focal.force_login(users["focal"])
    leader.force_login(users["leader"])
    url = reverse("task_detail", args=[task.pk])
    focal_version = version_in(focal.get(url).content.decode())
    leader_version = version_in(leader.get(url).content.decode())
    assert focal_version == leader_version == task.version
    post = reverse("task_progress", args=[task.pk])
    response = focal.post(post, {"status": Status.IN_PROGRESS, "progress": "60", "text": "Đã trình dự thảo",
                                 "version": focal_version})
    assert response.status_code == 302
    response = leader.post(post, {"status": Status.PAUSED, "progress": "0", "text": "Tạm dừng để rà soát lại",
                                  "version": leader_version}, follow=True)
    notes = [str(m) for m in response.context["messages"]]
    assert any("tải lại" in n for n in notes), notes
    task = fresh(task)
    assert (task.status, task.progress) == (Status.IN_PROGRESS, 60)  # the leader did not overwrite the focal officer
    assert ProgressUpdate.objects.count() == 1
    html = response.content.decode()
    assert version_in(html) == task.version  # the reloaded form carries the new version …
    assert "Tạm dừng để rà soát lại" in html  # … and still holds what the leader typed
    assert "Đã trình dự thảo" in html  # with the change the leader had not seen


@pytest.mark.django_db
def test_decision_on_a_task_changed_meanwhile_is_a_conflict(agencies: dict[str, Agency], users: dict[str, User],
                                                           settings: Any) -> None:
    settings.DONDOC_COMPLETION_NEEDS_APPROVAL = True
    task = make_task(agencies, users)
    services.record_progress(task, actor=users["focal"], text="Xong", progress=100, status=Status.DONE,
                             version=task.version)
    seen = fresh(task).version  # the leader opens the request …
    services.record_progress(fresh(task), actor=users["focal"], text="Bổ sung văn bản", progress=100,
                             status=Status.DONE, version=seen)  # … the focal officer adds to it meanwhile
    with pytest.raises(services.ConflictError):
        services.decide_completion(fresh(task), actor=users["leader"], approve=True, version=seen)
    assert fresh(task).status == Status.AWAITING_APPROVAL


# --- really at the same time: two threads, two connections (PostgreSQL) -------------------------------------------

def _run_together(*jobs: Callable[[], None]) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a worker thread hung"


def _in_thread(results: dict[str, Any], name: str, body: Callable[[], None]) -> Callable[[], None]:
    def job() -> None:
        try:
            body()
            results[name] = "ok"
        except services.ConflictError:
            results[name] = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion in the test
            results[name] = repr(exc)
        finally:
            connection.close()  # each thread has its own connection
    return job


@pytest.mark.skipif(not ON_POSTGRES and not REQUIRE_POSTGRES, reason=SKIP_MESSAGE)
@pytest.mark.django_db(transaction=True)
def test_two_threads_update_the_same_task_on_postgresql(agencies: dict[str, Agency], users: dict[str, User]) -> None:
    if not ON_POSTGRES:
        pytest.fail(f"DONDOC_REQUIRE_POSTGRES=1 nhưng kiểm thử chạy trên {connection.vendor}: {SKIP_MESSAGE}")
    task = make_task(agencies, users)
    start = task.version

    # 1. a race: both read the same version, a barrier releases them together; exactly one wins each round
    rounds = 5
    for round_ in range(rounds):
        version = fresh(task).version
        barrier = threading.Barrier(2)
        results: dict[str, Any] = {}

        def update(user: User, progress: int, barrier: threading.Barrier = barrier, version: int = version) -> None:
            mine = fresh(task)
            barrier.wait(timeout=20)
            services.record_progress(mine, actor=user, text=f"{user.username} {progress}", progress=progress,
                                     status=Status.IN_PROGRESS, version=version)

        _run_together(_in_thread(results, "focal", partial(update, users["focal"], 10 + round_)),
                      _in_thread(results, "leader", partial(update, users["leader"], 50 + round_)))
        assert sorted(results.values()) == ["conflict", "ok"], results
        winner = users["focal"] if results["focal"] == "ok" else users["leader"]
        current = fresh(task)
        assert current.progress == (10 if winner == users["focal"] else 50) + round_
        assert current.updates.first().author == winner
    assert fresh(task).version == start + rounds and ProgressUpdate.objects.count() == rounds

    # 2. overlapping transactions: the second UPDATE waits for the first's row lock, then finds the version moved
    version = fresh(task).version
    first_updated, second_started = threading.Event(), threading.Event()
    results = {}
    timings: dict[str, float] = {}

    def first() -> None:
        with transaction.atomic():
            services.record_progress(fresh(task), actor=users["focal"], text="Giao dịch thứ nhất", progress=70,
                                     status=Status.IN_PROGRESS, version=version)
            first_updated.set()
            second_started.wait(timeout=20)
            time.sleep(0.5)  # hold the row lock while the second officer submits
            timings["first_commit"] = time.monotonic()

    def second() -> None:
        first_updated.wait(timeout=20)
        mine = fresh(task)
        assert mine.version == version  # the first transaction is not committed: the old version is read
        second_started.set()
        try:
            services.record_progress(mine, actor=users["leader"], text="Giao dịch thứ hai", progress=20,
                                     status=Status.IN_PROGRESS, version=version)
        finally:
            timings["second_done"] = time.monotonic()

    _run_together(_in_thread(results, "first", first), _in_thread(results, "second", second))
    assert results == {"first": "ok", "second": "conflict"}, results
    assert timings["second_done"] >= timings["first_commit"]  # it waited for the lock instead of overwriting
    task = fresh(task)
    assert (task.progress, task.version) == (70, version + 1)
    assert task.updates.first().text == "Giao dịch thứ nhất"
    assert not task.updates.filter(text="Giao dịch thứ hai").exists()
