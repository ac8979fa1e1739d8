"""Malloc arenas are capped for long runs, and the call is harmless to repeat."""
import subprocess
import sys


def test_malloc_arenas_are_capped_in_a_fresh_process():
    code = ("from stream.memory import limit_malloc_arenas; import sys; "
            "sys.exit(0 if limit_malloc_arenas() and limit_malloc_arenas(2) else 3)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
