"""Masking of personal data: the one place where the rules live.

A masked NIK keeps the 4-digit kab/kota prefix (public knowledge: where the KTP was issued) and the last two
digits (enough for a person to recognise their own row), e.g. ``3571**********02``. Phone numbers keep the first
four and the last two digits: ``0812******90``.
"""

from __future__ import annotations


def mask_nik(nik: str | None) -> str:
    """Mask a NIK for anything that leaves the office or reaches a log line."""
    if not nik:
        return ""
    s = str(nik)
    if len(s) <= 6:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 6) + s[-2:]


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: first four and last two digits stay."""
    if not phone:
        return ""
    s = str(phone)
    if len(s) <= 6:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 6) + s[-2:]
