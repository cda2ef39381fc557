"""Custom auth for Roster's LangGraph tests: every request needs ``Authorization: Bearer <token>``.

The token is written next to this file (``token.txt``) by the test fixture, so no test
secret lives in the repository; the server answers 401 "Authorization header missing"
without the header, as the official custom-auth template does.
"""
from __future__ import annotations

import hmac
from pathlib import Path

from langgraph_sdk import Auth

TOKEN = (Path(__file__).parent / "token.txt").read_text().strip()

auth = Auth()


@auth.authenticate
async def authenticate(authorization: str | None) -> Auth.types.MinimalUserDict:
    if not authorization:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Authorization header missing")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), TOKEN):
        raise Auth.exceptions.HTTPException(status_code=401, detail="Invalid token")
    return {"identity": "roster-tests", "is_authenticated": True}
