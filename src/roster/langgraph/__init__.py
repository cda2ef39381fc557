"""LangGraph integration: export graph schemas, sync assistants to a LangGraph server.

Nothing here imports langgraph at import time: graphs are imported in a child process
(``export``) and servers are reached over plain HTTP with the standard library
(``client``), so ``roster sync`` needs no extra package.
"""
