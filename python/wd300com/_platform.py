"""The file name of the shared library on this platform (also read by wd300com_build.py,
which loads this file alone)."""

import sys

LIBRARY_FILE: str
if sys.platform == "win32":
    LIBRARY_FILE = "wd300com.dll"
elif sys.platform == "darwin":
    LIBRARY_FILE = "libwd300com.dylib"
else:
    LIBRARY_FILE = "libwd300com.so"
