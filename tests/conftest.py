"""The folder of the test suites' shared helpers: pytest's prepend import mode puts this
conftest's folder on sys.path, so any test folder can import `child_process` and the like."""
