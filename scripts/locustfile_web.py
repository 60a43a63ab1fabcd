"""Locust users for scripts/bench_web.py's load test: people of a province signing in and going through the pages
they use most, with little pause between pages (the test measures what the server sustains).

The accounts and addresses come from the JSON file named by DONDOC_LOCUST_PLAN, which bench_web.py writes from
the data set it built (`demo_scale`):

    {"password": "...", "login": "/dang-nhap/", "think": [0.0, 0.2],
     "standing": {"users": ["thuongtruc", ...], "pages": [[weight, name, url], ...]},
     "agency": [{"username": "daumoi001", "pages": [[weight, name, url], ...]}, ...]}

Every user signs in first (a real POST of the login form: the password hasher's full cost). The statistics are
reset once the last user has signed in, so locust's figures are the steady state of signed-in people browsing; the
sign-ins' own times (and when the steady state began and ended) are written apart, to DONDOC_LOCUST_PLAN's name
with ".signin.json" added.

Run by hand: DONDOC_LOCUST_PLAN=plan.json locust -f scripts/locustfile_web.py --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["DONDOC_LOCUST_PLAN"]).read_text("utf-8"))
THINK = PLAN.get("think", [0.0, 0.2])
_standing = itertools.cycle(PLAN["standing"]["users"])
_agency = itertools.cycle(PLAN["agency"])
SIGN_INS: list[dict[str, Any]] = []  # each sign-in: seconds taken, whether it worked
STEADY: dict[str, float] = {}  # when the steady state began and ended (epoch seconds)


class _Person(HttpUser):
    abstract = True
    wait_time = between(THINK[0], THINK[1])
    pages: list[list[Any]] = []

    def sign_in(self, username: str) -> None:
        login = PLAN["login"]
        started = time.perf_counter()
        self.client.get(login, name="sign-in page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(login, {"username": username, "password": PLAN["password"],
                                      "csrfmiddlewaretoken": token},
                              headers={"Referer": f"{self.host}{login}"}, allow_redirects=False,
                              name="sign in", catch_response=True) as response:
            ok = response.status_code == 302
            if not ok:
                response.failure(f"sign-in of {username} answered {response.status_code}")
        SIGN_INS.append({"seconds": time.perf_counter() - started, "ok": ok})
        runner = self.environment.runner
        if runner is not None and len(SIGN_INS) == runner.target_user_count:
            runner.stats.reset_all()  # everyone is in: from here on, the steady state
            STEADY["from"] = time.time()

    @task
    def visit(self) -> None:
        weights = [p[0] for p in self.pages]
        _weight, name, url = random.choices(self.pages, weights=weights)[0]
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
            elif response.url and PLAN["login"] in response.url:
                response.failure(f"{url} sent back to the sign-in page")


class StandingOfficer(_Person):
    """The standing agency (Sở Nội vụ): the whole province's boards, dashboard, plan, aggregate report, API."""

    weight = 1  # a province has a handful of standing officers for hundreds of agency officers

    def on_start(self) -> None:
        self.pages = PLAN["standing"]["pages"]
        self.sign_in(next(_standing))


class AgencyOfficer(_Person):
    """An agency's focal officer or leader: its work queue, dashboard, report draft, plan, its tasks in the API."""

    weight = 9

    def on_start(self) -> None:
        account = next(_agency)
        self.pages = account["pages"]
        self.sign_in(account["username"])


@events.test_stop.add_listener
def _steady_end(environment: Any, **_kwargs: Any) -> None:
    STEADY.setdefault("to", time.time())


@events.quitting.add_listener
def _write_sign_ins(environment: Any, **_kwargs: Any) -> None:
    Path(os.environ["DONDOC_LOCUST_PLAN"] + ".signin.json").write_text(
        json.dumps({"sign_ins": SIGN_INS, "steady": STEADY}), "utf-8")
