"""Malloc arenas are capped for long runs, and the call is harmless to repeat."""
import subprocess
import sys


def test_malloc_arenas_are_capped_in_a_fresh_process():
    code = ("from stream.memory import limit_malloc_arenas; import sys; "
            "sys.exit(0 if limit_malloc_arenas() and limit_malloc_arenas(2) else 3)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def test_start_up_objects_are_frozen_out_of_collections_and_later_garbage_is_still_collected():
    code = ("import gc, sys\n"
            "from stream.memory import freeze_startup_objects\n"
            "catalog = [{'sku': i} for i in range(10000)]\n"
            "frozen = freeze_startup_objects()\n"
            "a = []; b = [a]; a.append(b); del a, b\n"  # a reference cycle made during the show
            "sys.exit(0 if frozen >= 10000 and gc.collect() >= 2 else 3)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
