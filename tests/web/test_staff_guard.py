"""The console's login is declared once, on its router: no staff route can forget it."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hubflow.web.routes.staff import auth, downloads, hubs, legislators, queue, work


def test_every_staff_page_and_action_needs_a_login(client: TestClient) -> None:
    routes = [
        (method, route.path)
        for part in (queue, hubs, work, legislators, downloads)
        for route in part.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    ]
    assert len(routes) > 10
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "1", path).replace("{kind}", "hubs")
        response = client.request(method, url, follow_redirects=False)
        if method == "GET":
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/staff/login?next=")
        else:
            assert response.status_code == 401, (method, path, response.status_code)
    # Logging in is open to all.
    open_routes = {r.path for r in auth.router.routes if isinstance(r, APIRoute)}
    assert open_routes == {"/staff/login", "/staff/logout"}
    assert client.get("/staff/login").status_code == 200
