"""Build hook: copies the built library into the package when one is available.

Source of the library, first found: the path in WD300COM_LIBRARY, then
../target/release/libwd300com.so (relative to this file). When neither exists the
package is installed without it and the loader searches at import time (see
wd300com/_lib.py).
"""

import os
import runpy
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY_FILE = runpy.run_path(os.path.join(HERE, "wd300com", "_platform.py"))["LIBRARY_FILE"]


def built_library():
    env = os.environ.get("WD300COM_LIBRARY")
    if env:
        if not os.path.isfile(env):
            raise SystemExit("WD300COM_LIBRARY=%s: no such file" % env)
        return env
    path = os.path.join(os.path.dirname(HERE), "target", "release", LIBRARY_FILE)
    return path if os.path.isfile(path) else None


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = built_library()
        if lib:
            dest = os.path.join(self.build_lib, "wd300com", LIBRARY_FILE)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(lib, dest)
            print("wd300com: bundled %s" % lib)
        else:
            print("wd300com: no built library found; it will be searched for at import time")


setup(cmdclass={"build_py": BuildPyWithLibrary})
