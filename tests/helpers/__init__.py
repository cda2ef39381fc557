"""Shared test helpers, one module per concern; everything drives the real tools, nothing is mocked.

- ``paths``: where the project, its schemas and the example projects are.
- ``identity``: the one git identity and the one clock every test commit uses.
- ``files``: projects on disk (folders of real YAML files).
- ``content``: assistant and schema texts the tests share.
- ``gitcmd``: repositories driven by the ``git`` command (functions, and ``GitRepo``).
- ``pygit``: commits written straight into the object database with pygit2.
- ``stories``: ready-made histories (``Story``, ``three_versions``...).
- ``cli``: ``roster`` through click's runner or as a subprocess.
- ``servers``: local servers on 127.0.0.1.
- ``tools``: external tools some tests need (Chromium, actionlint).
- ``action``: the composite action's steps run as a GitHub runner does.
"""
