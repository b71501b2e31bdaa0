"""The flat C functions under their French and English names (wd300com.EmailCree, ...).
Their types are in _flat_api.pyi, generated from the header with the bindings."""

from ._core import flat as _flat

globals().update(_flat)

__all__ = sorted(_flat)
