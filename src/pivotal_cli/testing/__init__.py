"""Testing against the Pivotal sandbox: the pytest plugin and what its fixture gives.

`pivotal_cli.testing.plugin` is registered as a pytest plugin by the package's entry
point, so installing `pivotal` is enough to get the `pivotal_sandbox` fixture.
"""
